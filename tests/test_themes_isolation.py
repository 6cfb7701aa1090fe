"""Two sites with different themes and settings, interleaved (also across threads), never
render with each other's templates, colours or logo."""
from __future__ import annotations

import re
import threading

import pytest
import sqlalchemy as sa

from tests.public_factories import add_column
from zhanqun.tenants.models import Tenant

SITES = {
    "red.localhost": {"theme": "portal", "colour": "#8b0000", "logo": "/media/1/aaaa.png", "nav": "红色栏目"},
    "blue.localhost": {"theme": "department", "colour": "#123c69", "logo": "/media/2/bbbb.png", "nav": "蓝色栏目"},
}


@pytest.fixture
def two_sites(make_site, db):
    for host, spec in SITES.items():
        slug = host.split(".")[0]
        site = make_site(slug, theme=spec["theme"], name=f"{slug}站")
        tenant = db.session.get(Tenant, site.id)
        tenant.theme_settings = {spec["theme"]: {"primary_colour": spec["colour"], "logo": spec["logo"]}}
        db.session.commit()
        add_column(site, "c", name=spec["nav"])


def check(host: str, text: str) -> None:
    own = SITES[host]
    other = next(spec for h, spec in SITES.items() if h != host)
    assert set(re.findall(r"/_themes/([a-z]+)/", text)) == {own["theme"]}, host
    assert f"--primary:{own['colour']}" in text and other["colour"] not in text, host
    assert own["logo"] in text and other["logo"] not in text, host
    assert own["nav"] in text and other["nav"] not in text, host


PATHS = ["/", "/c/c/", "/no-such-page"]


def test_interleaved_requests_keep_each_site_in_its_own_theme(app, two_sites):
    client = app.test_client()
    hosts = list(SITES)
    for i in range(120):
        host = hosts[i % 2]
        response = client.get(PATHS[(i // 2) % 3], headers={"Host": host})
        assert response.status_code in (200, 404)
        check(host, response.get_data(as_text=True))


def test_interleaved_requests_across_threads(_app, two_sites):
    # The test client needs an app context in its thread; each request still gets its own.
    failures: list[str] = []
    hosts = list(SITES)

    def worker(n: int) -> None:
        with _app.app_context():
            requests_in_thread(n, _app.test_client())

    def requests_in_thread(n: int, client) -> None:
        for i in range(30):
            host = hosts[(n + i) % 2]
            path = PATHS[i % 3]
            try:
                check(host, client.get(path, headers={"Host": host}).get_data(as_text=True))
            except AssertionError as exc:
                failures.append(f"thread {n} request {i} {host}{path}: {exc}")

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []


def test_the_accessibility_mode_of_one_site_does_not_leak_to_the_other(app, two_sites):
    client = app.test_client()
    for i in range(40):
        a11y = client.get("/?a11y=1", headers={"Host": "red.localhost"}).get_data(as_text=True)
        assert "/_themes/accessible/" in a11y and "红色栏目" in a11y and "蓝色栏目" not in a11y
        check("blue.localhost", client.get("/", headers={"Host": "blue.localhost"}).get_data(as_text=True))
        check("red.localhost", client.get("/", headers={"Host": "red.localhost"}).get_data(as_text=True))


def test_settings_change_shows_on_the_next_request_of_that_site_only(app, two_sites, db):
    client = app.test_client()
    check("red.localhost", client.get("/", headers={"Host": "red.localhost"}).get_data(as_text=True))
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "red"))
    tenant.theme_settings = {"portal": {"primary_colour": "#5a0000", "logo": SITES["red.localhost"]["logo"]}}
    db.session.commit()
    assert "--primary:#5a0000" in client.get("/", headers={"Host": "red.localhost"}).get_data(as_text=True)
    check("blue.localhost", client.get("/", headers={"Host": "blue.localhost"}).get_data(as_text=True))
