"""In headless Chromium with JavaScript off: a site admin switches to their site, creates a
# ruff: noqa: F811 - pytest fixtures imported from tests.console_support are redefined as parameters
member, changes a role and removes someone after confirming; a platform admin manages a user.
Every console page visited passes axe (WCAG 2.1 AA). Selectors use ids and form structure,
so the test runs the same in every language."""
from __future__ import annotations

import pytest

from tests.browser.conftest import describe_violations, run_axe
from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.extensions import db

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def county(live_server, make_site, make_user):
    jkxj = make_site("jkxj", name="衡山县经济科技和信息化局")
    make_site("jyj", name="衡山县教育局")
    make_user("admin", display_name="县政务办", platform_admin=True)
    make_user("wang", display_name="王敏", roles={jkxj.id: "site_admin"})
    make_user("lina", display_name="李娜", roles={jkxj.id: "editor"})
    return jkxj


def sign_in(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(live_server.url("console.localhost", "/signin"))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("form:has(#username) button[type=submit]")
    assert "/signin" not in page.url, page.inner_text("main")


def assert_accessible(page) -> None:
    # axe needs JavaScript; check the same page in a scripted tab.
    url, cookies = page.url, page.context.cookies()
    checker_context = page.context.browser.new_context(viewport={"width": 1280, "height": 900})
    checker_context.add_cookies(cookies)
    checker = checker_context.new_page()
    checker.goto(url)
    violations = run_axe(checker)
    checker_context.close()
    assert violations == [], f"{url}\n{describe_violations(violations)}"


def test_site_admin_manages_members_without_javascript(no_js_page, live_server, county):
    page = no_js_page
    sign_in(page, live_server, "wang")
    assert_accessible(page)  # the dashboard
    page.select_option("#site-switcher", "jkxj")
    page.click("form.switcher button[type=submit]")
    assert page.url.endswith("/sites/jkxj/")
    page.click('nav.sidenav a[href="/sites/jkxj/members"]')
    assert_accessible(page)

    # create a new member; the password is shown once
    page.click('a[href="/sites/jkxj/members/new"]')
    assert_accessible(page)
    page.fill("#username", "zhaolei")
    page.fill("#display_name", "赵磊")
    page.select_option("#role", "reviewer")
    page.click("form.form button.primary[type=submit]")
    password = page.inner_text("#new-password").strip()
    assert_accessible(page)
    db.session.rollback()  # end the test's snapshot: the server committed in its own session
    assert services.role_on(services.find_user("zhaolei"), county.id) == Role.REVIEWER

    # change li na's role with the row's own form
    page.goto(live_server.url("console.localhost", "/sites/jkxj/members"))
    lina = services.membership_of(services.find_user("lina"), county.id)
    page.select_option(f"#role-{lina.id}", "reviewer")
    page.click(f'form[action$="/members/{lina.id}/role"] button[type=submit]')
    db.session.rollback()  # end the test's snapshot: the server committed in its own session
    assert services.role_on(services.find_user("lina"), county.id) == Role.REVIEWER

    # remove her after the confirmation page
    page.click(f'a[href$="/members/{lina.id}/remove"]')
    assert_accessible(page)
    page.click("form.actions button.danger")
    db.session.rollback()  # end the test's snapshot: the server committed in its own session
    assert services.role_on(services.find_user("lina"), county.id) is None

    # the new member can sign in with the password shown
    page.click("form[action='/signout'] button")
    sign_in(page, live_server, "zhaolei", password)


def test_platform_admin_pages_are_accessible(page, live_server, county):
    sign_in(page, live_server, "admin")
    wang = services.find_user("wang")
    for path in ("/users", f"/users/{wang.id}", "/users/new", f"/users/{wang.id}/deactivate", "/audit",
                 "/account/password", "/sites/jkxj/members/add"):
        page.goto(live_server.url("console.localhost", path))
        violations = run_axe(page)
        assert violations == [], f"{path}\n{describe_violations(violations)}"


def test_signin_page_is_accessible(page, live_server, county):
    page.goto(live_server.url("console.localhost", "/signin"))
    violations = run_axe(page)
    assert violations == [], describe_violations(violations)
