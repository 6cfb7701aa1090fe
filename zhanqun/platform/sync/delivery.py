"""Delivering outbox events, in order per entry.

An event is taken only when no earlier event of the same entry is still pending, so a
portal sees the versions of an entry in the order they were made (the receiver's version
check makes any other order harmless too). On PostgreSQL ``FOR UPDATE SKIP LOCKED`` lets
several workers share the queue without taking the same event; on every backend the claim
is also a compare-and-set on ``attempts``, so a second taker finds nothing to update.

Events are claimed in batches, one transaction per batch and one savepoint per event. For
the local portal the copy and the ``delivered`` mark commit together: a crash rolls back
both, and the restart delivers the batch again, so nothing is lost or doubled. A remote
portal may see a message again after a crash; it refuses the replay (409), which the
sender takes as delivered.

A failed attempt is rolled back to its savepoint and recorded: the event waits
``ZHANQUN_SYNC_RETRY_SECONDS × 2^(attempts-1)`` (at most an hour) and is parked after
``ZHANQUN_SYNC_MAX_ATTEMPTS``.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import EventState, OutboxEvent
from zhanqun.platform.sync.targets import default_target
from zhanqun.tenants.scoping import cross_tenant

log = logging.getLogger(__name__)
_table = OutboxEvent.__table__
MAX_DELAY_SECONDS = 3600
# Events per transaction: each has its own savepoint, the batch commits once.
BATCH_SIZE = 50


@dataclass
class Summary:
    """What one delivery run did."""

    delivered: int = 0
    ignored: int = 0  # delivered, but the portal already had that version or a newer one
    failed: int = 0
    parked: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.delivered + self.failed


def pending_count() -> int:
    """Events waiting for delivery now or after a back-off."""
    with cross_tenant():
        return db.session.scalar(sa.select(sa.func.count(OutboxEvent.id)).where(OutboxEvent.state == EventState.PENDING)) or 0


def deliver_pending(*, target=None, limit: int | None = None, stop: threading.Event | None = None,
                    progress=None) -> Summary:
    """Deliver due events until none is left (or ``limit``, or ``stop`` is set).

    ``progress`` is called with 1 after each attempt (for progress bars). Commits once per batch.
    """
    target = target or default_target()
    summary = Summary()
    while (limit is None or summary.attempted < limit) and not (stop and stop.is_set()):
        size = BATCH_SIZE if limit is None else min(BATCH_SIZE, limit - summary.attempted)
        with cross_tenant():
            batch = _claim_batch(size)
            if not batch:
                db.session.rollback()
                break
            for event, attempts in batch:
                _deliver_one(target, event, attempts, summary)
                if progress:
                    progress(1)
            db.session.commit()
    return summary


def _deliver_one(target, event: OutboxEvent, attempts: int, summary: Summary) -> None:
    """One event in its own savepoint: a failure undoes only what this event did."""
    try:
        with db.session.begin_nested():
            result = target.deliver(event)
            _update(event.id, state=EventState.DELIVERED, delivered_at=utcnow(), last_error="")
    except Exception as exc:
        parked = _record_failure(event.id, attempts, exc)
        summary.failed += 1
        summary.parked += parked
        summary.errors.append(f"#{event.id}: {exc}")
        log.warning("sync event %s failed: %s", event.id, exc)
    else:
        summary.delivered += 1
        summary.ignored += result == "ignored"


_earlier = aliased(OutboxEvent)
# Due, and no earlier event of the same entry still waiting (events of one entry go in order).
_DUE = (
    sa.select(OutboxEvent)
    .where(OutboxEvent.state == EventState.PENDING, OutboxEvent.next_attempt_at <= sa.bindparam("now"),
           ~sa.select(_earlier.id).where(_earlier.entry_uid == OutboxEvent.entry_uid, _earlier.id < OutboxEvent.id,
                                         _earlier.state == EventState.PENDING).exists())
    .order_by(OutboxEvent.id)
)


def _claim_batch(size: int) -> list[tuple[OutboxEvent, int]]:
    """Lock and claim up to ``size`` due events; returns them with their attempt number."""
    query = _DUE.limit(size)
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True, of=OutboxEvent)
    claimed = []
    for event in db.session.scalars(query, {"now": utcnow()}).all():
        taken = db.session.execute(
            sa.update(_table)
            .where(_table.c.id == event.id, _table.c.state == EventState.PENDING, _table.c.attempts == event.attempts)
            .values(attempts=_table.c.attempts + 1)
        ).rowcount
        # Zero: another worker took it between our read and our write (SQLite has no SKIP LOCKED).
        if taken:
            claimed.append((event, event.attempts + 1))
    return claimed


def _record_failure(event_id: int, attempts: int, exc: Exception) -> bool:
    """Note the failed attempt; park the event after the last one. Returns True if parked."""
    config = current_app.config
    error = f"{type(exc).__name__}: {exc}"[:2000]
    parked = attempts >= config["ZHANQUN_SYNC_MAX_ATTEMPTS"]
    if parked:
        _update(event_id, last_error=error, state=EventState.PARKED)
    else:
        delay = min(config["ZHANQUN_SYNC_RETRY_SECONDS"] * 2 ** (attempts - 1), MAX_DELAY_SECONDS)
        _update(event_id, last_error=error, next_attempt_at=utcnow() + timedelta(seconds=delay))
    return parked


def _update(event_id: int, **values) -> None:
    """Change one event's delivery bookkeeping with a plain table UPDATE.

    Not through the ORM: the bookkeeping is no content of the source site, and an ORM
    change would mark that site's pages as changed (see ``pagecache.versions``).
    """
    db.session.execute(sa.update(_table).where(_table.c.id == event_id).values(**values))


def retry(event_ids: list[int] | None = None) -> int:
    """Make parked events (all, or these) due again now; returns how many. Flushes."""
    with cross_tenant():
        query = sa.select(OutboxEvent).where(OutboxEvent.state == EventState.PARKED)
        if event_ids is not None:
            query = query.where(OutboxEvent.id.in_(event_ids))
        events = list(db.session.scalars(query))
        for event in events:
            event.state, event.attempts, event.next_attempt_at = EventState.PENDING, 0, utcnow()
        db.session.flush()
    return len(events)
