"""Workflow states, the mixin that gives a model a review status, and the transition log."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from zhanqun.platform.db import UTCDateTime, string_enum, utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class Status(enum.StrEnum):
    """Where an item stands in review."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    PUBLISHED = "published"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


def status_type() -> sa.Enum:
    """The column type for :class:`Status` (stored as its string value)."""
    return string_enum(Status)


class Reviewable:
    """Mixin: a review status, who created the item, and when it goes (or went) public.

    ``published_at`` may lie in the future (scheduled publication): the item is published
    but not yet visible. ``lock_version`` is SQLAlchemy's optimistic lock: a save based on
    an older version fails instead of overwriting someone else's.
    """

    status: Mapped[Status] = mapped_column(status_type(), nullable=False, default=Status.DRAFT, index=True)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    lock_version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)

    @declared_attr
    def created_by_id(cls) -> Mapped[int | None]:
        return mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    @declared_attr.directive
    def __mapper_args__(cls):
        return {"version_id_col": cls.__table__.c.lock_version}

    def is_visible(self, now: datetime | None = None) -> bool:
        """True when the public may see it: published and its time has come."""
        return is_visible(self.status, self.published_at, now)


def is_visible(status: Status, published_at: datetime | None, now: datetime | None = None) -> bool:
    """True for an item in ``status`` and ``published_at`` the public may see (rows read without the ORM)."""
    return status == Status.PUBLISHED and published_at is not None and published_at <= (now or utcnow())


class Transition(TenantScoped, db.Model):
    """One step of an item through review: who, when, from where to where, and why."""

    __tablename__ = "workflow_transition"
    __table_args__ = (sa.Index("ix_workflow_transition_item", "item_type", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_type: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    item_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    action: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    from_status: Mapped[Status] = mapped_column(status_type(), nullable=False)
    to_status: Mapped[Status] = mapped_column(status_type(), nullable=False)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    user = sa.orm.relationship("User")
