"""The cache key of a request, computed from the WSGI environ without the app.

A page is identified by scheme, host (as the visitor typed it, lower-cased, without a
trailing dot), path, the query string with its parameters sorted, and the locale the page
will be rendered in. The accessibility mode (``?a11y=1``) and a theme preview are query
parameters, so they are part of the key already; previews are never stored anyway
(``Cache-Control: private``). The locale is negotiated the way
:func:`zhanqun.platform.i18n.select_locale` does it on a site host: ``?lang=``, then
Accept-Language, then the site's default.
"""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from zhanqun.platform.i18n import accepted_locale, from_language_tag


def page_locale(environ: dict, query: list[tuple[str, str]], default: str) -> str:
    """The locale a site page will be rendered in."""
    for name, value in query:
        if name == "lang":
            chosen = from_language_tag(value)
            if chosen:
                return chosen
            break
    header = environ.get("HTTP_ACCEPT_LANGUAGE")
    return (accepted_locale(header) if header else None) or default


def page_key(environ: dict, host: str, default_locale: str) -> str:
    """Everything but the site and version that tells one stored page from another."""
    raw_query = environ.get("QUERY_STRING", "")
    query = parse_qsl(raw_query, keep_blank_values=True) if raw_query else []
    locale = page_locale(environ, query, default_locale)
    normalised_query = urlencode(sorted(query)) if query else ""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    return f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}?{normalised_query}#{locale}"
