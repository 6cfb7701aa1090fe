"""The platforms a run of bench/public.py measures, and what is requested of them.

One platform per size: a portal and N department sites seeded (``bench/seed.py``) into their own
database, its app kept open for the in-process measure, the environment its servers run with,
and per page case (home, column, article) the list of requests the load cycles through. Also the
names every part of the benchmark shares: the page cases, the Accept-Language header sent with
every request, and the host of the bare Flask yardstick.
"""
from __future__ import annotations

import functools
import math
import os
import shutil
import tempfile
import time

from seed import seed

SECRET = "bench-secret-key-0123456789abcdef0123456789abcdef"
PAGE_CASES = ("home", "column", "article")
LANGUAGE = "zh-CN,zh;q=0.9"  # what load.py sends: stored pages are kept per locale
BARE_HOST = "bench.localhost"
# Requests in one load list: spread over every site, bounded so that warming stays quick.
MAX_LIST = 500


def request_lists(layout: dict, limit: int) -> dict[str, list[tuple[str, str, str]]]:
    """Per case, the (host, path, etag) triples the load generator cycles through: entry ``j``
    is a page of site ``j mod N``, so every site appears (up to ``limit`` entries), then more
    pages of each site.

    Which page of its site an entry asks for depends on ``j`` alone, never on the number of
    sites, so that the lists of every size hold the same kinds of page in the same proportions
    (the j-th article of every size is as often one with attachments, the j-th column page as
    often a page 2). Picking by the site's turn instead made the 500-site list ask for every
    site's first article, which has attachments, where the 50-site list asked for 3 in 10.

    And a site's entries ``j``, ``j + N``, ``j + 2N`` … ask for different pages (:func:`_nth`),
    so that every size's list holds as many different pages. Taking the ``(37 j mod 200)``-th
    article made the 50-site list ask for only 4 articles per site, 200 in all, which stayed in
    SQLite's page cache and the CPU's caches, against 500 different ones at 500 sites."""
    sites = layout["sites"]
    column, article = [], []
    for j in range(limit):
        s = sites[j % len(sites)]
        column.append((s["host"], s["column_pages"][_nth(j, len(s["column_pages"]))], ""))
        article.append((s["host"], f"/a/{s['articles'][_nth(j, len(s['articles']))]}.html", ""))
    home = [(s["host"], "/", "") for s in sites]
    return {"home": home[:limit], "column": column, "article": article}


def _nth(j: int, count: int) -> int:
    """Which of a site's ``count`` pages entry ``j`` asks for: ``j mod p``, ``p`` the largest prime
    not above ``count``. Entries ``N`` apart then get different pages, up to ``p`` of them,
    unless ``N`` is a multiple of ``p`` (the seed's 14 column pages and 200 articles give 13 and 199)."""
    return j % _largest_prime(count)


@functools.lru_cache
def _largest_prime(count: int) -> int:
    """The largest prime not above ``count`` (1 when there is none)."""
    return next((p for p in range(count, 1, -1) if all(p % d for d in range(2, math.isqrt(p) + 1))), 1)


def prepare_platform(args, sites: int, database_url: str | None, log) -> dict:
    """Seed one platform into its own database; its app stays open for the in-process measure."""
    from zhanqun import create_app

    workdir = tempfile.mkdtemp(prefix=f"zhanqun-bench-{sites}-")
    platform_ = {"sites": sites, "workdir": workdir}
    try:
        database_url = database_url or "sqlite:///" + os.path.join(workdir, "zhanqun.db")
        env = {"ZHANQUN_DATABASE_URL": database_url, "ZHANQUN_INSTANCE_PATH": os.path.join(workdir, "instance"),
               "ZHANQUN_SECRET_KEY": SECRET, "ZHANQUN_DOMAIN": "localhost", "ZHANQUN_ENV": "production"}
        started = time.monotonic()
        # The stored pages must not expire while a measurement runs (steady state), in-process as under gunicorn.
        app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": env["ZHANQUN_INSTANCE_PATH"],
                          "SECRET_KEY": SECRET, "ZHANQUN_DOMAIN": "localhost", "ZHANQUN_REDIS_URL": None,
                          "ZHANQUN_PAGECACHE_SECONDS": 3600})
        layout = seed(app, sites, args.articles, progress=lambda n: log(f"  seeded {n} sites"))
        seconds = round(time.monotonic() - started, 1)
        log(f"seeded {sites} sites × {args.articles} articles in {seconds:.0f} s")
        platform_.update(env=env, app=app, lists=request_lists(layout, args.list_size), seed_s=seconds)
        return platform_
    except BaseException:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        raise


def close_app(platform_: dict) -> None:
    """Dispose of the database engine of ``platform_``'s app and forget the app (once; later calls do nothing)."""
    app = platform_.pop("app", None)
    if app is not None:
        from zhanqun.platform.extensions import db

        with app.app_context():
            db.engine.dispose()
