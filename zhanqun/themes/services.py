"""Changing a site's theme and its settings (services flush; the view commits)."""
from __future__ import annotations

import sqlalchemy as sa

from zhanqun.platform import audit
from zhanqun.platform.extensions import db
from zhanqun.tenants.models import Tenant


def save_theme_settings(site_id: int, theme: str, values: dict, *, use_theme: bool, by=None) -> None:
    """Store ``values`` (already checked) as the site's settings for ``theme``; with
    ``use_theme`` the site switches to that theme too. Other themes' settings are kept.

    The change bumps the tenants counter like every tenant change, so the site's pages
    show it on the next request, in every process.
    """
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.id == site_id))
    stored = dict(tenant.theme_settings or {})
    previous = stored.get(theme) or {}
    stored[theme] = values
    tenant.theme_settings = stored
    changed = sorted(k for k in values if previous.get(k) != values[k])
    switched = use_theme and tenant.theme != theme
    if switched:
        tenant.theme = theme
    db.session.flush()
    audit.record("theme.settings", user=by, tenant_id=site_id, theme=theme, fields=changed, switched=switched)
