"""What the public may read on the current site, in a bounded number of queries.

Every function here works on the current tenant (the ORM scopes the queries) and shows
only visible articles: published, with a publication time that has passed. Lists load
the articles without their bodies.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import url_for
from flask_babel import format_date
from sqlalchemy.orm import load_only, selectinload

from zhanqun.platform.articles.models import Article, ArticleAttachment
from zhanqun.platform.articles.queries import visible_articles
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.columns.services import ColumnNode, column_tree, public_path
from zhanqun.platform.extensions import db

# Columns whose articles the public lists (catalogue columns list catalogue entries instead).
LIST_KINDS = frozenset({ColumnKind.LIST})
# Bounds the SQL OFFSET: no county site has a column this long, and a visitor's huge
# ?page= must not reach the database as an out-of-range integer.
MAX_PAGE = 10_000
LIST_FIELDS = (Article.id, Article.column_id, Article.title, Article.published_at, Article.updated_at)


class SiteColumns:
    """The current site's column tree, indexed by path and id (one query per request)."""

    def __init__(self, roots: list[ColumnNode]):
        self.roots = roots
        self.nodes = [node for root in roots for node in root.walk()]
        self.by_path = {node.path: node for node in self.nodes}
        self.by_id = {node.column.id: node for node in self.nodes}
        self._parent = {child.column.id: node for node in self.nodes for child in node.children}

    def find(self, path: str) -> ColumnNode | None:
        """The node at a slug path (``"a/b"``; slashes at the ends ignored)."""
        return self.by_path.get(path.strip("/"))

    def trail(self, node: ColumnNode) -> list[ColumnNode]:
        """The nodes from the root down to ``node``, for a breadcrumb."""
        trail = [node]
        while (parent := self._parent.get(trail[-1].column.id)) is not None:
            trail.append(parent)
        return trail[::-1]

    def in_navigation(self, node: ColumnNode) -> bool:
        """True when the column and all its parents are shown in navigation."""
        return all(n.column.visible for n in self.trail(node))

    def home_columns(self) -> list[ColumnNode]:
        """List columns shown on the home page: in navigation, not inside a special topic."""
        return [
            node for node in self.nodes
            if node.column.kind in LIST_KINDS and self.in_navigation(node)
            and not any(n.column.kind == ColumnKind.TOPIC for n in self.trail(node)[:-1])
        ]


def site_columns() -> SiteColumns:
    """The current site's columns (one query); a view loads them once and passes them on."""
    return SiteColumns(column_tree())


def column_url(node_or_path: ColumnNode | str, **args) -> str:
    """The link to a column for a page being rendered (``url_for``: keeps the page's mode)."""
    path = node_or_path if isinstance(node_or_path, str) else node_or_path.path
    return url_for("public.column", column_path=path, **args)


def article_url(article_or_id: Article | int) -> str:
    """The link to an article for a page being rendered (``url_for``: keeps the page's mode)."""
    article_id = article_or_id if isinstance(article_or_id, int) else article_or_id.id
    return url_for("public.article", article_id=article_id)


def column_path(node: ColumnNode) -> str:
    """The plain path of a column, ``/c/<slug path>/`` (feeds, sitemaps, the theme's blocks)."""
    return public_path(node.path)


def article_path(article_id: int) -> str:
    """The stable path of an article, ``/a/<id>.html``: its id only, so retitling or moving keeps it."""
    return f"/a/{article_id}.html"


@dataclass(frozen=True)
class Item:
    """One line of a list of articles. ``url`` is a plain path: templates pass it through ``page_url``."""

    title: str
    url: str
    date: str  # the local publication date, ``yyyy-MM-dd``


@dataclass(frozen=True)
class Block:
    """A column's latest articles, as the home page lays them out (``url``: a plain path)."""

    title: str
    url: str
    items: list[Item]
    column: Column


