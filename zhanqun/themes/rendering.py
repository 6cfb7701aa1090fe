"""Which theme renders the current public page, and the helpers its templates use.

Three things decide the theme of a page, in this order:

1. the visitor's accessibility mode (``?a11y=1``): the ``accessible`` theme;
2. a signed preview link made in the console (``?preview_theme=x&preview_token=...``),
   valid for one site and one theme for an hour; public hosts have no session, so the
   signature is the proof that a site admin asked for it;
3. the site's own theme, or its nearest usable parent if it is broken.

The accessibility mode and a preview are remembered without a cookie: their query
parameters are added to every ``url_for`` link of the page (see :func:`keep_page_mode`)
and to the paths passed through :func:`page_url` and the link helpers built on it. A page
cache keyed by path and query therefore never mixes them up with the ordinary page.

The helpers are called many times a page: they read the request's state through
``g._get_current_object()`` and ``request._get_current_object()`` (every attribute read
through a Flask proxy costs a context lookup, about 1.5 µs), and what follows from the site
snapshot alone (theme, settings' values) is kept per snapshot.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from urllib.parse import quote, urlencode

from flask import current_app, g, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeTimedSerializer
from markupsafe import Markup

from zhanqun.platform.columns.services import public_path
from zhanqun.tenants.resolver import HostKind
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
    """The theme of the current page, the values of its settings, and why it was chosen.

    One is made per site snapshot and mode, and shared by their requests: read it, never
    change its ``settings``.
    """

    theme: Theme
    settings: dict
    a11y: bool = False
    preview: bool = False

    @property
    def name(self) -> str:
        return self.theme.name


def registry():
    """The current app's :class:`~zhanqun.themes.registry.ThemeRegistry`."""
    return current_app._get_current_object().extensions["zhanqun_themes"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="zhanqun.theme-preview")


def preview_token(site_id: int, theme: str) -> str:
    """A token that lets anyone holding it see ``site_id`` in ``theme`` for an hour."""
    return _serializer().dumps({"site": site_id, "theme": theme})


def _previewed_theme(site, args) -> str | None:
    name, token = (args.get(p) for p in PREVIEW_PARAMS)
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
    app_g = g._get_current_object()
    cached = app_g.get("_zhanqun_page_theme")
    if cached is None:
        cached = app_g._zhanqun_page_theme = _page_theme(app_g.site, request._get_current_object().args)
    return cached


def _page_theme(site, args) -> PageTheme:
    """The page theme of ``site`` for a request with ``args`` (made once per snapshot and mode)."""
    themes = registry()
    a11y = args.get(A11Y_PARAM) == "1" and themes.get(ACCESSIBLE_THEME) is not None
    preview = None if a11y else _previewed_theme(site, args)
    memo = _site_memo(site)
    key = ("page theme", a11y, preview)
    found = memo.get(key)
    if found is None:
        if a11y:
            theme = themes.get(ACCESSIBLE_THEME)
        elif preview:
            theme = themes.get(preview)
        else:
            theme = themes.effective(site.theme, site.kind)
        found = memo[key] = PageTheme(theme, effective_settings(theme, site.theme_settings), a11y=a11y, preview=bool(preview))
    return found


def _site_memo(site) -> dict:
    """A dict kept with one :class:`~zhanqun.tenants.resolver.Site` snapshot, for what its pages
    derive from it alone (the theme, its settings' values). Snapshots are immutable and
    replaced when the tenant changes, so a new one starts empty."""
    entry = _SITE_MEMOS.get(id(site))
    if entry is None or entry[0] is not site:
        if len(_SITE_MEMOS) >= _MAX_SITE_MEMOS:
            _SITE_MEMOS.clear()  # replaced snapshots are kept alive only until here
        entry = _SITE_MEMOS[id(site)] = (site, {})
    return entry[1]


# id(site) → (site, memo); the snapshot itself is kept so that its id cannot be reused.
_SITE_MEMOS: dict[int, tuple[object, dict]] = {}
_MAX_SITE_MEMOS = 4096


def render_site_page(template: str, **context) -> str:
    """Render ``template`` in the current site's theme (with fallback along its parents).

    Templates receive ``site`` (whose ``theme`` is the theme actually used, so
    ``{% extends "@" ~ site.theme ~ "/layout.html" %}`` picks the right layout) and
    ``theme`` (a :class:`PageTheme`: ``theme.settings.primary_colour`` and so on).
    """
    current = page_theme()
    site = _site_in_theme(g._get_current_object().site, current.name)
    return render_template(f"@{current.name}/{template}", site=site, theme=current, **context)


