"""Public pages under load, side by side with a bare Flask page of the same size (issue 7).

    python bench/public.py                  # 50 sites × 200 articles, 1 and 2 sync workers,
                                            # writes the table into docs/performance.md
    python bench/public.py --sites 50,500   # the scaling run (both sizes in one run)
    python bench/public.py --quick --json   # under a minute, one JSON object on stdout

Each run seeds a temporary SQLite database (or ``--database-url``, an empty PostgreSQL
database) through the real models, starts zhanqun under gunicorn twice (page cache off and
on) and the yardstick (bench/bare_flask.py) once, all on free 127.0.0.1 ports, and drives
them with wrk (``apt-get install wrk``; else a Python load generator) for a bounded time with
Host headers spread over every site. Cases: home, column and article pages, uncached and
cached, and a 304 revalidation; for each: req/s, p50, p99, worker RSS, and the ratio to the
bare Flask page of the same byte size.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from importlib import metadata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from load import load_generator  # noqa: E402 - after the path set-up above
from seed import seed  # noqa: E402

DOC = os.path.join(ROOT, "docs", "performance.md")
START, END = "<!-- bench/public.py: start -->", "<!-- bench/public.py: end -->"
SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"
PAGE_CASES = ("home", "column", "article")
# Requests in one load list: spread over every site, bounded so that warming the cache stays quick.
MAX_LIST = 500


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A gunicorn master with ``workers`` sync workers on a free loopback port."""

    def __init__(self, app_spec: str, workers: int, env: dict, ready_path: str, ready_host: str):
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-k", "sync", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", "--chdir", ROOT, "--pythonpath", f"{ROOT},{os.path.join(ROOT, 'bench')}", app_spec],
            env={**os.environ, **env}, stdout=subprocess.DEVNULL, start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(self.port, ready_host, ready_path)
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"{app_spec} did not start")
                time.sleep(0.2)

    def worker_rss_mb(self) -> float:
        """The largest resident set of this server's workers, in MB."""
        largest = 0
        for pid in os.listdir("/proc"):
            if not pid.isdigit():
                continue
            try:
                with open(f"/proc/{pid}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                if ppid != self.process.pid:
                    continue
                with open(f"/proc/{pid}/status") as f:
                    rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
                largest = max(largest, rss)
            except (OSError, StopIteration, ValueError, IndexError):
                continue
        return round(largest / 1024, 1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def fetch(port: int, host: str, path: str, headers: dict | None = None):
    """``(status, headers, body)`` of one GET to 127.0.0.1."""
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Host": host, **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def request_lists(layout: dict, limit: int) -> dict[str, list[tuple[str, str, str]]]:
    """Per case, the (host, path, etag) triples the load generator cycles through: every site
    appears (up to ``limit`` entries), then more pages of each site."""
    sites = layout["sites"]
    per_site = max(1, limit // len(sites))
    home = [(s["host"], "/", "") for s in sites]
    column = [(s["host"], s["columns"][k % len(s["columns"])], "") for k in range(per_site) for s in sites]
    article = [(s["host"], f"/a/{s['articles'][(k * 37) % len(s['articles'])]}.html", "") for k in range(per_site) for s in sites]
    return {"home": home[:limit], "column": column[:limit], "article": article[:limit]}


def warm(server: Server, requests, workers: int, connections: int) -> None:
    """Fetch every page often enough that each worker has probably stored it."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(connections) as pool:
        list(pool.map(lambda r: fetch(server.port, r[0], r[1]), requests * (3 * workers)))


def measure(run, targets: list, seconds: float, rounds: int, connections: int) -> list[dict]:
    """Measure each ``(server, requests)`` target for ``seconds`` in all, interleaved in ``rounds``
    slices, so that a burst of load from elsewhere on the machine hits every target alike.
    p50 is the median of the slices' p50s, p99 the worst slice's p99."""
    parts: list[list[dict]] = [[] for _ in targets]
    for _ in range(rounds):
        for index, (server, requests) in enumerate(targets):
            parts[index].append(run(server.port, requests, seconds / rounds, connections))
    results = []
    for (server, _), slices in zip(targets, parts):
        p50s = sorted(s["p50_ms"] for s in slices)
        results.append({
            "rps": round(sum(s["requests"] for s in slices) / sum(s["elapsed"] for s in slices), 1),
            "p50_ms": round(p50s[len(p50s) // 2], 2), "p99_ms": round(max(s["p99_ms"] for s in slices), 2),
            "requests": sum(s["requests"] for s in slices), "errors": sum(s["errors"] for s in slices),
            "rss_mb": server.worker_rss_mb(),
        })
    return results


def in_process(app, lists: dict, requests_per_case: int) -> dict:
    """CPU time per request inside this process (no server, no network): uncached, cached and
    the bare Flask page of the same size. CPU time is not stretched by other processes' load,
    so it compares platforms of different sizes more steadily than req/s on a shared machine."""
    import bare_flask
    from werkzeug.test import EnvironBuilder

    from zhanqun.platform.pagecache.store import NullStore

    def environ(host, path):
        return EnvironBuilder(path=path, headers={"Host": host, "Accept-Language": "zh-CN,zh;q=0.9"}).get_environ()

    def cpu_us(wsgi, targets) -> tuple[float, int]:
        size = 0
        for host, path, _ in targets[:50]:  # warm: host map, versions, stored pages
            size = len(b"".join(wsgi(environ(host, path), lambda *a: None)))
        envs = [environ(h, p) for h, p, _ in targets]
        started = time.process_time()
        for n in range(requests_per_case):
            b"".join(wsgi(dict(envs[n % len(envs)]), lambda *a: None))
        return (time.process_time() - started) / requests_per_case * 1e6, size

    middleware = app.wsgi_app
    store = middleware.store
    result = {}
    for case in PAGE_CASES:
        middleware.store = NullStore()
        uncached, size = cpu_us(app, lists[case])
        middleware.store = store
        cached, _ = cpu_us(app, lists[case][:50])
        bare, _ = cpu_us(bare_flask.app, [("bench.localhost", f"/{size}", "")])
        result[case] = {"uncached_us": round(uncached), "cached_us": round(cached, 1), "bare_us": round(bare),
                        "uncached_ratio": round(bare / uncached, 3), "cached_ratio": round(bare / cached, 2)}
    return result


def bench_platform(args, sites: int, run, log) -> list[dict]:
    """Seed one platform and measure it with each worker count."""
    from zhanqun import create_app

    workdir = tempfile.mkdtemp(prefix="zhanqun-bench-")
    database_url = args.database_url or "sqlite:///" + os.path.join(workdir, "zhanqun.db")
    env = {"ZHANQUN_DATABASE_URL": database_url, "ZHANQUN_INSTANCE_PATH": os.path.join(workdir, "instance"),
           "ZHANQUN_SECRET_KEY": SECRET, "ZHANQUN_DOMAIN": "localhost", "ZHANQUN_ENV": "production"}
    env.pop("ZHANQUN_REDIS_URL", None)
    try:
        started = time.monotonic()
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": env["ZHANQUN_INSTANCE_PATH"],
                          "SECRET_KEY": SECRET, "ZHANQUN_DOMAIN": "localhost", "ZHANQUN_REDIS_URL": None})
        layout = seed(app, sites, args.articles, progress=lambda n: log(f"  seeded {n} sites"))
        lists = request_lists(layout, args.list_size)
        log(f"  {sites} sites: in-process CPU per request")
        cpu = in_process(app, lists, 100 if args.quick else 400)
        with app.app_context():
            from zhanqun.platform.extensions import db

            db.engine.dispose()
        log(f"seeded {sites} sites × {args.articles} articles in {time.monotonic() - started:.0f} s")
        results = []
        for workers in args.workers:
            results.append({**bench_servers(args, env, lists, sites, workers, run, log), "cpu": cpu})
        return results
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def bench_servers(args, env, lists, sites, workers, run, log) -> dict:
    probe = lists["home"][0][0]
    servers = {}
    try:
        servers["bare"] = Server("bare_flask:app", workers, {}, "/100", "bench.localhost")
        servers["uncached"] = Server("wsgi:app", workers, {**env, "ZHANQUN_PAGECACHE": "off"}, "/", probe)
        # Steady state: no stored page may expire during the measurement (in production each
        # page is rendered again at most once a minute per process, which a busy site hardly notices).
        servers["cached"] = Server("wsgi:app", workers, {**env, "ZHANQUN_PAGECACHE": "on", "ZHANQUN_PAGECACHE_SECONDS": "3600"},
                                   "/", probe)
        sizes = {}
        for case in PAGE_CASES:
            host, path, _ = lists[case][0]
            status, headers, body = fetch(servers["uncached"].port, host, path)
            if status != 200:
                raise RuntimeError(f"{case} page {host}{path} answered {status}")
            sizes[case] = len(body)
        cases: dict[str, dict] = {}
        for case in PAGE_CASES:
            log(f"  {sites} sites, {workers} worker(s): {case}")
            warm(servers["cached"], lists[case], workers, args.connections)
            bare, uncached, cached = measure(run, [
                (servers["bare"], [("bench.localhost", f"/{sizes[case]}", "")]),
                (servers["uncached"], lists[case]), (servers["cached"], lists[case]),
            ], args.seconds, args.rounds, args.connections)
            cases[f"bare {case}"] = {**bare, "bytes": sizes[case]}
            cases[f"{case} uncached"] = {**uncached, "ratio": round(uncached["rps"] / bare["rps"], 3)}
            cases[f"{case} cached"] = {**cached, "ratio": round(cached["rps"] / bare["rps"], 3)}
        revalidate = []
        for host, path, _ in lists["article"][:300]:
            status, headers, _body = fetch(servers["cached"].port, host, path)
            revalidate.append((host, path, headers.get("ETag", "")))
        warm(servers["cached"], revalidate, workers, args.connections)
        log(f"  {sites} sites, {workers} worker(s): 304")
        [not_modified] = measure(run, [(servers["cached"], revalidate)], args.seconds, args.rounds, args.connections)
        status, _h, _b = fetch(servers["cached"].port, *revalidate[0][:2], headers={"If-None-Match": revalidate[0][2]})
        cases["article 304"] = {**not_modified, "ratio": round(not_modified["rps"] / cases["bare article"]["rps"], 3),
                                "status": status}
        return {"sites": sites, "workers": workers, "cases": cases}
    finally:
        for server in servers.values():
            server.stop()


def machine() -> dict:
    """Where the numbers were taken."""
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
        with open("/proc/meminfo") as f:
            ram_gb = round(int(next(line.split()[1] for line in f if line.startswith("MemTotal:"))) / 1024 / 1024, 1)
    except OSError:
        ram_gb = None
    versions = {}
    for package in ("Flask", "Werkzeug", "Jinja2", "SQLAlchemy", "Flask-SQLAlchemy", "gunicorn"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    wrk = shutil.which("wrk")
    if wrk:
        out = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
        versions["wrk"] = (out.stdout or out.stderr).split()[1] if (out.stdout or out.stderr).split()[1:] else "?"
    return {"nproc": os.cpu_count(), "ram_gb": ram_gb, "cpu": cpu, "python": platform.python_version(),
            "os": platform.platform(), "versions": versions}


def targets(runs: list[dict]) -> list[str]:
    """The issue's targets, each with the figure reached (one line each)."""
    lines = []
    for run in runs:
        label = f"{run['sites']} sites, {run['workers']} worker(s)"
        for case in PAGE_CASES:
            uncached, cached = run["cases"][f"{case} uncached"]["ratio"], run["cases"][f"{case} cached"]["ratio"]
            lines.append(f"{label}: {case} uncached {uncached:.0%} of bare Flask (target ≥25 %): {'met' if uncached >= 0.25 else 'MISSED'}")
            lines.append(f"{label}: {case} cached {cached:.0%} of bare Flask (target ≥150 %): {'met' if cached >= 1.5 else 'MISSED'}")
    by_size = {}
    for run in runs:
        by_size.setdefault(run["workers"], {})[run["sites"]] = run
    for workers, sized in by_size.items():
        if len(sized) < 2:
            continue
        small, large = sized[min(sized)], sized[max(sized)]
        for case in PAGE_CASES:
            for mode in ("uncached", "cached"):
                name = f"{case} {mode}"
                # Compared as ratios to the yardstick measured in the same slices: absolute req/s of
                # two runs minutes apart move with whatever else the machine is doing.
                change = large["cases"][name]["ratio"] / small["cases"][name]["ratio"] - 1
                lines.append(f"{workers} worker(s): {name} at {max(sized)} vs {min(sized)} sites: {change:+.1%} "
                             f"(req/s relative to bare Flask; target ≥ −5 %): {'met' if change >= -0.05 else 'MISSED'}")
        if workers == min(by_size):
            for case in PAGE_CASES:
                for mode in ("uncached", "cached"):
                    change = small["cpu"][case][f"{mode}_us"] / large["cpu"][case][f"{mode}_us"] - 1
                    lines.append(f"in-process CPU: {case} {mode} at {max(sized)} vs {min(sized)} sites: {change:+.1%} "
                                 f"requests per CPU-second (target ≥ −5 %): {'met' if change >= -0.05 else 'MISSED'}")
        rss = max(c["rss_mb"] for c in large["cases"].values())
        lines.append(f"{workers} worker(s): worker RSS at {max(sized)} sites {rss:.0f} MB (target ≤150 MB): "
                     f"{'met' if rss <= 150 else 'MISSED'}")
    return lines


def markdown(result: dict) -> str:
    m = result["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    run_line = (f"Run {result['when']} with `python bench/public.py {' '.join(result['argv'])}` "
                f"({result['load_generator']}, {result['seconds']} s per case and server, {result['connections']} connections).")
    out = [START, "", run_line, "",
           f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; Python {m['python']}; {versions}.", "",
           "| sites | workers | case | req/s | p50 ms | p99 ms | worker RSS MB | vs bare Flask |",
           "|---:|---:|---|---:|---:|---:|---:|---:|"]
    for run in result["runs"]:
        for name, case in run["cases"].items():
            ratio = f"{case['ratio']:.0%}" if "ratio" in case else f"(yardstick, {case['bytes']} B)"
            out.append(f"| {run['sites']} | {run['workers']} | {name} | {case['rps']:.0f} | {case['p50_ms']:.1f} | "
                       f"{case['p99_ms']:.1f} | {case['rss_mb']:.0f} | {ratio} |")
    out += ["", "CPU time per request inside one process (no server, no network), µs:", "",
            "| sites | case | uncached | cached | bare Flask, same size | uncached vs bare | cached vs bare |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for run in result["runs"]:
        if run["workers"] != result["runs"][0]["workers"]:
            continue
        for case, c in run["cpu"].items():
            out.append(f"| {run['sites']} | {case} | {c['uncached_us']} | {c['cached_us']} | {c['bare_us']} | "
                       f"{c['uncached_ratio']:.0%} | {c['cached_ratio']:.0f}× |")
    out += ["", "Targets:", ""] + [f"- {line}" for line in result["targets"]] + ["", END]
    return "\n".join(out)


def write_doc(text: str) -> None:
    os.makedirs(os.path.dirname(DOC), exist_ok=True)
    current = "# Public pages: measurements\n\n" + START + "\n" + END + "\n"
    if os.path.exists(DOC):
        with open(DOC, encoding="utf-8") as f:
            current = f.read()
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        current = before + text + after
    else:
        current += "\n" + text + "\n"
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(current)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sites", default="50", help="sites per platform; several as 50,500 (default 50)")
    parser.add_argument("--articles", type=int, default=200, help="articles per site (default 200)")
    parser.add_argument("--workers", default="1,2", help="gunicorn sync worker counts (default 1,2)")
    parser.add_argument("--seconds", type=float, default=12, help="seconds per case and server (default 12)")
    parser.add_argument("--list-size", type=int, default=MAX_LIST, help=f"pages per case, spread over the sites (default {MAX_LIST})")
    parser.add_argument("--rounds", type=int, default=4, help="slices each measurement is interleaved in (default 4)")
    parser.add_argument("--connections", type=int, default=4, help="concurrent connections (default 4)")
    parser.add_argument("--load", choices=("auto", "wrk", "python"), default="auto", help="load generator")
    parser.add_argument("--database-url", help="an EMPTY database to seed instead of a temporary SQLite file")
    parser.add_argument("--quick", action="store_true", help="10 sites × 50 articles, 1 worker, 2 s per case")
    parser.add_argument("--json", action="store_true", help="print one JSON object (and do not write the doc)")
    parser.add_argument("--no-doc", action="store_true", help="do not write docs/performance.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary database")
    args = parser.parse_args(argv)
    if args.quick:
        args.sites, args.articles, args.workers, args.seconds, args.list_size = "10", 50, "1", 2, 40
        args.rounds = 2
    args.workers = [int(w) for w in str(args.workers).split(",")]
    site_counts = [int(s) for s in str(args.sites).split(",")]
    name, run = load_generator(args.load)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    runs = []
    for sites in site_counts:
        runs += bench_platform(args, sites, run, log)
    result = {"when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "argv": argv if argv is not None else sys.argv[1:],
              "load_generator": name, "seconds": args.seconds, "connections": args.connections, "machine": machine(),
              "runs": runs, "targets": targets(runs)}
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for line in result["targets"]:
            print(line)
    if not (args.json or args.quick or args.no_doc):
        write_doc(markdown(result))
        log(f"written to {os.path.relpath(DOC, ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
