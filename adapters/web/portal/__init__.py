"""Pages of the portal as a whole: the family's and the agent's home."""