def _site_in_theme(site, theme: str):
    """``site`` with ``theme`` as its theme (made once per snapshot and theme)."""
    memo = _site_memo(site)
    key = ("site in theme", theme)
    found = memo.get(key)
    if found is None:
        found = memo[key] = dataclasses.replace(site, theme=theme)
    return found


def sticky_params() -> dict[str, str]:
    """The query parameters that keep the page's mode on the next page (computed once per
    request: every link of a list asks)."""
    return _page_links()[0]


def page_query() -> str:
    """:func:`sticky_params` as a query string, ``""`` when the page has no mode to keep."""
    return _page_links()[1]


def _page_links() -> tuple[dict[str, str], str]:
    """:func:`sticky_params` and the same as a query string (``""`` for none)."""
    app_g = g._get_current_object()
    links = app_g.get("_zhanqun_sticky")
    if links is None:
        params = _sticky_params(app_g)
        links = app_g._zhanqun_sticky = (params, urlencode(params) if params else "")
    return links


def _sticky_params(app_g) -> dict[str, str]:
    """The mode parameters of a site page; other hosts' pages have none."""
    if app_g.get("site") is None or app_g.get("host_kind") != HostKind.SITE:
        return {}
    current = page_theme()
    if current.a11y:
        return {A11Y_PARAM: "1"}
    if current.preview:
        args = request._get_current_object().args
        return {p: args[p] for p in PREVIEW_PARAMS}
    return {}


def forget_page_mode() -> None:
    """Drop what :func:`page_theme` and :func:`sticky_params` kept for this request (the
    console's preview renders a site page inside a console request, sharing ``g``)."""
    g.pop("_zhanqun_page_theme", None)
    g.pop("_zhanqun_sticky", None)


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
    query = page_query()
    if not query:
        return list(paths)
    return [path + ("&" if "?" in path else "?") + query for path in paths]


def column_feed_url(node) -> str:
    """The link to a column's Atom feed (``node``: a column node), the same as
    ``url_for("feeds.column_feed", column_path=node.path)`` without the URL map (it cost a
    page about 15 µs a link)."""
    return _rule_url(public_path(quote(node.path, safe=_PATH_SAFE)) + "feed.xml")


def article_print_url(article) -> str:
    """The link to an article's print view, the same as
    ``url_for("public.article_print", article_id=article.id)`` without the URL map."""
    return _rule_url(f"/a/{int(article.id)}/print.html")


def _rule_url(path: str) -> str:
    """A path of a public URL rule as ``url_for`` writes it: below the script root, with
    the page's mode kept."""
    return page_url(request._get_current_object().script_root + path)


# The characters werkzeug's path converter leaves unquoted (BaseConverter.to_url).
_PATH_SAFE = "!$&'()*+,/:;=@"


def page_mode_fields() -> Markup:
    """Hidden inputs that keep the page's mode through a GET form (filters, search)."""
    return Markup("").join(
        Markup('<input type="hidden" name="{}" value="{}">').format(key, value) for key, value in sticky_params().items()
    )


def a11y_toggle_url() -> str:
    """The current page with the accessibility mode switched on or off."""
    current = request._get_current_object()
    args = _own_args(current)
    if not page_theme().a11y:
        args.append((A11Y_PARAM, "1"))
    return current.path + ("?" + urlencode(args) if args else "")


def own_address() -> str:
    """The current page's path and query without the mode parameters: what the QR code encodes."""
    current = request._get_current_object()
    args = _own_args(current)
    return current.path + ("?" + urlencode(args) if args else "")


def _own_args(current) -> list[tuple[str, str]]:
    """The request's query parameters without the mode ones."""
    return [(k, v) for k, v in current.args.items(multi=True) if k != A11Y_PARAM and k not in PREVIEW_PARAMS]


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
    key = (request._get_current_object().script_root, endpoint, *values.items())
    known = _FIXED_URLS.get(key)
    if known is None:
        known = _FIXED_URLS[key] = url_for(endpoint, **values)
    return known


# Bounded by the themes' files: a new fingerprint comes only with a deploy or a theme change.
_FIXED_URLS: dict[tuple, str] = {}


def template_helpers() -> dict:
    """Template helpers available on every page (only meaningful on site hosts): Jinja
    globals, since none of them depends on the request until it is called."""
    from zhanqun.themes.navigation import department_sites, site_navigation

    return {"theme_static": theme_static, "page_url": page_url, "page_mode_fields": page_mode_fields, "qr_url": qr_url,
            "a11y_toggle_url": a11y_toggle_url, "site_navigation": site_navigation, "department_sites": department_sites,
            "column_feed_url": column_feed_url, "article_print_url": article_print_url,
            "CATALOGUE_PATH": CATALOGUE_PATH, "shade": shade}
