"""The main navigation of a site's pages: its visible top-level columns, in order."""
from __future__ import annotations

import weakref
from dataclasses import dataclass

from flask import request

from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.columns.services import public_path
from zhanqun.platform.public.sitecolumns import site_columns
from zhanqun.themes.rendering import page_query, page_url


@dataclass(frozen=True)
class NavItem:
    """One link of the main navigation."""

    name: str
    url: str
    current: bool
    external: bool = False


def site_navigation() -> list[NavItem]:
    """The current site's visible top-level columns by position (from the kept column tree,
    so no query). The items are made once per column tree, page mode and current column."""
    columns = site_columns()
    navigation = _NAVIGATIONS.get(columns)
    if navigation is None:
        navigation = _NAVIGATIONS[columns] = _Navigation(columns.navigation)
    return list(navigation.items(page_query(), request._get_current_object().path))


class _Navigation:
    """A column tree's navigation links, and its finished items per page mode and current column."""

    # Each preview link is a page mode of its own: bound what they leave behind.
    MAX_VARIANTS = 64

    def __init__(self, nodes):
        # (name, path, None) for a column page, (name, None, address) for an external link.
        self.links = tuple(
            (node.column.name, None, node.column.link_url) if node.column.kind == ColumnKind.LINK and node.column.link_url
            else (node.column.name, public_path(node.column.slug), None)
            for node in nodes
        )
        self._items: dict[tuple, tuple[NavItem, ...]] = {}

    def items(self, query: str, here: str) -> tuple[NavItem, ...]:
        """The items for the current page, at path ``here``, whose links carry ``query``."""
        current = tuple(path is not None and here.startswith(path) for _name, path, _address in self.links)
        key = (query, current)
        found = self._items.get(key)
        if found is None:
            if len(self._items) >= self.MAX_VARIANTS:
                self._items.clear()
            found = self._items[key] = tuple(
                NavItem(name, address, current=False, external=True) if path is None
                else NavItem(name, page_url(path), current=is_current)
                for (name, path, address), is_current in zip(self.links, current)
            )
        return found


# Column trees are kept per site version (public/sitecolumns.py); their navigation goes with them.
_NAVIGATIONS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def department_sites() -> list:
    """The platform's active department sub-sites, by name (for the portal's links; no query)."""
    from zhanqun.tenants.models import TenantKind, TenantStatus
    from zhanqun.tenants.resolver import hostmap

    return sorted((s for s in hostmap().sites() if s.kind == TenantKind.DEPARTMENT and s.status == TenantStatus.ACTIVE),
                  key=lambda s: s.site_code or s.slug)
