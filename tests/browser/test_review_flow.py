"""In headless Chromium: an editor writes and submits an article, a reviewer approves it,
and the public page shows it (and not before). Selectors use form structure, not labels,
so the test runs the same in every language."""
from __future__ import annotations

import pytest

from tests.public_factories import add_column

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"
TITLE = "衡山县召开全县政府网站普查整改推进会"
BODY = "会议要求各部门对照问题清单限时整改。"


@pytest.fixture
def jkxj(live_server, make_site, make_user):
    site = make_site("jkxj", name="衡山县经济科技和信息化局", theme="department")
    add_column(site, "news", "工作动态", update_category="news")
    make_user("xinxiyuan", roles={site.id: "editor"}, display_name="经信局信息员")
    make_user("shenheyuan", roles={site.id: "reviewer"}, display_name="经信局审核员")
    return site


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url("console.localhost", "/signin"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form:has(#username) button[type=submit]")
    page.wait_for_load_state()
    assert "/signin" not in page.url, page.inner_text("main")


def action_button(page, action: str):
    return page.locator(f"form.workflow-action:has(input[name=action][value={action}]) button[type=submit]")


def test_editor_writes_reviewer_approves_public_sees_it(browser, page, live_server, jkxj):
    # The editor writes the article in the rich-text editor and submits it.
    sign_in(page, live_server, "xinxiyuan")
    page.goto(live_server.url("console.localhost", "/sites/jkxj/articles/new"))
    page.fill("#title", TITLE)
    page.select_option("#column_id", label="工作动态")
    editor_body = page.frame_locator("iframe.tox-edit-area__iframe").locator("body")
    editor_body.click()
    page.keyboard.type(BODY)
    page.fill("#source", "县经科信局")
    page.fill("#author", "刘洋")
    page.click("form.form button.primary[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == TITLE
    assert page.locator("#status").get_attribute("class").endswith("badge-draft")
    action_button(page, "submit").click()
    page.wait_for_load_state()
    assert "badge-submitted" in page.locator("#status").get_attribute("class")
    # An editor cannot publish: the form is not offered.
    assert action_button(page, "publish").count() == 0
    article_path = page.url.split(str(live_server.port), 1)[1]
    article_id = int(article_path.rstrip("/").rsplit("/", 1)[1])

    # The public does not see it while it waits for review.
    public = browser.new_context(locale="zh-CN").new_page()
    response = public.goto(live_server.url("jkxj.localhost", f"/a/{article_id}.html"))
    assert response.status == 404
    public.goto(live_server.url("jkxj.localhost", "/"))
    assert TITLE not in public.content()

    # The reviewer finds it in the list of submitted articles and publishes it.
    reviewer = browser.new_context(locale="zh-CN").new_page()
    sign_in(reviewer, live_server, "shenheyuan")
    reviewer.goto(live_server.url("console.localhost", "/sites/jkxj/articles?status=submitted"))
    reviewer.locator(f"a:text-is('{TITLE}')").first.click()
    reviewer.wait_for_load_state()
    action_button(reviewer, "publish").click()
    reviewer.wait_for_load_state()
    assert "badge-published" in reviewer.locator("#status").get_attribute("class")
    reviewer.context.close()

    public.context.close()

    # Now the home page lists it (a new reader: the first one's browser may keep its copy for a
    # minute, the server must not), and its page shows the text, source and author.
    public = browser.new_context(locale="zh-CN").new_page()
    public.goto(live_server.url("jkxj.localhost", "/"))
    public.locator(f"main a:text-is('{TITLE}')").first.click()
    public.wait_for_load_state()
    assert public.url.endswith(f"/a/{article_id}.html")
    assert public.locator("main h1").inner_text() == TITLE
    article_text = public.locator("main").inner_text()
    assert BODY in article_text and "县经科信局" in article_text and "刘洋" in article_text
    assert public.context.cookies() == []  # public hosts never set cookies
    public.context.close()
