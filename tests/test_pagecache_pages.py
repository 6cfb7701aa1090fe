"""The public page cache seen over HTTP: hits, isolation between sites, invalidation, 304s."""
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from tests.conftest import CONSOLE, signin
from tests.public_factories import add_article, add_column
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.pagecache import versions as site_versions
from zhanqun.tenants.models import Tenant

A = {"Host": "jkxj.localhost"}
B = {"Host": "gtzy.localhost"}


@pytest.fixture
def two_sites(make_site):
    a = make_site("jkxj", name="衡山县经济科技和信息化局")
    b = make_site("gtzy", name="衡山县自然资源局")
    news_a = add_column(a, "news", "工作动态")
    news_b = add_column(b, "news", "工作动态")
    add_article(a, news_a, "甲站点的信息")
    add_article(b, news_b, "乙站点的信息")
    return a, b, news_a, news_b


def get(client, path, host, **headers):
    return client.get(path, headers={**host, **headers})


def body(response) -> str:
    return response.get_data(as_text=True)


def test_second_visit_is_a_hit_with_the_same_page_and_validators(client, two_sites):
    first = get(client, "/", A)
    second = get(client, "/", A)

    assert first.status_code == second.status_code == 200
    assert first.headers["X-Page-Cache"] == "miss" and second.headers["X-Page-Cache"] == "hit"
    assert body(second) == body(first) and "甲站点的信息" in body(second)
    assert second.headers["ETag"] == first.headers["ETag"] and second.headers["ETag"].startswith('"')
    assert second.headers["Last-Modified"] == first.headers["Last-Modified"]
    assert second.headers["Cache-Control"].startswith("public, max-age=")
    assert "Accept-Language" in second.headers["Vary"]
    assert second.headers["Content-Type"] == first.headers["Content-Type"]
    assert "Set-Cookie" not in second.headers


def test_a_page_of_one_site_never_appears_on_another_host(client, two_sites):
    for path in ("/", "/c/news/"):
        on_a = get(client, path, A)
        on_b = get(client, path, B)
        again_b = get(client, path, B)
        assert "甲站点的信息" in body(on_a) and "乙站点的信息" not in body(on_a)
        assert "乙站点的信息" in body(on_b) and "甲站点的信息" not in body(on_b)
        assert on_b.headers["X-Page-Cache"] == "miss" and body(again_b) == body(on_b)


def test_publishing_on_one_site_invalidates_that_site_only(client, two_sites):
    a, _, news_a, _ = two_sites
    get(client, "/", A), get(client, "/", B)

    add_article(a, news_a, "甲站点刚发布的信息")

    fresh_a = get(client, "/", A)
    assert fresh_a.headers["X-Page-Cache"] == "miss" and "甲站点刚发布的信息" in body(fresh_a)
    assert get(client, "/", B).headers["X-Page-Cache"] == "hit"


def test_withdrawing_and_site_settings_changes_invalidate(client, two_sites, db):
    a, _, news_a, _ = two_sites
    article = add_article(a, news_a, "将要撤回的信息")
    assert "将要撤回的信息" in body(get(client, "/", A))

    with site_versions_tenant(a.id):
        from zhanqun.platform.articles.models import Article
        from zhanqun.platform.workflow.models import Status

        row = db.session.get(Article, article.id)
        row.status = Status.WITHDRAWN
        db.session.commit()
    assert "将要撤回的信息" not in body(get(client, "/", A))

    tenant = db.session.get(Tenant, a.id)
    tenant.name = "衡山县工业和信息化局"
    db.session.commit()
    renamed = get(client, "/", A)
    assert renamed.headers["X-Page-Cache"] == "miss" and "衡山县工业和信息化局" in body(renamed)


def site_versions_tenant(site_id):
    from zhanqun.tenants.scoping import tenant_context

    return tenant_context(site_id)


def test_a_change_made_by_another_process_is_seen_within_the_refresh_interval(app, client, two_sites):
    get(client, "/", A), get(client, "/", B)
    assert get(client, "/", A).headers["X-Page-Cache"] == "hit"
    versions = app.extensions["zhanqun_site_versions"]
    versions.refresh_seconds = 0  # another worker's commit: only the database knows
    try:
        with _db.engine.begin() as conn:
            site_versions.bump_sites(conn, {site_versions.counter_name(two_sites[0].id)})
        assert get(client, "/", A).headers["X-Page-Cache"] == "miss"
        assert get(client, "/", B).headers["X-Page-Cache"] == "hit"
    finally:
        versions.refresh_seconds = app.config["ZHANQUN_SITE_VERSION_SECONDS"]


def test_conditional_requests_answer_304_on_hits_and_misses(client, two_sites):
    first = get(client, "/c/news/", A)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    by_etag = get(client, "/c/news/", A, **{"If-None-Match": etag})
    by_date = get(client, "/c/news/", A, **{"If-Modified-Since": modified})
    other = get(client, "/c/news/", A, **{"If-None-Match": '"something-else"'})

    assert by_etag.status_code == 304 and by_etag.data == b"" and by_etag.headers["ETag"] == etag
    assert by_date.status_code == 304
    assert other.status_code == 200 and body(other) == body(first)

    add_article(two_sites[0], two_sites[2], "新的信息")
    changed = get(client, "/c/news/", A, **{"If-None-Match": etag})
    assert changed.status_code == 200 and "新的信息" in body(changed)
    assert get(client, "/c/news/", A, **{"If-None-Match": changed.headers["ETag"]}).status_code == 304


