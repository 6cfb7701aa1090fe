"""Sync's URLs: the portal's receiving endpoint and the console page of events."""
from __future__ import annotations

import json
import time
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from zhanqun.platform import audit
from zhanqun.platform.console.access import platform_admin_required
from zhanqun.platform.console.navigation import platform_menu_item
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import csrf, db
from zhanqun.platform.sync import delivery, receive, signing
from zhanqun.platform.sync.models import (
    EventState,
    OutboxEvent,
    ReceivedMessage,
    SyncKey,
)
from zhanqun.platform.sync.targets import RECEIVE_PATH
from zhanqun.tenants.scoping import cross_tenant

receiver = Blueprint("sync_receive", __name__)
console = Blueprint("sync", __name__, subdomain="console", template_folder="templates")
platform_menu_item("sync.events", _l("Sync"), order=70)


def init_app(app: Flask) -> None:
    """Register both blueprints; the receiver is signed, not a browser form, so no CSRF."""
    csrf.exempt(receiver)
    app.register_blueprint(receiver)
    app.register_blueprint(console)


class Refused(Exception):
    """A delivery the portal will not apply; logged and answered with ``status``."""

    def __init__(self, status: int, code: str, site_code: str):
        super().__init__(code)
        self.status, self.code, self.site_code = status, code, site_code


@receiver.route(RECEIVE_PATH, methods=["POST"])
def receive_event():
    """Apply one signed event from a remote sub-site (portal host only)."""
    if g.site is None or not g.site.is_portal:
        abort(404)
    try:
        message = _check(request.get_data(cache=False))
    except Refused as exc:
        db.session.rollback()
        current_app.logger.warning("sync delivery refused: %s (site code %r, from %s)", exc.code, exc.site_code, request.remote_addr)
        audit.record("sync.refused", tenant_id=g.site.id, reason=exc.code, site_code=exc.site_code)
        db.session.commit()
        return {"error": {"code": exc.status, "message": exc.code}}, exc.status
    # Ids older than a day can go: a replay that old is refused as stale by its timestamp anyway.
    db.session.execute(sa.delete(ReceivedMessage).where(ReceivedMessage.received_at < utcnow() - timedelta(days=1)))
    db.session.add(ReceivedMessage(site_code=message["payload"]["source"]["site_code"], message_id=message["id"]))
    result = receive.apply_event(operation=message["operation"], version=message["version"], payload=message["payload"])
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        # The same message id arrived twice at the same moment: the other one applied it.
        db.session.rollback()
        return {"error": {"code": 409, "message": "replayed"}}, 409
    return {"result": result}


def _check(body: bytes) -> dict:
    site_code = request.headers.get(signing.SITE_HEADER, "")
    timestamp = request.headers.get(signing.TIMESTAMP_HEADER, "")
    secret = db.session.scalar(sa.select(SyncKey.secret).where(SyncKey.site_code == site_code)) if site_code else None
    if secret is None:
        raise Refused(401, "unknown site code", site_code)
    try:
        age = abs(time.time() - int(timestamp))
    except ValueError:
        raise Refused(401, "stale", site_code) from None
    if age > current_app.config["ZHANQUN_SYNC_MAX_AGE_SECONDS"]:
        raise Refused(401, "stale", site_code)
    if not signing.valid(secret, timestamp, body, request.headers.get(signing.SIGNATURE_HEADER, "")):
        raise Refused(401, "bad signature", site_code)
    try:
        message = json.loads(body)
        source_code = message["payload"]["source"]["site_code"]
        message_id, operation, version = str(message["id"]), message["operation"], int(message["version"])
    except (ValueError, KeyError, TypeError):
        raise Refused(400, "malformed", site_code) from None
    if source_code != site_code or operation not in ("upsert", "withdraw") or len(message_id) > 64:
        raise Refused(400, "malformed", site_code)
    replay = db.session.scalar(sa.select(ReceivedMessage.id).where(
        ReceivedMessage.site_code == site_code, ReceivedMessage.message_id == message_id))
    if replay is not None:
        raise Refused(409, "replayed", site_code)
    message["version"] = version
    return message


PER_PAGE = 50


@console.route("/sync/")
@platform_admin_required
def events():
    """Counts by state and the parked events, with their errors and a retry button."""
    with cross_tenant():
        counts = dict(db.session.execute(sa.select(OutboxEvent.state, sa.func.count()).group_by(OutboxEvent.state)).all())
        page = db.paginate(
            sa.select(OutboxEvent).where(OutboxEvent.state == EventState.PARKED).order_by(OutboxEvent.id),
            per_page=PER_PAGE, error_out=False,
        )
    return render_template("sync/events.html", counts={EventState(k): v for k, v in counts.items()}, page=page,
                           EventState=EventState)


@console.route("/sync/retry", methods=["POST"])
@platform_admin_required
def retry():
    """Make one parked event (or all of them) due again."""
    event_id = request.form.get("event_id", type=int)
    count = delivery.retry([event_id] if event_id else None)
    audit.record("sync.retry", user=current_user, event_id=event_id, count=count)
    db.session.commit()
    flash(_("%(count)s event(s) will be delivered again.", count=count), "success")
    return redirect(url_for("sync.events"))
