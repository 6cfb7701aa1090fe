"""Users, their memberships in sites, and the roles those memberships grant."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, UTCDateTime, string_enum
from zhanqun.platform.extensions import db


class Role(enum.StrEnum):
    """A role on one site. Each includes the rights of those ranked below it."""

    EDITOR = "editor"
    REVIEWER = "reviewer"
    SITE_ADMIN = "site_admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def includes(self, other: Role) -> bool:
        """True when this role may do what ``other`` may."""
        return self.rank >= other.rank


class User(Timestamps, db.Model):
    """A person who signs in to the console. Platform-level: not owned by a tenant."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    is_platform_admin: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    # Part of the session's identity: bumping it signs the user out everywhere at once
    # (deactivation, password reset, password change).
    session_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    locale: Mapped[str | None] = mapped_column(sa.String(16))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    # Flask-Login's user protocol.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def label(self) -> str:
        """How the console names this person."""
        return self.display_name or self.username

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class Membership(Timestamps, db.Model):
    """A user's role on one site.

    Platform-level access-control data rather than tenant content, so it is not
    ``TenantScoped``: the console reads a user's memberships across sites to list them.
    """

    __tablename__ = "membership"
    __table_args__ = (sa.UniqueConstraint("user_id", "tenant_id", name="uq_membership_user_tenant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True, nullable=False)
    tenant_id: Mapped[int] = mapped_column(sa.ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False)
    role: Mapped[Role] = mapped_column(
        string_enum(Role),
        nullable=False,
    )

    user: Mapped[User] = relationship(back_populates="memberships")
    tenant = relationship("Tenant")
