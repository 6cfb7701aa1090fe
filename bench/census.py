"""Time the website census: N sites × M articles (default 50 × 200), crawled through the app.

    .venv/bin/python bench/census.py                      # 50 sites × 200 articles, rewrites its block of docs/performance.md
    .venv/bin/python bench/census.py --sites 5 --articles 20 --no-write    # a quick look

Seeds a temporary SQLite database (or ``--database-url``, an *empty* PostgreSQL database)
with ``bench/seed.py`` (the same platform as the public-pages benchmark: 9 columns per site,
media records whose files are deliberately absent, so the census has missing attachments
to report), then runs ``zhanqun census run`` for every site in-process and reports pages
per second, findings, and the time per site. No network is used (external links are not
checked).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import UTC, datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from docblock import DOC, write_block
from report import machine as machine_facts
from seed import seed

# The block between <!-- bench/census.py: start --> and <!-- bench/census.py: end --> in docs/performance.md,
# in this section (at its end when the markers are not there yet).
OWNER, SECTION = "bench/census.py", "## Census (`bench/census.py`, issue 6)"


def machine() -> str:
    """Where the figure was taken, in one line (the facts public.py's report gathers)."""
    m = machine_facts()
    versions = ", ".join(f"{p} {m['versions'][p]}" for p in ("Flask", "SQLAlchemy", "Werkzeug"))
    return f"{m['nproc']} CPUs ({m['cpu']}), {m['ram_gb']} GB RAM, {m['os']}; Python {m['python']}; {versions}"


def run(sites: int, articles: int, database_url: str | None) -> dict:
    from zhanqun import create_app
    from zhanqun.platform.census import services

    instance = tempfile.mkdtemp(prefix="zhanqun-census-bench-")
    url = database_url or "sqlite:///" + os.path.join(instance, "bench.db")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance, "SECRET_KEY": "bench-" + "x" * 40,
                      "ZHANQUN_DOMAIN": "localhost", "ZHANQUN_HOSTMAP_REFRESH_SECONDS": 60})
    started = time.monotonic()
    seed(app, sites, articles)
    seeded = time.monotonic() - started
    with app.app_context():
        run_record = services.create_run(site_slug=None, external_links=False)
        result = services.execute_run(run_record)
        summary = dict(result.run.summary)
        backend = app.extensions["sqlalchemy"].engines[None].dialect.name
    return {
        "sites": len(result.outcomes), "articles_per_site": articles, "pages": result.pages, "seconds": round(result.seconds, 1),
        "pages_per_second": round(result.pages / result.seconds, 1), "seconds_per_site": round(result.seconds / len(result.outcomes), 2),
        "open_findings": summary["open"], "veto_findings": summary["veto"], "seed_seconds": round(seeded, 1), "database": backend,
    }


def markdown(results: dict) -> str:
    """The measured part of the section (the text of the marked block, without the markers)."""
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return f"""A full census (`zhanqun census run`, no external links) of {results['sites']} sites
({results['sites'] - 1} department sites × {results['articles_per_site']} articles, plus the portal), every public
page crawled through the app with the test client, on {results['database']}.

| pages crawled | time | pages per second | time per site | open findings (single veto) |
|---:|---:|---:|---:|---:|
| {results['pages']} | {results['seconds']} s | **{results['pages_per_second']}** | {results['seconds_per_site']} s | {results['open_findings']} ({results['veto_findings']}) |

Measured {when} on: {machine()}. One process, one thread; the machine was shared with
other work, so treat the figure as a floor. Seeding took {results['seed_seconds']} s and is not included.
"""


def write(results: dict) -> str:
    """Rewrite the census block of docs/performance.md; returns the file's path."""
    return write_block(OWNER, markdown(results), SECTION)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=50, help="department sites (a portal is added)")
    parser.add_argument("--articles", type=int, default=200, help="articles per site")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to use instead of a temporary SQLite file")
    parser.add_argument("--no-write", action="store_true", help=f"only print; do not rewrite the block in {os.path.relpath(DOC)}")
    args = parser.parse_args()
    results = run(args.sites, args.articles, args.database_url)
    print(json.dumps(results, ensure_ascii=False, indent=2))
    if not args.no_write:
        print(f"Written to the {OWNER} block of {write(results)}")


if __name__ == "__main__":
    main()
