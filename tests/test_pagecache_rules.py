"""What the page cache refuses to store, its memory bounds, Redis sharing, versions and site caches."""
import shutil
import socket
import subprocess
import time

import pytest
import sqlalchemy as sa
from werkzeug.test import Client

from tests.conftest import make_test_app
from tests.public_factories import add_article, add_column
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.pagecache.middleware import PageCacheMiddleware
from zhanqun.platform.pagecache.sitecache import cached_for_site
from zhanqun.platform.pagecache.store import Entry, MemoryStore
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import cross_tenant, tenant_context

HOST = "jkxj.localhost"


def inner_app(headers, status="200 OK"):
    """A WSGI app standing in for a view: answers ``body <n>`` with the given headers, counting calls."""
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        payload = f"body {len(calls)}".encode()
        start_response(status, [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(payload))), *headers])
        return [payload]

    return app, calls


def wrap(app, inner):
    real = app.wsgi_app
    settings = {"ttl": 60, "public_max_age": 60, "max_entry_bytes": 1024, "code_time": 0}
    return PageCacheMiddleware(app, inner, MemoryStore(100, 10**6), real.versions, real.freshness, settings)


@pytest.mark.parametrize("headers,status", [
    ([("Set-Cookie", "session=abc; HttpOnly")], "200 OK"),
    ([("Cache-Control", "private, no-store")], "200 OK"),
    ([("Cache-Control", "no-cache")], "200 OK"),
    ([("Vary", "Cookie")], "200 OK"),
    ([], "404 NOT FOUND"),
    ([], "302 FOUND"),
])
def test_responses_that_are_not_for_everyone_are_never_stored(app, make_site, headers, status):
    make_site("jkxj")
    inner, calls = inner_app(headers, status)
    client = Client(wrap(app, inner))
    first, second = client.get("/x", headers={"Host": HOST}), client.get("/x", headers={"Host": HOST})
    assert len(calls) == 2
    assert first.get_data() == b"body 1" and second.get_data() == b"body 2"
    assert "X-Page-Cache" not in second.headers


def test_a_shareable_response_is_stored_and_large_ones_are_not(app, make_site):
    make_site("jkxj")
    inner, calls = inner_app([])
    client = Client(wrap(app, inner))
    assert client.get("/x", headers={"Host": HOST}).get_data() == client.get("/x", headers={"Host": HOST}).get_data()
    assert len(calls) == 1

    big_calls = []

    def big(environ, start_response):
        big_calls.append(1)
        payload = b"x" * 2048  # over this middleware's 1024-byte limit
        start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(payload)))])
        return [payload]

    client = Client(wrap(app, big))
    client.get("/big", headers={"Host": HOST}), client.get("/big", headers={"Host": HOST})
    assert len(big_calls) == 2


def test_requests_with_credentials_or_ranges_bypass_the_cache(app, make_site):
    make_site("jkxj")
    inner, calls = inner_app([])
    client = Client(wrap(app, inner))
    client.get("/x", headers={"Host": HOST})
    for extra in ({"Authorization": "Basic eDp5"}, {"Range": "bytes=0-1"}):
        client.get("/x", headers={"Host": HOST, **extra})
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], "abc", domain=HOST)
    client.get("/x", headers={"Host": HOST})
    client.post("/x", headers={"Host": HOST})
    assert len(calls) == 5


def test_memory_store_is_bounded_by_entries_and_bytes():
    def entry(size):
        return Entry("200 OK", (), b"x" * size, '"e"', 0.0, time.time() + 60, True)

    by_count = MemoryStore(max_entries=3, max_bytes=10**6)
    for n in range(5):
        by_count.set((1, (1, 0), str(n)), entry(10))
    assert by_count.stats()["entries"] == 3 and by_count.get((1, (1, 0), "0")) is None
    assert by_count.get((1, (1, 0), "4")) is not None

    by_bytes = MemoryStore(max_entries=100, max_bytes=250)
    for n in range(5):
        by_bytes.set((1, (1, 0), str(n)), entry(100))
    assert by_bytes.stats() == {"entries": 2, "bytes": 200}

    by_bytes.set((2, (1, 0), "x"), entry(10))
    by_bytes.forget_site(1)
    assert by_bytes.stats() == {"entries": 1, "bytes": 10}

    expired = MemoryStore(10, 1000)
    expired.set((1, (1, 0), "old"), Entry("200 OK", (), b"x", '"e"', 0.0, time.time() - 1, True))
    assert expired.get((1, (1, 0), "old")) is None


def counter(name):
    with _db.engine.connect() as conn:
        return conn.scalar(sa.text("SELECT value FROM platform_counter WHERE name = :n"), {"n": name}) or 0


