"""What the public may read on the current site, in a bounded number of queries.

Every function here works on the current tenant and shows only visible articles: published,
with a publication time that has passed. Lists load the articles without their bodies.

The pages every visitor reads (home, column, article) run Core statements built once,
filtered with :func:`~zhanqun.tenants.scoping.tenant_rows`, and get rows back instead of ORM
objects: the ORM's per-statement work cost most of an uncached page's time (see
docs/performance.md). Feeds and sitemaps, read by crawlers, use the ORM queries.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlencode

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import load_only

from zhanqun.platform.articles.models import Article, ArticleAttachment
from zhanqun.platform.articles.queries import visible_articles, visible_clause
from zhanqun.platform.columns.services import public_path
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.i18n import local_day, local_zone
from zhanqun.platform.media.models import Media, file_extension
from zhanqun.platform.public import reads
from zhanqun.platform.public.sitecolumns import ColumnNode, PublicColumn, site_columns
from zhanqun.tenants.scoping import tenant_params, tenant_rows
from zhanqun.themes.rendering import page_url, page_urls

# Bounds the SQL OFFSET: no county site has a column this long, and a visitor's huge
# ?page= must not reach the database as an out-of-range integer.
MAX_PAGE = 10_000
LIST_FIELDS = (Article.id, Article.column_id, Article.title, Article.published_at, Article.updated_at)

ARTICLE = Article.__table__
BLOCK_ROW = (ARTICLE.c.id, ARTICLE.c.column_id, ARTICLE.c.title, ARTICLE.c.published_at)
LIST_ROW = (ARTICLE.c.id, ARTICLE.c.column_id, ARTICLE.c.title, ARTICLE.c.published_at, ARTICLE.c.updated_at)
ARTICLE_ROW = (*LIST_ROW, ARTICLE.c.summary, ARTICLE.c.source, ARTICLE.c.subtitle, ARTICLE.c.body, ARTICLE.c.author, ARTICLE.c.status)
NEWEST_FIRST = (ARTICLE.c.published_at.desc(), ARTICLE.c.id.desc())


def _visible_rows(columns=LIST_ROW, column_param: str = "column_id") -> sa.Select:
    """The current site's visible articles in the column ``:column_id``, newest first (``:now``)."""
    return (
        sa.select(*columns)
        .where(tenant_rows(ARTICLE), visible_clause(ARTICLE.c, sa.bindparam("now")), ARTICLE.c.column_id == sa.bindparam(column_param))
        .order_by(*NEWEST_FIRST)
    )


@functools.lru_cache(maxsize=64)
def _latest_in_columns(count: int) -> sa.Select | sa.CompoundSelect:
    """The newest ``:per_column`` visible articles of each of ``:column_0`` … ``:column_<count-1>``.

    One ``LIMIT`` per column, joined with ``UNION ALL``: each part reads only its rows off
    the column index, where a window function over the columns sorted all their articles
    (four times slower on SQLite with 200 articles a site). Built once per column count.
    """
    parts = [
        _visible_rows(BLOCK_ROW, f"column_{n}").limit(sa.bindparam("per_column")).subquery().select()
        for n in range(count)
    ]
    if count == 1:
        return parts[0]
    # The parts' own order does not survive a UNION in SQL: sort the whole (a few dozen rows).
    return sa.union_all(*parts).order_by(sa.literal_column("published_at").desc(), sa.literal_column("id").desc())


def _neighbours() -> sa.Select:
    at, aid, published, this = ARTICLE.c.published_at, ARTICLE.c.id, sa.bindparam("published_at"), sa.bindparam("article_id")
    older = (
        _visible_rows((*LIST_ROW, sa.literal_column("0").label("newer")))
        .where(sa.or_(at < published, sa.and_(at == published, aid < this))).limit(1)
    )
    newer = (
        _visible_rows((*LIST_ROW, sa.literal_column("1").label("newer")))
        .where(sa.or_(at > published, sa.and_(at == published, aid > this))).order_by(None).order_by(at, aid).limit(1)
    )
    return sa.union_all(older.subquery().select(), newer.subquery().select())


def _article() -> sa.Select:
    link = ArticleAttachment.__table__
    # Most articles have no files: knowing it here spares their pages the attachments query.
    has_files = sa.exists().where(tenant_rows(link), link.c.article_id == ARTICLE.c.id)
    return sa.select(*ARTICLE_ROW, has_files.label("has_attachments")).where(
        tenant_rows(ARTICLE), ARTICLE.c.id == sa.bindparam("article_id"))


def _attachments() -> sa.Select:
    link, media = ArticleAttachment.__table__, Media.__table__
    return (
        sa.select(media.c.id, media.c.stored_name, media.c.original_name, media.c.size, media.c.has_thumbnail)
        .join_from(link, media, link.c.media_id == media.c.id)
        .where(tenant_rows(link), tenant_rows(media), link.c.article_id == sa.bindparam("article_id"))
        .order_by(link.c.position, link.c.id)
    )


# Built once: building a statement costs more than running it; the engine caches their SQL.
STATEMENTS = {
    "column page": _visible_rows(BLOCK_ROW).limit(sa.bindparam("limit")).offset(sa.bindparam("offset")),
    "column count": sa.select(sa.func.count()).select_from(_visible_rows((ARTICLE.c.id,)).order_by(None).subquery()),
    "article": _article(),
    "neighbours": _neighbours(),
    "attachments": _attachments(),
}


def _rows(name: str, **params) -> list[tuple]:
    """Run one of :data:`STATEMENTS` for the current site."""
    return _run(STATEMENTS[name], **params)


