"""Every built-in theme passes axe-core (no serious or critical violation) on the home,
column and article pages and the catalogue, and does not scroll sideways at 375 px.

Screenshots are written to ``$ZHANQUN_SCREENSHOTS`` when set (to look at them), else to the
test's temporary folder.
"""
from __future__ import annotations

import os

import pytest
import sqlalchemy as sa

from tests.browser.conftest import describe_violations, run_axe
from tests.public_factories import add_article, add_articles, add_column
from zhanqun.platform.articles.models import Article
from zhanqun.platform.extensions import db
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import tenant_context

pytestmark = pytest.mark.browser

# (site slug, theme, query): the three built-in themes, and the accessibility mode switched
# on over a portal page.
CASES = [("hengshan", "portal", ""), ("jkxj", "department", ""), ("lnj", "accessible", ""), ("hengshan", "a11y-mode", "?a11y=1")]
BLOCKING = ("serious", "critical")


@pytest.fixture
def county(live_server, make_site):
    """A portal and two sub-sites, one per built-in theme, with columns and articles."""
    sites = {
        "hengshan": make_site("hengshan", name="中国·衡山", kind="portal", theme="portal", sponsor="衡山县人民政府办公室",
                              contact="衡山县电子政务管理办公室 0734-5822345", site_code="4304230001"),
        "jkxj": make_site("jkxj", name="衡山县经济科技和信息化局", theme="department", contact="0734-5823101",
                          site_code="4304230012"),
        "lnj": make_site("lnj", name="衡山县老龄工作委员会办公室", theme="accessible", contact="0734-5820000",
                         site_code="4304230020"),
    }
    for site in sites.values():
        for position, name in enumerate(["工作动态", "通知公告", "政策文件", "办事指南"]):
            column = add_column(site, f"c{position}", name=name, position=position)
            add_articles(site, column, 6, prefix=f"{name}：关于做好2026年冬季安全生产工作的通知 第")
        add_column(site, "yshj", name="优化营商环境", kind="topic", position=9)
        add_article(site, column, "关于开展2026年度政府网站普查整改工作的通知",
                    body="<p>各乡镇人民政府，县直各单位：</p><p>根据上级要求，现就有关事项通知如下。</p>"
                         "<table><tr><th>序号</th><th>事项</th></tr><tr><td>1</td><td>整改</td></tr></table>",
                    source="县电子政务办")
    return sites


def _pages(live_server, slug: str, query: str) -> dict[str, str]:
    host = "localhost" if slug == "hengshan" else f"{slug}.localhost"
    return {
        "home": live_server.url(host, "/" + query),
        "column": live_server.url(host, "/c/c0/" + query),
        "article": live_server.url(host, _latest_article_path(slug) + query),
    }


def _latest_article_path(slug: str) -> str:
    with tenant_context(hostmap().site_by_slug(slug).id):
        article_id = db.session.scalar(sa.select(sa.func.max(Article.id)))
    return f"/a/{article_id}.html"


@pytest.mark.parametrize("slug,label,query", CASES, ids=[c[1] for c in CASES])
def test_pages_have_no_serious_accessibility_violations(live_server, county, page, slug, label, query):
    problems = {}
    for kind, url in _pages(live_server, slug, query).items():
        response = page.goto(url)
        assert response.status == 200, f"{url} answered {response.status}"
        blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
        if blocking:
            problems[kind] = describe_violations(blocking)
    assert not problems, "\n".join(f"{kind}:\n{text}" for kind, text in problems.items())


@pytest.mark.parametrize("slug,label,query", CASES, ids=[c[1] for c in CASES])
def test_phone_width_does_not_scroll_sideways(live_server, county, browser, tmp_path, slug, label, query):
    folder = os.environ.get("ZHANQUN_SCREENSHOTS") or str(tmp_path)
    os.makedirs(folder, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 800}, device_scale_factor=1, locale="zh-CN")
    try:
        phone = context.new_page()
        for kind, url in _pages(live_server, slug, query).items():
            phone.goto(url)
            phone.screenshot(path=os.path.join(folder, f"{label}-{kind}-375.png"), full_page=True)
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 375, f"{label} {kind} page is {width}px wide at 375px"
            phone.set_viewport_size({"width": 360, "height": 800})  # the narrowest phones still sold
            width = phone.evaluate("() => document.documentElement.scrollWidth")
            assert width <= 360, f"{label} {kind} page is {width}px wide at 360px"
            phone.set_viewport_size({"width": 375, "height": 800})
    finally:
        context.close()


def test_catalogue_pages_have_no_serious_accessibility_violations(live_server, county, page, app):
    urls = [rule.rule for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("catalogue_public.") and not rule.arguments and "GET" in rule.methods]
    if not urls:
        pytest.skip("the catalogue's public pages are not registered in this build")
    problems, checked = {}, 0
    for slug, label, query in CASES:
        host = "localhost" if slug == "hengshan" else f"{slug}.localhost"
        for path in urls:
            response = page.goto(live_server.url(host, path + query))
            if response.status == 404:  # e.g. the department catalogue exists on the portal only
                continue
            assert response.status == 200, f"{label} {path} answered {response.status}"
            checked += 1
            blocking = [v for v in run_axe(page) if v["impact"] in BLOCKING]
            if blocking:
                problems[f"{label} {path}"] = describe_violations(blocking)
    assert checked, "no catalogue page answered"
    assert not problems, "\n".join(f"{where}:\n{text}" for where, text in problems.items())
