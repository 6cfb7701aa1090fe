"""The audit log: who did what, on which site, when and from where."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import UTCDateTime, utcnow
from zhanqun.platform.extensions import db


class AuditEvent(db.Model):
    """One privileged action. Platform-level, so platform admins can read every site's."""

    __tablename__ = "audit_event"
    __table_args__ = (sa.Index("ix_audit_event_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    action: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    # The username as typed or as it was then: kept even for failed sign-ins and deleted users.
    username: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    tenant_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tenant.id", ondelete="SET NULL"), index=True)
    client_address: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    detail: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)

    user = relationship("User")
    tenant = relationship("Tenant")
