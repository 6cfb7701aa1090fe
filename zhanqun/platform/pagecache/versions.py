"""Per-site content versions: bumped by the ORM whenever anything of a site changes.

Every site has a row ``site:<id>`` in ``platform_counter``. It is bumped **in the same
transaction** as the change, by a flush listener on the tenant session, whenever a
:class:`~zhanqun.tenants.scoping.TenantScoped` row of that site, its ``Tenant`` row (theme
settings, status, footer data) or one of its domains is inserted, updated or deleted. Nobody
has to remember to invalidate: the page cache key and :mod:`sitecache` include the version.

A change to any ``Tenant`` also bumps the portal, whose pages list the department sites.
ORM bulk statements (``session.execute(update(Article)...)``) bump the current site, or
``site:all`` (every site) when run across tenants. Raw SQL is not seen, as with scoping.

The value is a timestamp in microseconds that only grows (``max(old + 1, now)``), so it doubles
as the site's last-change time for ``Last-Modified``, and a site id reused after a deletion
never meets the pages of its predecessor.

Each process keeps a snapshot of all the versions, read in one query at most every
``ZHANQUN_SITE_VERSION_SECONDS``; a commit in this process refreshes it at once.
"""
from __future__ import annotations

import threading
import time

import sqlalchemy as sa
from sqlalchemy import event

from zhanqun.platform.counters import Counter
from zhanqun.tenants.models import Tenant, TenantDomain, TenantKind
from zhanqun.tenants.resolver import COUNTER as TENANTS_COUNTER
from zhanqun.tenants.scoping import (
    TenantScoped,
    TenantSession,
    current_tenant_id,
    is_cross_tenant,
)

PREFIX = "site:"
ALL = "site:all"
# Sites flushed in the session's open transaction (their new version is not committed yet).
PENDING_KEY = "zhanqun_pagecache_pending"

_counter = Counter.__table__


def counter_name(site_id: int) -> str:
    return f"{PREFIX}{site_id}"


def version_time(version: int) -> float:
    """The Unix time a version was set (0 for a version that is not a timestamp)."""
    return version / 1_000_000 if version > 10**15 else 0.0


def bump_sites(connection: sa.Connection, names: set[str]) -> None:
    """Move the named counters forward inside the caller's transaction (creating missing ones)."""
    if not names:
        return
    now = int(time.time() * 1_000_000)
    value = sa.case((_counter.c.value >= now, _counter.c.value + 1), else_=now)
    result = connection.execute(sa.update(_counter).where(_counter.c.name.in_(sorted(names))).values(value=value))
    if result.rowcount == len(names):
        return
    existing = set(connection.scalars(sa.select(_counter.c.name).where(_counter.c.name.in_(sorted(names)))))
    missing = sorted(names - existing)
    if missing:
        connection.execute(sa.insert(_counter), [{"name": n, "value": now} for n in missing])


def _changed_sites(session) -> set[int]:
    sites: set[int] = set()
    tenants_changed = False
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, (TenantScoped, TenantDomain)):
            if obj.tenant_id is not None:
                sites.add(obj.tenant_id)
        elif isinstance(obj, Tenant):
            tenants_changed = True
            if obj.id is not None:
                sites.add(obj.id)
    if tenants_changed:
        # The portal lists every department site: a renamed or suspended one changes its pages.
        portal = session.connection().scalar(sa.select(Tenant.__table__.c.id).where(Tenant.__table__.c.kind == TenantKind.PORTAL.value))
        if portal is not None:
            sites.add(portal)
    return sites


def _bump_after_flush(session, flush_context) -> None:
    sites = _changed_sites(session)
    if sites:
        bump_sites(session.connection(), {counter_name(s) for s in sites})
        session.info.setdefault(PENDING_KEY, set()).update(sites)


def _bump_on_bulk(state) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    if not any(issubclass(m.class_, TenantScoped) for m in state.all_mappers):
        return
    tenant_id = current_tenant_id()
    if tenant_id is None or is_cross_tenant():
        name, site = ALL, 0
    else:
        name, site = counter_name(tenant_id), tenant_id
    bump_sites(state.session.connection(), {name})
    state.session.info.setdefault(PENDING_KEY, set()).add(site)


def _after_commit(session) -> None:
    if session.info.pop(PENDING_KEY, None):
        from flask import current_app, has_app_context

        if has_app_context():
            versions = current_app.extensions.get("zhanqun_site_versions")
            if versions is not None:
                versions.invalidate()


def _forget(session, previous) -> None:
    # A rolled-back savepoint leaves the outer transaction's changes pending.
    if previous.parent is None:
        session.info.pop(PENDING_KEY, None)


event.listen(TenantSession, "after_flush", _bump_after_flush)
event.listen(TenantSession, "do_orm_execute", _bump_on_bulk)
event.listen(TenantSession, "after_commit", _after_commit)
event.listen(TenantSession, "after_soft_rollback", _forget)


def pending_sites(session) -> set[int]:
    """Sites this session changed in its open transaction (0 stands for every site)."""
    return session.info.get(PENDING_KEY) or set()


class SiteVersions:
    """This process's snapshot of every site's version, refreshed in one query."""

    def __init__(self, engine_getter, refresh_seconds: float = 1.0, on_site_change=None, on_tenants_change=None):
        self._engine = engine_getter
        self.refresh_seconds = refresh_seconds
        self._on_site_change = on_site_change
        self._on_tenants_change = on_tenants_change
        self._lock = threading.Lock()
        self._values: dict[int, int] = {}
        self._all = 0
        self._tenants: int | None = None
        self._checked_at: float | None = None

    def get(self, site_id: int) -> tuple[int, int]:
        """``(site version, all-sites version)`` as of at most ``refresh_seconds`` ago."""
        self._ensure_fresh()
        return self._values.get(site_id, 0), self._all

    def invalidate(self) -> None:
        """Read the versions again on the next lookup (after a commit in this process)."""
        self._checked_at = None

    def _ensure_fresh(self) -> None:
        checked = self._checked_at
        if checked is not None and time.monotonic() - checked < self.refresh_seconds:
            return
        with self._lock:
            checked = self._checked_at
            if checked is not None and time.monotonic() - checked < self.refresh_seconds:
                return
            started = time.monotonic()
            with self._engine().connect() as conn:
                rows = conn.execute(sa.select(_counter.c.name, _counter.c.value).where(
                    # A range rather than LIKE, so both databases read it from the primary key.
                    sa.or_(sa.and_(_counter.c.name >= PREFIX, _counter.c.name < PREFIX[:-1] + ";"),
                           _counter.c.name == TENANTS_COUNTER)
                )).all()
            values, all_sites, tenants = {}, 0, 0
            for name, value in rows:
                if name == TENANTS_COUNTER:
                    tenants = value
                elif name == ALL:
                    all_sites = value
                elif name[len(PREFIX):].isdigit():
                    values[int(name[len(PREFIX):])] = value
            changed = {s for s, v in values.items() if self._values.get(s) != v}
            if self._tenants is not None and tenants != self._tenants and self._on_tenants_change:
                # The host map (footer data, hosts) must not lag behind the versions that key pages.
                self._on_tenants_change()
            self._values, self._all, self._tenants = values, all_sites, tenants
            self._checked_at = started
        if self._on_site_change:
            for site_id in changed:
                self._on_site_change(site_id)
