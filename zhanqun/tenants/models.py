"""The tenant (站点) and its custom domains."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, UTCDateTime, string_enum
from zhanqun.platform.extensions import db


class TenantKind(enum.StrEnum):
    """A tenant is the portal (门户网站) or a department or township sub-site (部门网站)."""

    PORTAL = "portal"
    DEPARTMENT = "department"


class TenantStatus(enum.StrEnum):
    """Active sites serve pages; suspended ones answer 503, archived ones 410."""

    ACTIVE = "active"
    SUSPENDED = "suspended"
    ARCHIVED = "archived"




class Tenant(Timestamps, db.Model):
    """One website on the platform: its identity, codes, footer data and theme."""

    __tablename__ = "tenant"
    __table_args__ = (
        # Exactly one portal per platform, enforced by the database as well as the service.
        sa.Index(
            "uq_tenant_one_portal",
            "kind",
            unique=True,
            sqlite_where=sa.text("kind = 'portal'"),
            postgresql_where=sa.text("kind = 'portal'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    kind: Mapped[TenantKind] = mapped_column(string_enum(TenantKind), nullable=False, default=TenantKind.DEPARTMENT)
    status: Mapped[TenantStatus] = mapped_column(string_enum(TenantStatus), nullable=False, default=TenantStatus.ACTIVE)
    site_code: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    org_code: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    sponsor: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    contact: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    icp_number: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    police_number: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    theme: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="department")
    default_locale: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="zh_Hans_CN")
    # Per theme, the values of the settings it declares: {"portal": {"primary_colour": "#b5121b"}}.
    theme_settings: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict, server_default="{}")
    # Four-eyes review: nobody publishes what they wrote themselves.
    review_requires_other_person: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    # When the site was last exported: an archived site can only be deleted after an export.
    last_exported_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    domains: Mapped[list[TenantDomain]] = relationship(
        back_populates="tenant", cascade="all, delete-orphan", order_by="TenantDomain.hostname"
    )

    def __repr__(self) -> str:
        return f"<Tenant {self.slug}>"


class TenantDomain(db.Model):
    """A custom domain (e.g. ``www.hengshan.gov.cn``) that serves a tenant."""

    __tablename__ = "tenant_domain"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False)
    hostname: Mapped[str] = mapped_column(sa.String(253), unique=True, nullable=False)

    tenant: Mapped[Tenant] = relationship(back_populates="domains")
