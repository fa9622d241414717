"""Pages of the planning context: the month grid, day actions, agents' pointage, closures, headcounts."""
