"""The column tree of a site."""
from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from zhanqun.platform.db import Timestamps
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScoped


class ColumnKind(enum.StrEnum):
    """What a column holds."""

    LIST = "list"
    PAGE = "page"
    LINK = "link"
    CATALOGUE = "catalogue"
    TOPIC = "topic"


class Column(TenantScoped, Timestamps, db.Model):
    """A node of a site's navigation tree (栏目)."""

    __tablename__ = "site_column"
    __table_args__ = (sa.UniqueConstraint("tenant_id", "parent_id", "slug", name="uq_site_column_tenant_parent_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("site_column.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(63), nullable=False)
    kind: Mapped[ColumnKind] = mapped_column(
        sa.Enum(ColumnKind, native_enum=False, create_constraint=False, length=16, values_callable=lambda e: [m.value for m in e]),
        nullable=False, default=ColumnKind.LIST,
    )
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    visible: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")

    parent: Mapped[Column | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Column]] = relationship(back_populates="parent", order_by="Column.position")

    def __repr__(self) -> str:
        return f"<Column {self.slug}>"
