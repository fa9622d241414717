"""Calendar data: French public holidays and school holidays, from well-kept packages."""
