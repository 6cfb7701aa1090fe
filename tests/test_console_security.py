"""Attacks on the console: forged forms (CSRF) and reaching into another site."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import CONSOLE, csrf_token, signin
from tests.console_support import fresh, get, text
from zhanqun.platform.accounts.models import Membership, User
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db


@pytest.fixture
def two_sites(make_site, make_user):
    """wang runs site A (jkxj); site B (jyj) belongs to zhou."""
    a = make_site("jkxj", name="衡山县经济科技和信息化局")
    b = make_site("jyj", name="衡山县教育局")
    make_user("admin", platform_admin=True)
    wang = make_user("wang", roles={a.id: "site_admin"})
    zhou = make_user("zhou", roles={b.id: "site_admin"})
    make_user("lina", roles={b.id: "editor"})
    return a, b, wang, zhou


def console_rules(app, method: str):
    return [rule for rule in app.url_map.iter_rules() if rule.subdomain == "console" and method in rule.methods]


def build_path(app, rule, slug: str, number: int) -> str:
    values = {}
    for name in rule.arguments:
        converter = rule._converters.get(name)
        if isinstance(converter, IntegerConverter):
            values[name] = number
        elif isinstance(converter, AnyConverter):
            values[name] = min(converter.items)
        else:
            values[name] = slug if name == "slug" else "x"
    adapter = app.url_map.bind("localhost", subdomain="console")
    return adapter.build(rule.endpoint, values, method=rule.methods.difference({"HEAD", "OPTIONS"}).pop())


def database_state():
    users = db.session.execute(sa.select(User.id, User.display_name, User.is_active, User.is_platform_admin,
                                         User.password_hash, User.session_version, User.locale).order_by(User.id)).all()
    memberships = db.session.execute(sa.select(Membership.user_id, Membership.tenant_id, Membership.role)
                                     .order_by(Membership.id)).all()
    return users, memberships


def test_every_console_post_without_a_valid_csrf_token_is_refused_and_changes_nothing(app, client, two_sites):
    a, _b, wang, _zhou = two_sites
    signin(client, "admin")
    before = database_state()
    rules = console_rules(app, "POST")
    wrong = csrf_token(client, "/").swapcase()
    assert {"accounts.signin", "accounts.signout", "members.change_role", "users.deactivate"} <= {r.endpoint for r in rules}
    for rule in rules:
        path = build_path(app, rule, a.slug, wang.id)
        for token in (None, "forged-token", wrong):
            data = {"role": "editor", "username": "someone", "display_name": "x"}
            if token is not None:
                data["csrf_token"] = token
            response = client.post(path, data=data, headers={"Host": CONSOLE})
            assert response.status_code == 400, (path, token, response.status_code)
    db.session.expire_all()
    assert database_state() == before
    assert get(client, "/").status_code == 200  # the signed-out attempt did not sign out either


def test_a_token_from_another_session_is_refused(app, client, two_sites):
    from tests.console_support import new_client

    wang = two_sites[2]
    attacker = new_client(app)
    signin(attacker, "zhou")
    stolen = csrf_token(attacker, "/")
    signin(client, "admin")
    response = client.post(f"/users/{wang.id}/deactivate", data={"csrf_token": stolen}, headers={"Host": CONSOLE})
    assert response.status_code == 400
    assert fresh(wang).is_active


@pytest.mark.parametrize("path", ["/signin", "/sites/jkxj/members/add", "/users/new"])
def test_csrf_error_page_says_what_happened_in_the_console_look(client, two_sites, path):
    if path != "/signin":
        signin(client, "admin")
    response = client.post(path, data={"username": "wang", "password": "correct-horse-battery", "role": "editor"},
                           headers={"Host": CONSOLE})
    assert response.status_code == 400
    assert "Nothing was changed." in text(response)
    assert 'class="topbar"' in text(response)  # the console's look, not the neutral page


def test_a_site_admin_of_a_gets_404_or_403_on_every_page_and_action_of_b(app, client, two_sites):
    _a, b, _wang, zhou = two_sites
    signin(client, "wang")
    token = csrf_token(client, "/")
    zhou_membership = db.session.scalar(sa.select(Membership.id).where(Membership.user_id == zhou.id))
    before = database_state()
    events_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    checked = 0
    for method in ("GET", "POST"):
        for rule in console_rules(app, method):
            if "slug" not in rule.arguments:
                continue
            for number in {zhou.id, zhou_membership}:
                path = build_path(app, rule, b.slug, number)
                if method == "GET":
                    response = client.get(path, headers={"Host": CONSOLE})
                else:
                    response = client.post(path, data={"csrf_token": token, "role": "site_admin", "username": "wang"},
                                           headers={"Host": CONSOLE})
                assert response.status_code in (403, 404), (method, path, response.status_code)
                checked += 1
    assert checked >= 8
    db.session.expire_all()
    assert database_state() == before
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == events_before


def test_platform_pages_are_403_for_site_admins(client, two_sites):
    signin(client, "wang")
    for path in ("/users", "/audit", f"/users/{two_sites[3].id}"):
        assert get(client, path).status_code == 403


def test_console_pages_need_sign_in(app, client, two_sites):
    a = two_sites[0]
    for rule in console_rules(app, "GET"):
        if rule.endpoint in {"accounts.signin", "console.robots", "console.static", "health.console_healthz"}:
            continue
        response = client.get(build_path(app, rule, a.slug, 1), headers={"Host": CONSOLE})
        assert response.status_code in (302, 401, 404), (rule.rule, response.status_code)
        if response.status_code == 302:
            assert response.headers["Location"].startswith("/signin"), rule.rule


def test_console_robots_txt_disallows_everything(client, two_sites):
    response = client.get("/robots.txt", headers={"Host": CONSOLE})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "Disallow: /" in text(response)
    assert "Disallow: /" not in text(client.get("/robots.txt", headers={"Host": "jkxj.localhost"}))


def test_console_pages_say_noindex(client, two_sites):
    assert '<meta name="robots" content="noindex">' in text(get(client, "/signin"))
