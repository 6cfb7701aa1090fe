"""The portal side of sync: apply one event to the portal's copies.

Upsert by (source site code, entry uid); an event whose version is not newer than the
copy's is ignored, so duplicates and out-of-order deliveries change nothing. A withdraw
for an unknown entry leaves a hidden copy behind, so an older upsert arriving later
cannot bring it back.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.sanitize import sanitize_html
from zhanqun.platform.sync.models import Operation, PortalCopy

APPLIED, IGNORED = "applied", "ignored"


def apply_event(*, operation: str, version: int, payload: dict) -> str:
    """Apply one event to the current tenant (the portal); returns ``applied`` or ``ignored``."""
    source = payload["source"]
    copy = db.session.scalar(sa.select(PortalCopy).where(
        PortalCopy.source_site_code == source["site_code"], PortalCopy.entry_uid == payload["uid"]))
    if copy is not None and copy.version >= version:
        return IGNORED
    if copy is None:
        copy = PortalCopy(source_site_code=source["site_code"], entry_uid=payload["uid"])
        db.session.add(copy)
    copy.version = version
    copy.source_slug, copy.source_name, copy.source_url = source.get("slug", ""), source.get("name", ""), source.get("url", "")
    copy.received_at = utcnow()
    if Operation(operation) == Operation.WITHDRAW:
        copy.withdrawn = True
    else:
        copy.withdrawn = False
        _copy_fields(copy, payload)
    db.session.flush()
    return APPLIED


def _copy_fields(copy: PortalCopy, payload: dict) -> None:
    for key in ("index_number", "title", "publisher", "document_number", "validity", "validity_note",
                "disclosure_mode"):
        setattr(copy, key, payload[key])
    # A remote sender is trusted with data, not with markup: the body is cleaned again here.
    copy.body = sanitize_html(payload["body"])
    copy.attachments = [{"name": str(a["name"]), "url": str(a["url"])} for a in payload["attachments"]
                        if str(a.get("url", "")).startswith(("https://", "http://", "/"))]
    for key in ("topic", "genre"):
        term = payload.get(key) or {}
        setattr(copy, f"{key}_code", term.get("code", ""))
        setattr(copy, f"{key}_name", term.get("name", ""))
    copy.year = payload.get("year")
    copy.issued_on = date.fromisoformat(payload["issued_on"]) if payload.get("issued_on") else None
    copy.published_at = datetime.fromisoformat(payload["published_at"]) if payload.get("published_at") else None
