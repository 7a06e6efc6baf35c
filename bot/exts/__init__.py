"""One cog per feature."""
