"""Work per request, counted instead of timed (bench/public.py): does a page cost more on a bigger platform?

Timings on a shared two-core machine move by ±20 % from one slice to the next, more than the
5 % the scaling target allows. Counts do not: the same pages on the same code make the same
number of Python function calls (``sys.setprofile``) and the same number of SQLite virtual
machine steps (a progress handler on every connection) whatever else the machine is doing.

The pages compared are the same ones: the seed gives the first sites of every platform the same
columns, articles and ids, so the smallest platform's request lists are requested, by the same
Host headers, on every platform. Each is requested once before counting (warm).

The site versions snapshot is re-read at most once a second per process whatever the request
rate, in one query whose size grows with the number of sites; it is kept out of the per-request
counts (its refresh interval is lifted while counting) and timed on its own instead.
"""
from __future__ import annotations

import sys
import time

import sqlalchemy as sa
from platforms import LANGUAGE, PAGE_CASES

# One progress callback per this many SQLite VM instructions (exact enough, and cheap).
SQLITE_STEP = 10


def work_per_request(platforms: list[dict], pages_per_case: int, log) -> dict:
    """Python calls and SQLite VM steps per request, uncached and cached, for every size."""
    from werkzeug.test import EnvironBuilder

    from zhanqun.platform.extensions import db
    from zhanqun.platform.pagecache.store import NullStore

    smallest = min(platforms, key=lambda p: p["sites"])
    targets = {case: smallest["lists"][case][:pages_per_case] for case in PAGE_CASES}
    counted = {"calls": 0, "steps": 0}

    def on_call(frame, event, arg):
        if event in ("call", "c_call"):
            counted["calls"] += 1

    def on_step():
        counted["steps"] += SQLITE_STEP
        return 0  # go on

    def on_checkout(dbapi_connection, record, proxy):
        if hasattr(dbapi_connection, "set_progress_handler"):
            dbapi_connection.set_progress_handler(on_step, SQLITE_STEP)

    def discard(status, headers, exc_info=None):
        return None

    result: dict = {"pages": {case: len(t) for case, t in targets.items()}, "sizes": {}, "refresh_us": {}}
    for platform_ in platforms:
        app, n = platform_["app"], platform_["sites"]
        middleware = app.wsgi_app
        while not hasattr(middleware, "store"):
            middleware = middleware.app
        versions = app.extensions["zhanqun_site_versions"]
        store = middleware.store
        log(f"work per request: {n} sites")
        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "checkout", on_checkout)
        interval, versions.refresh_seconds = versions.refresh_seconds, 3600
        try:
            per_case = {}
            for case in PAGE_CASES:
                envs = [EnvironBuilder(path=path, headers={"Host": host, "Accept-Language": LANGUAGE}).get_environ()
                        for host, path, _ in targets[case]]
                row = {}
                for mode in ("uncached", "cached"):
                    middleware.store = store if mode == "cached" else NullStore()
                    for env in envs:
                        b"".join(app(dict(env), discard))
                    counted.update(calls=0, steps=0)
                    sys.setprofile(on_call)
                    try:
                        for env in envs:
                            b"".join(app(dict(env), discard))
                    finally:
                        sys.setprofile(None)
                    row[mode] = {"calls": round(counted["calls"] / len(envs)), "sqlite_steps": round(counted["steps"] / len(envs))}
                per_case[case] = row
            result["sizes"][str(n)] = per_case
            result["refresh_us"][str(n)] = _refresh_us(app, versions)
        finally:
            versions.refresh_seconds = interval
            middleware.store = store
            sa.event.remove(engine, "checkout", on_checkout)
    if len(platforms) > 1:
        small, large = str(smallest["sites"]), str(max(p["sites"] for p in platforms))
        sizes = result["sizes"]
        result["scaling"] = {
            f"{case} {mode}": {measure: _change(sizes[small][case][mode][measure], sizes[large][case][mode][measure])
                               for measure in ("calls", "sqlite_steps")}
            for case in PAGE_CASES for mode in ("uncached", "cached")
        }
        result["small"], result["large"] = int(small), int(large)
    return result


def _change(small: int, large: int) -> float:
    """The relative change from ``small`` to ``large`` (none when both are zero: a cache hit runs no SQL)."""
    if small == 0:
        return 0.0 if large == 0 else float("inf")
    return round(large / small - 1, 4)


def _refresh_us(app, versions, times: int = 20) -> float:
    """Wall time of one re-read of the site versions snapshot (median of ``times``), µs."""
    samples = []
    with app.app_context():
        for _ in range(times):
            versions.invalidate()
            started = time.perf_counter()
            versions.get(1)
            samples.append((time.perf_counter() - started) * 1e6)
    samples.sort()
    return round(samples[len(samples) // 2])
