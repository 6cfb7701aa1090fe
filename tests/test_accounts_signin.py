"""Signing in and out, the throttle, changing one's password, safe ``next`` redirects."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import CONSOLE, console_post, csrf_token, signin
from tests.console_support import fresh, get, new_client, text, translated_app  # noqa: F401 - fixtures
from zhanqun.platform.accounts.models import User
from zhanqun.platform.accounts.passwords import verify_password
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db


@pytest.fixture
def wang(make_site, make_user):
    site = make_site("jkxj", name="衡山县经济科技和信息化局")
    return make_user("wang", display_name="王敏", roles={site.id: "editor"})


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_signin_with_the_right_password_opens_the_dashboard(client, wang):
    response = signin(client, "wang")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = text(get(client, "/"))
    assert "衡山县经济科技和信息化局" in page and "王敏" in page
    assert fresh(wang).last_login_at is not None


def test_username_is_not_case_sensitive(client, wang):
    assert signin(client, "WANG").status_code == 302


def test_wrong_password_is_refused_with_the_form_kept(client, wang):
    response = signin(client, "wang", "not-the-password")
    assert response.status_code == 401
    page = text(response)
    assert "Wrong username or password." in page and 'value="wang"' in page
    assert get(client, "/").status_code == 302  # still signed out


def test_unknown_username_gets_the_same_message(client, wang):
    response = signin(client, "nobody", "whatever-password")
    assert response.status_code == 401 and "Wrong username or password." in text(response)


def test_anonymous_console_pages_redirect_to_signin_with_a_relative_next(client, wang):
    response = get(client, "/sites/jkxj/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=%2Fsites%2Fjkxj%2F"
    after = client.post("/signin?next=%2Fsites%2Fjkxj%2F",
                        data={"username": "wang", "password": "correct-horse-battery", "csrf_token": csrf_token(client)},
                        headers={"Host": CONSOLE})
    assert after.headers["Location"] == "/sites/jkxj/"


@pytest.mark.parametrize("target", [
    "//evil.com", "//evil.com/sites/", "https://evil.com", "http://console.localhost.evil.com/", "/\\evil.com",
    "\\\\evil.com", "/\t/evil.com", "javascript:alert(1)", "evil.com", "%2F%2Fevil.com", "",
])
def test_next_only_leads_to_a_path_on_this_host(client, wang, target):
    response = client.post("/signin", data={"username": "wang", "password": "correct-horse-battery", "next": target,
                                            "csrf_token": csrf_token(client)}, headers={"Host": CONSOLE})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_is_followed_when_it_is_a_local_path(client, wang):
    response = client.post("/signin", data={"username": "wang", "password": "correct-horse-battery",
                                            "next": "/sites/jkxj/?tab=1", "csrf_token": csrf_token(client)},
                           headers={"Host": CONSOLE})
    assert response.headers["Location"] == "/sites/jkxj/?tab=1"


def test_signed_in_user_visiting_signin_is_sent_on(client, wang):
    signin(client, "wang")
    assert get(client, "/signin?next=//evil.com").headers["Location"] == "/"
    assert get(client, "/signin?next=/sites/jkxj/").headers["Location"] == "/sites/jkxj/"


def test_signout_ends_the_session_and_is_audited(client, wang):
    signin(client, "wang")
    response = console_post(client, "/signout")
    assert response.status_code == 302 and response.headers["Location"] == "/signin"
    assert "You have signed out." in text(get(client, "/signin"))
    assert get(client, "/").status_code == 302
    assert [e.username for e in events("auth.signout")] == ["wang"]


def test_signout_needs_post(client, wang):
    signin(client, "wang")
    assert get(client, "/signout").status_code == 405
    assert get(client, "/").status_code == 200


# Throttle ---------------------------------------------------------------------------------

def test_five_failures_lock_the_account_even_for_the_right_password(client, wang):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    for _ in range(5):
        assert signin(client, "wang", "wrong-password").status_code == 401
    response = signin(client, "wang")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts. Try again in 15 minutes." in text(response)
    assert get(client, "/").status_code == 302
    assert len(events("auth.signin_failed")) == 5
    assert [e.username for e in events("auth.signin_throttled")] == ["wang"]


def test_account_lock_follows_the_account_to_another_address(app, wang):
    for _ in range(5):
        signin(new_client(app), "wang", "wrong-password")
    elsewhere = new_client(app)
    elsewhere.environ_base["REMOTE_ADDR"] = "10.9.8.7"
    assert signin(elsewhere, "wang").status_code == 429


def test_a_success_clears_the_account_counter(client, wang):
    for _ in range(4):
        signin(client, "wang", "wrong-password")
    assert signin(client, "wang").status_code == 302
    console_post(client, "/signout")
    for _ in range(4):
        assert signin(client, "wang", "wrong-password").status_code == 401
    assert signin(client, "wang").status_code == 302


def test_many_accounts_from_one_address_are_throttled(app, client, monkeypatch, make_user, wang):
    monkeypatch.setitem(app.config, "ZHANQUN_SIGNIN_LIMIT_ADDRESS", "4 per 15 minutes")
    app.extensions.pop("zhanqun_signin_throttle", None)
    for name in ("guess1", "guess2", "guess3", "guess4"):
        assert signin(client, name, "password123").status_code == 401
    refused = signin(client, "wang")
    assert refused.status_code == 429 and "Try again in" in text(refused)
    other_address = new_client(app)
    other_address.environ_base["REMOTE_ADDR"] = "10.1.2.3"
    assert signin(other_address, "wang").status_code == 302


def test_throttle_message_is_in_chinese_in_the_chinese_console(translated_app, wang):
    browser = new_client(translated_app)
    for _ in range(5):
        signin(browser, "wang", "wrong-password")
    response = signin(browser, "wang")
    assert response.status_code == 429
    assert "登录失败次数过多" in text(response) and "15分钟" in text(response)


def test_deactivated_account_cannot_sign_in(client, wang):
    wang.is_active = False
    db.session.commit()
    response = signin(client, "wang")
    assert response.status_code == 401 and "deactivated" in text(response)
    assert get(client, "/").status_code == 302


# Own password -----------------------------------------------------------------------------

def test_change_password_keeps_this_session_and_ends_the_others(app, client, wang):
    other = new_client(app)
    signin(client, "wang")
    signin(other, "wang")
    form = text(get(client, "/account/password"))
    assert 'autocomplete="current-password"' in form and 'autocomplete="new-password"' in form
    response = console_post(client, "/account/password", {
        "current_password": "correct-horse-battery", "new_password": "a-new-long-password", "confirm_password": "a-new-long-password"})
    assert response.status_code == 302
    assert get(client, "/").status_code == 200
    assert get(other, "/").status_code == 302
    assert verify_password(fresh(wang).password_hash, "a-new-long-password")
    assert [e.action for e in events("user.password_change")] == ["user.password_change"]


@pytest.mark.parametrize("form, field, message", [
    ({"current_password": "wrong", "new_password": "a-new-long-password", "confirm_password": "a-new-long-password"},
     "current_password", "This is not your current password."),
    ({"current_password": "correct-horse-battery", "new_password": "short", "confirm_password": "short"},
     "new_password", "Use at least 10 characters."),
    ({"current_password": "correct-horse-battery", "new_password": "a-new-long-password", "confirm_password": "different-password"},
     "confirm_password", "The two new passwords differ."),
])
def test_change_password_errors_are_shown_per_field(client, wang, form, field, message):
    signin(client, "wang")
    response = console_post(client, "/account/password", form)
    assert response.status_code == 400
    page = text(response)
    assert message in page and f'id="{field}-error"' in page
    assert verify_password(db.session.get(User, wang.id).password_hash, "correct-horse-battery")
