"""What bench/public.py reports: the figures' spreads, the machine, the target lines and the doc block.

:func:`spread` is the ``median``/``min``/``max`` shape every per-slice and per-repetition figure
is kept in; :func:`machine` says where the numbers were taken; :func:`targets` gives one line per
target of issue 7 with the figure reached and ``met`` or ``MISSED``; :func:`markdown` renders the
tables, and :func:`write_doc` puts them into the ``bench/public.py`` block of docs/performance.md
(through ``bench/docblock.py``).
"""
from __future__ import annotations

import math
import os
import platform
import shutil
import statistics
import subprocess
from importlib import metadata

from docblock import write_block
from platforms import PAGE_CASES

# The block between <!-- bench/public.py: start --> and <!-- bench/public.py: end --> in
# docs/performance.md, in this section (at its end when the markers are not there yet).
OWNER, SECTION = "bench/public.py", "### Benchmark"


def spread(values: list[float]) -> dict:
    """The median, min and max of ``values``, and the 95 % confidence interval of the median
    (``low``, ``high``; see :func:`median_interval`)."""
    low, high = median_interval(values)
    return {"median": statistics.median(values), "min": min(values), "max": max(values), "low": low, "high": high}


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[float, float]:
    """The distribution-free confidence interval of the median of ``values``: the k-th smallest
    and the k-th largest value, for the largest k such that fewer than k of n values fall below
    the true median with probability at most (1 − confidence) / 2 (binomial, p = ½). With too
    few values for that (fewer than 6 at 95 %), the min and the max."""
    ordered, n = sorted(values), len(values)
    k, below = 0, 0.0
    while k < n // 2:
        below += math.comb(n, k) / 2 ** n  # P(exactly k values below the median)
        if below > (1 - confidence) / 2:
            break
        k += 1
    return (ordered[k - 1], ordered[n - k]) if k else (ordered[0], ordered[-1])


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


def verdict(ok: bool) -> str:
    """``met`` or ``MISSED``."""
    return "met" if ok else "MISSED"


def targets(result: dict) -> list[str]:
    """The issue's targets, each with the figure reached (one line each)."""
    lines = []
    sizes = result["sizes"]
    for run in result["runs"]:
        w = run["workers"]
        for n in sizes:
            for case in PAGE_CASES:
                for mode, goal, text in (("uncached", 0.25, "≥25 %"), ("cached", 1.5, "≥150 %")):
                    c = run["cases"][case][f"{n} {mode}"]
                    s = c["slice_ratio"]
                    lines.append(f"{w} worker(s), {n} sites: {case} {mode} {c['ratio']:.1%} of bare Flask "
                                 f"(slices {s['min']:.0%}–{s['max']:.0%}; target {text}): {verdict(c['ratio'] >= goal)}")
        for name, s in run["scaling"].items():
            p = s["per_slice"]
            lines.append(f"{w} worker(s): {name} at {s['large']} vs {s['small']} sites: {p['median']:+.1%} req/s "
                         f"(median of {result['rounds']} same-slice ratios, its 95 % interval {p['low']:+.1%} … {p['high']:+.1%}, "
                         f"range {p['min']:+.1%} … {p['max']:+.1%}; {_per_start(s)}"
                         f"whole run {s['change']:+.1%}, ratio to bare Flask {s['ratio_change']:+.1%}; target ≥ −5 %): "
                         f"{verdict(p['median'] >= -0.05)}")
        largest = f"{max(sizes)} "
        rss = max([c["rss_mb"] for row in run["cases"].values() for name, c in row.items() if name.startswith(largest)]
                  + [v for name, v in run["rss_mb_end"].items() if name.startswith(largest)])
        lines.append(f"{w} worker(s): worker RSS at {max(sizes)} sites {rss:.0f} MB (target ≤150 MB): {verdict(rss <= 150)}")
    cpu = result["cpu"]
    for name, s in cpu.get("scaling", {}).items():
        p = s["per_rep"]
        lines.append(f"in-process CPU: {name} at {s['large']} vs {s['small']} sites: {s['change']:+.1%} requests per CPU-second "
                     f"(median of {cpu['reps']} same-repetition ratios, its 95 % interval {p['low']:+.1%} … {p['high']:+.1%}, "
                     f"range {p['min']:+.1%} … {p['max']:+.1%}; ratio of the medians {s['of_medians']:+.1%}; "
                     f"a diagnostic, the target is the servers' req/s): {'within' if s['change'] >= -0.05 else 'BEYOND'} 5 %")
    work = result.get("work", {})
    for name, change in work.get("scaling", {}).items():
        worst = max(change.values())
        lines.append(f"work per request: {name} at {work['large']} vs {work['small']} sites: Python calls {change['calls']:+.1%}, "
                     f"SQLite steps {change['sqlite_steps']:+.1%} (the same pages; target ≤ +5 %): {verdict(worst <= 0.05)}")
    if len(work.get("refresh_us", {})) > 1:
        refresh = ", ".join(f"{us:.0f} µs at {n} sites" for n, us in work["refresh_us"].items())
        lines.append(f"site versions snapshot, re-read at most once a second per process: {refresh} "
                     f"(at most {max(work['refresh_us'].values()) / 1e4:.2f} % of a worker's second)")
    incomplete = [f"{run['workers']} worker(s) {name}" for run in result["runs"] for name, w in run["warm"].items() if not w["complete"]]
    if incomplete:
        lines.append("warm-up INCOMPLETE (not every worker served every page) for: " + ", ".join(incomplete))
    return lines


def _starts(result: dict) -> str:
    starts = result["runs"][0].get("starts", 1) if result["runs"] else 1
    return f", the servers started {starts} times (warmed again each time), each for an equal share of the rounds" if starts > 1 else ""


