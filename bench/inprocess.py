"""The in-process CPU measure of bench/public.py: CPU time per request with no server and no network.

The apps of every platform size live in the benchmark's own process; each page of every request
list is called through the WSGI app directly, with the page cache off and on, next to the bare
Flask page (``bench/bare_flask.py``) of the same byte size, with ``time.process_time()`` around
each sample. Sizes and modes are interleaved, repetition by repetition, so that shared caches and
clock speed fall on all of them alike.
"""
from __future__ import annotations

import gc
import statistics
import time

from platforms import BARE_HOST, LANGUAGE, PAGE_CASES
from report import spread


def in_process(platforms: list[dict], reps: int, uncached_n: int, log) -> dict:
    """CPU time per request inside this process (no server, no network), for every size: uncached,
    cached and the bare Flask page of the same size. CPU time is not stretched by other processes'
    load as much as req/s, but caches and clock speed are shared, so the sizes are measured
    interleaved: every site of every list is requested first (uncached and cached), then ``reps``
    repetitions each measure every (case, mode, size) once in alternating order. Reported: the
    median and the min over the repetitions, and per repetition the small/large ratio."""
    import bare_flask
    from werkzeug.test import EnvironBuilder

    from zhanqun.platform.pagecache.store import NullStore

    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    def discard(status, headers, exc_info=None):
        return None

    def environ(host, path):
        return EnvironBuilder(path=path, headers={"Host": host, "Accept-Language": LANGUAGE}).get_environ()

    def call(wsgi, env, start=start_response) -> bytes:
        body = wsgi(dict(env), start)
        try:
            return b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()

    def page_cache(app):
        middleware = app.wsgi_app
        while not hasattr(middleware, "store"):  # inside ProxyFix when proxies are trusted
            middleware = middleware.app
        return middleware

    stores = {id(p["app"]): page_cache(p["app"]).store for p in platforms}

    def set_mode(app, mode):
        page_cache(app).store = stores[id(app)] if mode == "cached" else NullStore()

    sizes = [p["sites"] for p in platforms]
    envs = {p["sites"]: {case: [environ(h, p_) for h, p_, _ in p["lists"][case]] for case in PAGE_CASES} for p in platforms}
    apps = {p["sites"]: p["app"] for p in platforms}
    bare_envs, page_bytes = {}, {}
    log("in-process: warming every page of every list (uncached, then cached)")
    for n, app in apps.items():
        for mode in ("uncached", "cached"):
            set_mode(app, mode)
            for case in PAGE_CASES:
                statuses.clear()
                bodies = [call(app, env) for env in envs[n][case]]
                if any(not s.startswith("200") for s in statuses):
                    raise RuntimeError(f"in-process {n} sites {case} {mode}: {sorted(set(statuses))}")
                page_bytes.setdefault(n, {})[case] = len(bodies[0])
    for case in PAGE_CASES:
        bare_envs[case] = [environ(BARE_HOST, f"/{page_bytes[sizes[0]][case]}")]
        for _ in range(20):
            call(bare_flask.app, bare_envs[case][0])

    counts = {"uncached": uncached_n, "cached": uncached_n * 20, "bare": uncached_n * 4}
    # What is alive now (apps, stored pages) is left out of the collections before each sample,
    # which then only sweep the garbage of the previous sample.
    gc.collect()
    gc.freeze()
    samples: dict[tuple, list[float]] = {}
    offsets: dict[tuple, int] = {}

    def timed(key, wsgi, targets, count) -> None:
        offset = offsets.get(key, 0)  # successive repetitions go on through the list
        gc.collect()
        started = time.process_time()
        for k in range(count):
            call(wsgi, targets[(offset + k) % len(targets)], discard)
        samples.setdefault(key, []).append((time.process_time() - started) / count * 1e6)
        offsets[key] = (offset + count) % len(targets)

    try:
        for rep in range(reps):
            log(f"in-process: repetition {rep + 1}/{reps}")
            for case in PAGE_CASES:
                plan = [("bare", None)] + [(mode, n) for mode in ("uncached", "cached") for n in sizes]
                for mode, n in (plan if rep % 2 == 0 else plan[::-1]):
                    if mode == "bare":
                        timed((case, "bare"), bare_flask.app, bare_envs[case], counts["bare"])
                    else:
                        set_mode(apps[n], mode)
                        timed((case, mode, n), apps[n], envs[n][case], counts[mode])
    finally:
        gc.unfreeze()
        for app in apps.values():
            set_mode(app, "cached")

    result: dict = {"reps": reps, "requests": counts, "sizes": {}}
    for n in sizes:
        per_case = {}
        for case in PAGE_CASES:
            row = {}
            for mode, key in (("uncached", (case, "uncached", n)), ("cached", (case, "cached", n)), ("bare", (case, "bare"))):
                digits = 1 if mode == "cached" else 0
                row[f"{mode}_us"] = round(statistics.median(samples[key]), digits)
                row[f"{mode}_min_us"] = round(min(samples[key]), digits)
            row["bytes"] = page_bytes[n][case]
            row["uncached_ratio"] = round(row["bare_us"] / row["uncached_us"], 3)
            row["cached_ratio"] = round(row["bare_us"] / row["cached_us"], 2)
            per_case[case] = row
        result["sizes"][str(n)] = per_case
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        scaling = {}
        for case in PAGE_CASES:
            for mode in ("uncached", "cached"):
                a, b = samples[(case, mode, small)], samples[(case, mode, large)]
                per_rep = spread([x / y - 1 for x, y in zip(a, b)])
                scaling[f"{case} {mode}"] = {
                    "small": small, "large": large,
                    # requests per CPU-second at the large size against the small one, as the req/s
                    # readings compare them: the median of the same repetition's ratios
                    "change": round(per_rep["median"], 4),
                    "of_medians": round(statistics.median(a) / statistics.median(b) - 1, 4),
                    "per_rep": {k: round(v, 4) for k, v in per_rep.items()},
                }
        result["scaling"] = scaling
    return result
