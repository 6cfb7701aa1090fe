"""Load, then authorise, then act: the checks every console view runs before its body."""
from __future__ import annotations

from functools import wraps

from flask import abort, g
from flask_login import current_user, login_required

from zhanqun.platform.accounts.models import Role, User
from zhanqun.platform.accounts.services import role_on
from zhanqun.platform.requests import enter_tenant
from zhanqun.tenants.resolver import hostmap


def site_role_required(role: Role):
    """For console views under ``/sites/<slug>/``: the signed-in user needs ``role`` there.

    The site is loaded by slug; a user with no role on it gets 404 (the site's existence is
    not revealed), one with a lower role 403. On success the site becomes the current
    tenant (``g.site``) and ``g.site_role`` holds the user's role.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, slug: str, **kwargs):
            site = hostmap().site_by_slug(slug)
            if site is None:
                abort(404)
            actual = role_on(current_user, site.id)
            if actual is None:
                abort(404)
            if not actual.includes(role):
                abort(403)
            enter_tenant(site)
            g.site_role = actual
            return view(*args, **kwargs)

        return wrapper

    return decorator


def acting_user() -> User:
    """The signed-in user as a plain ``User`` (services record it; the proxy must not leak)."""
    return current_user._get_current_object()


def platform_admin_required(view):
    """Only platform admins; everyone else gets 403."""

    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapper
