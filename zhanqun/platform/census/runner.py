"""Running a census in a background thread, so the console stays usable meanwhile.

The embedded default needs no worker process: the thread runs in the web process and
writes its progress to the run's row, which the console page reads. If the process stops,
the run's heartbeat stops too and a new run may start (see ``services.running_run``).
"""
from __future__ import annotations

import threading

from flask import Flask, current_app

from zhanqun.platform.census import services
from zhanqun.platform.census.models import CensusRun
from zhanqun.platform.extensions import db

THREAD_KEY = "zhanqun_census_thread"


def start_in_background(*, site_slug: str | None, external_links: bool, by) -> int:
    """Record a new run, commit it and start it in a thread; returns the run's id."""
    run = services.create_run(site_slug=site_slug, external_links=external_links, by=by)
    db.session.commit()
    app = current_app._get_current_object()
    thread = threading.Thread(target=_work, args=(app, run.id), name=f"census-{run.id}", daemon=True)
    # Kept so tests (and a clean shutdown) can wait for it.
    app.extensions[THREAD_KEY] = thread
    thread.start()
    return run.id


def _work(app: Flask, run_id: int) -> None:
    with app.app_context():
        run = db.session.get(CensusRun, run_id)
        try:
            services.execute_run(run)
        except Exception:  # recorded on the run by execute_run; logged here for the operator
            app.logger.exception("census run %s failed", run_id)
        finally:
            db.session.remove()


def wait_for_background(app: Flask, timeout: float | None = None) -> None:
    """Block until the background run (if any) has finished."""
    thread = app.extensions.get(THREAD_KEY)
    if thread is not None:
        thread.join(timeout)
