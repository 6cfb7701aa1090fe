"""The audit log in the console (platform admins)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields
from sqlalchemy.orm import joinedload

from zhanqun.platform.audit.labels import GROUPS, action_label, known_actions
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.console.access import platform_admin_required
from zhanqun.platform.console.navigation import platform_menu_item
from zhanqun.platform.extensions import db
from zhanqun.platform.i18n import local_zone
from zhanqun.platform.schemas import N_, FormSchema, TrimmedString, flatten_errors
from zhanqun.tenants.resolver import hostmap

bp = Blueprint("audit", __name__, subdomain="console", template_folder="templates")
platform_menu_item("audit.log", _l("Audit log"), order=90)

PER_PAGE = 50


class AuditFilterSchema(FormSchema):
    """The log page's filter; every field may be empty."""

    action = TrimmedString(load_default="")
    user = TrimmedString(load_default="")
    site = fields.Integer(load_default=None, allow_none=True, error_messages={"invalid": N_("Choose a site.")})
    since = fields.Date(load_default=None, allow_none=True)
    until = fields.Date(load_default=None, allow_none=True)


def _day_start(day, *, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=zone)


def filtered_events(filters: dict) -> sa.Select:
    """Events matching ``filters``, newest first; dates are days in the platform's time zone."""
    query = sa.select(AuditEvent).options(joinedload(AuditEvent.tenant)).order_by(AuditEvent.id.desc())
    if filters["action"]:
        query = query.where(AuditEvent.action.startswith(filters["action"], autoescape=True))
    if filters["user"]:
        query = query.where(sa.func.lower(AuditEvent.username) == filters["user"].lower())
    if filters["site"] is not None:
        query = query.where(AuditEvent.tenant_id == filters["site"])
    zone = local_zone()
    if filters["since"]:
        query = query.where(AuditEvent.created_at >= _day_start(filters["since"], zone=zone))
    if filters["until"]:
        query = query.where(AuditEvent.created_at < _day_start(filters["until"] + timedelta(days=1), zone=zone))
    return query


@bp.route("/audit")
@platform_admin_required
def log():
    """Every privileged action, newest first, filterable by action, user, site and dates."""
    raw = {key: value for key, value in request.args.items() if value.strip()}
    try:
        filters, errors = AuditFilterSchema().load(raw), {}
    except ValidationError as exc:
        filters, errors = AuditFilterSchema().load({}), flatten_errors(exc.messages)
    page = db.paginate(filtered_events(filters), per_page=PER_PAGE, error_out=False)
    return render_template(
        "audit/log.html", page=page, filters=filters, raw=raw, errors=errors, groups=GROUPS,
        actions=known_actions(), action_label=action_label, sites=hostmap().sites(),
    ), (400 if errors else 200)
