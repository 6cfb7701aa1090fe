"""When a site's pages last changed, and when they will change without a write.

Scheduled publication makes a page change with no write at all: an article whose
``published_at`` passes simply becomes visible. For every model with a review status
(:class:`~zhanqun.platform.workflow.models.Reviewable`, e.g. articles and catalogue entries)
one query per site and version finds the newest publication time that has passed (it moves
``Last-Modified`` forward) and the next one still to come (stored pages expire then).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from zhanqun.platform.db import utcnow
from zhanqun.platform.workflow.models import Reviewable, Status
from zhanqun.tenants.scoping import TenantScoped


@dataclass(frozen=True)
class Freshness:
    """What one site's scheduled publications mean for its cached pages."""

    last_published: float  # Unix time of the newest visible publication (0: none)
    next_scheduled: float | None  # Unix time of the next scheduled one, if any


def _reviewable_tables(metadata_registry) -> list[sa.Table]:
    return sorted(
        {m.local_table for m in metadata_registry.mappers if issubclass(m.class_, Reviewable) and issubclass(m.class_, TenantScoped)},
        key=lambda t: t.name,
    )


def _stamp(value: datetime | None) -> float | None:
    return value.timestamp() if value is not None else None


class FreshnessCache:
    """Per (site, version): the :class:`Freshness`, recomputed once the next scheduled time passes."""

    def __init__(self, engine_getter, registry):
        self._engine = engine_getter
        self._registry = registry
        self._tables: list[sa.Table] | None = None
        self._lock = threading.Lock()
        self._known: dict[int, tuple[tuple[int, int], Freshness]] = {}

    def get(self, site_id: int, version: tuple[int, int], now: float) -> Freshness:
        known = self._known.get(site_id)
        if known is not None and known[0] == version and (known[1].next_scheduled is None or known[1].next_scheduled > now):
            return known[1]
        fresh = self._load(site_id)
        with self._lock:
            self._known[site_id] = (version, fresh)
        return fresh

    def _load(self, site_id: int) -> Freshness:
        if self._tables is None:
            self._tables = _reviewable_tables(self._registry)
        if not self._tables:
            return Freshness(0.0, None)
        now = utcnow()
        # Cross-tenant by construction (no ORM session): every statement names the tenant itself.
        selects = [
            sa.select(
                sa.func.max(sa.case((t.c.published_at <= now, t.c.published_at))).label("last"),
                sa.func.min(sa.case((t.c.published_at > now, t.c.published_at))).label("next"),
            ).where(t.c.tenant_id == site_id, t.c.status == Status.PUBLISHED.value, t.c.published_at.is_not(None))
            for t in self._tables
        ]
        with self._engine().connect() as conn:
            rows = conn.execute(sa.union_all(*selects) if len(selects) > 1 else selects[0]).all()
        lasts = [_stamp(_aware(r.last)) for r in rows if r.last is not None]
        nexts = [_stamp(_aware(r.next)) for r in rows if r.next is not None]
        return Freshness(max(lasts, default=0.0), min(nexts, default=None))


def _aware(value):
    """SQLite returns the aggregate as text or a naive datetime: read it as UTC."""

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value is not None and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
