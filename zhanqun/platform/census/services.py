"""Running the census and acting on its findings.

A run is long: it commits after each site (and writes its progress every few pages from a
separate session), so the console shows how far it got and a failure keeps the sites
already checked. That is the one place this feature commits itself; the actions on
findings only flush, and the view commits.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Flask, current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.articles.models import Article
from zhanqun.platform.census import checks, external
from zhanqun.platform.census.crawler import CrawlResult, crawl_site
from zhanqun.platform.census.models import (
    CensusRun,
    Finding,
    FindingStatus,
    RunStatus,
    Severity,
)
from zhanqun.platform.cli_support import ExpectedError
from zhanqun.platform.columns.models import Column
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.resolver import Site, hostmap
from zhanqun.tenants.scoping import cross_tenant, tenant_context

PROGRESS_EVERY = 25  # pages between two progress writes
# A run whose progress has not moved for this long died with its process.
HEARTBEAT_TIMEOUT = timedelta(minutes=2)
Progress = Callable[[str, dict], None]


class CensusError(ExpectedError):
    """The census cannot run as asked; ``str(exc)`` says why."""


@dataclass
class SiteOutcome:
    """What one site's census changed."""

    slug: str
    pages: int = 0
    new: int = 0
    reopened: int = 0
    closed: int = 0
    open: int = 0
    veto: int = 0
    truncated: bool = False


@dataclass
class RunResult:
    run: CensusRun
    outcomes: list[SiteOutcome] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def pages(self) -> int:
        return sum(o.pages for o in self.outcomes)


def sites_to_check(site_slug: str | None = None) -> list[Site]:
    """The active sites a run covers: one by slug, or all of them."""
    if site_slug:
        site = hostmap().site_by_slug(site_slug)
        if site is None:
            raise CensusError(_("There is no site with the slug “%(slug)s”.", slug=site_slug))
        if site.status != TenantStatus.ACTIVE:
            raise CensusError(_("%(site)s is not online; only active sites are checked.", site=site.name))
        return [site]
    return [s for s in hostmap().sites() if s.status == TenantStatus.ACTIVE]


def running_run() -> CensusRun | None:
    """A run still working (its heartbeat is recent), if any."""
    stale = utcnow() - HEARTBEAT_TIMEOUT
    return db.session.scalar(sa.select(CensusRun).where(CensusRun.status == RunStatus.RUNNING, CensusRun.heartbeat_at > stale)
                             .order_by(CensusRun.id.desc()).limit(1))


def create_run(*, site_slug: str | None, external_links: bool, by=None) -> CensusRun:
    """A new run record (flushes); refuses while another run is working."""
    sites = sites_to_check(site_slug)
    if running_run() is not None:
        raise CensusError(_("A census is already running; wait until it has finished."))
    run = CensusRun(site_slug=site_slug or "", external=external_links, sites_total=len(sites),
                    started_by_id=by.id if by is not None else None)
    db.session.add(run)
    db.session.flush()
    audit.record("census.run", user=by, site=site_slug or "*", external=external_links, run=run.id)
    return run


def execute_run(run: CensusRun, *, progress: Progress | None = None) -> RunResult:
    """Check every site of ``run``, reconcile its findings, commit after each site."""
    app = current_app._get_current_object()
    progress = progress or (lambda event, data: None)
    started = time.monotonic()
    result = RunResult(run)
    run_id, external_links = run.id, run.external
    db.session.commit()
    try:
        for site in sites_to_check(run.site_slug or None):
            run.current_site = site.slug
            # Commit and touch nothing until the crawl is over: an open read transaction here
            # would keep an old SQLite snapshot that cannot write after the crawl's own writes.
            db.session.commit()
            progress("site", {"slug": site.slug, "name": site.name})
            outcome = check_site(app, site, run_id, external_links, progress)
            result.outcomes.append(outcome)
            run.sites_done += 1
            run.pages = result.pages
            run.heartbeat_at = utcnow()
            db.session.commit()
    except Exception as exc:
        db.session.rollback()
        run.status, run.error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        run.finished_at = utcnow()
        db.session.commit()
        raise
    result.seconds = time.monotonic() - started
    run.summary = _summary(result) | {"seconds": round(result.seconds, 2)}
    run.status, run.current_site, run.finished_at = RunStatus.DONE, "", utcnow()
    db.session.commit()
    return result


