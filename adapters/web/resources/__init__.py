"""The page resources, one module per part of the portal."""
