"""Named platform-wide counters that other processes poll to notice a change cheaply.

The host map uses one: every worker compares its cached version with the row's value at
most every few seconds, so a tenant created in one gunicorn worker is seen by the others.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from zhanqun.platform.extensions import db


class Counter(db.Model):
    """One named integer, bumped in the transaction that makes the change."""

    __tablename__ = "platform_counter"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)


def bump(connection: sa.Connection, name: str) -> None:
    """Increment ``name`` inside the caller's transaction (creating it at 1)."""
    updated = connection.execute(
        sa.update(Counter.__table__).where(Counter.__table__.c.name == name).values(value=Counter.__table__.c.value + 1)
    )
    if updated.rowcount == 0:
        connection.execute(sa.insert(Counter.__table__).values(name=name, value=1))


def read(connection: sa.Connection, name: str) -> int:
    """The current value of ``name`` (0 when it was never bumped)."""
    value = connection.execute(sa.select(Counter.__table__.c.value).where(Counter.__table__.c.name == name)).scalar()
    return value or 0