def test_feeds_and_sitemaps_carry_validators_and_answer_304(client, two_sites):
    for path in ("/feed.xml", "/sitemap.xml", "/robots.txt"):
        first = get(client, path, A)
        assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"], path
        assert get(client, path, A, **{"If-None-Match": first.headers["ETag"]}).status_code == 304, path


def test_locale_and_accessibility_mode_are_separate_pages(client, two_sites):
    chinese = get(client, "/", A, **{"Accept-Language": "zh-CN,zh;q=0.9"})
    english = get(client, "/", A, **{"Accept-Language": "en-US,en;q=0.8"})
    chosen = get(client, "/?lang=en", A, **{"Accept-Language": "zh-CN"})
    accessible = get(client, "/?a11y=1", A)

    assert english.headers["X-Page-Cache"] == "miss"
    assert '<html lang="en"' in body(english) and '<html lang="zh-Hans-CN"' in body(chinese)
    assert '<html lang="en"' in body(chosen)
    assert accessible.headers["X-Page-Cache"] == "miss" and body(accessible) != body(chinese)
    # Other spellings of the same language share the stored page.
    assert get(client, "/", A, **{"Accept-Language": "en-GB"}).headers["X-Page-Cache"] == "hit"


def test_head_is_answered_from_the_cache_without_a_body(client, two_sites):
    page = get(client, "/", A)
    head = client.head("/", headers=A)
    assert head.status_code == 200 and head.data == b"" and head.headers["X-Page-Cache"] == "hit"
    assert head.headers["Content-Length"] == page.headers["Content-Length"]


def test_scheduled_publication_appears_without_any_write(client, two_sites):
    a, _, news_a, _ = two_sites
    add_article(a, news_a, "定时发布的信息", age=-timedelta(seconds=1.5))
    before = get(client, "/", A)
    assert "定时发布的信息" not in body(before)
    assert int(before.headers["Cache-Control"].split("=")[1]) <= 2
    time.sleep(1.6)
    after = get(client, "/", A)
    assert after.headers["X-Page-Cache"] == "miss" and "定时发布的信息" in body(after)


def test_unavailable_sites_unknown_hosts_and_health_are_not_cached(client, two_sites, db):
    tenant = db.session.get(Tenant, two_sites[0].id)
    tenant.status = "suspended"
    db.session.commit()
    assert get(client, "/", A).status_code == 503
    assert "X-Page-Cache" not in get(client, "/", A).headers
    assert "X-Page-Cache" not in get(client, "/", {"Host": "nobody.localhost"}).headers
    assert "X-Page-Cache" not in get(client, "/healthz", B).headers


def test_the_console_is_never_cached(client, two_sites, make_user):
    make_user("wang", platform_admin=True)
    signin(client, "wang")
    for _ in range(2):
        response = client.get("/", headers={"Host": CONSOLE})
        assert response.status_code == 200 and "X-Page-Cache" not in response.headers


def test_uncommitted_changes_are_neither_served_stale_nor_stored(app, client, two_sites, db):
    """A request run inside an app context that holds flushed, uncommitted changes (a plain WSGI
    client in a test or a script) neither gets the stale stored page nor stores its own."""
    a, _, news_a, _ = two_sites
    get(client, "/", A)
    from zhanqun.platform.articles.models import Article
    from zhanqun.platform.db import utcnow
    from zhanqun.platform.workflow.models import Status
    from zhanqun.tenants.scoping import tenant_context

    with tenant_context(a.id):
        db.session.add(Article(column_id=news_a.id, title="尚未提交的信息", status=Status.PUBLISHED,
                               published_at=utcnow() - timedelta(minutes=1)))
        db.session.flush()
    during = Client(app).get("/", headers=A)  # runs in the test's app context, which holds the flushed row
    assert "X-Page-Cache" not in during.headers and "尚未提交的信息" in body(during)
    db.session.rollback()
    after = get(client, "/", A)
    assert "尚未提交的信息" not in body(after)


def test_versions_bump_in_the_same_transaction_as_the_change(app, two_sites, db):
    a, b, news_a, _ = two_sites

    def version(site_id):
        with _db.engine.connect() as conn:
            return conn.scalar(sa.text("SELECT value FROM platform_counter WHERE name = :n"), {"n": f"site:{site_id}"})

    before_a, before_b = version(a.id), version(b.id)
    add_article(a, news_a, "一条信息")
    assert version(a.id) > before_a and version(b.id) == before_b


def test_pages_are_served_and_stored_outside_any_app_context(app, two_sites):
    """As under gunicorn: the middleware runs before Flask pushes a context (a new thread has none)."""
    import threading

    results = []

    def visit():
        client = Client(app)
        results.extend(client.get("/", headers=A) for _ in range(2))

    thread = threading.Thread(target=visit)
    thread.start()
    thread.join()
    assert [r.status_code for r in results] == [200, 200]
    assert [r.headers["X-Page-Cache"] for r in results] == ["miss", "hit"]


def test_anonymous_api_reads_are_cached_and_token_requests_never(client, two_sites):
    first, second = get(client, "/api/v1/articles", A), get(client, "/api/v1/articles", A)
    assert first.status_code == 200 and second.headers["X-Page-Cache"] == "hit"
    assert second.get_json() == first.get_json()
    assert [item["title"] for item in second.get_json()["items"]] == ["甲站点的信息"]
    with_token = get(client, "/api/v1/articles", A, Authorization="Bearer zq_not-a-real-token")
    assert "X-Page-Cache" not in with_token.headers
