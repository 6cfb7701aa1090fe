"""The outbox of catalogue changes, the portal's copies, and what the receiver remembers."""
from __future__ import annotations

import enum
import uuid
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhanqun.platform.db import UTCDateTime, string_enum, utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class Operation(enum.StrEnum):
    """What the portal is asked to do with its copy."""

    UPSERT = "upsert"
    WITHDRAW = "withdraw"


class EventState(enum.StrEnum):
    """Where an outbox event stands."""

    PENDING = "pending"  # waiting, perhaps until ``next_attempt_at`` after a failure
    DELIVERED = "delivered"
    PARKED = "parked"  # every attempt failed; waits for a person to press retry


class OutboxEvent(TenantScoped, db.Model):
    """One change of a shared entry, written in the same transaction as the change.

    ``tenant_id`` is the source site. Delivery reads events of every site (cross-tenant).
    ``uid`` is the message id the receiver uses to refuse replays.
    """

    __tablename__ = "sync_outbox_event"
    __table_args__ = (
        sa.Index("ix_sync_outbox_event_due", "state", "next_attempt_at", "id"),
        sa.Index("ix_sync_outbox_event_entry", "entry_uid", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4()))
    entry_uid: Mapped[str] = mapped_column(sa.String(36), nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    operation: Mapped[Operation] = mapped_column(string_enum(Operation), nullable=False)
    payload: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    state: Mapped[EventState] = mapped_column(string_enum(EventState), nullable=False, default=EventState.PENDING)
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PortalCopy(TenantScoped, db.Model):
    """The portal's copy of a shared entry of a sub-site (``tenant_id`` is the portal)."""

    __tablename__ = "sync_portal_copy"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "source_site_code", "entry_uid", name="uq_sync_portal_copy_source"),
        sa.Index("ix_sync_portal_copy_public", "tenant_id", "withdrawn", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_site_code: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    source_slug: Mapped[str] = mapped_column(sa.String(63), nullable=False, default="")
    source_name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    source_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    entry_uid: Mapped[str] = mapped_column(sa.String(36), nullable=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    withdrawn: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    index_number: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="")
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    publisher: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    document_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    topic_code: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="")
    topic_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    genre_code: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="")
    genre_name: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    # The year the source numbers the entry under (the portal's year filter).
    year: Mapped[int | None] = mapped_column(sa.Integer)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    validity: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="valid")
    validity_note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    disclosure_mode: Mapped[str] = mapped_column(sa.String(16), nullable=False, default="active")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    attachments: Mapped[list] = mapped_column(sa.JSON, nullable=False, default=list)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    @property
    def publication_date(self) -> date | None:
        from zhanqun.platform.catalogue.dates import local_date

        return local_date(self.published_at)


class ReceivedMessage(db.Model):
    """A message id the receiving endpoint has accepted: the same id again is a replay."""

    __tablename__ = "sync_received_message"
    __table_args__ = (sa.UniqueConstraint("site_code", "message_id", name="uq_sync_received_message_site_message"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_code: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    message_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow, index=True)


class SyncKey(db.Model):
    """The HMAC secret of one site code, known to both the sending platform and the portal."""

    __tablename__ = "sync_key"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_code: Mapped[str] = mapped_column(sa.String(32), unique=True, nullable=False)
    secret: Mapped[str] = mapped_column(sa.String(128), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
