"""Host → tenant resolution, with an in-memory map shared by every request of a process.

Order (DESIGN.md, "A request's way through"): an exact custom domain, else
``<slug>.<ZHANQUN_DOMAIN>``, else the portal for the bare domain and ``www.``;
``console.<domain>`` is the console. The port is ignored.

The map is rebuilt when the ``tenants`` counter changes. Every change to a tenant or a
domain bumps that counter in the same transaction (see ``_bump_on_change``); this process
drops its map right after commit, and other processes notice within
``ZHANQUN_HOSTMAP_REFRESH_SECONDS`` because they compare the counter at most that often.
"""
from __future__ import annotations

import enum
import threading
import time
from dataclasses import dataclass, field
from types import MappingProxyType

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import selectinload

from zhanqun.platform import counters
from zhanqun.platform.extensions import db
from zhanqun.tenants.models import Tenant, TenantDomain, TenantKind, TenantStatus
from zhanqun.tenants.scoping import TenantSession

COUNTER = "tenants"


class HostKind(enum.Enum):
    """What a request's host names."""

    CONSOLE = "console"
    SITE = "site"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Site:
    """An immutable snapshot of a tenant: what every request needs, with no ORM object."""

    id: int
    slug: str
    name: str
    kind: TenantKind
    status: TenantStatus
    site_code: str
    org_code: str
    sponsor: str
    contact: str
    icp_number: str
    police_number: str
    theme: str
    default_locale: str
    hostnames: tuple[str, ...]
    # Read-only {theme: {setting: value}}; not part of the hash (a dict cannot be hashed).
    theme_settings: MappingProxyType = field(default_factory=lambda: MappingProxyType({}), hash=False)

    @property
    def is_portal(self) -> bool:
        return self.kind == TenantKind.PORTAL

    @property
    def primary_host(self) -> str:
        """The host the platform uses in links to this site."""
        return self.hostnames[0]


def site_hostnames(tenant: Tenant, domain: str) -> tuple[str, ...]:
    """Every host that serves ``tenant``: the platform host first, then custom domains."""
    own = [domain, f"www.{domain}"] if tenant.kind == TenantKind.PORTAL else []
    own.append(f"{tenant.slug}.{domain}")
    return tuple(own + [d.hostname for d in tenant.domains])


def normalise_host(host: str) -> str:
    """Lower-case, without port or trailing dot (``Jxj.Localhost:5000`` → ``jxj.localhost``)."""
    host = host.strip().lower()
    if host.startswith("["):
        return host.split("]")[0] + "]"
    return host.rsplit(":", 1)[0].rstrip(".") if ":" in host else host.rstrip(".")


class HostMap:
    """The cached map from hosts and slugs to :class:`Site` snapshots."""

    def __init__(self, domain: str, refresh_seconds: float = 2.0):
        self.domain = domain
        self.console_host = f"console.{domain}"
        self.refresh_seconds = refresh_seconds
        self._lock = threading.Lock()
        self._version: int | None = None
        self._checked_at = 0.0
        self._by_host: dict[str, Site] = {}
        self._by_slug: dict[str, Site] = {}
        self._by_id: dict[int, Site] = {}

    def classify(self, host: str) -> HostKind:
        """Console, a site, or unknown; needs no database when the host is the console."""
        host = normalise_host(host)
        if host == self.console_host:
            return HostKind.CONSOLE
        return HostKind.SITE if self.site_for_host(host) else HostKind.UNKNOWN

    def site_for_host(self, host: str) -> Site | None:
        """The site a (normalised or raw) host serves, or ``None``."""
        self._ensure_fresh()
        return self._by_host.get(normalise_host(host))

    def site_by_slug(self, slug: str) -> Site | None:
        self._ensure_fresh()
        return self._by_slug.get(slug)

    def site_by_id(self, tenant_id: int) -> Site | None:
        self._ensure_fresh()
        return self._by_id.get(tenant_id)

    def sites(self) -> list[Site]:
        """Every site: the portal first, then by name."""
        self._ensure_fresh()
        return sorted(self._by_id.values(), key=lambda s: (not s.is_portal, s.slug))

    def trusts(self, host: str) -> bool:
        """True for the console and every host a site answers on."""
        return self.classify(host) != HostKind.UNKNOWN

    def invalidate(self) -> None:
        """Forget the map; the next lookup rebuilds it."""
        with self._lock:
            self._version = None

    def _ensure_fresh(self) -> None:
        now = time.monotonic()
        if self._version is not None and now - self._checked_at < self.refresh_seconds:
            return
        with self._lock:
            if self._version is not None and now - self._checked_at < self.refresh_seconds:
                return
            # A separate connection: the request's session may be mid-transaction.
            with db.engine.connect() as conn:
                version = counters.read(conn, COUNTER)
            if version != self._version:
                self._rebuild(version)
            self._checked_at = time.monotonic()

    def _rebuild(self, version: int) -> None:
        with db.engine.connect() as conn:
            session = sa.orm.Session(bind=conn)
            tenants = session.scalars(sa.select(Tenant).options(selectinload(Tenant.domains))).all()
            sites = [self._snapshot(t) for t in tenants]
            session.close()
        self._by_host = {h: s for s in sites for h in s.hostnames}
        self._by_slug = {s.slug: s for s in sites}
        self._by_id = {s.id: s for s in sites}
        self._version = version

    def _snapshot(self, t: Tenant) -> Site:
        return Site(
            id=t.id, slug=t.slug, name=t.name, kind=TenantKind(t.kind), status=TenantStatus(t.status),
            site_code=t.site_code, org_code=t.org_code, sponsor=t.sponsor, contact=t.contact,
            icp_number=t.icp_number, police_number=t.police_number, theme=t.theme,
            default_locale=t.default_locale, hostnames=site_hostnames(t, self.domain),
            theme_settings=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in (t.theme_settings or {}).items()}),
        )


def _touches_tenants(session) -> bool:
    return any(isinstance(o, (Tenant, TenantDomain)) for o in (*session.new, *session.dirty, *session.deleted))


def _bump_on_change(session, flush_context, instances) -> None:
    if _touches_tenants(session):
        counters.bump(session.connection(), COUNTER)
        session.info["zhanqun_hostmap_changed"] = True


def _invalidate_after_commit(session) -> None:
    # SQLAlchemy also calls after_commit when a savepoint is released; only the real commit counts.
    if session.in_nested_transaction():
        return
    if session.info.pop("zhanqun_hostmap_changed", False):
        from flask import current_app

        current_app.extensions["zhanqun_hostmap"].invalidate()


def _forget_on_rollback(session) -> None:
    session.info.pop("zhanqun_hostmap_changed", None)


event.listen(TenantSession, "before_flush", _bump_on_change)
event.listen(TenantSession, "after_commit", _invalidate_after_commit)
event.listen(TenantSession, "after_soft_rollback", lambda session, previous: _forget_on_rollback(session))


def hostmap():
    """The current app's :class:`HostMap`."""
    from flask import current_app

    return current_app.extensions["zhanqun_hostmap"]
