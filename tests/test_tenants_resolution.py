"""Host → tenant resolution as a visitor's browser exercises it."""
import pytest

from tests.conftest import make_test_app
from zhanqun.platform.extensions import db
from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.services import change_status, get_tenant, update_tenant


@pytest.fixture
def county(make_site):
    portal = make_site("hengshan", name="中国·衡山", kind="portal", theme="portal", domains=["www.hengshan.gov.cn"])
    dept = make_site("jkxj", name="衡山县经济科技和信息化局", domains=["jkxj.hengshan.gov.cn"])
    return portal, dept


@pytest.mark.parametrize("host, name", [
    ("localhost", "中国·衡山"),
    ("www.localhost", "中国·衡山"),
    ("hengshan.localhost", "中国·衡山"),
    ("www.hengshan.gov.cn", "中国·衡山"),
    ("jkxj.localhost", "衡山县经济科技和信息化局"),
    ("JKXJ.Localhost:5000", "衡山县经济科技和信息化局"),
    ("jkxj.hengshan.gov.cn:8080", "衡山县经济科技和信息化局"),
    ("jkxj.hengshan.gov.cn.", "衡山县经济科技和信息化局"),
])
def test_each_host_serves_its_site(client, county, host, name):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 200
    assert f"<title>{name}" in response.get_data(as_text=True)


@pytest.mark.parametrize("host", ["nosuch.localhost", "evil.example.com", "a.jkxj.localhost", "localhost.evil.com"])
def test_unknown_host_gets_a_neutral_404(client, county, host):
    response = client.get("/", headers={"Host": host})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    for revealing in ("衡山", "jkxj", "hengshan", "经济"):
        assert revealing not in text
    assert "Set-Cookie" not in response.headers


def test_console_host_is_not_a_site(client, county):
    response = client.get("/", headers={"Host": "console.localhost"})
    assert response.status_code == 302
    assert "/signin" in response.headers["Location"]


def test_suspended_site_answers_503_and_archived_410(client, county):
    _, dept = county
    change_status(dept, "suspend")
    db.session.commit()
    response = client.get("/", headers={"Host": "jkxj.localhost"})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    change_status(dept, "resume")
    change_status(dept, "archive")
    db.session.commit()
    assert client.get("/", headers={"Host": "jkxj.localhost"}).status_code == 410
    assert client.get("/", headers={"Host": "localhost"}).status_code == 200


def test_new_custom_domain_is_served_at_once_in_this_process(client, county):
    _, dept = county
    assert client.get("/", headers={"Host": "jkxj.example.org"}).status_code == 404
    update_tenant(dept, {"domains": ["jkxj.hengshan.gov.cn", "jkxj.example.org"]})
    db.session.commit()
    assert client.get("/", headers={"Host": "jkxj.example.org"}).status_code == 200


def test_another_process_sees_a_new_site_within_its_refresh_interval(app, county, database_url, tmp_path):
    """A second worker (its own app and connection pool) notices through the counter."""
    other = make_test_app(database_url, str(tmp_path), ZHANQUN_HOSTMAP_REFRESH_SECONDS=0)
    with other.app_context():
        other_client = other.test_client()
        assert other_client.get("/", headers={"Host": "jyj.localhost"}).status_code == 404
    from zhanqun.tenants.services import create_tenant

    create_tenant({"slug": "jyj", "name": "衡山县教育局"})
    db.session.commit()
    with other.app_context():
        assert other.test_client().get("/", headers={"Host": "jyj.localhost"}).status_code == 200
        db.engine.dispose()


def test_status_change_reaches_another_process(app, county, database_url, tmp_path):
    other = make_test_app(database_url, str(tmp_path), ZHANQUN_HOSTMAP_REFRESH_SECONDS=0)
    with other.app_context():
        assert other.test_client().get("/", headers={"Host": "jkxj.localhost"}).status_code == 200
    change_status(get_tenant("jkxj"), "suspend")
    db.session.commit()
    with other.app_context():
        assert other.test_client().get("/", headers={"Host": "jkxj.localhost"}).status_code == 503
        db.engine.dispose()
    assert get_tenant("jkxj").status == TenantStatus.SUSPENDED


def test_robots_per_host_names_its_own_sitemap(client, county):
    response = client.get("/robots.txt", headers={"Host": "jkxj.hengshan.gov.cn"})
    assert response.status_code == 200
    assert "Sitemap: http://jkxj.hengshan.gov.cn/sitemap.xml" in response.get_data(as_text=True)


def test_healthz_answers_on_any_host(client, county):
    for host in ("localhost", "console.localhost", "unknown.example.com"):
        response = client.get("/healthz", headers={"Host": host})
        assert response.status_code == 200
        assert response.get_data(as_text=True) == "ok\n"


def test_healthz_answers_503_when_the_database_is_unreachable(tmp_path):
    broken = make_test_app("sqlite:////nonexistent-dir/zhanqun.db", str(tmp_path))
    response = broken.test_client().get("/healthz", headers={"Host": "localhost"})
    assert response.status_code == 503


def test_public_pages_set_no_cookies(client, county, make_user):
    from tests.conftest import signin

    make_user("admin", platform_admin=True)
    signin(client, "admin")
    response = client.get("/", headers={"Host": "jkxj.localhost"})
    assert response.status_code == 200
    assert "Set-Cookie" not in response.headers


def test_forwarded_host_is_ignored_unless_a_proxy_is_trusted(client, county, database_url, tmp_path):
    spoofed = {"Host": "evil.example.com", "X-Forwarded-Host": "jkxj.localhost"}
    assert client.get("/", headers=spoofed).status_code == 404
    behind_proxy = make_test_app(database_url, str(tmp_path), ZHANQUN_TRUSTED_PROXIES=1)
    with behind_proxy.app_context():
        response = behind_proxy.test_client().get("/", headers={"Host": "127.0.0.1:8000", "X-Forwarded-Host": "jkxj.localhost"})
        assert response.status_code == 200
        assert "衡山县经济科技和信息化局" in response.get_data(as_text=True)
        db.engine.dispose()
