"""Reading and changing a site's column tree. Services flush; the caller commits."""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.columns.templates_catalog import TEMPLATES
from zhanqun.platform.extensions import db
from zhanqun.platform.sanitize import sanitize_html


@dataclass
class ColumnNode:
    """A column with its children, as :func:`column_tree` builds it (no further queries)."""

    column: Column
    children: list[ColumnNode] = field(default_factory=list)
    path: str = ""  # "parent-slug/child-slug"
    depth: int = 0

    def walk(self):
        """This node, then every descendant, depth first in position order."""
        yield self
        for child in self.children:
            yield from child.walk()


def column_tree() -> list[ColumnNode]:
    """The current tenant's columns as a tree (one query), roots in position order."""
    columns = db.session.scalars(sa.select(Column).order_by(Column.position, Column.id)).all()
    nodes = {c.id: ColumnNode(c) for c in columns}
    roots: list[ColumnNode] = []
    for column in columns:
        parent = nodes.get(column.parent_id) if column.parent_id else None
        (parent.children if parent else roots).append(nodes[column.id])
    _set_paths(roots, "", 0)
    return roots


def _set_paths(nodes: list[ColumnNode], prefix: str, depth: int) -> None:
    for node in nodes:
        node.path = f"{prefix}{node.column.slug}"
        node.depth = depth
        _set_paths(node.children, node.path + "/", depth + 1)


def flat_tree() -> list[ColumnNode]:
    """Every node of :func:`column_tree`, depth first (for lists and ``<select>`` options)."""
    return [node for root in column_tree() for node in root.walk()]


def column_by_path(path: str) -> Column | None:
    """The column addressed by its slug path (``"parent/child"``, slashes at the ends ignored)."""
    slugs = [s for s in path.strip("/").split("/") if s]
    if not slugs:
        return None
    candidates = db.session.scalars(sa.select(Column).where(Column.slug.in_(slugs))).all()
    by_parent_slug = {(c.parent_id, c.slug): c for c in candidates}
    column = None
    for slug in slugs:
        column = by_parent_slug.get((column.id if column else None, slug))
        if column is None:
            return None
    return column


def public_path(slug_path: str) -> str:
    """A column's public address from its slug path: ``news/notices`` → ``/c/news/notices/``."""
    return f"/c/{slug_path}/"


class ColumnError(Exception):
    """A column change that breaks a rule; ``field`` names the form field to show it on."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


EDITABLE_FIELDS = ("name", "slug", "kind", "visible", "description", "update_category", "update_interval_days",
                   "page_size", "body", "link_url")


def create_column(data: dict) -> Column:
    """A new column at the end of its parent's children (``data`` comes from the column schema)."""
    parent_id = data.get("parent_id")
    _check_parent(None, parent_id)
    _check_slug_free(data["slug"], parent_id, None)
    column = Column(parent_id=parent_id, position=_next_position(parent_id))
    _assign(column, data)
    db.session.add(column)
    db.session.flush()
    return column


def update_column(column: Column, data: dict) -> None:
    """Rename, change or move ``column`` (moving puts it last among its new siblings)."""
    parent_id = data.get("parent_id")
    _check_parent(column, parent_id)
    _check_slug_free(data["slug"], parent_id, column.id)
    if data.get("kind", column.kind) != ColumnKind.LIST and column.kind == ColumnKind.LIST and delete_blockers(column).article_count:
        raise ColumnError(_("This column holds articles: it stays an article list until they are moved."), "kind")
    if parent_id != column.parent_id:
        column.parent_id = parent_id
        column.position = _next_position(parent_id)
    _assign(column, data)
    db.session.flush()


def _assign(column: Column, data: dict) -> None:
    for name in EDITABLE_FIELDS:
        if name in data:
            setattr(column, name, data[name])
    column.body = sanitize_html(column.body)


def _next_position(parent_id: int | None) -> int:
    last = db.session.scalar(sa.select(sa.func.max(Column.position)).where(_parent_is(parent_id)))
    return (last or 0) + 1


def _parent_is(parent_id: int | None):
    return Column.parent_id.is_(None) if parent_id is None else Column.parent_id == parent_id


def _check_parent(column: Column | None, parent_id: int | None) -> None:
    if parent_id is None:
        return
    parent = db.session.get(Column, parent_id)
    if parent is None:
        raise ColumnError(_("Choose a parent column of this site."), "parent_id")
    if column is not None:
        node: Column | None = parent
        while node is not None:
            if node.id == column.id:
                raise ColumnError(_("A column cannot be moved under itself or one of its sub-columns."), "parent_id")
            node = node.parent


def _check_slug_free(slug: str, parent_id: int | None, own_id: int | None) -> None:
    stmt = sa.select(Column.id).where(Column.slug == slug, _parent_is(parent_id))
    if own_id is not None:
        stmt = stmt.where(Column.id != own_id)
    if db.session.scalar(stmt) is not None:
        raise ColumnError(_("Another column at this level already uses this address."), "slug")


def move_column(column: Column, direction: str) -> bool:
    """Swap ``column`` with its previous (``"up"``) or next (``"down"``) sibling; False at an end."""
    siblings = list(db.session.scalars(sa.select(Column).where(_parent_is(column.parent_id))
                                       .order_by(Column.position, Column.id)))
    index = siblings.index(column)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position
    db.session.flush()
    return True


@dataclass(frozen=True)
class DeleteBlockers:
    """What keeps a column from being deleted."""

    article_count: int
    children: list[Column]

    def __bool__(self) -> bool:
        return bool(self.article_count or self.children)


def delete_blockers(column: Column) -> DeleteBlockers:
    """The articles and sub-columns that must be moved or deleted before ``column`` can go."""
    count = db.session.scalar(sa.select(sa.func.count(Article.id)).where(Article.column_id == column.id)) or 0
    children = list(db.session.scalars(sa.select(Column).where(Column.parent_id == column.id).order_by(Column.position)))
    return DeleteBlockers(count, children)


def delete_column(column: Column) -> None:
    """Delete an empty column; raises :class:`ColumnError` while it holds articles or sub-columns."""
    if delete_blockers(column):
        raise ColumnError(_("This column still holds articles or sub-columns."))
    db.session.delete(column)
    db.session.flush()


def apply_column_template(name: str) -> list[Column]:
    """Create the current tenant's columns of template ``name``; returns the columns it added.

    Idempotent: a column whose slug already exists at its place is kept as it is (and its
    missing children are still added), so applying a template twice adds nothing.
    Raises ``KeyError`` for an unknown template.
    """
    specs = TEMPLATES[name]
    existing = {(c.parent_id, c.slug): c for c in db.session.scalars(sa.select(Column))}
    added: list[Column] = []

    def add(specs, parent: Column | None) -> None:
        for spec in specs:
            parent_id = parent.id if parent else None
            column = existing.get((parent_id, spec.slug))
            if column is None:
                column = Column(parent_id=parent_id, name=spec.name, slug=spec.slug, kind=spec.kind,
                                update_category=spec.update, description=spec.description,
                                position=_next_position(parent_id))
                db.session.add(column)
                db.session.flush()
                added.append(column)
            add(spec.children, column)

    add(specs, None)
    return added


def column_tree_branch(column: Column) -> list[ColumnNode]:
    """``column`` and all its descendants as nodes (what it may not be moved under)."""
    for node in flat_tree():
        if node.column.id == column.id:
            return list(node.walk())
    return []
