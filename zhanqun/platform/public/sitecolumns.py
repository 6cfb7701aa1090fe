"""The current site's column tree as the public pages see it: plain, immutable, kept per site.

Every public page needs the tree (navigation, breadcrumbs, finding a column by its path).
It is read in one Core query the first time a site is asked for after any change to it, and
shared by every request of the process until the site's content version moves (see
:mod:`zhanqun.platform.pagecache.sitecache`); ordinary page views run no query for it.
The console works on the ORM's :func:`~zhanqun.platform.columns.services.column_tree` instead.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

import sqlalchemy as sa

from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.pagecache.sitecache import cached_for_site
from zhanqun.platform.public import reads
from zhanqun.tenants.scoping import current_tenant_id, tenant_params, tenant_rows

# Columns whose articles the public lists (catalogue columns list catalogue entries instead).
LIST_KINDS = frozenset({ColumnKind.LIST})


@dataclass(frozen=True)
class PublicColumn:
    """What the public pages read of a column (the same names as :class:`Column`'s)."""

    id: int
    parent_id: int | None
    name: str
    slug: str
    kind: ColumnKind
    visible: bool
    description: str
    body: str
    link_url: str
    page_size: int
    updated_at: datetime


_TABLE = Column.__table__
_STATEMENT = (
    sa.select(*(_TABLE.c[name] for name in PublicColumn.__dataclass_fields__))
    .where(tenant_rows(_TABLE)).order_by(_TABLE.c.position, _TABLE.c.id)
)


@dataclass(frozen=True, eq=False)
class ColumnNode:
    """A column with its children, its slug path (``"parent/child"``) and depth."""

    column: PublicColumn
    path: str
    depth: int
    children: tuple[ColumnNode, ...]

    def walk(self):
        """This node, then every descendant, depth first in position order."""
        yield self
        for child in self.children:
            yield from child.walk()


class SiteColumns:
    """A site's column tree, indexed by path and id, with what pages ask of it precomputed.

    Built once per site version and shared between requests and threads: nothing changes
    it after construction.
    """

    def __init__(self, columns: list[PublicColumn]):
        by_parent: dict[int | None, list[PublicColumn]] = {}
        for column in columns:
            by_parent.setdefault(column.parent_id, []).append(column)

        def build(parent_id: int | None, prefix: str, depth: int) -> tuple[ColumnNode, ...]:
            return tuple(
                ColumnNode(c, prefix + c.slug, depth, build(c.id, f"{prefix}{c.slug}/", depth + 1))
                for c in by_parent.get(parent_id, ())
            )

        self.roots = build(None, "", 0)
        self.nodes = tuple(node for root in self.roots for node in root.walk())
        self.by_path = MappingProxyType({node.path: node for node in self.nodes})
        self.by_id = MappingProxyType({node.column.id: node for node in self.nodes})
        trails: dict[int, tuple[ColumnNode, ...]] = {}
        for root in self.roots:
            _collect_trails(root, (), trails)
        self._trails = MappingProxyType(trails)
        self.navigation = tuple(node for node in self.roots if node.column.visible)
        self.topics = tuple(n for n in self.nodes if n.column.kind == ColumnKind.TOPIC and self.in_navigation(n))
        self.home_columns = tuple(
            node for node in self.nodes
            if node.column.kind in LIST_KINDS and self.in_navigation(node)
            and not any(n.column.kind == ColumnKind.TOPIC for n in self.trail(node)[:-1])
        )

    def find(self, path: str) -> ColumnNode | None:
        """The node at a slug path (``"a/b"``; slashes at the ends ignored)."""
        return self.by_path.get(path.strip("/"))

    def trail(self, node: ColumnNode) -> tuple[ColumnNode, ...]:
        """The nodes from the root down to ``node``, for a breadcrumb."""
        return self._trails[node.column.id]

    def in_navigation(self, node: ColumnNode) -> bool:
        """True when the column and all its parents are shown in navigation."""
        return all(n.column.visible for n in self.trail(node))


def _collect_trails(node: ColumnNode, above: tuple[ColumnNode, ...], trails: dict) -> None:
    trails[node.column.id] = (*above, node)
    for child in node.children:
        _collect_trails(child, trails[node.column.id], trails)


def site_columns() -> SiteColumns:
    """The current site's :class:`SiteColumns` (a query only when the site has changed)."""
    return cached_for_site(current_tenant_id(), "public-columns", _load)


def _load() -> SiteColumns:
    rows = reads.run(_STATEMENT, tenant_params())
    return SiteColumns([PublicColumn(*row) for row in rows])