def _per_start(scaling: dict) -> str:
    """The medians of each start of the servers, when they were started more than once."""
    starts = scaling.get("per_start", [])
    return f"per start of the servers {', '.join(f'{v:+.1%}' for v in starts)}; " if len(starts) > 1 else ""


def markdown(result: dict) -> str:
    """The text of the marked block in docs/performance.md (without the markers)."""
    m = result["machine"]
    sizes = result["sizes"]
    versions = ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v)
    platforms = ", ".join(f"{p['sites']} sites × {result['articles']} articles (seeded in {p['seed_s']:.0f} s)"
                          for p in result["platforms"])
    warm_requests = sum(w["requests"] for run in result["runs"] for w in run["warm"].values())
    complete = all(w["complete"] for run in result["runs"] for w in run["warm"].values())
    warm_note = "" if complete else " (NOT ALL: see the targets)"
    out = [
        f"Run {result['when']} with `python bench/public.py {' '.join(result['argv'])}` ({result['load_generator']}, "
        f"{result['connections']} connections; {result['duration_s'] / 60:.0f} min in all).", "",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; Python {m['python']}; {versions}.", "",
        f"Platforms: {platforms}. Before anything was measured, every worker of every server had served every page "
        f"of the request lists{warm_note} ({warm_requests} warm-up requests in all). Each page case was then measured in "
        f"{result['rounds']} rounds of {result['slice_seconds']:g} s per target, every target in every round (in "
        f"alternating order): {result['rounds'] * result['slice_seconds']:g} s per target{_starts(result)}. \"per slice\" is the "
        "median (min–max) of the ratios of the same round. CPU time taken by other guests of the host (steal) "
        "while the load ran: " + ", ".join(f"{run['steal']:.0%} ({run['workers']} worker(s))" for run in result["runs"])
        + "; failed requests: " + (", ".join(f"{run['errors']} ({run['workers']} worker(s))" for run in result["runs"])
                                   if any(run["errors"] for run in result["runs"]) else "none") + ".", "",
        "| workers | page | server | req/s | p50 ms | p99 ms | worker RSS MB | vs bare Flask | per slice |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for run in result["runs"]:
        for case, row in run["cases"].items():
            for name, c in row.items():
                if name == "bare":
                    server, ratio, per_slice = f"bare Flask, {c['bytes']} B", "yardstick", ""
                else:
                    n, mode = name.split()
                    server = f"{n} sites, {'304 revalidation' if mode == '304' else mode}"
                    s = c["slice_ratio"]
                    ratio, per_slice = f"{c['ratio']:.1%}", f"{s['median']:.0%} ({s['min']:.0%}–{s['max']:.0%})"
                out.append(f"| {run['workers']} | {case} | {server} | {c['rps']:.0f} | {c['p50_ms']:.1f} | {c['p99_ms']:.1f} | "
                           f"{c['rss_mb']:.0f} | {ratio} | {per_slice} |")
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        out += ["", f"{large} sites against {small}, measured in the same slices (change of req/s; per slice: the ratio "
                f"{large}/{small} of each round, median (min … max); its 95 % confidence interval; the median of each start of the servers):", "",
                f"| workers | page | mode | req/s at {small} | req/s at {large} | whole run | vs bare Flask | per slice | median's 95 % interval | per start |",
                "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"]
        for run in result["runs"]:
            for name, s in run["scaling"].items():
                case, mode = name.split()
                p = s["per_slice"]
                starts = ", ".join(f"{v:+.1%}" for v in s.get("per_start", []))
                out.append(f"| {run['workers']} | {case} | {mode} | {s['rps_small']:.0f} | {s['rps_large']:.0f} | {s['change']:+.1%} | "
                           f"{s['ratio_change']:+.1%} | {p['median']:+.1%} ({p['min']:+.1%} … {p['max']:+.1%}) | "
                           f"{p['low']:+.1%} … {p['high']:+.1%} | {starts} |")
    cpu = result["cpu"]
    out += ["", f"CPU time per request inside one process (no server, no network), µs: median of {cpu['reps']} "
            "repetitions (min), all sizes interleaved, every page warmed first:", "",
            "| sites | page | uncached | cached | bare Flask, same size | uncached vs bare | cached vs bare |",
            "|---:|---|---:|---:|---:|---:|---:|"]
    for n, per_case in cpu["sizes"].items():
        for case, c in per_case.items():
            out.append(f"| {n} | {case} | {c['uncached_us']:.0f} ({c['uncached_min_us']:.0f}) | {c['cached_us']:.1f} "
                       f"({c['cached_min_us']:.1f}) | {c['bare_us']:.0f} ({c['bare_min_us']:.0f}) | "
                       f"{c['uncached_ratio']:.0%} | {c['cached_ratio']:.0f}× |")
    work = result.get("work")
    if work:
        out += ["", f"Work per request, counted (the same pages on every platform, up to {max(work['pages'].values())} per case; "
                "see bench/work.py): Python function calls / SQLite VM steps:", "",
                "| sites | page | uncached | cached |", "|---:|---|---:|---:|"]
        for n, per_case in work["sizes"].items():
            for case, c in per_case.items():
                out.append(f"| {n} | {case} | {c['uncached']['calls']} / {c['uncached']['sqlite_steps']} | "
                           f"{c['cached']['calls']} / {c['cached']['sqlite_steps']} |")
    out += ["", "Targets:", ""] + [f"- {line}" for line in result["targets"]]
    return "\n".join(out)


def write_doc(text: str) -> str:
    """Rewrite the block between ``<!-- bench/public.py: start -->`` and ``… end -->`` in docs/performance.md."""
    return write_block(OWNER, text, SECTION)

