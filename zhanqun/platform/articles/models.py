"""Articles and their revisions."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.associationproxy import association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, UTCDateTime, utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media  # noqa: F401 - cover and attachments point at it
from zhanqun.platform.workflow.models import Reviewable
from zhanqun.tenants.scoping import TenantScoped


class Article(TenantScoped, Reviewable, Timestamps, db.Model):
    """A published item (信息/文章) in a list column.

    Its public URL is built from its id alone, so retitling or moving it never breaks a link.
    """

    __tablename__ = "article"
    __table_args__ = (
        # The public list of a column: published, newest first.
        sa.Index("ix_article_column_public", "tenant_id", "column_id", "status", "published_at"),
        # The site-wide lists (home, feed, sitemap): published, newest first.
        sa.Index("ix_article_site_public", "tenant_id", "status", "published_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    column_id: Mapped[int] = mapped_column(sa.ForeignKey("site_column.id", ondelete="RESTRICT"), index=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    subtitle: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # Sanitised HTML: only the article services write it, always through the sanitiser.
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    author: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    # The media library refuses to delete a file an article still uses (see media REFERENCE_CHECKS).
    cover_media_id: Mapped[int | None] = mapped_column(sa.ForeignKey("media.id", ondelete="RESTRICT"), index=True)

    column = relationship("Column")
    created_by = relationship("User")
    cover = relationship("Media")
    attachment_links: Mapped[list[ArticleAttachment]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleAttachment.position"
    )
    # The attached Media rows in order (what public pages list).
    attachments = association_proxy("attachment_links", "media")
    revisions: Mapped[list[ArticleRevision]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ArticleRevision.number"
    )

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.title[:20]!r}>"


class ArticleAttachment(TenantScoped, db.Model):
    """A file of the media library attached to an article, in the order the editor chose."""

    __tablename__ = "article_attachment"
    __table_args__ = (
        sa.UniqueConstraint("article_id", "media_id", name="uq_article_attachment_article_media"),
        # Every query is also filtered by tenant: lead with it so the planner needs no statistics.
        sa.Index("ix_article_attachment_tenant_article", "tenant_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"), index=True, nullable=False)
    media_id: Mapped[int] = mapped_column(sa.ForeignKey("media.id", ondelete="RESTRICT"), index=True, nullable=False)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)

    article: Mapped[Article] = relationship(back_populates="attachment_links")
    media = relationship("Media")


class ArticleRevision(TenantScoped, db.Model):
    """The article as one save left it; the console diffs and restores these."""

    __tablename__ = "article_revision"
    __table_args__ = (sa.UniqueConstraint("article_id", "number", name="uq_article_revision_article_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(sa.ForeignKey("article.id", ondelete="CASCADE"), index=True, nullable=False)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    column_id: Mapped[int | None] = mapped_column(sa.Integer)
    title: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    subtitle: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    source: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    author: Mapped[str] = mapped_column(sa.String(100), nullable=False, default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cover_media_id: Mapped[int | None] = mapped_column(sa.Integer)
    # Media ids in order; plain integers so a revision never blocks deleting a file.
    attachment_ids: Mapped[list[int]] = mapped_column(sa.JSON, nullable=False, default=list)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="revisions")
    created_by = relationship("User")
