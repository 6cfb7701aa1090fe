"""The console page where a site admin chooses the site's theme and fills its settings."""