def latest_per_column(column_ids: list[int], per_column: int) -> dict[int, list[Article]]:
    """The newest ``per_column`` visible articles of each column, in one query."""
    if not column_ids:
        return {}
    rank = sa.func.row_number().over(
        partition_by=Article.column_id, order_by=(Article.published_at.desc(), Article.id.desc())
    )
    ranked = visible_articles(column_ids).with_only_columns(Article.id, rank.label("rank")).order_by(None).subquery()
    stmt = (
        sa.select(Article).options(load_only(*LIST_FIELDS)).join(ranked, ranked.c.id == Article.id)
        .where(ranked.c.rank <= per_column).order_by(Article.published_at.desc(), Article.id.desc())
    )
    found: dict[int, list[Article]] = {cid: [] for cid in column_ids}
    for article in db.session.scalars(stmt):
        found[article.column_id].append(article)
    return found


def blocks_for(nodes: list[ColumnNode], per_column: int, keep_empty: bool = False) -> list[Block]:
    """A :class:`Block` per column with its latest articles (one query for all of them)."""
    latest = latest_per_column([n.column.id for n in nodes], per_column)
    blocks = []
    for node in nodes:
        items = [Item(a.title, article_path(a.id), format_date(a.published_at, "yyyy-MM-dd")) for a in latest[node.column.id]]
        if items or keep_empty:
            blocks.append(Block(node.column.name, column_path(node), items, node.column))
    return blocks


def column_page(column: Column, page: int):
    """One page of a column's visible articles (a Flask-SQLAlchemy pagination; 404 past the end)."""
    stmt = visible_articles([column.id]).options(load_only(*LIST_FIELDS, Article.summary, Article.source))
    return db.paginate(stmt, page=page, per_page=max(1, column.page_size), error_out=True)


def find_article(article_id: int) -> Article | None:
    """The article with ``article_id`` on the current site, whatever its status, with its attachments."""
    return db.session.scalar(
        sa.select(Article).where(Article.id == article_id)
        .options(selectinload(Article.attachment_links).joinedload(ArticleAttachment.media))
    )


def neighbours(article: Article) -> tuple[Article | None, Article | None]:
    """The visible articles just older and just newer than ``article`` in its column."""
    same_column = visible_articles([article.column_id]).options(load_only(*LIST_FIELDS)).where(Article.id != article.id)
    at, aid = article.published_at, article.id
    older = db.session.scalar(same_column.where(
        sa.or_(Article.published_at < at, sa.and_(Article.published_at == at, Article.id < aid))
    ).limit(1))
    newer = db.session.scalar(same_column.where(
        sa.or_(Article.published_at > at, sa.and_(Article.published_at == at, Article.id > aid))
    ).order_by(None).order_by(Article.published_at, Article.id).limit(1))
    return older, newer


def article_context(article: Article, with_neighbours: bool = True) -> dict | None:
    """Everything ``article.html`` and ``article_print.html`` need for ``article`` (also for the
    console's preview, which leaves out the neighbours); ``None`` if its column is not found."""
    columns = site_columns()
    node = columns.by_id.get(article.column_id)
    if node is None:
        return None
    older, newer = neighbours(article) if with_neighbours else (None, None)
    return {"article": article, "column": node.column, "node": node, "trail": columns.trail(node),
            "older": older, "newer": newer, "attachments": list(article.attachments)}


def latest(limit: int, column_ids: list[int] | None = None, with_body: bool = False) -> list[Article]:
    """The newest visible articles of the site, or of the given columns (feeds)."""
    stmt = visible_articles(column_ids)
    if not with_body:
        stmt = stmt.options(load_only(*LIST_FIELDS))
    return list(db.session.scalars(stmt.limit(limit)))


def all_visible() -> list[Article]:
    """Every visible article of the site, newest first, without bodies (sitemaps)."""
    return list(db.session.scalars(visible_articles().options(load_only(*LIST_FIELDS))))