def check_site(app: Flask, site: Site, run_id: int, external_links: bool, progress: Progress) -> SiteOutcome:
    """Crawl one site, run every check on it and update its findings."""
    counter = _PageCounter(app, run_id, progress)
    crawl = crawl_site(app, site, max_pages=int(app.config.get("ZHANQUN_CENSUS_MAX_PAGES") or 5000), on_page=counter)
    now = utcnow()
    with tenant_context(site.id):
        detected = checks.page_findings(crawl, site)
        stats, last_publication = _column_stats(now)
        detected += checks.home_findings(last_publication, now)
        detected += checks.column_findings(stats, now)
        ran = {code for code, check in checks.CHECKS.items() if not check.needs_network}
        if external_links:
            detected += _external(crawl)
            ran.add("external_link")
        outcome = reconcile(detected, ran, run_id, now)
    outcome.slug, outcome.pages, outcome.truncated = site.slug, len(crawl.pages), crawl.truncated
    return outcome


class _PageCounter:
    """Counts crawled pages and writes the run's progress every few pages, from its own session."""

    def __init__(self, app: Flask, run_id: int, progress: Progress):
        self.app, self.run_id, self.progress, self.pages = app, run_id, progress, 0

    def __call__(self, n: int) -> None:
        self.pages += n
        self.progress("page", {"n": n})
        if self.pages % PROGRESS_EVERY == 0:
            # Called from inside the crawl's own context: a fresh app context and session.
            with self.app.app_context():
                db.session.execute(sa.update(CensusRun).where(CensusRun.id == self.run_id)
                                   .values(heartbeat_at=utcnow(), pages=CensusRun.pages + PROGRESS_EVERY))
                db.session.commit()


def _column_stats(now: datetime) -> tuple[list[checks.ColumnStats], datetime | None]:
    """Every visible column with its latest publication and item count, children included."""
    columns = db.session.scalars(sa.select(Column).order_by(Column.position, Column.id)).all()
    rows = db.session.execute(
        sa.select(Article.column_id, sa.func.count(), sa.func.max(Article.published_at))
        .where(Article.status == Status.PUBLISHED, Article.published_at.is_not(None), Article.published_at <= now)
        .group_by(Article.column_id)
    ).all()
    own = {column_id: (count, last) for column_id, count, last in rows}
    children: dict[int | None, list[Column]] = {}
    for column in columns:
        children.setdefault(column.parent_id, []).append(column)

    def totals(column: Column) -> tuple[int, datetime | None]:
        count, last = own.get(column.id, (0, None))
        for child in children.get(column.id, []):
            c_count, c_last = totals(child)
            count += c_count
            last = max(filter(None, (last, c_last)), default=None)
        return count, last

    stats: list[checks.ColumnStats] = []

    def walk(parent_id: int | None, prefix: str) -> None:
        for column in children.get(parent_id, []):
            path = prefix + column.slug
            if column.visible:
                count, last = totals(column)
                if column.kind == "page":
                    last = column.updated_at
                stats.append(checks.ColumnStats(path, column.name, column.kind, column.expected_update_days, count, last,
                                                has_text=bool(column.body.strip())))
                walk(column.id, path + "/")

    walk(None, "")
    last_publication = max((last for _count, last in own.values() if last), default=None)
    return stats, last_publication


def _external(crawl: CrawlResult) -> list[checks.Detected]:
    config = current_app.config
    skip = set(config.get("ZHANQUN_CENSUS_EXTERNAL_SKIP_HOSTS", external.SKIP_HOSTS))
    urls = sorted(u for u in crawl.external if urlsplit(u).hostname not in skip)
    results = external.check_links(
        urls, timeout=config.get("ZHANQUN_CENSUS_EXTERNAL_TIMEOUT", 10.0),
        workers=config.get("ZHANQUN_CENSUS_EXTERNAL_WORKERS", 8), pause=config.get("ZHANQUN_CENSUS_EXTERNAL_PAUSE", 1.0))
    failed = external.failures(results)
    return checks.external_findings({url: (crawl.external[url], reason) for url, reason in failed.items()})


