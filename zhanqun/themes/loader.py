"""The Jinja loader for theme templates.

Template names are ``@<theme>/<template>``, so Jinja's template cache is keyed by theme and
a page of one site can never be rendered with another theme's templates. A theme's
template is looked up in its own folder, then its parents', ending at its root theme.
"""
from __future__ import annotations

import os

from jinja2 import BaseLoader, FileSystemLoader, TemplateNotFound


class ThemeLoader(BaseLoader):
    """Loads ``@theme/name.html`` along the theme's chain of folders."""

    def __init__(self, registry):
        self._registry = registry
        self._loaders: dict[str, FileSystemLoader] = {}

    def _loader(self, folder: str) -> FileSystemLoader:
        if folder not in self._loaders:
            self._loaders[folder] = FileSystemLoader(os.path.join(folder, "templates"))
        return self._loaders[folder]

    def get_source(self, environment, template):
        if not template.startswith("@") or "/" not in template:
            raise TemplateNotFound(template)
        theme, name = template[1:].split("/", 1)
        for folder in self._registry.chain_for(theme):
            try:
                return self._loader(folder).get_source(environment, name)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)

    def list_templates(self):
        return sorted({
            f"@{theme.name}/{name}"
            for theme in self._registry.themes.values()
            for folder in theme.chain
            for name in self._loader(folder).list_templates()
        })
