"""Which theme renders the current public page, and the helpers its templates use.

Three things decide the theme of a page, in this order:

1. the visitor's accessibility mode (``?a11y=1``): the ``accessible`` theme;
2. a signed preview link made in the console (``?preview_theme=x&preview_token=...``),
   valid for one site and one theme for an hour; public hosts have no session, so the
   signature is the proof that a site admin asked for it;
3. the site's own theme, or its nearest usable parent if it is broken.

The accessibility mode and a preview are remembered without a cookie: their query
parameters are added to every ``url_for`` link of the page (see :func:`keep_page_mode`)
and to the paths passed through :func:`page_url`. A page cache keyed by path and query
therefore never mixes them up with the ordinary page.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import urlencode

from flask import current_app, g, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from zhanqun.themes.registry import ACCESSIBLE_THEME, Theme
from zhanqun.themes.settings import effective_settings, shade

A11Y_PARAM = "a11y"
PREVIEW_PARAMS = ("preview_theme", "preview_token")
PREVIEW_SECONDS = 3600
# The portal's department catalogue (部门信息公开目录), which the portal theme links to.
CATALOGUE_PATH = "/catalogue/"
# Endpoints whose URLs must not vary with the page's mode (shared, long-cached files).
MODELESS_ENDPOINTS = frozenset({"themes.static_file", "themes.qr_code"})


@dataclasses.dataclass(frozen=True)
class PageTheme:
    """The theme of the current page, the values of its settings, and why it was chosen."""

    theme: Theme
    settings: dict
    a11y: bool = False
    preview: bool = False

    @property
    def name(self) -> str:
        return self.theme.name


def registry():
    """The current app's :class:`~zhanqun.themes.registry.ThemeRegistry`."""
    return current_app.extensions["zhanqun_themes"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="zhanqun.theme-preview")


def preview_token(site_id: int, theme: str) -> str:
    """A token that lets anyone holding it see ``site_id`` in ``theme`` for an hour."""
    return _serializer().dumps({"site": site_id, "theme": theme})


def _previewed_theme(site) -> str | None:
    name, token = (request.args.get(p) for p in PREVIEW_PARAMS)
    if not name or not token:
        return None
    try:
        data = _serializer().loads(token, max_age=PREVIEW_SECONDS)
    except BadSignature:
        return None
    if data.get("site") != site.id or data.get("theme") != name or registry().get(name) is None:
        return None
    return name


def page_theme() -> PageTheme:
    """The :class:`PageTheme` of the current request on a site host (computed once)."""
    cached = g.get("_zhanqun_page_theme")
    if cached is not None:
        return cached
    site = g.site
    themes = registry()
    a11y = request.args.get(A11Y_PARAM) == "1" and themes.get(ACCESSIBLE_THEME) is not None
    preview = None if a11y else _previewed_theme(site)
    if a11y:
        theme = themes.get(ACCESSIBLE_THEME)
    elif preview:
        theme = themes.get(preview)
    else:
        theme = themes.effective(site.theme, site.kind)
    result = PageTheme(theme, effective_settings(theme, site.theme_settings), a11y=a11y, preview=bool(preview))
    g._zhanqun_page_theme = result
    return result


def render_site_page(template: str, **context) -> str:
    """Render ``template`` in the current site's theme (with fallback along its parents).

    Templates receive ``site`` (whose ``theme`` is the theme actually used, so
    ``{% extends "@" ~ site.theme ~ "/layout.html" %}`` picks the right layout) and
    ``theme`` (a :class:`PageTheme`: ``theme.settings.primary_colour`` and so on).
    """
    current = page_theme()
    site = dataclasses.replace(g.site, theme=current.name)
    return render_template(f"@{current.name}/{template}", site=site, theme=current, **context)


def sticky_params() -> dict[str, str]:
    """The query parameters that keep the page's mode on the next page (computed once per
    request: every link of a list asks)."""
    params = g.get("_zhanqun_sticky")
    if params is None:
        params = g._zhanqun_sticky = _sticky_params()
    return params


