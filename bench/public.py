"""Public pages under load, side by side with a bare Flask page of the same size (issue 7).

    python bench/public.py                  # 50 sites × 200 articles, 1 and 2 sync workers,
                                            # rewrites its block of docs/performance.md
    python bench/public.py --sites 50,500   # the scaling run: both sizes measured in the same slices
    python bench/public.py --quick --json   # under a minute (5 and 20 sites), one JSON object on stdout

Every platform size is seeded first, each into its own temporary SQLite database (or one
``--database-url`` per size, each an empty PostgreSQL database), through the real models. The
CPU time per request is then measured inside this process, all sizes interleaved. Then, for each
worker count, the yardstick (bench/bare_flask.py) and, per size, zhanqun with the page cache off
and on run under gunicorn on free 127.0.0.1 ports; every worker serves every page of the request
lists before anything is measured; and each case (home, column, article, 304 revalidation) is
driven with wrk (``apt-get install wrk``; else a Python load generator), all of its targets
interleaved in the same rounds, so that the machine's drift falls on every target alike. Reported:
req/s, p50, p99, worker RSS, the ratio to the bare Flask page of the same byte size (whole run and
per slice), and the change from the smallest to the largest size measured in the same slices.

The parts live next to this entry point: ``platforms.py`` seeds the sizes and builds the request
lists, ``inprocess.py`` measures the CPU time per request in-process, ``servers.py`` runs, warms
and measures the gunicorn servers, and ``report.py`` writes the target lines, the tables and the
doc block.
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import shutil
import signal
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from inprocess import in_process  # noqa: E402 - after the path set-up above
from load import load_generator  # noqa: E402
from platforms import BARE_HOST, MAX_LIST, PAGE_CASES, close_app, prepare_platform  # noqa: E402
from report import machine, markdown, spread, targets, write_doc  # noqa: E402
from servers import Server, cpu_times, fetch, free_ports, measure, stop_all, summarise, warm  # noqa: E402
from work import work_per_request  # noqa: E402

REVALIDATE = 300  # article pages in the 304 list



def bench_servers(args, platforms: list[dict], workers: int, run, log) -> dict:
    """One yardstick server and, per size, an uncached and a cached zhanqun server with ``workers``
    workers each; every case measured with all of them interleaved.

    The servers are started ``--starts`` times, each time warmed again and measured for an equal
    share of the rounds. One start's processes keep their memory layout and string hashes for
    the whole measurement, which can favour one server by a few per cent in every slice: two runs
    of the same home pages read +4.8 % and −8.4 % for 500 sites against 50, each with a 95 %
    interval that excluded the other. Several starts put that bias in the slices too."""
    sizes = [p["sites"] for p in platforms]
    small, large = min(sizes), max(sizes)
    per_start = [args.rounds // args.starts + (1 if k < args.rounds % args.starts else 0) for k in range(args.starts)]
    slices: dict[tuple[str, str], list[dict]] = {}
    rss: dict[str, float] = {}
    warmed: dict[str, dict] = {}
    steal_before = cpu_times()
    for number, rounds in enumerate(per_start, 1):
        with started_servers(args, platforms, workers, log) as (servers, page_bytes, bare_lists, revalidate, warm_up):
            for name, w in warm_up.items():
                seen = warmed.setdefault(name, {"pages": w["pages"], "requests": 0, "seconds": 0.0, "complete": True})
                seen.update(requests=seen["requests"] + w["requests"], seconds=round(seen["seconds"] + w["seconds"], 1),
                            complete=seen["complete"] and w["complete"])
            for case in PAGE_CASES:
                log(f"{workers} worker(s), start {number}/{args.starts}: {case}: {rounds} rounds of {args.slice_seconds:g} s")
                # (name, server, requests), each size next to the other of the same mode
                plan = [("bare", servers["bare"], bare_lists[case])]
                plan += [(f"{p['sites']} {mode}", servers[f"{p['sites']} {mode}"], p["lists"][case])
                         for mode in ("uncached", "cached") for p in platforms]
                if case == "article":
                    plan += [(f"{p['sites']} 304", servers[f"{p['sites']} cached"], revalidate[p["sites"]]) for p in platforms]
                measured = measure(run, [(server, requests) for _name, server, requests in plan],
                                   args.slice_seconds, rounds, args.connections)
                for (name, server, _requests), parts in zip(plan, measured):
                    slices.setdefault((case, name), []).extend(parts)
                    rss[name] = max(rss.get(name, 0), server.worker_rss_mb())
            statuses = {}
            for n in sizes:
                host, path, etag = revalidate[n][0]
                statuses[n] = fetch(servers[f"{n} cached"].port, host, path, {"If-None-Match": etag})[0]
            rss_end = {name: server.worker_rss_mb() for name, server in servers.items()}
    steal_after = cpu_times()
    steal = (steal_after[0] - steal_before[0]) / max(1, steal_after[1] - steal_before[1])

    cases: dict[str, dict] = {}
    for case in PAGE_CASES:
        bare = summarise(slices[(case, "bare")], rss["bare"])
        row = {"bare": {**bare, "bytes": page_bytes[small][case]}}
        for (c, name), parts in slices.items():
            if c != case or name == "bare":
                continue
            m = summarise(parts, rss[name])
            row[name] = {**m, "ratio": round(m["rps"] / bare["rps"], 3),
                         "slice_ratio": {k: round(v, 3) for k, v in spread(
                             [t / b for t, b in zip(m["slices_rps"], bare["slices_rps"])]).items()}}
            if name.endswith("304"):
                row[name]["status"] = statuses[int(name.split()[0])]
            else:
                row[name]["bytes"] = page_bytes[int(name.split()[0])][case]
        cases[case] = row
    errors = sum(t["errors"] for row in cases.values() for t in row.values())
    if errors:
        log(f"{workers} worker(s): {errors} failed requests (see the JSON)")

    scaling = _scaling(cases, small, large, per_start) if len(sizes) > 1 else {}
    return {"workers": workers, "starts": args.starts, "warm": warmed, "cases": cases, "scaling": scaling,
            "rss_mb_end": rss_end, "steal": round(steal, 3), "errors": errors}


def _scaling(cases: dict, small: int, large: int, per_start: list[int]) -> dict:
    """Per case and mode, the largest size against the smallest: whole run, ratio to bare Flask,
    the same-slice ratios, and the median of each start's slices (``per_start`` rounds each)."""
    bounds = [sum(per_start[:k]) for k in range(len(per_start) + 1)]
    scaling = {}
    for case in PAGE_CASES:
        for mode in ("uncached", "cached", "304") if case == "article" else ("uncached", "cached"):
            s, lg = cases[case][f"{small} {mode}"], cases[case][f"{large} {mode}"]
            changes = [b / a - 1 for a, b in zip(s["slices_rps"], lg["slices_rps"])]
            scaling[f"{case} {mode}"] = {
                "small": small, "large": large, "rps_small": s["rps"], "rps_large": lg["rps"],
                "change": round(lg["rps"] / s["rps"] - 1, 4),  # whole run: the same as the change of the whole-run ratio to bare
                "ratio_change": round(lg["slice_ratio"]["median"] / s["slice_ratio"]["median"] - 1, 4),
                "per_slice": {k: round(v, 4) for k, v in spread(changes).items()},
                # how far one start's servers can lean
                "per_start": [round(statistics.median(changes[a:b]), 4) for a, b in zip(bounds, bounds[1:])],
            }
    return scaling


