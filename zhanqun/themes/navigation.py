"""The main navigation of a site's pages: its visible top-level columns, in order."""
from __future__ import annotations

from dataclasses import dataclass

from flask import g, request

from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.columns.services import public_path


@dataclass(frozen=True)
class NavItem:
    """One link of the main navigation."""

    name: str
    url: str
    current: bool
    external: bool = False


def site_navigation() -> list[NavItem]:
    """The current site's visible top-level columns by position (from the kept column tree,
    so no query; once per request)."""
    cached = g.get("_zhanqun_navigation")
    if cached is not None:
        return cached
    from zhanqun.platform.public.sitecolumns import site_columns
    from zhanqun.themes.rendering import page_urls

    nodes = site_columns().navigation
    paths = [public_path(node.column.slug) for node in nodes]
    here = request.path
    items = []
    for node, path, url in zip(nodes, paths, page_urls(paths)):
        column = node.column
        if column.kind == ColumnKind.LINK and column.link_url:
            items.append(NavItem(column.name, column.link_url, current=False, external=True))
        else:
            items.append(NavItem(column.name, url, current=here.startswith(path)))
    g._zhanqun_navigation = items
    return items


def department_sites() -> list:
    """The platform's active department sub-sites, by name (for the portal's links; no query)."""
    from zhanqun.tenants.models import TenantKind, TenantStatus
    from zhanqun.tenants.resolver import hostmap

    return sorted((s for s in hostmap().sites() if s.kind == TenantKind.DEPARTMENT and s.status == TenantStatus.ACTIVE),
                  key=lambda s: s.site_code or s.slug)