def test_tenant_changes_bump_the_site_and_the_portal_rollbacks_bump_nothing(app, make_site, db):
    portal = make_site("portal", kind="portal")
    site = make_site("jkxj")
    other = make_site("gtzy")
    before = {s.id: counter(f"site:{s.id}") for s in (portal, site, other)}

    tenant = db.session.get(Tenant, site.id)
    tenant.theme_settings = {"department": {"primary_colour": "#0b4f8a"}}
    db.session.commit()
    after = {s.id: counter(f"site:{s.id}") for s in (portal, site, other)}
    assert after[site.id] > before[site.id] and after[portal.id] > before[portal.id]
    assert after[other.id] == before[other.id]

    from zhanqun.platform.columns.models import Column

    column = add_column(other, "news")
    value = counter(f"site:{other.id}")
    with tenant_context(other.id):
        db.session.get(Column, column.id).name = "改了又撤销"
        db.session.flush()
        db.session.rollback()
    assert counter(f"site:{other.id}") == value


def test_bulk_statements_bump_the_site_or_every_site(app, make_site, db):
    from zhanqun.platform.articles.models import Article

    site = make_site("jkxj")
    column = add_column(site, "news")
    add_article(site, column, "信息")
    before_site, before_all = counter(f"site:{site.id}"), counter("site:all")
    with tenant_context(site.id):
        db.session.execute(sa.update(Article).values(title="批量修改"))
        db.session.commit()
    assert counter(f"site:{site.id}") > before_site and counter("site:all") == before_all
    with cross_tenant():
        db.session.execute(sa.update(Article).values(title="跨站点批量修改"))
        db.session.commit()
    assert counter("site:all") > before_all


def test_cached_for_site_loads_once_per_version(app, make_site, db):
    site = make_site("jkxj")
    other = make_site("gtzy")
    loads = []

    def loader():
        loads.append(1)
        return ("tree", len(loads))

    assert cached_for_site(site.id, "tree", loader) == ("tree", 1)
    assert cached_for_site(site.id, "tree", loader) == ("tree", 1)
    assert cached_for_site(other.id, "tree", loader) == ("tree", 2)
    add_column(site, "news")  # a write to the site: a new version
    assert cached_for_site(site.id, "tree", loader) == ("tree", 3)
    assert cached_for_site(other.id, "tree", loader) == ("tree", 2)

    with tenant_context(site.id):
        from zhanqun.platform.columns.models import Column

        db.session.add(Column(slug="draft", name="未提交"))
        db.session.flush()
        assert cached_for_site(site.id, "tree", loader) == ("tree", 4)  # uncommitted: not kept
        db.session.rollback()
    assert cached_for_site(site.id, "tree", loader) == ("tree", 3)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def redis_url(tmp_path):
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                                "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        for _ in range(50):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=5)


def test_workers_share_pages_through_redis(app, make_site, redis_url, tmp_path):
    site = make_site("jkxj")
    add_article(site, add_column(site, "news"), "共享的信息")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    workers = [make_test_app(url, str(tmp_path / f"w{n}"), ZHANQUN_REDIS_URL=redis_url) for n in (1, 2)]
    try:
        def get(worker):
            with worker.app_context():
                return worker.test_client().get("/", headers={"Host": HOST})

        first, second = get(workers[0]), get(workers[1])
        assert first.headers["X-Page-Cache"] == "miss" and second.headers["X-Page-Cache"] == "hit"
        assert second.get_data() == first.get_data() and "共享的信息" in second.get_data(as_text=True)

        add_article(site, add_column(site, "notice"), "新发布的信息")  # committed through the test's app
        for worker in workers:
            worker.extensions["zhanqun_site_versions"].invalidate()  # as after the refresh interval
        fresh = get(workers[1])
        assert fresh.headers["X-Page-Cache"] == "miss" and "新发布的信息" in fresh.get_data(as_text=True)
    finally:
        for worker in workers:
            with worker.app_context():
                _db.engine.dispose()


def test_pages_are_still_served_when_redis_is_down(app, make_site, tmp_path):
    site = make_site("jkxj")
    add_article(site, add_column(site, "news"), "照常显示的信息")
    worker = make_test_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path / "w"),
                           ZHANQUN_REDIS_URL=f"redis://127.0.0.1:{_free_port()}/0")
    try:
        with worker.app_context():
            response = worker.test_client().get("/", headers={"Host": HOST})
        assert response.status_code == 200 and "照常显示的信息" in response.get_data(as_text=True)
    finally:
        with worker.app_context():
            _db.engine.dispose()


def test_an_unreachable_database_gets_the_apps_own_error_page(tmp_path):
    broken = make_test_app("sqlite:////nonexistent-dir/zhanqun.db", str(tmp_path))
    response = Client(broken).get("/", headers={"Host": "jkxj.localhost"})
    assert response.status_code == 500
    assert "X-Page-Cache" not in response.headers and "text/html" in response.headers["Content-Type"]