def reconcile(detected: list[checks.Detected], checks_run: set[str], run_id: int | None, now: datetime) -> SiteOutcome:
    """Open new findings, re-open returning ones, close open ones this run no longer sees.

    Only findings of ``checks_run`` are closed (a run without ``--external`` leaves
    external-link findings as they are). Waived findings stay waived.
    """
    outcome = SiteOutcome(slug="")
    existing = {f.fingerprint: f for f in db.session.scalars(sa.select(Finding))}
    seen: set[str] = set()
    for d in detected:
        if d.fingerprint in seen:
            continue
        seen.add(d.fingerprint)
        finding = existing.get(d.fingerprint)
        if finding is None:
            finding = Finding(fingerprint=d.fingerprint, check=d.check, severity=d.severity, first_seen_at=now,
                              status=FindingStatus.OPEN)
            db.session.add(finding)
            outcome.new += 1
        elif finding.status == FindingStatus.FIXED:
            finding.status, finding.resolved_at = FindingStatus.OPEN, None
            finding.reopened += 1
            outcome.reopened += 1
        finding.url, finding.params, finding.severity = d.url[:1000], d.params, d.severity
        finding.last_seen_at, finding.last_run_id = now, run_id
        if finding.status == FindingStatus.OPEN:
            outcome.open += 1
            outcome.veto += finding.severity == Severity.VETO
    for fingerprint, finding in existing.items():
        if fingerprint not in seen and finding.check in checks_run and finding.status == FindingStatus.OPEN:
            finding.status, finding.resolved_at = FindingStatus.FIXED, now
            outcome.closed += 1
    db.session.flush()
    return outcome


def _summary(result: RunResult) -> dict:
    with cross_tenant():
        rows = db.session.execute(
            sa.select(Finding.tenant_id, Finding.severity, sa.func.count()).where(Finding.status == FindingStatus.OPEN)
            .group_by(Finding.tenant_id, Finding.severity)
        ).all()
    sites: dict[str, dict[str, int]] = {}
    for tenant_id, severity, count in rows:
        site = hostmap().site_by_id(tenant_id)
        if site is None:
            continue
        entry = sites.setdefault(site.slug, {"open": 0, "veto": 0})
        entry["open"] += count
        entry["veto"] += count if severity == Severity.VETO else 0
    return {
        "open": sum(s["open"] for s in sites.values()), "veto": sum(s["veto"] for s in sites.values()), "sites": sites,
        "pages": result.pages, "new": sum(o.new for o in result.outcomes),
        "reopened": sum(o.reopened for o in result.outcomes), "closed": sum(o.closed for o in result.outcomes),
    }


# Acting on findings -------------------------------------------------------------------------

def mark_fixed(finding: Finding, *, by) -> None:
    """A webmaster reports a finding fixed; the next run re-opens it if it is still there."""
    if finding.status != FindingStatus.OPEN:
        raise CensusError(_("Only an open finding can be marked fixed."))
    finding.status, finding.resolved_at = FindingStatus.FIXED, utcnow()
    db.session.flush()
    audit.record("census.finding_fixed", user=by, tenant_id=finding.tenant_id, finding=finding.id)


def waive(finding: Finding, reason: str, *, by) -> None:
    """The central office accepts a finding as it is, saying why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why this finding is waived.")]})
    finding.status, finding.waive_reason, finding.resolved_at = FindingStatus.WAIVED, reason[:2000], utcnow()
    db.session.flush()
    audit.record("census.finding_waived", user=by, tenant_id=finding.tenant_id, finding=finding.id, reason=reason[:200])


def reopen(finding: Finding, *, by) -> None:
    """Undo a waiver or a "fixed" report."""
    finding.status, finding.resolved_at, finding.waive_reason = FindingStatus.OPEN, None, ""
    db.session.flush()
    audit.record("census.finding_reopened", user=by, tenant_id=finding.tenant_id, finding=finding.id)


def set_deadline(findings: list[Finding], deadline: date | None, *, by) -> int:
    """Set the rectification deadline (限时整改) of findings; returns how many changed."""
    for finding in findings:
        finding.deadline = deadline
    db.session.flush()
    if findings:
        audit.record("census.deadline", user=by, tenant_id=findings[0].tenant_id, findings=[f.id for f in findings][:100],
                     deadline=deadline.isoformat() if deadline else None)
    return len(findings)
