"""Themes: each site's pages are rendered with its own theme's templates.

Template names are looked up as ``@<theme>/<template>``, so Jinja's template cache is keyed
by theme and a page of one site can never be rendered with another site's templates.
A theme falls back to its parent's templates, ending at ``base``.
"""
from __future__ import annotations

import os

from flask import Flask, g, render_template
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, TemplateNotFound

THEMES_DIR = os.path.dirname(os.path.abspath(__file__))
BASE_THEME = "base"


class ThemeLoader(BaseLoader):
    """Loads ``@theme/name.html`` from the theme's folder, then its parents'."""

    def __init__(self, chain_for):
        self._chain_for = chain_for

    def get_source(self, environment, template):
        if not template.startswith("@") or "/" not in template:
            raise TemplateNotFound(template)
        theme, name = template[1:].split("/", 1)
        for folder in self._chain_for(theme):
            loader = FileSystemLoader(os.path.join(folder, "templates"))
            try:
                return loader.get_source(environment, name)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)


def theme_chain(theme: str) -> list[str]:
    """The folders searched for ``theme``: itself, then ``base``."""
    folders = []
    if theme != BASE_THEME and os.path.isdir(os.path.join(THEMES_DIR, theme)):
        folders.append(os.path.join(THEMES_DIR, theme))
    folders.append(os.path.join(THEMES_DIR, BASE_THEME))
    return folders


def init_app(app: Flask) -> None:
    """Put the theme loader in front of the app's own templates."""
    app.jinja_loader = ChoiceLoader([ThemeLoader(theme_chain), app.jinja_loader])


def render_site_page(template: str, **context) -> str:
    """Render ``template`` with the current site's theme."""
    site = g.site
    return render_template(f"@{site.theme}/{template}", site=site, **context)
