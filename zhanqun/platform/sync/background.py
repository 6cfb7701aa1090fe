"""The embedded default: deliver right after commit, in a thread of the same process.

A commit that wrote outbox events wakes one delivery thread per app (single flight: a
wake-up while it runs makes it go round once more). Nothing is lost if the process dies
first: the events are committed and ``zhanqun sync run``/``worker`` or the next wake-up
delivers them. ``ZHANQUN_SYNC_DELIVERY=inline`` joins the thread before the request goes
on (tests), ``off`` leaves delivery to the worker.
"""
from __future__ import annotations

import atexit
import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event

from zhanqun.platform.sync.outbox import PENDING_FLAG
from zhanqun.tenants.scoping import TenantSession

log = logging.getLogger(__name__)
EXIT_WAIT_SECONDS = 60


class Deliverer:
    """One delivery thread per app, started on demand."""

    def __init__(self, app: Flask):
        self.app = app
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._again = False
        # A command that committed shared entries (``zhanqun demo``, ``sync verify --repair``)
        # must not exit while their delivery is running.
        atexit.register(self.wait, EXIT_WAIT_SECONDS)

    def wake(self) -> threading.Thread | None:
        """Start delivering (or ask the running thread for one more round)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return self._thread
            self._again = False
            self._thread = threading.Thread(target=self._run, name="zhanqun-sync", daemon=True)
            self._thread.start()
            return self._thread

    def wait(self, timeout: float | None = None) -> None:
        """Wait for the running thread (tests, and shutdown)."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        from zhanqun.platform.sync.delivery import deliver_pending

        while True:
            with self.app.app_context():
                try:
                    deliver_pending()
                except Exception:
                    log.exception("background sync delivery failed")
            with self._lock:
                if not self._again:
                    self._thread = None
                    return
                self._again = False


def deliverer(app: Flask | None = None) -> Deliverer:
    """The app's :class:`Deliverer`."""
    return (app or current_app).extensions["zhanqun_sync_deliverer"]


def _after_commit(session) -> None:
    # SQLAlchemy also calls this when a savepoint is released; only the real commit counts.
    if session.in_nested_transaction():
        return
    if not session.info.pop(PENDING_FLAG, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    mode = app.config["ZHANQUN_SYNC_DELIVERY"]
    if mode == "off":
        return
    thread = deliverer(app).wake()
    if mode == "inline" and thread is not threading.current_thread():
        thread.join()


def _after_rollback(session, previous_transaction) -> None:
    # A savepoint rolled back (e.g. an index number retry) keeps the outer transaction's events.
    if previous_transaction.parent is None:
        session.info.pop(PENDING_FLAG, None)


def init_app(app: Flask) -> None:
    """Create the app's deliverer; the session hooks are registered once per process."""
    app.extensions["zhanqun_sync_deliverer"] = Deliverer(app)
    if not event.contains(TenantSession, "after_commit", _after_commit):
        event.listen(TenantSession, "after_commit", _after_commit)
        event.listen(TenantSession, "after_soft_rollback", _after_rollback)
