"""Machine instructions per request, counted by valgrind instead of timed: does a page cost more
on a bigger platform, all of its sites requested?

    .venv/bin/python bench/instructions.py     # 50 and 500 sites: uncached pages, cached articles (~30 minutes)
    .venv/bin/python bench/instructions.py --sites 5,20 --articles 20 --list-size 20 --requests 20 --no-doc  # ~10 minutes

Timings on a shared two-core machine move by ±20 % from one second to the next; instruction
counts do not. Every size is seeded (``bench/seed.py``) and each page case is requested through
the WSGI app, cycling through the platform's whole request list as ``bench/public.py``'s load
does (every site of the platform, so the per-site data of all 500 sites is in play, not only
the pages the sizes share), in a child process run under ``valgrind --tool=cachegrind
--cache-sim=yes``: instructions, and the first-level and last-level cache misses of the
simulated caches, which is how a larger working set would show. Each child first requests every
page of the list once (steady state, as in ``bench/public.py``); one run stops there and one
goes on for ``--requests`` more, and the difference divided by ``--requests`` is the cost of one
request. The same children, run once more without valgrind (which makes system calls of its
own), count their read system calls (``/proc/self/io``) over the measured requests.

The site versions snapshot and the host map are re-read on a timer (once a second, every two
seconds); under valgrind's slowdown that would fall on every few requests, so the children lift
both intervals before the first request: ``bench/work.py`` times that re-read on its own. Lifted
only after warming, the re-reads during the warm-up (whose length under valgrind depends on the
machine's load) differed between the run that stops there and the one that goes on, and put
+8 % on uncached and +550 % on cached pages at 500 sites in a run beside the test suite.

Writes its block of docs/performance.md (``<!-- bench/instructions.py: start -->``).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import types
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.join(ROOT, "bench"))

from docblock import write_block  # noqa: E402 - after the path set-up above
from platforms import LANGUAGE, MAX_LIST, PAGE_CASES, close_app, prepare_platform  # noqa: E402

OWNER, SECTION = "bench/instructions.py", "### What the results say"
# Cachegrind's events, and the figures reported from them.
MEASURES = {"instructions": ("Ir",), "L1 misses": ("I1mr", "D1mr", "D1mw"), "LL misses": ("ILmr", "DLmr", "DLmw")}


def child(platform_file: str, case: str, mode: str, count: int, out: str) -> None:
    """Run inside valgrind: warm every page of ``case``'s list, then request ``count`` more."""
    with open(platform_file, encoding="utf-8") as f:
        platform_ = json.load(f)
    os.environ.update(platform_["env"])
    os.environ.update(ZHANQUN_PAGECACHE="off" if mode == "uncached" else "on", ZHANQUN_PAGECACHE_SECONDS="3600")
    from werkzeug.test import EnvironBuilder

    from zhanqun import create_app

    app = create_app()
    envs = [EnvironBuilder(path=path, headers={"Host": host, "Accept-Language": LANGUAGE}).get_environ()
            for host, path, _ in platform_["lists"][case]]
    statuses = []

    def call(env) -> None:
        body = app(dict(env), lambda status, headers, exc_info=None: statuses.append(status))
        try:
            b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()

    # Read once, on the first request, and never again (see the module docstring).
    app.extensions["zhanqun_site_versions"].refresh_seconds = 1e9
    app.extensions["zhanqun_hostmap"].refresh_seconds = 1e9
    for env in envs:
        call(env)
    if any(not s.startswith("200") for s in statuses):
        raise SystemExit(f"{case} {mode}: {sorted(set(statuses))}")
    before = _io()
    for k in range(count):
        call(envs[k % len(envs)])
    after = _io()
    with open(out, "w", encoding="utf-8") as f:
        json.dump({name: after[name] - before[name] for name in after}, f)


def _io() -> dict[str, int]:
    """This process's read system calls so far."""
    with open("/proc/self/io", encoding="ascii") as f:
        fields = dict(line.split(":") for line in f)
    return {"read syscalls": int(fields["syscr"])}


def _events(path: str) -> dict[str, int]:
    """The program totals of a cachegrind output file."""
    names = totals = None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("events:"):
                names = line.split()[1:]
            elif line.startswith("summary:"):
                totals = [int(v) for v in line.split()[1:]]
    if not names or not totals:
        raise RuntimeError(f"{path}: no cachegrind summary")
    return dict(zip(names, totals))


def _run(platform_file: str, case: str, mode: str, count: int, scratch: str, valgrind: bool) -> dict:
    """One child, under cachegrind (its event totals) or not (its system calls: valgrind makes its own)."""
    stem = os.path.join(scratch, f"{os.path.basename(os.path.dirname(platform_file))}-{case}-{mode}-{count}-{int(valgrind)}")
    command = [sys.executable, os.path.abspath(__file__), "--child", platform_file, case, mode, str(count), f"{stem}.json"]
    if valgrind:
        command = ["valgrind", "--tool=cachegrind", "--cache-sim=yes", f"--cachegrind-out-file={stem}.cg", *command]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{case} {mode} ({count} requests) failed:\n{done.stderr[-2000:]}")
    if valgrind:
        return _events(f"{stem}.cg")
    with open(f"{stem}.json", encoding="utf-8") as f:
        return json.load(f)


