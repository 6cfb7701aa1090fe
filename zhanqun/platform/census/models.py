"""Census runs, their findings (问题) and the cache of external link checks."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import UTCDateTime, string_enum, utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class Severity(enum.StrEnum):
    """单项否决 (single veto: the site fails the national check) or an ordinary deduction."""

    VETO = "veto"
    ORDINARY = "ordinary"


class FindingStatus(enum.StrEnum):
    """Open until the next run no longer sees it (fixed), or the central office waives it."""

    OPEN = "open"
    FIXED = "fixed"
    WAIVED = "waived"


class RunStatus(enum.StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class CensusRun(db.Model):
    """One census over one or every site. Platform-level: a run covers many sites.

    ``summary`` holds the counts after the run, platform-wide and per site
    (``{"open": 12, "veto": 2, "sites": {"jyj": {"open": 3, "veto": 1}}, ...}``): the
    dashboard draws "findings over time" from it.
    """

    __tablename__ = "census_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[RunStatus] = mapped_column(string_enum(RunStatus), nullable=False, default=RunStatus.RUNNING)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    site_slug: Mapped[str] = mapped_column(sa.String(63), nullable=False, default="")  # empty: every site
    external: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    sites_total: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    sites_done: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    pages: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    current_site: Mapped[str] = mapped_column(sa.String(63), nullable=False, default="")
    # Refreshed while the run works: a run whose heartbeat stopped died with its process.
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    summary: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    started_by = relationship("User")


class Finding(TenantScoped, db.Model):
    """One problem the census found on one site, tracked until fixed or waived.

    Tenant-owned, so a webmaster's pages see only their own site's findings through the
    ORM's scoping; the central office's list opts out with ``cross_tenant()``. The
    ``fingerprint`` identifies "the same problem" across runs (check + what it concerns),
    so a re-run closes what is gone and re-opens what came back.
    """

    __tablename__ = "census_finding"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "fingerprint", name="uq_census_finding_tenant_fingerprint"),
        sa.Index("ix_census_finding_status_severity", "status", "severity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    check: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    severity: Mapped[Severity] = mapped_column(string_enum(Severity), nullable=False)
    url: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    # What is wrong, as the check's parameters; ``checks.describe`` words it in the reader's language.
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    status: Mapped[FindingStatus] = mapped_column(string_enum(FindingStatus), nullable=False, default=FindingStatus.OPEN)
    waive_reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # 限时整改: the date by which the central office wants it fixed.
    deadline: Mapped[date | None] = mapped_column(sa.Date)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reopened: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("census_run.id", ondelete="SET NULL"))

    tenant = relationship("Tenant")

    def days_overdue(self, today: date) -> int:
        """Days past the deadline while open (0 when not overdue)."""
        if self.status != FindingStatus.OPEN or self.deadline is None:
            return 0
        return max(0, (today - self.deadline).days)


class ExternalLinkCheck(db.Model):
    """The last answer of an external address, reused for a day so hosts are not asked again."""

    __tablename__ = "census_external_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    url_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    url: Mapped[str] = mapped_column(sa.String(2000), nullable=False)
    status_code: Mapped[int | None] = mapped_column(sa.Integer)
    error: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and self.status_code < 400
