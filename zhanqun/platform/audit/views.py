"""The audit log in the console (platform admins)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.console.access import platform_admin_required
from zhanqun.platform.console.navigation import platform_menu_item
from zhanqun.platform.extensions import db

bp = Blueprint("audit", __name__, subdomain="console", template_folder="templates")
platform_menu_item("audit.log", _l("Audit log"), order=90)

PER_PAGE = 50


@bp.route("/audit")
@platform_admin_required
def log():
    """Every privileged action, newest first, filterable by action, user and site."""
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.tenant)).order_by(AuditEvent.id.desc())
    action = request.args.get("action", "").strip()
    username = request.args.get("user", "").strip()
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if username:
        query = query.where(AuditEvent.username == username)
    page = db.paginate(query, per_page=PER_PAGE, error_out=True)
    return render_template("audit/log.html", page=page, action=action, username=username)
