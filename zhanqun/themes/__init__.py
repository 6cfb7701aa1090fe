"""Themes: each site's pages are rendered with its own theme's templates, static files and settings.

- :mod:`registry` finds the themes (built-in folders beside this module and
  ``ZHANQUN_THEMES_PATH``) once at start-up and reports broken ones;
- :mod:`loader` looks templates up as ``@<theme>/<template>`` along the theme's parents;
- :mod:`rendering` decides the theme of the current page (accessibility mode, signed
  preview, the site's own) and gives templates their helpers;
- :mod:`public` serves fingerprinted static files and QR codes;
- :mod:`console` is the site admin's theme page.

See docs/themes.md for how to write a theme.
"""
from __future__ import annotations

import os

from flask import Flask
from flask_babel import lazy_gettext as _l
from jinja2 import ChoiceLoader

from zhanqun.themes.registry import load_registry
from zhanqun.themes.rendering import page_theme, render_site_page  # noqa: F401 - the API features use


def init_app(app: Flask) -> None:
    """Read the themes, put their loader in front of the app's templates, register the pages."""
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.console.navigation import site_menu_item
    from zhanqun.themes import public, rendering
    from zhanqun.themes.console import views as console_views
    from zhanqun.themes.loader import ThemeLoader
    from zhanqun.themes.uploads import register_media_check

    # Read here rather than in platform/config.py so the themes feature stays in one folder.
    app.config.setdefault("ZHANQUN_THEMES_PATH", os.environ.get("ZHANQUN_THEMES_PATH", ""))
    registry = load_registry(app.config["ZHANQUN_THEMES_PATH"])
    app.extensions["zhanqun_themes"] = registry
    app.jinja_loader = ChoiceLoader([ThemeLoader(registry), app.jinja_loader])
    app.register_blueprint(public.bp)
    app.register_blueprint(console_views.bp)
    app.url_defaults(rendering.keep_page_mode)
    app.after_request(_private_preview)
    # Globals rather than a context processor: they are the same functions on every page.
    app.jinja_env.globals.update(rendering.template_helpers())
    register_media_check()
    site_menu_item("theme_settings.edit", _l("Theme"), Role.SITE_ADMIN, order=80)


def _private_preview(response):
    """A preview is for the site admin who asked: never stored by a cache, never indexed."""
    from flask import g

    current = g._get_current_object().get("_zhanqun_page_theme")
    if current is not None and current.preview:
        response.headers["Cache-Control"] = "private, no-store"
        response.headers["X-Robots-Tag"] = "noindex"
    return response
