"""The console's navigation: the site switcher and the per-site menu later features extend.

A feature adds its entry to the per-site menu with :func:`site_menu_item` when it is
registered, so this module never imports features.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import g
from flask_login import current_user

from zhanqun.platform.accounts.models import Role


@dataclass(frozen=True)
class MenuItem:
    """One entry of the per-site menu."""

    endpoint: str
    label: object  # a lazy string
    role: Role
    order: int


_SITE_MENU: list[MenuItem] = []
_PLATFORM_MENU: list[MenuItem] = []


def site_menu_item(endpoint: str, label, role: Role = Role.EDITOR, order: int = 50) -> None:
    """Add a link to every site's console menu, shown to users with at least ``role``."""
    if not any(item.endpoint == endpoint for item in _SITE_MENU):
        _SITE_MENU.append(MenuItem(endpoint, label, role, order))
        _SITE_MENU.sort(key=lambda item: item.order)


def platform_menu_item(endpoint: str, label, order: int = 50) -> None:
    """Add a link for platform admins to the console's top bar (users, audit log, …)."""
    if not any(item.endpoint == endpoint for item in _PLATFORM_MENU):
        _PLATFORM_MENU.append(MenuItem(endpoint, label, Role.SITE_ADMIN, order))
        _PLATFORM_MENU.sort(key=lambda item: item.order)


def console_context() -> dict:
    """Template variables of every console page."""
    from zhanqun.tenants.resolver import HostKind

    if getattr(g, "host_kind", None) != HostKind.CONSOLE or not current_user.is_authenticated:
        return {}
    role = getattr(g, "site_role", None)
    menu = [item for item in _SITE_MENU if role is not None and role.includes(item.role)]
    platform = _PLATFORM_MENU if current_user.is_platform_admin else []
    return {"switcher_sites": switcher_sites(), "site_menu": menu, "platform_menu": platform}


def switcher_sites():
    """The sites the signed-in user may manage, for the switcher."""
    from zhanqun.platform.accounts.services import manageable_tenant_ids
    from zhanqun.tenants.resolver import hostmap

    allowed = manageable_tenant_ids(current_user)
    return [s for s in hostmap().sites() if allowed is None or s.id in allowed]
