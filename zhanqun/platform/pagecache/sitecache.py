"""Per-site data every page needs (column tree, navigation, theme settings), kept per version.

Other features call :func:`cached_for_site` instead of querying on every request::

    from zhanqun.platform.pagecache.sitecache import cached_for_site

    def navigation_columns(site_id):
        return cached_for_site(site_id, "navigation", _load_navigation)

The loader runs in the current request (tenant scoping applies as usual) the first time a
name is asked for a site, and again whenever that site's content version has changed (any
write to the site's rows or its tenant row bumps it, see :mod:`versions`). Other workers
notice a change within ``ZHANQUN_SITE_VERSION_SECONDS``.

What the loader returns is shared by every request and thread of the process: return
immutable plain data (tuples, frozen dataclasses, ``MappingProxyType``), not ORM objects,
which belong to one session and would fail or go stale once it closes.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app

from zhanqun.platform.extensions import db
from zhanqun.platform.pagecache.versions import pending_sites

T = TypeVar("T")
EXTENSION = "zhanqun_sitecache"


def cached_for_site(site_id: int, name: str, loader: Callable[[], T]) -> T:
    """``loader()``'s result for ``site_id``, computed once per content version of the site.

    While this request's own session holds uncommitted changes of the site, the loader runs
    every time and nothing is kept (the changes may still be rolled back).
    """
    versions = current_app.extensions.get("zhanqun_site_versions")
    # A request that has not opened a session (most public pages) has no pending changes;
    # asking one would create it.
    pending = pending_sites(db.session) if db.session.registry.has() else ()
    if versions is None or site_id in pending or 0 in pending:
        return loader()
    version = versions.get(site_id)
    known: dict = current_app.extensions.setdefault(EXTENSION, {})
    hit = known.get((site_id, name))
    if hit is not None and hit[0] == version:
        return hit[1]
    value = loader()
    known[(site_id, name)] = (version, value)
    return value


def forget_site(app, site_id: int) -> None:
    """Drop what is kept for ``site_id`` (its version changed; frees the memory early)."""
    known: dict = app.extensions.get(EXTENSION, {})
    for key in [k for k in list(known) if k[0] == site_id]:
        known.pop(key, None)
