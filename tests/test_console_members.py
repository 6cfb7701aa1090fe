"""A site's members page: site admins and platform admins add, create, change and remove members."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import console_post, signin
from tests.console_support import get, new_client, text
from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db


@pytest.fixture
def county(make_site, make_user):
    """Two department sites; wang runs jkxj, li edits it, zhou runs another site."""
    jkxj = make_site("jkxj", name="衡山县经济科技和信息化局")
    jyj = make_site("jyj", name="衡山县教育局")
    wang = make_user("wang", display_name="王敏", roles={jkxj.id: "site_admin"})
    lina = make_user("lina", display_name="李娜", email="lina@example.cn", roles={jkxj.id: "editor"})
    zhou = make_user("zhou", display_name="周强", roles={jyj.id: "site_admin"})
    make_user("chen", display_name="陈晨")  # no site yet
    return jkxj, jyj, wang, lina, zhou


def role_of(username: str, tenant_id: int):
    return db.session.scalar(
        sa.select(Membership.role).join(User).where(User.username == username, Membership.tenant_id == tenant_id)
    )


def membership_id(username: str, tenant_id: int) -> int:
    return db.session.scalar(sa.select(Membership.id).join(User).where(User.username == username, Membership.tenant_id == tenant_id))


def test_members_page_lists_members_with_their_roles(client, county):
    signin(client, "wang")
    page = text(get(client, "/sites/jkxj/members"))
    assert "李娜" in page and "lina@example.cn" in page and "王敏" in page
    assert "周强" not in page and "陈晨" not in page
    # the admin's own row offers no role change or removal
    own = membership_id("wang", county[0].id)
    assert f"/members/{own}/remove" not in page and f"/members/{membership_id('lina', county[0].id)}/remove" in page


def test_members_menu_entry_is_shown_to_site_admins_only(client, county):
    signin(client, "wang")
    assert 'href="/sites/jkxj/members"' in text(get(client, "/sites/jkxj/"))
    lina = new_client(client.application)
    signin(lina, "lina")
    assert 'href="/sites/jkxj/members"' not in text(get(lina, "/sites/jkxj/"))


def test_editors_get_403_on_the_members_page_and_its_actions(client, county):
    jkxj = county[0]
    signin(client, "lina")
    assert get(client, "/sites/jkxj/members").status_code == 403
    assert get(client, "/sites/jkxj/members/add").status_code == 403
    assert console_post(client, "/sites/jkxj/members/add", {"username": "chen", "role": "editor"}).status_code == 403
    assert console_post(client, f"/sites/jkxj/members/{membership_id('lina', jkxj.id)}/role", {"role": "site_admin"}).status_code == 403
    assert role_of("lina", jkxj.id) == Role.EDITOR and role_of("chen", jkxj.id) is None


def test_add_an_existing_user(client, county):
    jkxj = county[0]
    signin(client, "wang")
    response = console_post(client, "/sites/jkxj/members/add", {"username": "Chen", "role": "reviewer"})
    assert response.status_code == 302 and response.headers["Location"] == "/sites/jkxj/members"
    assert role_of("chen", jkxj.id) == Role.REVIEWER
    assert "陈晨 is now a member of this site." in text(get(client, "/sites/jkxj/members"))
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "membership.grant").order_by(AuditEvent.id.desc()))
    assert (event.username, event.tenant_id, event.detail["target"], event.detail["role"]) == ("wang", jkxj.id, "chen", "reviewer")


@pytest.mark.parametrize("form, message", [
    ({"username": "nobody", "role": "editor"}, "There is no user with this username."),
    ({"username": "lina", "role": "editor"}, "This user is already a member of this site"),
    ({"username": "chen", "role": "platform_admin"}, "Choose a role."),
    ({"username": "", "role": "editor"}, "This field is required."),
])
def test_add_member_errors_keep_the_form(client, county, form, message):
    signin(client, "wang")
    response = console_post(client, "/sites/jkxj/members/add", form)
    assert response.status_code == 400
    page = text(response)
    assert message in page
    assert f'value="{form["username"]}"' in page
    assert role_of("chen", county[0].id) is None


def test_create_a_new_member_shows_the_password_once(app, client, county):
    jkxj = county[0]
    signin(client, "wang")
    response = console_post(client, "/sites/jkxj/members/new",
                            {"username": "zhaolei", "display_name": "赵磊", "email": "zl@example.cn", "role": "editor",
                             "is_platform_admin": "y"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    password = re.search(r'id="new-password">([^<]+)<', text(response)).group(1)
    user = services.find_user("zhaolei")
    assert user.display_name == "赵磊" and not user.is_platform_admin  # a site admin cannot make platform admins
    assert role_of("zhaolei", jkxj.id) == Role.EDITOR
    assert password not in text(get(client, "/sites/jkxj/members"))
    newcomer = new_client(app)
    assert signin(newcomer, "zhaolei", password).status_code == 302


@pytest.mark.parametrize("form, field, message", [
    ({"username": "lina", "role": "editor"}, "username", "This username is already taken."),
    ({"username": "x", "role": "editor"}, "username", "Use 3–64 letters"),
    ({"username": "new.person", "email": "not-an-address", "role": "editor"}, "email", "Enter a valid e-mail address."),
    ({"username": "new.person", "role": "boss"}, "role", "Choose a role."),
])
def test_create_member_errors_are_shown_per_field(client, county, form, field, message):
    signin(client, "wang")
    before = db.session.scalar(sa.select(sa.func.count()).select_from(User))
    response = console_post(client, "/sites/jkxj/members/new", form)
    assert response.status_code == 400
    page = text(response)
    assert message in page and f'id="{field}-error"' in page
    assert f'value="{form["username"]}"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == before


def test_change_a_members_role(client, county):
    jkxj = county[0]
    signin(client, "wang")
    response = console_post(client, f"/sites/jkxj/members/{membership_id('lina', jkxj.id)}/role", {"role": "reviewer"})
    assert response.status_code == 302
    assert role_of("lina", jkxj.id) == Role.REVIEWER
    assert "李娜 is now Reviewer on this site." in text(get(client, "/sites/jkxj/members"))


def test_a_role_beyond_site_admin_is_refused(client, county):
    jkxj = county[0]
    signin(client, "wang")
    for bogus in ("platform_admin", "admin", "", "SITE_ADMIN "):
        response = console_post(client, f"/sites/jkxj/members/{membership_id('lina', jkxj.id)}/role", {"role": bogus})
        assert response.status_code == 400
    assert role_of("lina", jkxj.id) == Role.EDITOR
    assert not services.find_user("lina").is_platform_admin


def test_remove_asks_first_then_removes(client, county):
    jkxj = county[0]
    signin(client, "wang")
    mid = membership_id("lina", jkxj.id)
    confirm = get(client, f"/sites/jkxj/members/{mid}/remove")
    assert confirm.status_code == 200
    assert "Remove 李娜 from this site?" in text(confirm) and 'method="post"' in text(confirm)
    assert role_of("lina", jkxj.id) == Role.EDITOR  # asking changed nothing
    response = console_post(client, f"/sites/jkxj/members/{mid}/remove")
    assert response.status_code == 302
    assert role_of("lina", jkxj.id) is None
    assert services.find_user("lina") is not None  # the account stays
    assert "李娜 is no longer a member of this site." in text(get(client, "/sites/jkxj/members"))


def test_a_site_admin_cannot_remove_or_demote_themselves(client, county):
    jkxj = county[0]
    signin(client, "wang")
    own = membership_id("wang", jkxj.id)
    removal = console_post(client, f"/sites/jkxj/members/{own}/remove")
    assert removal.status_code == 403 and "You cannot change or remove your own role" in text(removal)
    demotion = console_post(client, f"/sites/jkxj/members/{own}/role", {"role": "editor"})
    assert demotion.status_code == 403
    assert role_of("wang", jkxj.id) == Role.SITE_ADMIN


def test_a_site_admin_cannot_touch_another_sites_memberships(client, county):
    jyj = county[1]
    signin(client, "wang")
    zhou_on_jyj = membership_id("zhou", jyj.id)
    # through their own site's URLs, with the other site's membership id
    assert console_post(client, f"/sites/jkxj/members/{zhou_on_jyj}/role", {"role": "editor"}).status_code == 404
    assert get(client, f"/sites/jkxj/members/{zhou_on_jyj}/remove").status_code == 404
    assert console_post(client, f"/sites/jkxj/members/{zhou_on_jyj}/remove").status_code == 404
    # and through the other site's URLs
    assert get(client, "/sites/jyj/members").status_code == 404
    assert console_post(client, "/sites/jyj/members/add", {"username": "chen", "role": "editor"}).status_code == 404
    assert console_post(client, "/sites/jyj/members/new", {"username": "sneaky", "role": "site_admin"}).status_code == 404
    assert console_post(client, f"/sites/jyj/members/{zhou_on_jyj}/role", {"role": "editor"}).status_code == 404
    assert role_of("zhou", jyj.id) == Role.SITE_ADMIN and role_of("chen", jyj.id) is None
    assert services.find_user("sneaky") is None


def test_platform_admin_manages_any_sites_members(client, county, make_user):
    make_user("admin", platform_admin=True)
    jyj = county[1]
    signin(client, "admin")
    page = text(get(client, "/sites/jyj/members"))
    assert "周强" in page
    assert console_post(client, "/sites/jyj/members/add", {"username": "chen", "role": "site_admin"}).status_code == 302
    assert role_of("chen", jyj.id) == Role.SITE_ADMIN


def test_site_without_members_shows_an_empty_state(client, make_site, make_user):
    make_site("empty", name="空站点")
    make_user("admin", platform_admin=True)
    signin(client, "admin")
    assert "This site has no members yet." in text(get(client, "/sites/empty/members"))


def test_members_page_paginates_with_a_bounded_number_of_queries(app, client, county):
    from tests.conftest import count_queries

    jkxj = county[0]
    signin(client, "wang")
    get(client, "/sites/jkxj/members")
    with count_queries(app) as small:
        get(client, "/sites/jkxj/members")
    for n in range(60):
        user = User(username=f"user{n:02d}", password_hash="x")
        db.session.add(user)
        db.session.add(Membership(user=user, tenant_id=jkxj.id, role=Role.EDITOR))
    db.session.commit()
    with count_queries(app) as large:
        page1 = text(get(client, "/sites/jkxj/members"))
    assert "Page 1 of 2" in page1 and "user00" in page1 and "user59" not in page1
    assert "user59" in text(get(client, "/sites/jkxj/members?page=2"))
    assert large() == small()
