"""Where events go: this platform's portal tenant, or a remote zhanqun portal over HTTP."""
from __future__ import annotations

import json
import time

import httpx
import sqlalchemy as sa
from flask import current_app

from zhanqun.platform.extensions import db
from zhanqun.platform.sync import receive, signing
from zhanqun.platform.sync.models import OutboxEvent, SyncKey
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import tenant_context

RECEIVE_PATH = "/sync/v1/events"


class DeliveryError(Exception):
    """The target did not take the event; it will be retried."""


class LocalPortal:
    """Applies events to the portal tenant of this platform, in the worker's transaction.

    The upsert and the event's ``delivered`` mark commit together: a crash in between
    leaves neither, and the retry finds the event still pending.
    """

    def deliver(self, event: OutboxEvent) -> str:
        portal = next((s for s in hostmap().sites() if s.is_portal), None)
        if portal is None:
            raise DeliveryError("this platform has no portal site")
        with tenant_context(portal.id):
            return receive.apply_event(operation=event.operation, version=event.version, payload=event.payload)


class RemotePortal:
    """Posts events to a remote zhanqun portal, signed with the source site's secret."""

    def __init__(self, base_url: str, client: httpx.Client | None = None):
        self.url = base_url.rstrip("/") + RECEIVE_PATH
        self.client = client or httpx.Client(timeout=current_app.config["ZHANQUN_SYNC_TIMEOUT_SECONDS"])

    def deliver(self, event: OutboxEvent) -> str:
        site_code = event.payload["source"]["site_code"]
        secret = db.session.scalar(sa.select(SyncKey.secret).where(SyncKey.site_code == site_code))
        if secret is None:
            raise DeliveryError(f"no sync key for site code {site_code}; run `zhanqun sync keys create {site_code}`")
        body = json.dumps(message(event), ensure_ascii=False, separators=(",", ":")).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json", signing.SITE_HEADER: site_code, signing.TIMESTAMP_HEADER: timestamp,
            signing.SIGNATURE_HEADER: signing.sign(secret, timestamp, body),
        }
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from None
        if response.status_code == 409:
            # Our own earlier attempt got through but its answer was lost.
            return receive.IGNORED
        if response.status_code != 200:
            raise DeliveryError(f"HTTP {response.status_code}: {response.text[:300]}")
        return response.json().get("result", receive.APPLIED)


def message(event: OutboxEvent) -> dict:
    """The JSON body of a remote delivery."""
    return {"id": event.uid, "operation": str(event.operation), "version": event.version, "payload": event.payload}


def default_target():
    """The target the configuration names."""
    url = current_app.config["ZHANQUN_SYNC_TARGET"]
    return RemotePortal(url) if url else LocalPortal()
