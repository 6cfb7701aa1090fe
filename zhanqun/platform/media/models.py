"""The media library: files a site's editors upload (images, PDF, Office documents, zip)."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, string_enum
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class MediaKind(enum.StrEnum):
    """What a file is, broadly: decides how it is shown and served."""

    IMAGE = "image"
    DOCUMENT = "document"
    ARCHIVE = "archive"


class Media(TenantScoped, Timestamps, db.Model):
    """One uploaded file of one site.

    The bytes live on disk under the instance folder, named by their SHA-256
    (``stored_name``); the same content uploaded twice to a site is one row.
    """

    __tablename__ = "media"
    __table_args__ = (
        sa.UniqueConstraint("tenant_id", "sha256", name="uq_media_tenant_sha256"),
        sa.Index("ix_media_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    stored_name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(127), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    kind: Mapped[MediaKind] = mapped_column(
        string_enum(MediaKind),
        nullable=False,
    )
    width: Mapped[int | None] = mapped_column(sa.Integer)
    height: Mapped[int | None] = mapped_column(sa.Integer)
    has_thumbnail: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    alt_text: Mapped[str] = mapped_column(sa.String(255), nullable=False, default="")

    uploaded_by = relationship("User")

    @property
    def is_image(self) -> bool:
        return self.kind == MediaKind.IMAGE

    @property
    def extension(self) -> str:
        """The stored file's extension without the dot (``pdf``, ``jpg``, …)."""
        return file_extension(self.stored_name)

    def __repr__(self) -> str:
        return f"<Media {self.id} {self.original_name!r}>"


def file_extension(stored_name: str) -> str:
    """The extension of a stored file's name, without the dot."""
    return stored_name.rsplit(".", 1)[-1]