def measure(args, log) -> dict:
    """Seed every size, then count each (size, case, mode) with and without ``--requests`` more requests."""
    sizes = [int(s) for s in args.sites.split(",")]
    scratch = tempfile.mkdtemp(prefix="zhanqun-instructions-")
    platforms = []
    try:
        seed_args = types.SimpleNamespace(articles=args.articles, list_size=args.list_size, keep=False)
        for n in sizes:
            platform_ = prepare_platform(seed_args, n, None, log)
            close_app(platform_)
            platform_["file"] = os.path.join(platform_["workdir"], "platform.json")
            with open(platform_["file"], "w", encoding="utf-8") as f:
                json.dump({"env": platform_["env"], "lists": platform_["lists"]}, f)
            platforms.append(platform_)
        # (size, case, mode, requests, under valgrind): two valgrind runs and one plain run per page
        jobs = [(p["sites"], case, mode, count, True) for p in platforms for case, mode in args.pairs for count in (0, args.requests)]
        jobs += [(p["sites"], case, mode, args.requests, False) for p in platforms for case, mode in args.pairs]
        files = {p["sites"]: p["file"] for p in platforms}
        log(f"{len(jobs)} runs ({len(jobs) * 2 // 3} under valgrind), {args.jobs} at a time")
        started = time.monotonic()
        with ThreadPoolExecutor(args.jobs) as pool:
            runs = list(pool.map(lambda job: _run(files[job[0]], *job[1:4], scratch, valgrind=job[4]), jobs))
        by_job = dict(zip(jobs, runs))
        result = {"requests": args.requests, "articles": args.articles, "minutes": round((time.monotonic() - started) / 60, 1),
                  "valgrind": subprocess.run(["valgrind", "--version"], capture_output=True, text=True).stdout.strip(),
                  "per_request": {}}
        for n in sizes:
            for case, mode in args.pairs:
                base, more = by_job[(n, case, mode, 0, True)], by_job[(n, case, mode, args.requests, True)]
                row = {name: round(sum(more[e] - base[e] for e in events) / args.requests) for name, events in MEASURES.items()}
                row.update({name: round(value / args.requests, 1)
                            for name, value in by_job[(n, case, mode, args.requests, False)].items()})
                result["per_request"].setdefault(str(n), {})[f"{case} {mode}"] = row
        return result
    finally:
        for p in platforms:
            shutil.rmtree(p["workdir"], ignore_errors=True)
        shutil.rmtree(scratch, ignore_errors=True)


def markdown(result: dict, command: str) -> str:
    """The block's text: per size and page, the counts per request, and the change from the smallest size."""
    sizes = sorted(result["per_request"], key=int)
    small, large = sizes[0], sizes[-1]
    columns = [*MEASURES, "read syscalls"]
    lines = [f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC with `{command}` ({result['valgrind']}, "
             f"{result['minutes']} min): per request, over {result['requests']} requests after every page of the list "
             f"was requested once; every site of each platform in the list ({result['articles']} articles a site).", "",
             "| page | " + " | ".join(f"{c} at {n}" for c in columns for n in (small, large)) + " | instructions, change |",
             "|---|" + "---:|" * (2 * len(columns) + 1)]
    for pair in result["per_request"][small]:
        a, b = result["per_request"][small][pair], result["per_request"][large][pair]
        cells = [f"{row[c]:,}" for c in columns for row in (a, b)]
        change = b["instructions"] / a["instructions"] - 1
        lines.append(f"| {pair} | " + " | ".join(cells) + f" | {change:+.1%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        child(argv[1], argv[2], argv[3], int(argv[4]), argv[5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", default="50,500", help="sizes, comma-separated (default 50,500)")
    parser.add_argument("--articles", type=int, default=200, help="articles per site (default 200)")
    parser.add_argument("--list-size", type=int, default=MAX_LIST, help=f"pages per case, spread over the sites (default {MAX_LIST}, as bench/public.py)")
    parser.add_argument("--requests", type=int, default=300, help="measured requests per run (default 300)")
    parser.add_argument("--pages", default="home uncached,column uncached,article uncached,article cached",
                        help="page cases and modes, comma-separated (default: every case uncached, and cached articles)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="valgrind runs at a time (default: one per CPU)")
    parser.add_argument("--no-doc", action="store_true", help="print only; do not write docs/performance.md")
    args = parser.parse_args(argv)
    args.pairs = [tuple(p.split()) for p in args.pages.split(",")]
    if any(len(p) != 2 or p[0] not in PAGE_CASES or p[1] not in ("uncached", "cached") for p in args.pairs):
        parser.error(f"--pages: each as '<{'|'.join(PAGE_CASES)}> <uncached|cached>'")
    if shutil.which("valgrind") is None:
        parser.error("valgrind is not installed (apt-get install valgrind)")
    result = measure(args, lambda message: print(message, file=sys.stderr, flush=True))
    print(json.dumps(result, ensure_ascii=False, indent=2))
    if not args.no_doc:
        command = "python bench/instructions.py " + " ".join(argv) if argv else "python bench/instructions.py"
        print(f"Written to the {OWNER} block of {write_block(OWNER, markdown(result, command.strip()), SECTION)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
