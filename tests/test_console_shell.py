"""The console shell: dashboard, site switcher, site overview, languages."""

from __future__ import annotations

import pytest

from tests.conftest import CONSOLE, console_post, csrf_token, signin
from tests.console_support import fresh, get, new_client, text, translated_app  # noqa: F401 - fixtures
from zhanqun.platform.extensions import db
from zhanqun.tenants.services import change_status, get_tenant


@pytest.fixture
def county(make_site, make_user):
    portal = make_site("hengshan", name="中国·衡山", kind="portal", theme="portal")
    jkxj = make_site("jkxj", name="衡山县经济科技和信息化局")
    jyj = make_site("jyj", name="衡山县教育局")
    change_status(get_tenant("jyj"), "suspend")
    db.session.commit()
    make_user("admin", platform_admin=True)
    make_user("wang", display_name="王敏", roles={jkxj.id: "site_admin"})
    make_user("lina", roles={jkxj.id: "editor", jyj.id: "reviewer"})
    make_user("newbie")
    return portal, jkxj, jyj


def test_platform_admin_dashboard_lists_every_site_with_counts(client, county):
    signin(client, "admin")
    page = text(get(client, "/"))
    for name in ("中国·衡山", "衡山县经济科技和信息化局", "衡山县教育局"):
        assert name in page
    assert "3 sites on the platform" in page
    assert "Suspended: 1" in page and "Active: 2" in page
    assert "3 roles given" in page
    # the member count per site
    table = page[page.index("<tbody>"):]
    row = table[table.index("衡山县经济科技和信息化局"):]
    assert "<td>2</td>" in row[:row.index("</tr>")]


def test_site_admin_dashboard_lists_only_their_sites(client, county):
    signin(client, "wang")
    page = text(get(client, "/"))
    assert "衡山县经济科技和信息化局" in page and "衡山县教育局" not in page and "中国·衡山" not in page
    assert "You manage 1 site." in page


def test_user_without_a_site_sees_a_helpful_empty_state(client, county):
    signin(client, "newbie")
    page = text(get(client, "/"))
    assert "You do not manage any site yet." in page
    assert "Ask your platform administrator" in page
    assert 'class="switcher"' not in page


def test_site_switcher_is_a_plain_form_listing_the_users_sites(client, county):
    signin(client, "lina")
    page = text(get(client, "/"))
    assert '<form class="switcher" method="get" action="/switch">' in page
    assert '<option value="jkxj"' in page and '<option value="jyj"' in page and 'value="hengshan"' not in page
    assert get(client, "/switch?slug=jyj").headers["Location"] == "/sites/jyj/"
    assert get(client, "/switch?slug=").headers["Location"] == "/"
    assert get(client, "/switch?slug=hengshan", follow_redirects=True).status_code == 404
    assert 'value="jyj" selected' in text(get(client, "/sites/jyj/"))


def test_site_overview_shows_the_role_and_addresses(client, county):
    signin(client, "lina")
    page = text(get(client, "/sites/jkxj/"))
    assert "Your role on this site: Editor" in page and "jkxj.localhost" in page
    assert get(client, "/sites/hengshan/").status_code == 404
    assert get(client, "/sites/no-such-site/").status_code == 404


# Languages ---------------------------------------------------------------------------------

def test_console_is_in_chinese_by_default(translated_app, county):
    browser = new_client(translated_app)
    assert "登录" in text(get(browser, "/signin"))
    signin(browser, "wang")
    page = text(get(browser, "/"))
    assert 'lang="zh-Hans-CN"' in page and "退出" in page and "站点" in page


def test_accept_language_is_honoured_and_lang_overrides_it(translated_app, county):
    browser = new_client(translated_app)
    english = text(get(browser, "/signin", headers={"Accept-Language": "en-GB,en;q=0.9"}))
    assert "Sign in to the console" in english and 'lang="en"' in english
    explicit = text(get(browser, "/signin?lang=en", headers={"Accept-Language": "zh-CN"}))
    assert "Sign in to the console" in explicit
    assert "登录" in text(get(browser, "/signin", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))


def test_signed_in_language_choice_is_stored_on_the_user(translated_app, county):
    from zhanqun.platform.accounts.services import find_user

    browser = new_client(translated_app)
    signin(browser, "wang")
    response = browser.post("/account/language", data={"lang": "en", "next": "/sites/jkxj/",
                                                       "csrf_token": csrf_token(browser, "/")}, headers={"Host": CONSOLE})
    assert response.headers["Location"] == "/sites/jkxj/"
    assert fresh(find_user("wang")).locale == "en"
    assert "Sign out" in text(get(browser, "/"))
    # another browser, after signing in, gets the user's language although it asks for Chinese
    other = new_client(translated_app)
    other.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN"
    signin(other, "wang")
    assert "Sign out" in text(get(other, "/"))
    # and switching back
    console_post(browser, "/account/language", {"lang": "zh_Hans_CN", "next": "/"})
    assert "退出" in text(get(browser, "/"))


def test_anonymous_language_choice_is_kept_in_the_session(translated_app, county):
    browser = new_client(translated_app)
    browser.post("/account/language", data={"lang": "en", "csrf_token": csrf_token(browser)}, headers={"Host": CONSOLE})
    assert "Sign in to the console" in text(get(browser, "/signin"))
    assert "登录" in text(get(new_client(translated_app), "/signin"))


def test_language_switch_refuses_unknown_languages_and_foreign_next(client, county):
    signin(client, "wang")
    response = console_post(client, "/account/language", {"lang": "fr", "next": "https://evil.com/"})
    assert response.headers["Location"] == "/"
    from zhanqun.platform.accounts.services import find_user

    assert find_user("wang").locale is None


def test_public_pages_follow_lang_then_accept_language_then_the_sites_default(translated_app, county, make_site):
    make_site("english", name="English test site", default_locale="en")
    browser = new_client(translated_app)
    assert 'lang="zh-Hans-CN"' in text(browser.get("/", headers={"Host": "jkxj.localhost"}))
    assert 'lang="en"' in text(browser.get("/?lang=en", headers={"Host": "jkxj.localhost"}))
    assert 'lang="en"' in text(browser.get("/", headers={"Host": "jkxj.localhost", "Accept-Language": "en-US"}))
    assert 'lang="en"' in text(browser.get("/", headers={"Host": "english.localhost"}))
    assert 'lang="zh-Hans-CN"' in text(browser.get("/", headers={"Host": "english.localhost", "Accept-Language": "zh-CN"}))
    assert "Set-Cookie" not in browser.get("/?lang=en", headers={"Host": "jkxj.localhost"}).headers
