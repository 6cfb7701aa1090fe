"""``/healthz`` on every host, for load balancers and monitoring."""
from __future__ import annotations

from flask import Blueprint, Response

from zhanqun.platform.database import is_reachable

bp = Blueprint("health", __name__)


def _health() -> Response:
    if is_reachable():
        return Response("ok\n", status=200, mimetype="text/plain", headers={"Cache-Control": "no-store"})
    return Response("database unreachable\n", status=503, mimetype="text/plain", headers={"Cache-Control": "no-store"})


bp.add_url_rule("/healthz", "healthz", _health)
bp.add_url_rule("/healthz", "console_healthz", _health, subdomain="console")
