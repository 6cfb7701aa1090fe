"""The page cache as WSGI middleware: a hit never reaches routing, the ORM or templates.

For an anonymous GET or HEAD on an active site host the middleware

1. computes the key (:mod:`keys`) and the site's version (:mod:`versions`);
2. answers from the store when it holds the page: ``304 Not Modified`` when the visitor's
   ``If-None-Match``/``If-Modified-Since`` still match, else the stored response;
3. otherwise runs the app and, for a response that may be shared (status 200, no
   ``Set-Cookie``, no ``Cache-Control: private/no-store/no-cache``, no ``Vary: Cookie``, a
   known length, not a file sent from disk), adds ``ETag`` (hash of the body),
   ``Last-Modified``, ``Cache-Control: public, max-age=…`` and ``Vary: Accept-Language``,
   stores it, and answers 200 or 304.

Never cached: the console host, unknown hosts, suspended and archived sites, ``/healthz``,
requests with credentials (``Authorization``, the console session cookie) or ``Range``,
and any site whose data this very session changed but has not committed yet.

JSON under ``/api/`` on a site host is cached by the same rules: an anonymous GET there is
as public as a page, and a response that depends on who asks must say ``private`` (or set
a cookie, or vary on it), which every authenticated response does.
"""
from __future__ import annotations

import hashlib
import logging
import time
from email.utils import formatdate

from flask import current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_date, parse_etags
from werkzeug.wsgi import FileWrapper

from zhanqun.platform.extensions import db
from zhanqun.platform.pagecache.keys import page_key
from zhanqun.platform.pagecache.store import Entry
from zhanqun.platform.pagecache.versions import pending_sites, version_time
from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.resolver import normalise_host

log = logging.getLogger(__name__)
NEVER_PATHS = frozenset({"/healthz"})
# Response headers that a stored page must not have.
_PRIVATE_DIRECTIVES = ("private", "no-store", "no-cache")
# Headers of a 304 answer (RFC 9110 15.4.5): the validators and the caching headers.
_NOT_MODIFIED_HEADERS = frozenset({"etag", "last-modified", "cache-control", "vary", "expires", "content-location"})


def http_date(moment: float) -> str:
    return formatdate(moment, usegmt=True)


