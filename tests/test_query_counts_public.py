"""Public pages run a small, fixed number of SQL queries whatever a site holds; cache hits run none.

Counted with the page cache's store switched off (every request renders), after one warm-up
request per page so that the once-per-version work (site versions, scheduled-publication
times, the host map) is done; then each page is fetched once more with the cache on.
"""
import pytest

from tests.conftest import count_queries
from tests.public_factories import add_article, add_articles, add_column
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.pagecache.store import NullStore

# Upper bounds per page kind, uncached. They are today's counts: raise one only with a reason,
# and prefer the per-site cache (pagecache.sitecache). The column tree is kept per site
# (public.sitecolumns), so no page reads it. Home, column and article pages run their prepared
# reads (public.reads) on a plain connection, with no transaction to begin: an article is the
# article, its neighbours and, when it has files, its attachments. Feeds and sitemaps go through
# the ORM, where SQLite's BEGIN is one statement more.
BOUNDS = {"home": 1, "column": 2, "column page 2": 2, "topic": 1, "article": 3, "print": 3,
          "site feed": 2, "column feed": 2, "sitemap": 2}


def build_site(make_site, slug, per_column, columns):
    site = make_site(slug)
    topic = add_column(site, "zt", "专题", kind="topic", position=99)
    made = []
    for n in range(columns):
        column = add_column(site, f"c{n}", f"栏目{n}", position=n, page_size=20)
        made.append(add_articles(site, column, per_column, prefix=f"栏目{n}信息"))
    add_articles(site, add_column(site, "board", "板块", parent=topic), per_column, prefix="板块信息")
    middle = made[0][len(made[0]) // 2]
    return {
        "home": "/", "column": "/c/c0/", "column page 2": "/c/c0/?page=2", "topic": "/c/zt/",
        "article": f"/a/{middle.id}.html", "print": f"/a/{middle.id}/print.html",
        "site feed": "/feed.xml", "column feed": "/c/c0/feed.xml", "sitemap": "/sitemap.xml",
    }


def fetch(client, path, host):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 200, (host, path, response.status_code)
    return response


def counts(app, client, host, pages, cached):
    middleware = app.wsgi_app
    store = middleware.store
    versions = app.extensions["zhanqun_site_versions"]
    # The periodic re-read of the site versions (once a second, one query for the whole
    # platform) is not a query of the page; a slow test run must not count it.
    interval, versions.refresh_seconds = versions.refresh_seconds, 3600
    if not cached:
        middleware.store = NullStore()
    try:
        result = {}
        for name, path in pages.items():
            fetch(client, path, host)
            with count_queries(app) as n:
                fetch(client, path, host)
            result[name] = n()
        return result
    finally:
        middleware.store = store
        versions.refresh_seconds = interval


def test_uncached_pages_run_the_same_bounded_number_of_queries_for_small_and_large_sites(app, client, make_site):
    small = counts(app, client, "small.localhost", build_site(make_site, "small", 21, 2), cached=False)
    large = counts(app, client, "large.localhost", build_site(make_site, "large", 70, 8), cached=False)

    assert small == large, (small, large)
    for name, bound in BOUNDS.items():
        assert small[name] <= bound, (name, small[name])


def test_cache_hits_run_no_query_at_all(app, client, make_site):
    pages = build_site(make_site, "jkxj", 25, 3)
    assert counts(app, client, "jkxj.localhost", pages, cached=True) == {name: 0 for name in pages}


def test_article_with_attachments_runs_one_query_more_however_many_files(app, client, make_site, db):
    from zhanqun.platform.articles.models import ArticleAttachment
    from zhanqun.platform.media.models import Media
    from zhanqun.tenants.scoping import tenant_context

    site = make_site("jkxj")
    column = add_column(site, "news")
    plain = add_article(site, column, "没有附件的信息")
    with_files = add_article(site, column, "带附件的信息")
    media_columns = {c.name for c in Media.__table__.columns}
    with tenant_context(site.id):
        for n in range(5):
            fields = {"original_name": f"附件{n}.pdf", "filename": f"附件{n}.pdf", "stored_name": f"{n:032x}.pdf",
                      "content_type": "application/pdf", "size": 1000 + n, "sha256": f"{n:064x}", "kind": "document"}
            media = Media(**{k: v for k, v in fields.items() if k in media_columns})
            db.session.add(media)
            db.session.flush()
            db.session.add(ArticleAttachment(article_id=with_files.id, media_id=media.id, position=n))
        db.session.commit()
    pages = {"plain": f"/a/{plain.id}.html", "with files": f"/a/{with_files.id}.html"}
    result = counts(app, client, "jkxj.localhost", pages, cached=False)
    # The article's own query says whether it has files; only then are they read (in one query).
    assert result["with files"] == result["plain"] + 1 <= BOUNDS["article"]


@pytest.fixture
def county_sites(app, make_site, make_user):
    from tests.catalogue_support import county

    _db.session().expire_on_commit = False
    yield county(make_site, make_user)
    _db.session().expire_on_commit = True


def test_catalogue_pages_run_the_same_number_of_queries_with_few_and_many_entries(app, client, county_sites):
    from tests.catalogue_support import make_entry

    _portal, jyj, _wjj, reviewer = county_sites
    found = {}
    for size, entries in (("few", 2), ("many", 25)):
        made = [make_entry(jyj, reviewer, title=f"目录条目{n}") for n in range(entries)]
        middle = made[len(made) // 2]
        for host, pages in (("jyj.localhost", {"list": "/catalogue/", "entry": f"/catalogue/{middle.uid}/"}),
                            ("localhost", {"department catalogue": "/catalogue/", "copy": f"/catalogue/{middle.uid}/"})):
            for name, n in counts(app, client, host, pages, cached=False).items():
                found.setdefault(name, {})[size] = n
    assert all(sizes["few"] == sizes["many"] for sizes in found.values()), found
    bounds = {"list": 8, "entry": 4, "department catalogue": 8, "copy": 3}  # today's counts, as BOUNDS
    assert all(found[name]["few"] <= bound for name, bound in bounds.items()), found