@contextmanager
def started_servers(args, platforms: list[dict], workers: int, log):
    """Start the yardstick and every size's uncached and cached server, learn the pages' sizes,
    warm every worker on every page and take the 304 list's ETags; stop them all on leaving.
    Yields ``(servers, page_bytes, bare_lists, revalidate, warmed)``."""
    small = min(p["sites"] for p in platforms)
    scratch = tempfile.mkdtemp(prefix="zhanqun-bench-servers-")
    servers: dict[str, Server] = {}
    try:
        ports = iter(free_ports(1 + 2 * len(platforms)))
        specs = [("bare", "bare Flask", "bare_flask:app", {}, (BARE_HOST, "/100"))]
        for p in platforms:
            ready = (p["lists"]["home"][0][0], "/")
            specs.append((f"{p['sites']} uncached", f"{p['sites']} sites uncached", "wsgi:app",
                          {**p["env"], "ZHANQUN_PAGECACHE": "off"}, ready))
            # Steady state: no stored page may expire during the measurement (in production each
            # page is rendered again at most once a minute per process, which a busy site hardly notices).
            specs.append((f"{p['sites']} cached", f"{p['sites']} sites cached", "wsgi:app",
                          {**p["env"], "ZHANQUN_PAGECACHE": "on", "ZHANQUN_PAGECACHE_SECONDS": "3600"}, ready))
        log(f"{workers} worker(s): starting {len(specs)} servers")
        for key, label, app_spec, env, ready in specs:
            servers[key] = Server(label, app_spec, workers, env, ready, scratch, next(ports))
            servers[key].start()
        for server in servers.values():
            server.wait_ready()

        page_bytes: dict[int, dict[str, int]] = {}
        for p in platforms:
            for case in PAGE_CASES:
                host, path, _ = p["lists"][case][0]
                status, _headers, body = fetch(servers[f"{p['sites']} uncached"].port, host, path)
                if status != 200:
                    raise RuntimeError(f"{p['sites']} sites: {case} page {host}{path} answered {status}")
                page_bytes.setdefault(p["sites"], {})[case] = len(body)
        bare_lists = {case: [(BARE_HOST, f"/{page_bytes[small][case]}", "")] for case in PAGE_CASES}

        log(f"{workers} worker(s): warming every page of every list on every worker")
        warmed = {"bare": warm(servers["bare"], [r for case in PAGE_CASES for r in bare_lists[case]], args.connections)}
        revalidate: dict[int, list] = {}
        for p in platforms:
            for mode in ("uncached", "cached"):
                name = f"{p['sites']} {mode}"
                everything = [r for case in PAGE_CASES for r in p["lists"][case]]
                warmed[name] = warm(servers[name], everything, args.connections)
                w = warmed[name]
                log(f"  {name}: {w['pages']} pages, {w['requests']} requests in {w['seconds']} s"
                    + ("" if w["complete"] else " (INCOMPLETE)"))
            cached = servers[f"{p['sites']} cached"]
            revalidate[p["sites"]] = []
            for host, path, _ in p["lists"]["article"][:REVALIDATE]:
                status, headers, _body = fetch(cached.port, host, path)
                if status != 200 or not headers.get("ETag"):
                    raise RuntimeError(f"{host}{path}: {status}, ETag {headers.get('ETag')!r}")
                revalidate[p["sites"]].append((host, path, headers["ETag"]))
        yield servers, page_bytes, bare_lists, revalidate, warmed
    finally:
        stop_all(servers.values())
        shutil.rmtree(scratch, ignore_errors=True)


