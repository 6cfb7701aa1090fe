"""Columns (栏目): each site's navigation tree."""
