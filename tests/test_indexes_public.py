"""Every query a public page runs can use an index: no full scan of a content table.

The statements are recorded while the pages render, then explained with their own
parameters: SQLite's ``EXPLAIN QUERY PLAN`` must not ``SCAN`` a table; PostgreSQL's
``EXPLAIN`` (with sequential scans priced out, since the tables are tiny here) must not
fall back to a ``Seq Scan`` of one.
"""
import re

import pytest
import sqlalchemy as sa

from tests.conftest import recorded_statements
from tests.public_factories import add_articles, add_column
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.pagecache.store import NullStore

# Tables whose size grows with a site's content or the number of sites.
CONTENT_TABLES = {"article", "article_attachment", "media", "site_column", "catalogue_entry", "catalogue_attachment",
                  "sync_portal_copy", "tenant", "tenant_domain", "platform_counter"}
# Sitemaps list every article of the site by design: reading them all is their job.
WHOLE_SITE_PATHS = {"/sitemap.xml"}


def record(app, client, host, paths):
    """``{path: [(statement, parameters)]}`` for the SELECTs each page runs."""
    seen: dict[str, list] = {}
    middleware = app.wsgi_app
    store, middleware.store = middleware.store, NullStore()
    # The host map is built once per process from every tenant, by design; not a page's query.
    client.get("/", headers={"Host": host})
    try:
        for path in paths:
            with recorded_statements(app) as statements:
                assert client.get(path, headers={"Host": host}).status_code == 200, path
            seen[path] = [(s, p) for s, p in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]
    finally:
        middleware.store = store
    return seen


def full_scans(statement, parameters) -> list[str]:
    """The content tables the plan of ``statement`` reads in full."""
    with _db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            lines = [row[-1] for row in rows]
            pattern = re.compile(r"^SCAN (\w+)")
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).all()
            lines = [row[0] for row in rows]
            pattern = re.compile(r"Seq Scan on (\w+)")
            conn.rollback()
    return [f"{m.group(1)}: {line.strip()}" for line in lines if (m := pattern.search(line.strip())) and m.group(1) in CONTENT_TABLES]


@pytest.fixture
def site_paths(make_site):
    make_site("portal", kind="portal")
    site = make_site("jkxj")
    topic = add_column(site, "zt", "专题", kind="topic")
    news = add_column(site, "news", "工作动态")
    add_column(site, "board", "板块", parent=topic)
    articles = add_articles(site, news, 30)
    return ["/", "/c/news/", "/c/news/?page=2", "/c/zt/", f"/a/{articles[5].id}.html", "/feed.xml",
            "/c/news/feed.xml", "/robots.txt"]


def test_public_pages_use_indexes_for_every_query(app, client, site_paths):
    assert full_scans("SELECT id FROM article WHERE title = 'x'", ()), "the check must see an unindexed query"
    recorded = record(app, client, "jkxj.localhost", site_paths)
    problems = {
        path: scans for path, statements in recorded.items() if path not in WHOLE_SITE_PATHS
        for scans in [[scan for s, p in statements for scan in full_scans(s, p)]] if scans
    }
    assert not problems, problems


def test_the_version_and_freshness_queries_use_indexes(app, site_paths):
    app.extensions["zhanqun_site_versions"].invalidate()
    from zhanqun.platform.pagecache.freshness import FreshnessCache

    statements: list = []

    def before(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(_db.engine, "before_cursor_execute", before)
    try:
        app.extensions["zhanqun_site_versions"].get(2)
        FreshnessCache(lambda: _db.engine, _db.Model.registry)._load(2)
    finally:
        sa.event.remove(_db.engine, "before_cursor_execute", before)
    selects = [(s, p) for s, p in statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and not [scan for s, p in selects for scan in full_scans(s, p)]


# Reading every article (or attachment) of a site to answer for a few of them grows with the site.
SITE_WIDE_READ = re.compile(r"^SEARCH (article|article_attachment)\b.* USING INDEX ix_\w+_tenant_id \(tenant_id=\?\)$")


def test_no_page_reads_a_whole_site_to_show_a_few_items(app, client, site_paths):
    with _db.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            pytest.skip("the plan shapes checked here are SQLite's")
    recorded = record(app, client, "jkxj.localhost", site_paths)
    problems = {}
    with _db.engine.connect() as conn:
        for path, statements in recorded.items():
            for statement, parameters in statements:
                plan = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()]
                bad = [line for line in plan if SITE_WIDE_READ.match(line)]
                if bad:
                    problems.setdefault(path, []).extend(bad)
    assert not problems, problems


def test_catalogue_pages_use_indexes_for_every_query(app, client, make_site, make_user):
    from tests.catalogue_support import county, make_entry

    _db.session().expire_on_commit = False
    try:
        _portal, jyj, _wjj, reviewer = county(make_site, make_user)
        entries = [make_entry(jyj, reviewer, title=f"目录条目{n}") for n in range(3)]
    finally:
        _db.session().expire_on_commit = True
    uid = entries[1].uid
    problems = {}
    for host, paths in (("jyj.localhost", ["/catalogue/", f"/catalogue/{uid}/", "/catalogue/?topic=10"]),
                        ("localhost", ["/catalogue/", f"/catalogue/{uid}/", "/catalogue/?department=4304230002"])):
        for path, statements in record(app, client, host, paths).items():
            assert statements, f"{host}{path} ran no query: nothing was checked"
            scans = [scan for s, p in statements for scan in full_scans(s, p)]
            if scans:
                problems[host + path] = scans
    assert not problems, problems