def expected_seconds(args, sizes: int) -> float:
    """The load-generator time of a run (warm-up, seeding and in-process measure not included)."""
    targets_per_worker_count = len(PAGE_CASES) * (1 + 2 * sizes) + sizes  # + the 304 targets in the article case
    return len(args.workers) * targets_per_worker_count * args.rounds * args.slice_seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="50", help="sites per platform; several as 50,500, measured side by side (default 50)")
    parser.add_argument("--articles", type=int, default=200, help="articles per site (default 200)")
    parser.add_argument("--workers", default="1,2", help="gunicorn sync worker counts (default 1,2)")
    parser.add_argument("--seconds", type=float, default=16, help="seconds per target and case, all slices together (default 16)")
    parser.add_argument("--rounds", type=int, default=8,
                        help="slices per target, one per round (default 8; with wrk, slices are whole seconds, so at most --seconds rounds)")
    parser.add_argument("--list-size", type=int, default=MAX_LIST, help=f"pages per case, spread over the sites (default {MAX_LIST})")
    parser.add_argument("--starts", type=int, default=1,
                        help="times the servers are started, each for an equal share of the rounds (default 1)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--work-pages", type=int, default=100,
                        help="pages per case whose Python calls and SQLite steps are counted (default 100)")
    parser.add_argument("--cpu-reps", type=int, default=5, help="repetitions of the in-process measure (default 5)")
    parser.add_argument("--cpu-requests", type=int, default=200,
                        help="uncached requests per in-process sample (cached 20×, bare 4× as many; default 200)")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--database-url", help="EMPTY databases to seed instead of temporary SQLite files, one per size, comma-separated")
    parser.add_argument("--quick", action="store_true", help="5 and 20 sites × 50 articles, 1 worker, 2 rounds of 1 s")
    parser.add_argument("--json", action="store_true", help="print one JSON object (and do not write the doc)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.articles, args.workers, args.seconds, args.rounds, args.list_size = "5,20", 50, "1", 2, 2, 40
        args.cpu_reps, args.cpu_requests, args.work_pages = 3, 30, 10
    args.workers = [int(w) for w in str(args.workers).split(",")]
    site_counts = sorted({int(s) for s in str(args.sites).split(",")})
    urls = args.database_url.split(",") if args.database_url else [None] * len(site_counts)
    if len(urls) != len(site_counts):
        parser.error(f"--database-url: give one empty database per size ({len(site_counts)}), comma-separated")
    if args.rounds < 1 or args.seconds <= 0 or args.starts < 1:
        parser.error("--rounds, --seconds and --starts must be positive")
    name, run = load_generator(args.load)
    if name == "wrk":  # wrk runs for whole seconds: fewer rounds rather than longer ones when they would be shorter
        args.rounds = min(args.rounds, max(1, int(args.seconds)))
        args.slice_seconds = max(1, round(args.seconds / args.rounds))
    else:
        args.slice_seconds = args.seconds / args.rounds
    args.starts = min(args.starts, args.rounds)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    def interrupted(signum, frame):
        raise KeyboardInterrupt  # so that every server is stopped and every temporary file removed

    signal.signal(signal.SIGTERM, interrupted)
    for variable in [v for v in os.environ if v.startswith("ZHANQUN_")]:
        del os.environ[variable]  # the benchmark sets what it needs, in-process and for the servers
    started = time.monotonic()
    log(f"sizes {site_counts}, workers {args.workers}: {expected_seconds(args, len(site_counts)) / 60:.1f} minutes of load, "
        "plus seeding, warming and the in-process measure")
    platforms: list[dict] = []
    try:
        for sites, url in zip(site_counts, urls):
            platforms.append(prepare_platform(args, sites, url, log))
        cpu = in_process(platforms, args.cpu_reps, args.cpu_requests, log)
        work = work_per_request(platforms, args.work_pages, log)
        for p in platforms:
            close_app(p)
        gc.collect()
        runs = [bench_servers(args, platforms, workers, run, log) for workers in args.workers]
    finally:
        for p in platforms:
            close_app(p)
            if not args.keep:
                shutil.rmtree(p["workdir"], ignore_errors=True)
    if args.keep:
        log("kept: " + ", ".join(p["workdir"] for p in platforms))
    result = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "argv": argv if argv is not None else sys.argv[1:],
              "load_generator": name, "sizes": site_counts, "articles": args.articles, "rounds": args.rounds,
              "slice_seconds": args.slice_seconds, "connections": args.connections,
              "platforms": [{"sites": p["sites"], "seed_s": p["seed_s"], "pages_per_list": {c: len(v) for c, v in p["lists"].items()}}
                            for p in platforms],
              "machine": machine(), "cpu": cpu, "work": work, "runs": runs}
    result["duration_s"] = round(time.monotonic() - started)
    result["targets"] = targets(result)
    log(f"done in {result['duration_s'] / 60:.1f} minutes")
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for line in result["targets"]:
            print(line)
    if not (args.json or args.quick or args.no_doc):
        log(f"written to {os.path.relpath(write_doc(markdown(result)), ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
