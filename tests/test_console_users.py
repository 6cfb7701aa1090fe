"""Users admin for platform admins: search, create, edit, reset passwords, deactivate, roles."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import console_post, count_queries, signin
from tests.console_support import fresh, get, new_client, text
from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.accounts.passwords import verify_password
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.platform.extensions import db


@pytest.fixture
def platform(make_site, make_user):
    jkxj = make_site("jkxj", name="衡山县经济科技和信息化局")
    jyj = make_site("jyj", name="衡山县教育局")
    admin = make_user("admin", display_name="县政务办", platform_admin=True)
    wang = make_user("wang", display_name="王敏", email="wangmin@example.cn", roles={jkxj.id: "site_admin"})
    lina = make_user("lina", display_name="李娜", roles={jkxj.id: "editor", jyj.id: "reviewer"})
    return jkxj, jyj, admin, wang, lina


def last_event(action: str) -> AuditEvent:
    return db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id.desc()))


def password_on(page: str) -> str:
    return re.search(r'id="new-password">([^<]+)<', page).group(1)


@pytest.mark.parametrize("who", ["wang", "lina"])
def test_users_pages_are_for_platform_admins_only(client, platform, who):
    wang = platform[3]
    signin(client, who)
    for path in ("/users", "/users/new", f"/users/{wang.id}", f"/users/{wang.id}/reset-password", f"/users/{wang.id}/deactivate"):
        assert get(client, path).status_code == 403, path
    for path, form in ((f"/users/{wang.id}", {"display_name": "x"}), ("/users/new", {"username": "evil"}),
                       (f"/users/{wang.id}/deactivate", {}), (f"/users/{wang.id}/reset-password", {}),
                       (f"/users/{wang.id}/roles", {"site_id": platform[1].id, "role": "site_admin"})):
        assert console_post(client, path, form).status_code == 403, path
    assert fresh(wang).is_active and fresh(wang).display_name == "王敏"
    assert services.find_user("evil") is None


def test_users_link_is_in_the_top_bar_for_platform_admins_only(client, platform):
    signin(client, "admin")
    assert 'href="/users"' in text(get(client, "/"))
    other = new_client(client.application)
    signin(other, "wang")
    assert 'href="/users"' not in text(get(other, "/"))


def test_list_and_search(client, platform):
    signin(client, "admin")
    page = text(get(client, "/users"))
    assert all(name in page for name in ("王敏", "李娜", "县政务办"))
    found = text(get(client, "/users?q=WANGMIN@"))
    assert "王敏" in found and "李娜" not in found
    assert "李娜" in text(get(client, "/users?q=李"))
    nothing = text(get(client, "/users?q=%25"))  # a literal %, not a wildcard
    assert "No user matches “%”." in nothing


def test_list_paginates_with_a_bounded_number_of_queries(app, client, platform):
    signin(client, "admin")
    get(client, "/users")
    with count_queries(app) as few:
        get(client, "/users")
    for n in range(70):
        user = User(username=f"user{n:02d}", password_hash="x")
        db.session.add(user)
        db.session.add(Membership(user=user, tenant_id=platform[0].id, role=Role.EDITOR))
    db.session.commit()
    with count_queries(app) as many:
        page = text(get(client, "/users"))
    assert "Page 1 of 2" in page
    assert many() == few()


def test_create_user_shows_the_password_once_and_it_works(app, client, platform):
    signin(client, "admin")
    response = console_post(client, "/users/new", {"username": "zhaolei", "display_name": "赵磊", "email": "zl@example.cn",
                                                   "password": "chosen-by-attacker"})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    password = password_on(text(response))
    user = services.find_user("zhaolei")
    assert user.display_name == "赵磊" and not user.is_platform_admin
    assert not verify_password(user.password_hash, "chosen-by-attacker")
    assert signin(new_client(app), "zhaolei", password).status_code == 302
    assert password not in text(get(client, f"/users/{user.id}"))
    event = last_event("user.create")
    assert (event.username, event.detail["target"]) == ("admin", "zhaolei")


def test_create_platform_admin(client, platform):
    signin(client, "admin")
    console_post(client, "/users/new", {"username": "central2", "is_platform_admin": "y"})
    assert services.find_user("central2").is_platform_admin


def test_create_user_errors_keep_the_form(client, platform):
    signin(client, "admin")
    response = console_post(client, "/users/new", {"username": "Wang", "display_name": "另一个王", "email": "bad"})
    assert response.status_code == 400
    page = text(response)
    assert "This username is already taken." in page and "Enter a valid e-mail address." in page
    assert 'value="另一个王"' in page


def test_edit_name_email_and_platform_admin_flag(client, platform):
    wang = platform[3]
    signin(client, "admin")
    response = console_post(client, f"/users/{wang.id}", {"display_name": " 王敏敏 ", "email": "wmm@example.cn", "is_platform_admin": "y"})
    assert response.status_code == 302
    wang = fresh(wang)
    assert (wang.display_name, wang.email, wang.is_platform_admin) == ("王敏敏", "wmm@example.cn", True)
    assert last_event("user.update").detail["fields"] == ["display_name", "email", "is_platform_admin"]
    assert "The details of 王敏敏 have been saved." in text(get(client, f"/users/{wang.id}"))


def test_edit_errors_keep_the_input(client, platform):
    wang = platform[3]
    signin(client, "admin")
    response = console_post(client, f"/users/{wang.id}", {"display_name": "王" * 101, "email": "nope"})
    assert response.status_code == 400
    assert "Enter a valid e-mail address." in text(response) and 'value="nope"' in text(response)
    assert fresh(wang).email == "wangmin@example.cn"


def test_admin_cannot_remove_their_own_platform_admin_right_or_deactivate_themselves(client, platform):
    admin = platform[2]
    signin(client, "admin")
    assert console_post(client, f"/users/{admin.id}", {"display_name": "x"}).status_code == 403
    assert console_post(client, f"/users/{admin.id}/deactivate").status_code == 403
    admin = fresh(admin)
    assert admin.is_platform_admin and admin.is_active


def test_reset_password_asks_first_shows_the_new_one_once_and_ends_sessions(app, client, platform):
    wang = platform[3]
    browser = new_client(app)
    signin(browser, "wang")
    assert get(browser, "/").status_code == 200
    signin(client, "admin")
    confirm = get(client, f"/users/{wang.id}/reset-password")
    assert confirm.status_code == 200 and "Reset the password of 王敏?" in text(confirm)
    assert verify_password(fresh(wang).password_hash, "correct-horse-battery")
    response = console_post(client, f"/users/{wang.id}/reset-password")
    password = password_on(text(response))
    assert get(browser, "/").status_code == 302  # signed out at once
    assert signin(new_client(app), "wang").status_code == 401
    assert signin(new_client(app), "wang", password).status_code == 302
    assert last_event("user.password_reset").detail["target"] == "wang"


def test_deactivation_ends_the_users_open_session_at_once(app, client, platform):
    wang = platform[3]
    browser = new_client(app)
    signin(browser, "wang")
    assert get(browser, "/sites/jkxj/").status_code == 200
    signin(client, "admin")
    assert "Deactivate 王敏?" in text(get(client, f"/users/{wang.id}/deactivate"))
    assert fresh(wang).is_active  # asking changed nothing
    response = console_post(client, f"/users/{wang.id}/deactivate")
    assert response.status_code == 302
    assert not fresh(wang).is_active
    assert get(browser, "/sites/jkxj/").status_code == 302
    assert get(browser, "/").headers["Location"].startswith("/signin")
    assert "deactivated" in text(signin(new_client(app), "wang"))
    assert last_event("user.deactivate").username == "admin"
    # reactivation lets them sign in again (the old session stays ended)
    assert console_post(client, f"/users/{wang.id}/activate").status_code == 302
    assert fresh(wang).is_active
    assert get(browser, "/").status_code == 302
    assert signin(new_client(app), "wang").status_code == 302
    assert last_event("user.activate").detail["target"] == "wang"


def test_user_page_shows_and_edits_roles_across_sites(client, platform):
    jkxj, jyj, _admin, _wang, lina = platform
    signin(client, "admin")
    page = text(get(client, f"/users/{lina.id}"))
    assert "衡山县经济科技和信息化局" in page and "衡山县教育局" in page
    # change the role on one site
    assert console_post(client, f"/users/{lina.id}/roles", {"site_id": jyj.id, "role": "site_admin"}).status_code == 302
    assert services.role_on(fresh(lina), jyj.id) == Role.SITE_ADMIN
    # remove another, after confirming
    assert "Remove the role of 李娜 on 衡山县经济科技和信息化局?" in text(get(client, f"/users/{lina.id}/roles/{jkxj.id}/remove"))
    assert services.role_on(lina, jkxj.id) == Role.EDITOR
    assert console_post(client, f"/users/{lina.id}/roles/{jkxj.id}/remove").status_code == 302
    assert services.role_on(fresh(lina), jkxj.id) is None
    assert get(client, f"/users/{lina.id}/roles/{jkxj.id}/remove").status_code == 404  # nothing left to remove


def test_give_role_errors(client, platform):
    lina = platform[4]
    signin(client, "admin")
    assert console_post(client, f"/users/{lina.id}/roles", {"site_id": "9999", "role": "editor"}).status_code == 400
    response = console_post(client, f"/users/{lina.id}/roles", {"site_id": platform[0].id, "role": "platform_admin"})
    assert response.status_code == 400 and "Choose a role." in text(response)
    assert services.role_on(fresh(lina), platform[0].id) == Role.EDITOR


def test_unknown_user_ids_are_404(client, platform):
    signin(client, "admin")
    for path in ("/users/9999", "/users/9999/reset-password", "/users/9999/deactivate"):
        assert get(client, path).status_code == 404
    assert console_post(client, "/users/9999/activate").status_code == 404
