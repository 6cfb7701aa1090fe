"""The session cookie: console only, host-only, HttpOnly, SameSite=Lax, Secure in production."""

from __future__ import annotations

import pytest
from flask import session

from tests.conftest import CONSOLE, csrf_token, make_test_app, signin
from tests.console_support import get, new_client, text
from zhanqun.platform.extensions import db


@pytest.fixture
def site_and_user(make_site, make_user):
    portal = make_site("hengshan", name="中国·衡山", kind="portal", theme="portal")
    site = make_site("jkxj", name="衡山县经济科技和信息化局", domains=["jkxj.hengshan.gov.cn"])
    make_user("wang", roles={site.id: "editor"})
    return portal, site


def session_cookie(response) -> str:
    cookies = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("zhanqun_console=")]
    assert len(cookies) == 1, response.headers.getlist("Set-Cookie")
    return cookies[0]


def test_session_cookie_is_host_only_httponly_and_lax(client, site_and_user):
    cookie = session_cookie(signin(client, "wang"))
    attributes = [part.strip().lower() for part in cookie.split(";")[1:]]
    assert "httponly" in attributes
    assert "samesite=lax" in attributes
    assert "path=/" in attributes
    assert not any(a.startswith("domain") for a in attributes)
    assert "secure" not in attributes  # development serves plain http


def test_session_cookie_is_secure_in_production(app, database_url, tmp_path, site_and_user):
    production = make_test_app(database_url, str(tmp_path), ZHANQUN_ENV="production")
    try:
        cookie = session_cookie(signin(new_client(production), "wang"))
        assert "secure" in [part.strip().lower() for part in cookie.split(";")[1:]]
    finally:
        with production.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("host", ["localhost", "www.localhost", "hengshan.localhost", "jkxj.localhost", "jkxj.hengshan.gov.cn"])
def test_public_hosts_never_set_a_cookie_even_after_the_console(client, site_and_user, host):
    signin(client, "wang")
    assert get(client, "/").status_code == 200
    for path in ("/", "/robots.txt", "/no-such-page", "/?lang=en"):
        response = client.get(path, headers={"Host": host})
        assert "Set-Cookie" not in response.headers, (host, path)
        assert "Cookie" not in response.headers.get("Vary", ""), (host, path)


def test_console_cookie_sent_to_a_public_host_is_ignored(client, site_and_user):
    """Even if a browser sent the console cookie to a site host, nobody is signed in there."""
    signin(client, "wang")
    cookie = client.get_cookie("zhanqun_console", domain="console.localhost")
    response = client.get("/", headers={"Host": "jkxj.localhost", "Cookie": f"zhanqun_console={cookie.value}"})
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert "wang" not in text(response)


def test_writing_to_the_session_on_a_public_host_fails_loudly(app, site_and_user):
    with app.test_request_context("/", headers={"Host": "jkxj.localhost"}):
        assert not session
        with pytest.raises(RuntimeError, match="public hosts have no session"):
            session["locale"] = "en"
    with app.test_request_context("/", headers={"Host": CONSOLE}):
        session["locale"] = "en"  # the console has one


def test_anonymous_console_language_choice_lives_in_the_console_session_only(client, site_and_user):
    response = client.post("/account/language", data={"lang": "en", "next": "/signin", "csrf_token": csrf_token(client)},
                           headers={"Host": CONSOLE})
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    assert "Sign in to the console" in text(get(client, "/signin"))
    assert "Set-Cookie" not in client.get("/", headers={"Host": "jkxj.localhost"}).headers
