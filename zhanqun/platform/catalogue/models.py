"""Catalogue entries (信息公开目录), their platform-wide taxonomies and index numbers."""
from __future__ import annotations

import enum
import uuid
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, string_enum
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Reviewable
from zhanqun.tenants.scoping import TenantScoped

ITEM_TYPE = "catalogue_entry"  # the workflow's item type for transitions




class TermKind(enum.StrEnum):
    """The two taxonomies every catalogue entry is classified by."""

    TOPIC = "topic"  # 主题分类
    GENRE = "genre"  # 体裁分类


class Validity(enum.StrEnum):
    """Whether the document is still in force (有效性)."""

    VALID = "valid"  # 有效
    EXPIRED = "expired"  # 失效
    REPEALED = "repealed"  # 废止


class DisclosureMode(enum.StrEnum):
    """How the information is disclosed."""

    ACTIVE = "active"  # 主动公开
    ON_REQUEST = "on_request"  # 依申请公开


class CatalogueTerm(Timestamps, db.Model):
    """One topic or genre of the platform-wide taxonomies a platform admin maintains.

    Not tenant-scoped: every site classifies by the same lists, so the portal can filter
    the entries of all departments together.
    """

    __tablename__ = "catalogue_term"
    __table_args__ = (
        sa.UniqueConstraint("kind", "name", name="uq_catalogue_term_kind_name"),
        sa.UniqueConstraint("kind", "code", name="uq_catalogue_term_kind_code"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TermKind] = mapped_column(string_enum(TermKind), nullable=False)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    # Short code usable in index number patterns ({topic_code}, {genre_code}).
    code: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return f"<CatalogueTerm {self.kind}:{self.name}>"


class CatalogueSettings(TenantScoped, db.Model):
    """A site's catalogue settings; a site without a row uses the platform defaults."""

    __tablename__ = "catalogue_settings"
    __table_args__ = (sa.UniqueConstraint("tenant_id", name="uq_catalogue_settings_tenant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty: the platform default pattern.
    index_pattern: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")


class CatalogueEntry(TenantScoped, Reviewable, Timestamps, db.Model):
    """A disclosure item with the standard metadata.

    ``uid`` identifies the entry everywhere, also in the portal's copy, and never changes.
    ``version`` counts the changes the portal has to know about; the portal applies an
    event only if its version is newer than the copy's.
    """

    __tablename__ = "catalogue_entry"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "index_number", name="uq_catalogue_entry_tenant_index_number"),
        sa.UniqueConstraint("tenant_id", "index_year", "index_seq", name="uq_catalogue_entry_tenant_year_seq"),
        sa.Index("ix_catalogue_entry_public", "tenant_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36), unique=True, nullable=False, default=lambda: str(uuid.uuid4()))
    column_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site_column.id", ondelete="SET NULL"), index=True)
    index_number: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    index_year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    index_seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    publisher: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    document_number: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("catalogue_term.id", ondelete="RESTRICT"), index=True)
    genre_id: Mapped[int | None] = mapped_column(sa.ForeignKey("catalogue_term.id", ondelete="RESTRICT"), index=True)
    issued_on: Mapped[date | None] = mapped_column(sa.Date)
    validity: Mapped[Validity] = mapped_column(string_enum(Validity), nullable=False, default=Validity.VALID)
    # What changed the validity (e.g. "已被 X 号文件废止"), shown on the entry itself.
    validity_note: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    disclosure_mode: Mapped[DisclosureMode] = mapped_column(string_enum(DisclosureMode), nullable=False, default=DisclosureMode.ACTIVE)
    # Sanitised HTML: only the catalogue services write it, always through the sanitiser.
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    shared: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    # True while the last event sent to the portal was an upsert: only then is a withdraw due.
    on_portal: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)

    topic: Mapped[CatalogueTerm | None] = relationship(foreign_keys=[topic_id], lazy="joined")
    genre: Mapped[CatalogueTerm | None] = relationship(foreign_keys=[genre_id], lazy="joined")
    column = relationship("Column")
    attachments: Mapped[list[CatalogueAttachment]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="CatalogueAttachment.position", lazy="selectin"
    )

    @property
    def publication_date(self) -> date | None:
        """发布日期: the day it went (or goes) public, in China's time zone."""
        from zhanqun.platform.catalogue.dates import local_date

        return local_date(self.published_at)

    def __repr__(self) -> str:
        return f"<CatalogueEntry {self.index_number}>"


class CatalogueAttachment(TenantScoped, db.Model):
    """A file from the site's media library attached to an entry."""

    __tablename__ = "catalogue_attachment"
    __table_args__ = (sa.UniqueConstraint("entry_id", "media_id", name="uq_catalogue_attachment_entry_media"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("catalogue_entry.id", ondelete="CASCADE"), index=True, nullable=False)
    media_id: Mapped[int] = mapped_column(sa.ForeignKey("media.id", ondelete="RESTRICT"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    entry: Mapped[CatalogueEntry] = relationship(back_populates="attachments")
    media = relationship("Media", lazy="joined")
