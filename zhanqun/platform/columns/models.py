"""The column tree of a site."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps, string_enum
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class ColumnKind(enum.StrEnum):
    """What a column holds."""

    LIST = "list"
    PAGE = "page"
    LINK = "link"
    CATALOGUE = "catalogue"
    TOPIC = "topic"


class UpdateCategory(enum.StrEnum):
    """How often the national website check expects a column to be updated."""

    NEWS = "news"  # every 14 days
    NOTICE = "notice"  # notices and policy documents: 6 months
    OVERVIEW = "overview"  # overview-type content: 1 year
    NONE = "none"  # not checked


DEFAULT_UPDATE_INTERVAL_DAYS = {
    UpdateCategory.NEWS: 14,
    UpdateCategory.NOTICE: 183,
    UpdateCategory.OVERVIEW: 365,
    UpdateCategory.NONE: None,
}




class Column(TenantScoped, Timestamps, db.Model):
    """A node of a site's navigation tree (栏目)."""

    __tablename__ = "site_column"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "parent_id", "slug", name="uq_site_column_tenant_parent_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site_column.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(63), nullable=False)
    kind: Mapped[ColumnKind] = mapped_column(string_enum(ColumnKind), nullable=False, default=ColumnKind.LIST)
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    visible: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    # Single-page columns hold their text here; link columns point elsewhere.
    body: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    link_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    page_size: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=20)
    update_category: Mapped[UpdateCategory] = mapped_column(string_enum(UpdateCategory), nullable=False, default=UpdateCategory.NONE)
    # Overrides the category's default interval when set.
    update_interval_days: Mapped[int | None] = mapped_column(sa.Integer)

    parent: Mapped[Column | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Column]] = relationship(back_populates="parent", order_by="Column.position")

    @property
    def expected_update_days(self) -> int | None:
        """Days within which the census expects something new here (``None``: not checked)."""
        if self.update_interval_days:
            return self.update_interval_days
        return DEFAULT_UPDATE_INTERVAL_DAYS[UpdateCategory(self.update_category)]

    def __repr__(self) -> str:
        return f"<Column {self.slug}>"