def _run(statement: sa.Select | sa.CompoundSelect, **params) -> list[tuple]:
    """Run a prepared statement for the current site (see :mod:`~zhanqun.platform.public.reads`)."""
    return reads.run(statement, tenant_params({"now": utcnow(), **params}))


def column_url(node_or_path: ColumnNode | str, **args) -> str:
    """The link to a column for a page being rendered (keeps the page's mode, like ``url_for``,
    without the cost of building it through the URL map on every line of a list)."""
    path = public_path(node_or_path if isinstance(node_or_path, str) else node_or_path.path)
    return page_url(f"{path}?{urlencode(args)}" if args else path)


def article_url(article_or_id) -> str:
    """The link to an article for a page being rendered (keeps the page's mode)."""
    return page_url(article_path(article_or_id if isinstance(article_or_id, int) else article_or_id.id))


def column_path(node: ColumnNode) -> str:
    """The plain path of a column, ``/c/<slug path>/`` (feeds, sitemaps, the theme's blocks)."""
    return public_path(node.path)


def article_path(article_id: int) -> str:
    """The stable path of an article, ``/a/<id>.html``: its id only, so retitling or moving keeps it."""
    return f"/a/{article_id}.html"


class Item(NamedTuple):
    """One line of a list of articles, ready to print: ``url`` keeps the page's mode.

    A named tuple: a home page makes about fifty, and a frozen dataclass costs three times as much.
    """

    title: str
    url: str
    date: str  # the local publication date, ``yyyy-MM-dd``


class Block(NamedTuple):
    """A column's latest articles, as the home page lays them out (``url`` keeps the page's mode)."""

    title: str
    url: str
    items: list[Item]
    column: PublicColumn


def items(rows: list[tuple]) -> list[Item]:
    """List lines for article rows (``id``, ``title``, ``published_at``).

    Links are made here rather than with a helper call per line in the template: a Jinja
    call costs more than the rest of the line.
    """
    zone = local_zone()
    urls = page_urls(article_path(row.id) for row in rows)
    return [Item(row.title, url, local_day(row.published_at, zone)) for row, url in zip(rows, urls)]


def latest_per_column(column_ids: list[int], per_column: int) -> dict[int, list[tuple]]:
    """The newest ``per_column`` visible articles of each column, in one query."""
    found: dict[int, list[tuple]] = {cid: [] for cid in column_ids}
    if not column_ids:
        return found
    params = {f"column_{n}": cid for n, cid in enumerate(column_ids)}
    for row in _run(_latest_in_columns(len(column_ids)), per_column=per_column, **params):
        found[row.column_id].append(row)
    return found


def blocks_for(nodes: list[ColumnNode], per_column: int, keep_empty: bool = False) -> list[Block]:
    """A :class:`Block` per column with its latest articles (one query for all of them)."""
    latest = latest_per_column([n.column.id for n in nodes], per_column)
    blocks = []
    for node in nodes:
        lines = items(latest[node.column.id])
        if lines or keep_empty:
            blocks.append(Block(node.column.name, page_url(column_path(node)), lines, node.column))
    return blocks


class ColumnPage(Pagination):
    """One page of a column's visible articles as :class:`Item` lines (Flask-SQLAlchemy's pagination API)."""

    def _query_items(self) -> list[Item]:
        return items(_rows("column page", column_id=self._query_args["column_id"], limit=self.per_page, offset=self._query_offset))

    def _query_count(self) -> int:
        return _rows("column count", column_id=self._query_args["column_id"])[0][0]


def column_page(column, page: int) -> ColumnPage:
    """One page of a column's visible articles (404 past the end)."""
    return ColumnPage(page=page, per_page=max(1, column.page_size), max_per_page=None, error_out=True, column_id=column.id)


def find_article(article_id: int) -> tuple | None:
    """The article with ``article_id`` on the current site, whatever its status (a row)."""
    found = _rows("article", article_id=article_id)
    return found[0] if found else None


@dataclass(frozen=True)
class Attachment:
    """A file attached to an article, as its public page lists it (:class:`Media`'s names)."""

    id: int
    stored_name: str
    original_name: str
    size: int
    has_thumbnail: bool

    @property
    def extension(self) -> str:
        return file_extension(self.stored_name)


def attachments(article_id: int) -> list[Attachment]:
    """The files attached to the article, in the editor's order (one query)."""
    return [Attachment(*row) for row in _rows("attachments", article_id=article_id)]


def neighbours(article) -> tuple[tuple | None, tuple | None]:
    """The visible articles just older and just newer than ``article`` in its column (one query)."""
    found = {row.newer: row for row in _rows(
        "neighbours", column_id=article.column_id, published_at=article.published_at, article_id=article.id,
    )}
    return found.get(0), found.get(1)


def article_context(article: tuple) -> dict | None:
    """Everything ``article.html`` and ``article_print.html`` need for ``article`` (a row from
    :func:`find_article`); ``None`` if its column is not found."""
    columns = site_columns()
    node = columns.by_id.get(article.column_id)
    if node is None:
        return None
    older, newer = neighbours(article)
    return {"article": article, "column": node.column, "node": node, "trail": columns.trail(node),
            "older": older, "newer": newer,
            "attachments": attachments(article.id) if article.has_attachments else []}


def latest(limit: int, column_ids: list[int] | None = None, with_body: bool = False) -> list[Article]:
    """The newest visible articles of the site, or of the given columns (feeds)."""
    stmt = visible_articles(column_ids)
    if not with_body:
        stmt = stmt.options(load_only(*LIST_FIELDS))
    return list(db.session.scalars(stmt.limit(limit)))


def all_visible() -> list[Article]:
    """Every visible article of the site, newest first, without bodies (sitemaps)."""
    return list(db.session.scalars(visible_articles().options(load_only(*LIST_FIELDS))))