def _sticky_params() -> dict[str, str]:
    if g.get("site") is None or not _on_site_host():
        return {}
    current = page_theme()
    if current.a11y:
        return {A11Y_PARAM: "1"}
    if current.preview:
        return {p: request.args[p] for p in PREVIEW_PARAMS}
    return {}


def forget_page_mode() -> None:
    """Drop what :func:`page_theme` and :func:`sticky_params` kept for this request (the
    console's preview renders a site page inside a console request, sharing ``g``)."""
    g.pop("_zhanqun_page_theme", None)
    g.pop("_zhanqun_sticky", None)


def _on_site_host() -> bool:
    from zhanqun.tenants.resolver import HostKind

    return g.get("host_kind") == HostKind.SITE


def keep_page_mode(endpoint: str, values: dict) -> None:
    """``url_defaults`` hook: links made with ``url_for`` keep the accessibility mode or preview."""
    if endpoint in MODELESS_ENDPOINTS:
        return
    for key, value in sticky_params().items():
        values.setdefault(key, value)


def page_url(path: str) -> str:
    """A site-relative ``path`` with the page's mode kept (for links not made by ``url_for``)."""
    return page_urls([path])[0]


def page_urls(paths: Iterable[str]) -> list[str]:
    """:func:`page_url` of each path, looking the page's mode up once (for lists of links)."""
    params = sticky_params()
    if not params:
        return list(paths)
    query = urlencode(params)
    return [path + ("&" if "?" in path else "?") + query for path in paths]


def page_mode_fields() -> Markup:
    """Hidden inputs that keep the page's mode through a GET form (filters, search)."""
    return Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(key, value) for key, value in sticky_params().items()
    )


def a11y_toggle_url() -> str:
    """The current page with the accessibility mode switched on or off."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != A11Y_PARAM and k not in PREVIEW_PARAMS]
    if not page_theme().a11y:
        args.append((A11Y_PARAM, "1"))
    return request.path + ("?" + urlencode(args) if args else "")


def own_address() -> str:
    """The current page's path and query without the mode parameters: what the QR code encodes."""
    args = [(k, v) for k, v in request.args.items(multi=True) if k != A11Y_PARAM and k not in PREVIEW_PARAMS]
    return request.path + ("?" + urlencode(args) if args else "")


def theme_static(path: str) -> str:
    """The fingerprinted URL of a static file of the current page's theme (or its parents)."""
    current = page_theme()
    return _fixed_url("themes.static_file", theme=current.name, fingerprint=current.theme.fingerprint, filename=path)


def qr_url() -> str:
    """The URL of the QR code image of the current page's own address."""
    return _fixed_url("themes.qr_code") + "?" + urlencode({"u": own_address()})


def _fixed_url(endpoint: str, **values: str) -> str:
    """``url_for`` of a modeless endpoint, built once per script root: every page links the
    same static files and QR code address, and building through the URL map costs a Jinja
    page more than any of its other helpers."""
    key = (request.script_root, endpoint, *values.items())
    known = _FIXED_URLS.get(key)
    if known is None:
        known = _FIXED_URLS[key] = url_for(endpoint, **values)
    return known


# Bounded by the themes' files: a new fingerprint comes only with a deploy or a theme change.
_FIXED_URLS: dict[tuple, str] = {}


def site_context() -> dict:
    """Template helpers available on every page (only meaningful on site hosts)."""
    from zhanqun.themes.navigation import department_sites, site_navigation

    return {"theme_static": theme_static, "page_url": page_url, "page_mode_fields": page_mode_fields, "qr_url": qr_url, "a11y_toggle_url": a11y_toggle_url,
            "site_navigation": site_navigation, "department_sites": department_sites, "CATALOGUE_PATH": CATALOGUE_PATH, "shade": shade}
