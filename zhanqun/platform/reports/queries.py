"""The numbers behind the platform dashboard, for every site or a given set of them.

Cross-tenant by nature: every query opts out of tenant scoping with ``cross_tenant()``
and filters by the site ids it was given. Each function runs a fixed number of grouped
queries, whatever the number of sites.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from zhanqun.platform.articles.models import Article
from zhanqun.platform.catalogue.models import CatalogueEntry
from zhanqun.platform.census.models import (
    CensusRun,
    Finding,
    FindingStatus,
    RunStatus,
    Severity,
)
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.i18n import local_zone
from zhanqun.platform.sync.models import EventState, OutboxEvent
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.resolver import Site
from zhanqun.tenants.scoping import cross_tenant

HISTORY_DAYS = 90
DEFAULT_PORTAL_TARGET = 10


@dataclass
class SiteRow:
    """One site on the dashboard."""

    site: Site
    last_update: datetime | None = None
    week: int = 0
    month: int = 0
    entries: int = 0
    open_findings: int = 0
    veto_findings: int = 0
    sync_pending: int = 0
    sync_parked: int = 0

    @property
    def sync_health(self) -> str:
        """``ok``, ``pending`` (events waiting) or ``failing`` (events parked after every retry)."""
        if self.sync_parked:
            return "failing"
        return "pending" if self.sync_pending else "ok"


@dataclass
class Series:
    """Dates and, per label, one value per date: what a chart draws."""

    dates: list[date]  # or local datetimes, for series taken at moments rather than days
    values: dict[str, list[int]] = field(default_factory=dict)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time(), tzinfo=local_zone())


def _visible(now: datetime):
    return sa.and_(Article.status == Status.PUBLISHED, Article.published_at.is_not(None), Article.published_at <= now)


def site_rows(sites: list[Site], now: datetime | None = None) -> list[SiteRow]:
    """Every site's activity, sites with single-veto findings first, then by open findings."""
    now = now or utcnow()
    today = now.astimezone(local_zone()).date()
    week_start = _local_midnight(today - timedelta(days=today.weekday()))
    month_start = _local_midnight(today.replace(day=1))
    ids = [s.id for s in sites]
    rows = {s.id: SiteRow(s) for s in sites}
    with cross_tenant():
        for tenant_id, last, week, month in db.session.execute(
            sa.select(Article.tenant_id, sa.func.max(Article.published_at),
                      sa.func.count().filter(Article.published_at >= week_start),
                      sa.func.count().filter(Article.published_at >= month_start))
            .where(Article.tenant_id.in_(ids), _visible(now)).group_by(Article.tenant_id)
        ):
            row = rows[tenant_id]
            row.last_update, row.week, row.month = last, week, month
        for tenant_id, count in db.session.execute(
            sa.select(CatalogueEntry.tenant_id, sa.func.count())
            .where(CatalogueEntry.tenant_id.in_(ids), CatalogueEntry.status == Status.PUBLISHED)
            .group_by(CatalogueEntry.tenant_id)
        ):
            rows[tenant_id].entries = count
        for tenant_id, severity, count in db.session.execute(
            sa.select(Finding.tenant_id, Finding.severity, sa.func.count())
            .where(Finding.tenant_id.in_(ids), Finding.status == FindingStatus.OPEN)
            .group_by(Finding.tenant_id, Finding.severity)
        ):
            rows[tenant_id].open_findings += count
            if severity == Severity.VETO:
                rows[tenant_id].veto_findings += count
        for tenant_id, state, count in db.session.execute(
            sa.select(OutboxEvent.tenant_id, OutboxEvent.state, sa.func.count())
            .where(OutboxEvent.tenant_id.in_(ids), OutboxEvent.state != EventState.DELIVERED)
            .group_by(OutboxEvent.tenant_id, OutboxEvent.state)
        ):
            if state == EventState.PARKED:
                rows[tenant_id].sync_parked += count
            else:
                rows[tenant_id].sync_pending += count
    return sorted(rows.values(), key=lambda r: (-r.veto_findings, -r.open_findings, not r.site.is_portal, r.site.slug))


def publications_per_day(sites: list[Site], days: int = HISTORY_DAYS, now: datetime | None = None) -> Series:
    """Articles published per local day and per site over the last ``days`` days."""
    now = now or utcnow()
    zone = local_zone()
    today = now.astimezone(zone).date()
    dates = [today - timedelta(days=n) for n in range(days - 1, -1, -1)]
    index = {d: i for i, d in enumerate(dates)}
    slugs = {s.id: s.slug for s in sites}
    series = Series(dates, {s.slug: [0] * days for s in sites})
    with cross_tenant():
        # Only two narrow columns per article of the period; grouped here because "day"
        # means the local day, which SQLite and PostgreSQL cannot agree how to compute.
        for tenant_id, published_at in db.session.execute(
            sa.select(Article.tenant_id, Article.published_at)
            .where(Article.tenant_id.in_(list(slugs)), _visible(now), Article.published_at >= _local_midnight(dates[0]))
        ):
            i = index.get(published_at.astimezone(zone).date())
            if i is not None:
                series.values[slugs[tenant_id]][i] += 1
    return series


def findings_over_time(sites: list[Site], days: int = HISTORY_DAYS, now: datetime | None = None) -> Series:
    """Open and single-veto findings of ``sites`` after each finished census run of the period
    (``dates`` holds each run's local finishing time)."""
    now = now or utcnow()
    runs = db.session.execute(
        sa.select(CensusRun.finished_at, CensusRun.summary)
        .where(CensusRun.status == RunStatus.DONE, CensusRun.finished_at >= now - timedelta(days=days), CensusRun.site_slug == "")
        .order_by(CensusRun.finished_at)
    ).all()
    slugs = {s.slug for s in sites}
    series = Series([], {"open": [], "veto": []})
    zone = local_zone()
    for finished_at, summary in runs:
        per_site = (summary or {}).get("sites", {})
        series.dates.append(finished_at.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None))
        series.values["open"].append(sum(v["open"] for k, v in per_site.items() if k in slugs))
        series.values["veto"].append(sum(v["veto"] for k, v in per_site.items() if k in slugs))
    return series


def portal_target() -> int:
    """The portal's target of updates per day (``ZHANQUN_PORTAL_DAILY_TARGET``, default 10)."""
    return int(current_app.config.get("ZHANQUN_PORTAL_DAILY_TARGET") or DEFAULT_PORTAL_TARGET)
