"""API tokens: per site, with scopes, stored only as a hash."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import UTCDateTime, utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class ApiToken(TenantScoped, db.Model):
    """A token that lets a program write to one site through ``/api/v1/``.

    The token itself is shown once when created; only its SHA-256 is kept (it is 256 random
    bits, so a plain hash suffices). ``prefix`` lets people tell their tokens apart.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    scopes: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    created_by = relationship("User")

    @property
    def scope_set(self) -> set[str]:
        return {s for s in self.scopes.split(",") if s}

    @property
    def active(self) -> bool:
        return self.revoked_at is None
