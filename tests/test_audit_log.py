"""The audit log: every privileged action lands with who, site, action, when and address."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import CONSOLE, console_post, signin
from tests.console_support import get, new_client, text
from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Membership
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db
from zhanqun.tenants.services import change_status, get_tenant

ADDRESS = "203.0.113.9"


@pytest.fixture
def setting(make_site, make_user):
    jkxj = make_site("jkxj", name="衡山县经济科技和信息化局")
    admin = make_user("admin", platform_admin=True)
    wang = make_user("wang", display_name="王敏", roles={jkxj.id: "site_admin"})
    make_user("lina", display_name="李娜", roles={jkxj.id: "editor"})
    db.session.execute(sa.delete(AuditEvent))  # forget the set-up
    db.session.commit()
    return jkxj, admin, wang


@pytest.fixture
def browser(app):
    client = new_client(app)
    client.environ_base["REMOTE_ADDR"] = ADDRESS
    return client


def only_event(action: str) -> AuditEvent:
    events = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()
    assert len(events) == 1, [(e.action, e.username) for e in events]
    return events[0]


def assert_recent(event: AuditEvent, username: str, tenant_id=None):
    assert event.username == username
    assert event.tenant_id == tenant_id
    assert event.client_address == ADDRESS
    assert abs(datetime.now(UTC) - event.created_at) < timedelta(minutes=1)


def test_sign_in_events(app, browser, setting):
    signin(browser, "wang", "wrong-password")
    assert_recent(only_event("auth.signin_failed"), "wang")
    signin(browser, "nobody", "wrong-password")
    unknown = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.username == "nobody")).one()
    assert unknown.user_id is None and unknown.action == "auth.signin_failed"
    signin(browser, "wang")
    event = only_event("auth.signin")
    assert_recent(event, "wang")
    assert event.user_id == setting[2].id
    console_post(browser, "/signout")
    assert_recent(only_event("auth.signout"), "wang")


def test_throttled_sign_in_is_recorded(browser, setting):
    for _ in range(5):
        signin(browser, "lina", "wrong-password")
    signin(browser, "lina")
    assert_recent(only_event("auth.signin_throttled"), "lina")


def test_role_changes_are_recorded_with_the_site(browser, setting, make_user):
    jkxj = setting[0]
    make_user("chen")
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.action == "user.create"))
    db.session.commit()
    signin(browser, "wang")
    console_post(browser, "/sites/jkxj/members/add", {"username": "chen", "role": "editor"})
    grant = only_event("membership.grant")
    assert_recent(grant, "wang", jkxj.id)
    assert grant.detail == {"target": "chen", "role": "editor", "previous": None}
    membership = db.session.scalar(sa.select(Membership.id).join(Membership.user).where(Membership.tenant_id == jkxj.id)
                                   .where(sa.text("user_account.username = 'chen'")))
    console_post(browser, f"/sites/jkxj/members/{membership}/remove")
    revoke = only_event("membership.revoke")
    assert_recent(revoke, "wang", jkxj.id)
    assert revoke.detail == {"target": "chen", "role": "editor"}


def test_user_changes_are_recorded(browser, setting):
    wang = setting[2]
    signin(browser, "admin")
    console_post(browser, "/users/new", {"username": "zhaolei"})
    console_post(browser, f"/users/{wang.id}", {"display_name": "王敏敏", "email": ""})
    console_post(browser, f"/users/{wang.id}/reset-password")
    console_post(browser, f"/users/{wang.id}/deactivate")
    console_post(browser, f"/users/{wang.id}/activate")
    for action, target in (("user.create", "zhaolei"), ("user.update", "wang"), ("user.password_reset", "wang"),
                           ("user.deactivate", "wang"), ("user.activate", "wang")):
        event = only_event(action)
        assert_recent(event, "admin")
        assert event.detail["target"] == target


def test_site_status_changes_are_recorded(app, setting):
    with app.test_request_context("/", headers={"Host": CONSOLE}, environ_base={"REMOTE_ADDR": ADDRESS}):
        change_status(get_tenant("jkxj"), "suspend", by=setting[1])
        db.session.commit()
    assert_recent(only_event("tenant.suspend"), "admin", setting[0].id)


def test_cli_actions_are_recorded_as_coming_from_the_cli(runner, setting):
    assert runner.invoke(args=["users", "grant", "lina", "jkxj", "reviewer"]).exit_code == 0
    event = only_event("membership.grant")
    assert (event.username, event.client_address, event.tenant_id) == ("", "cli", setting[0].id)


@pytest.mark.parametrize("who", ["wang", "lina"])
def test_non_admins_get_403(client, setting, who):
    signin(client, who)
    assert get(client, "/audit").status_code == 403
    assert 'href="/audit"' not in text(get(client, "/"))


def test_the_page_lists_events_readably(browser, setting):
    signin(browser, "wang", "wrong-password")
    signin(browser, "admin")
    page = text(get(browser, "/audit"))
    assert "Failed sign-in" in page and "Signed in" in page
    assert ADDRESS in page and "wang" in page


def test_the_page_filters_by_action_user_site_and_date(app, client, setting):
    jkxj = setting[0]
    with app.test_request_context("/", headers={"Host": CONSOLE}):
        audit.record("membership.grant", username="wang", tenant_id=jkxj.id, target="li")
        audit.record("user.create", username="admin", target="new")
        old = AuditEvent(action="auth.signin", username="chen", created_at=datetime(2020, 1, 1, 12, tzinfo=UTC),
                         client_address="198.51.100.1", detail={})
        db.session.add(old)
        db.session.commit()
    signin(client, "admin")

    def rows(query: str) -> str:
        page = text(get(client, "/audit" + query))
        return page[page.index("<tbody>"):page.index("</tbody>")] if "<tbody>" in page else ""

    by_group = rows("?action=membership.")
    assert "membership.grant" in by_group and "user.create" not in by_group
    assert "auth.signin" in rows("?action=auth.signin") and "user.create" not in rows("?action=auth.signin")
    assert "198.51.100.1" in rows("?user=CHEN") and "user.create" not in rows("?user=chen")
    assert "membership.grant" in rows(f"?site={jkxj.id}") and "user.create" not in rows(f"?site={jkxj.id}")
    early = rows("?until=2020-01-01")
    assert "198.51.100.1" in early and "user.create" not in early
    late = rows("?since=2021-01-01")
    assert "user.create" in late and "198.51.100.1" not in late
    assert "No audit events match." in text(get(client, "/audit?user=nobody"))


def test_bad_filter_values_say_so(client, setting):
    signin(client, "admin")
    response = get(client, "/audit?since=yesterday&site=abc")
    assert response.status_code == 400
    page = text(response)
    assert "Enter a date as YYYY-MM-DD." in page and "Choose a site." in page
    assert 'value="yesterday"' in page


def test_the_log_paginates(app, client, setting):
    with app.test_request_context("/", headers={"Host": CONSOLE}):
        for n in range(120):
            audit.record("user.update", username=f"u{n:03d}")
        db.session.commit()
    signin(client, "admin")
    first = text(get(client, "/audit"))
    assert "Page 1 of 3" in first and "u119" in first and "u050" not in first
    assert "u000" in text(get(client, "/audit?page=3"))
    assert 'href="/audit?page=2"' in first or "page=2" in first
