"""Writing outbox events. Called by the catalogue services inside their transaction."""
from __future__ import annotations

from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import Operation, OutboxEvent

# Session flag read after commit by :mod:`background`: there is something to deliver.
PENDING_FLAG = "zhanqun_sync_pending"


def enqueue(entry_uid: str, version: int, operation: Operation, payload: dict) -> OutboxEvent:
    """Add an event for the current tenant's entry to the current transaction."""
    event = OutboxEvent(entry_uid=entry_uid, version=version, operation=operation, payload=payload)
    db.session.add(event)
    db.session.info[PENDING_FLAG] = True
    return event