class PageCacheMiddleware:
    """Wraps the app's WSGI callable; see the module docstring for the rules."""

    def __init__(self, app, wsgi_app, store, versions, freshness, settings: dict):
        self.app = app
        self.wsgi_app = wsgi_app
        self.store = store
        self.versions = versions
        self.freshness = freshness
        self.ttl = settings["ttl"]
        self.public_max_age = settings["public_max_age"]
        self.max_entry_bytes = settings["max_entry_bytes"]
        self.code_time = settings["code_time"]
        self.session_cookie = app.config["SESSION_COOKIE_NAME"] + "="
        self.console_host = "console." + app.config["ZHANQUN_DOMAIN"]

    # The request -------------------------------------------------------------------------

    def __call__(self, environ, start_response):
        try:
            target = self._lookup(environ)
        except SQLAlchemyError:
            # The database is unreachable: let the app answer with its own error page.
            log.warning("page cache: site lookup failed; passing the request on", exc_info=True)
            target = None
        if target is None:
            return self.wsgi_app(environ, start_response)
        site_id, version, rest = target
        key = (site_id, version, rest)
        entry = self.store.get(key)
        if entry is not None:
            return self._answer(environ, start_response, entry, hit=True)
        if environ["REQUEST_METHOD"] == "HEAD":
            return self.wsgi_app(environ, start_response)
        return self._render(environ, start_response, key)

    def _lookup(self, environ):
        """``(site id, version, key)`` for a request the cache may answer, else ``None``."""
        if environ["REQUEST_METHOD"] not in ("GET", "HEAD"):
            return None
        if environ.get("PATH_INFO", "") in NEVER_PATHS or "HTTP_AUTHORIZATION" in environ or "HTTP_RANGE" in environ:
            return None
        if self.session_cookie in environ.get("HTTP_COOKIE", ""):
            return None
        raw_host = environ.get("HTTP_HOST") or environ.get("SERVER_NAME", "")
        host = normalise_host(raw_host)
        if host == self.console_host:
            return None
        if has_app_context() and current_app._get_current_object() is self.app:
            # Called inside an app context that may hold uncommitted changes (tests, the CLI's
            # test client): a site changed there is not served from, or stored in, the cache.
            return self._site_target(environ, raw_host, host, pending_sites(db.session))
        with self.app.app_context():
            return self._site_target(environ, raw_host, host, ())

    def _site_target(self, environ, raw_host: str, host: str, pending):
        site = self.app.extensions["zhanqun_hostmap"].site_for_host(host)
        if site is None or site.status != TenantStatus.ACTIVE:
            return None
        if site.id in pending or 0 in pending:
            return None
        version = self.versions.get(site.id)
        return site.id, version, page_key(environ, raw_host.strip().lower().rstrip("."), site.default_locale)

    # A miss ------------------------------------------------------------------------------

    def _render(self, environ, start_response, key):
        captured: dict = {}
        written: list[bytes] = []

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"], captured["exc_info"] = status, headers, exc_info
            return written.append

        app_iter = self.wsgi_app(environ, capture)
        status, headers = captured["status"], captured["headers"]
        if not self._shareable(environ, status, headers, app_iter):
            start_response(status, headers, captured["exc_info"])
            return _prepend(written, app_iter)
        try:
            body = b"".join(written) + b"".join(app_iter)
        finally:
            if hasattr(app_iter, "close"):
                app_iter.close()
        try:
            entry = self._entry(key, status, headers, body)
        except SQLAlchemyError:
            log.warning("page cache: freshness lookup failed; page served unstored", exc_info=True)
            start_response(status, headers)
            return [body]
        self.store.set(key, entry)
        return self._answer(environ, start_response, entry, hit=False)

    def _shareable(self, environ, status: str, headers: list, app_iter) -> bool:
        if not status.startswith("200"):
            return False
        wrapper = environ.get("wsgi.file_wrapper")
        if isinstance(app_iter, FileWrapper) or (isinstance(wrapper, type) and isinstance(app_iter, wrapper)):
            return False  # a file from disk: served by the OS, cached by browsers and proxies
        length = None
        for name, value in headers:
            lower = name.lower()
            if lower == "set-cookie":
                return False
            if lower == "cache-control" and any(d in value.lower() for d in _PRIVATE_DIRECTIVES):
                return False
            if lower == "vary" and ("cookie" in value.lower() or "*" in value):
                return False
            if lower == "content-length":
                length = int(value)
        return length is not None and length <= self.max_entry_bytes

    def _entry(self, key, status: str, headers: list, body: bytes) -> Entry:
        site_id, version, _ = key
        now = time.time()
        fresh = self.freshness.get(site_id, version, now)
        expires = now + self.ttl
        if fresh.next_scheduled is not None:
            expires = min(expires, fresh.next_scheduled)
        names = {name.lower() for name, _ in headers}
        extra = []
        etag = next((v for n, v in headers if n.lower() == "etag"), None)
        if etag is None:
            etag = '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'
            extra.append(("ETag", etag))
        modified = next((parse_date(v) for n, v in headers if n.lower() == "last-modified"), None)
        if modified is not None:
            last_modified = modified.timestamp()
        else:
            last_modified = int(max(version_time(version[0]), version_time(version[1]), fresh.last_published, self.code_time))
            extra.append(("Last-Modified", http_date(last_modified)))
        ours = "cache-control" not in names
        if "vary" in names:
            headers = [(n, v + ", Accept-Language" if n.lower() == "vary" and "accept-language" not in v.lower() else v)
                       for n, v in headers]
        else:
            extra.append(("Vary", "Accept-Language"))
        return Entry(status, tuple(headers) + tuple(extra), body, etag, last_modified, expires, ours)

    # The answer --------------------------------------------------------------------------

    def _answer(self, environ, start_response, entry: Entry, hit: bool):
        headers = list(entry.headers)
        if entry.cache_control_ours:
            max_age = max(0, min(self.public_max_age, int(entry.expires_at - time.time())))
            headers.append(("Cache-Control", f"public, max-age={max_age}"))
        headers.append(("X-Page-Cache", "hit" if hit else "miss"))
        if _not_modified(environ, entry):
            start_response("304 Not Modified", [(n, v) for n, v in headers if n.lower() in _NOT_MODIFIED_HEADERS])
            return []
        start_response(entry.status, headers)
        return [] if environ["REQUEST_METHOD"] == "HEAD" else [entry.body]


def _not_modified(environ, entry: Entry) -> bool:
    """True when the visitor's copy is current (If-None-Match wins over If-Modified-Since)."""
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        etags = parse_etags(if_none_match)
        tag = entry.etag.removeprefix("W/").strip('"')
        return etags.star_tag or etags.contains_weak(tag)
    since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if since:
        moment = parse_date(since)
        return moment is not None and int(entry.last_modified) <= moment.timestamp()
    return False


def _prepend(written: list[bytes], app_iter):
    """The response body with anything the app wrote through ``write()`` first."""
    if not written:
        return app_iter
    from itertools import chain

    return _Closing(chain(written, app_iter), app_iter)


class _Closing:
    """An iterable that closes the app's iterable when the server is done (WSGI's contract)."""

    def __init__(self, iterable, original):
        self._iterable, self._original = iterable, original

    def __iter__(self):
        return iter(self._iterable)

    def close(self):
        if hasattr(self._original, "close"):
            self._original.close()
