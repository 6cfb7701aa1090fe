"""The public page cache, conditional requests and per-site caches (issue 7).

- :mod:`middleware` answers anonymous GETs on site hosts from the store, before routing;
- :mod:`versions` keeps a content version per site, bumped by the ORM on every change;
- :mod:`freshness` makes scheduled publications expire stored pages on time;
- :mod:`store` keeps pages in this process (bounded LRU) or in Redis;
- :mod:`sitecache` lets features cache per-site data (column tree, navigation) per version.

Settings (environment variables, or keys passed to ``create_app``):

``ZHANQUN_PAGECACHE``              ``on`` (default) or ``off`` (validators and 304s still work)
``ZHANQUN_PAGECACHE_SECONDS``      longest time a page is kept (default 60)
``ZHANQUN_PAGECACHE_MAX_ENTRIES``  pages kept in memory per process (default 5000)
``ZHANQUN_PAGECACHE_MAX_MB``       body bytes kept in memory per process (default 32)
``ZHANQUN_PUBLIC_MAX_AGE``         ``Cache-Control: public, max-age`` for browsers and proxies (default 60)
``ZHANQUN_SITE_VERSION_SECONDS``   how often a process re-reads the site versions (default 1)
``ZHANQUN_REDIS_URL``              share the pages between workers through Redis
"""
from __future__ import annotations

import hashlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from zhanqun.platform.pagecache import versions as _versions  # noqa: F401 - registers the ORM listeners

DEFAULTS = {
    "ZHANQUN_PAGECACHE": "on",
    "ZHANQUN_PAGECACHE_SECONDS": 60,
    "ZHANQUN_PAGECACHE_MAX_ENTRIES": 5000,
    "ZHANQUN_PAGECACHE_MAX_MB": 32,
    "ZHANQUN_PUBLIC_MAX_AGE": 60,
    "ZHANQUN_SITE_VERSION_SECONDS": 1,
}
# A single page larger than this is served but not kept.
MAX_ENTRY_BYTES = 1024 * 1024


def init_app(app: Flask) -> None:
    """Install the middleware inside ProxyFix (so it sees the forwarded host) and the stores."""
    from zhanqun.platform.extensions import db
    from zhanqun.platform.pagecache.freshness import FreshnessCache
    from zhanqun.platform.pagecache.middleware import PageCacheMiddleware
    from zhanqun.platform.pagecache.sitecache import forget_site
    from zhanqun.platform.pagecache.versions import SiteVersions

    for name, default in DEFAULTS.items():
        app.config.setdefault(name, os.environ.get(name) or default)
    enabled = str(app.config["ZHANQUN_PAGECACHE"]).lower() not in ("off", "0", "false", "no")
    code_time = _code_time(app)
    store = _make_store(app, enabled, code_time)

    def site_changed(site_id: int) -> None:
        store.forget_site(site_id)
        forget_site(app, site_id)

    def engine():
        # The middleware runs before Flask pushes any context (and tests run inside one).
        with app.app_context():
            return db.engine

    versions = SiteVersions(
        engine, refresh_seconds=float(app.config["ZHANQUN_SITE_VERSION_SECONDS"]),
        on_site_change=site_changed, on_tenants_change=lambda: app.extensions["zhanqun_hostmap"].invalidate(),
    )
    app.extensions["zhanqun_site_versions"] = versions
    app.extensions["zhanqun_pagecache"] = store
    middleware_settings = {
        "ttl": float(app.config["ZHANQUN_PAGECACHE_SECONDS"]),
        "public_max_age": int(app.config["ZHANQUN_PUBLIC_MAX_AGE"]),
        "max_entry_bytes": MAX_ENTRY_BYTES,
        "code_time": code_time,
    }
    freshness = FreshnessCache(engine, db.Model.registry)
    outer = app.wsgi_app
    if isinstance(outer, ProxyFix):
        outer.app = PageCacheMiddleware(app, outer.app, store, versions, freshness, middleware_settings)
    else:
        app.wsgi_app = PageCacheMiddleware(app, outer, store, versions, freshness, middleware_settings)


def _make_store(app: Flask, enabled: bool, code_time: float):
    from zhanqun.platform.pagecache.store import MemoryStore, NullStore, RedisStore

    if not enabled:
        return NullStore()
    url = app.config.get("ZHANQUN_REDIS_URL")
    if url:
        import redis

        # The namespace changes with the code and themes, so a deploy never serves old pages.
        namespace = hashlib.blake2b(f"{code_time}".encode(), digest_size=6).hexdigest()
        return RedisStore(redis.Redis.from_url(url, socket_timeout=1), namespace)
    return MemoryStore(int(app.config["ZHANQUN_PAGECACHE_MAX_ENTRIES"]), int(float(app.config["ZHANQUN_PAGECACHE_MAX_MB"]) * 1024 * 1024))


def _code_time(app: Flask) -> float:
    """The newest modification time of the code and the theme folders: pages never claim to be
    older than the templates that rendered them (``Last-Modified``), and Redis keys change on deploy."""
    from zhanqun.themes.registry import theme_folders

    package = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    newest = 0.0
    extra = [f for f in theme_folders(app.config.get("ZHANQUN_THEMES_PATH")) if not f.startswith(package + os.sep)]
    for root in [package, *extra]:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for name in files:
                try:
                    newest = max(newest, os.stat(os.path.join(folder, name)).st_mtime)
                except OSError:
                    continue
    return int(newest)
