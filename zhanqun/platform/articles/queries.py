"""Read-only queries over articles that other features (public pages, feeds, sitemaps) share."""
from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, load_only

from zhanqun.platform.articles.models import Article
from zhanqun.platform.articles.schemas import local_to_utc
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status


def visible_articles(column_ids: Iterable[int] | None = None, *, now: datetime | None = None) -> sa.Select:
    """A ``select()`` of the current tenant's articles the public may see, newest first.

    Visible means published and with a publication time that has come (scheduled articles
    stay hidden until then). ``column_ids`` limits the result to those columns. Callers add
    their own ``limit``/pagination and eager loads.
    """
    stmt = sa.select(Article).where(visible_clause(Article, now)).order_by(Article.published_at.desc(), Article.id.desc())
    if column_ids is not None:
        stmt = stmt.where(Article.column_id.in_(list(column_ids)))
    return stmt


def visible_clause(columns, now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The condition "the public may see it now" on ``columns``: the mapped class (ORM
    statements) or ``Article.__table__.c`` (the public pages' Core statements)."""
    return sa.and_(columns.status == Status.PUBLISHED, columns.published_at.is_not(None),
                   columns.published_at <= (utcnow() if now is None else now))


def console_list(filters: dict) -> sa.Select:
    """The console's article list for ``filters`` (status, column, author = creating user id,
    q = words of the title, date_from/date_to on the publication or creation date), newest first.
    """
    stmt = sa.select(Article).options(
        load_only(Article.id, Article.title, Article.status, Article.published_at, Article.created_at,
                  Article.updated_at, Article.column_id, Article.created_by_id, Article.author, Article.lock_version),
        joinedload(Article.column), joinedload(Article.created_by),
    )
    when = sa.func.coalesce(Article.published_at, Article.created_at)
    if filters.get("status"):
        stmt = stmt.where(Article.status == filters["status"])
    if filters.get("column"):
        stmt = stmt.where(Article.column_id == filters["column"])
    if filters.get("author"):
        stmt = stmt.where(Article.created_by_id == filters["author"])
    for word in (filters.get("q") or "").split():
        stmt = stmt.where(Article.title.contains(word, autoescape=True))
    if filters.get("date_from"):
        stmt = stmt.where(when >= _start_of(filters["date_from"]))
    if filters.get("date_to"):
        stmt = stmt.where(when < _start_of(filters["date_to"] + timedelta(days=1)))
    return stmt.order_by(when.desc(), Article.id.desc())


def status_counts() -> dict[Status, int]:
    """How many of the current site's articles are in each status (one query)."""
    rows = db.session.execute(sa.select(Article.status, sa.func.count()).group_by(Article.status))
    counts = {status: 0 for status in Status}
    counts.update({Status(status): n for status, n in rows})
    return counts


def _start_of(day: date) -> datetime:
    return local_to_utc(datetime(day.year, day.month, day.day))
