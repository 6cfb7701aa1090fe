"""What every public page carries: footer, navigation, home blocks, the accessibility mode."""
from __future__ import annotations

import re

import pytest
from flask import g

from tests.conftest import count_queries
from tests.public_factories import add_column


@pytest.fixture
def portal(make_site):
    return make_site("hengshan", name="中国·衡山", kind="portal", theme="portal", sponsor="衡山县人民政府办公室",
                     contact="0734-5822345", site_code="4304230001", icp_number="湘ICP备05001234号",
                     police_number="湘公网安备 43042302000101号")


def page(client, path="/", host="localhost"):
    response = client.get(path, headers={"Host": host})
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


@pytest.mark.parametrize("theme", ["portal", "department", "accessible"])
def test_every_theme_shows_the_required_footer(client, make_site, theme):
    make_site("s1", theme=theme, sponsor="衡山县教育局", contact="0734-5822716", site_code="4304230013",
              icp_number="湘ICP备05001234号-3", police_number="湘公网安备 43042302000113号")
    text = page(client, host="s1.localhost")
    footer = text[text.index('<footer'):]
    for expected in ["衡山县教育局", "0734-5822716", "4304230013", "湘ICP备05001234号-3", "湘公网安备 43042302000113号"]:
        assert expected in footer
    assert f"/_themes/{theme}/" in text


def test_error_pages_carry_the_theme_and_footer(client, portal):
    response = client.get("/no-such-page", headers={"Host": "localhost"})
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "/_themes/portal/" in text and "4304230001" in text


def test_navigation_shows_visible_top_level_columns_in_order(client, portal):
    add_column(portal, "zwgk", name="政务公开", position=2)
    news = add_column(portal, "news", name="新闻动态", position=1)
    add_column(portal, "hidden", name="内部栏目", position=0, visible=False)
    add_column(portal, "sub", name="县内要闻", position=0, parent=news)
    nav = page(client, "/c/news/")
    nav = nav[nav.index('<nav class="site-nav"'):nav.index("</nav>")]
    assert re.findall(r'<a href="([^"]+)"', nav) == ["/", "/c/news/", "/c/zwgk/"]
    assert "内部栏目" not in nav and "县内要闻" not in nav
    assert 'href="/c/news/" aria-current="page"' in nav


def test_navigation_reads_the_column_tree_kept_for_the_site(app, client, portal, db):
    from zhanqun.platform.columns.models import Column
    from zhanqun.tenants.scoping import tenant_context
    from zhanqun.themes.navigation import site_navigation

    news = add_column(portal, "news", name="新闻动态")
    page(client)  # the first page after a change reads the tree once and keeps it
    versions = app.extensions["zhanqun_site_versions"]
    # The once-a-second re-read of every site's version is not a query of the page.
    interval, versions.refresh_seconds = versions.refresh_seconds, 3600
    try:
        with app.test_request_context("/", headers={"Host": "localhost"}):
            app.preprocess_request()
            with count_queries(app) as queries:
                assert [item.name for item in site_navigation()] == ["新闻动态"]
            assert queries() == 0
            assert g.site.slug == "hengshan"
        with tenant_context(portal.id):
            db.session.get(Column, news.id).name = "要闻动态"
            db.session.commit()
        # A change to the site moves its version: the next page shows it.
        assert ">要闻动态</a>" in page(client)
    finally:
        versions.refresh_seconds = interval


def test_home_renders_blocks_and_an_empty_state(client, portal):
    text = page(client)
    assert 'class="empty"' in text
    assert 'class="entry-link" href="/catalogue/"' in text  # the department catalogue entry point


def test_portal_links_to_active_department_sites(client, portal, make_site, db):
    from zhanqun.tenants.services import change_status

    make_site("jyj", name="衡山县教育局")
    change_status(make_site("czj", name="衡山县财政局"), "suspend")
    db.session.commit()
    text = page(client)
    assert 'href="http://jyj.localhost/"' in text
    assert "衡山县财政局" not in text


def test_home_template_lays_out_given_blocks(app, portal):
    from zhanqun.themes import render_site_page

    blocks = [{"title": "通知公告", "url": "/c/tzgg/", "items": [{"title": "关于春节放假的通知", "url": "/a/1.html", "date": "2026-01-20"}]},
              {"title": "空栏目", "url": "/c/empty/", "items": []}]
    with app.test_request_context("/", headers={"Host": "localhost"}):
        app.preprocess_request()
        html = render_site_page("home.html", blocks=blocks)
    assert '<a href="/c/tzgg/">通知公告</a>' in html
    assert '<a href="/a/1.html">关于春节放假的通知</a> <time datetime="2026-01-20">2026-01-20</time>' in html
    assert "空栏目" in html


def test_accessibility_mode_renders_the_accessible_theme_and_stays_on(client, portal):
    add_column(portal, "news", name="新闻动态")
    text = page(client, "/?a11y=1")
    assert "/_themes/accessible/" in text and "/_themes/portal/" not in text
    assert 'class="theme-accessible a11y-mode"' in text
    assert 'href="/c/news/?a11y=1"' in text  # navigation keeps the mode
    assert 'href="/?a11y=1"' in text  # home link keeps it too
    assert 'class="a11y-switch" href="/"' in text  # the switch leads back to the standard page
    assert '<meta name="robots" content="noindex">' in text
    standard = page(client, "/")
    assert 'class="a11y-switch" href="/?a11y=1"' in standard
    assert "a11y=1" not in standard.replace('href="/?a11y=1"', "")


def test_accessibility_mode_sets_no_cookie(client, portal):
    response = client.get("/?a11y=1", headers={"Host": "localhost"})
    assert "Set-Cookie" not in response.headers
    assert not client.get_cookie("session", domain="localhost")


def test_a_site_using_the_accessible_theme_has_no_switch(client, make_site):
    make_site("lnj", theme="accessible")
    assert "a11y-switch" not in page(client, host="lnj.localhost")


def test_url_for_links_keep_the_mode_but_shared_files_do_not(app, portal):
    from flask import url_for

    with app.test_request_context("/?a11y=1", headers={"Host": "localhost"}):
        app.preprocess_request()
        assert url_for("public.home") == "/?a11y=1"
        assert "a11y" not in url_for("themes.static_file", theme="accessible", fingerprint="x", filename="css/base.css")


def test_print_styles_are_shipped(client, portal):
    with client.get(re.search(r'href="(/_themes/portal/[^"]+/css/base.css)"', page(client)).group(1),
                    headers={"Host": "localhost"}) as css:
        text = css.get_data(as_text=True)
    assert "@media print" in text and ".site-nav" in text[text.index("@media print"):]


def test_get_forms_can_keep_the_mode_with_hidden_fields(app, portal):
    from zhanqun.themes.rendering import page_mode_fields

    with app.app_context(), app.test_request_context("/?a11y=1", headers={"Host": "localhost"}):
        app.preprocess_request()
        assert str(page_mode_fields()) == '<input type="hidden" name="a11y" value="1">'
    with app.app_context(), app.test_request_context("/", headers={"Host": "localhost"}):
        app.preprocess_request()
        assert str(page_mode_fields()) == ""


def test_a_banner_image_is_drawn_behind_the_header(client, make_site, db):
    from zhanqun.tenants.models import Tenant

    site = make_site("jkxj", theme="department")
    db.session.get(Tenant, site.id).theme_settings = {"department": {"banner": "/media/7/abc.jpg"}}
    db.session.commit()
    text = page(client, host="jkxj.localhost")
    assert 'url("/media/7/abc.jpg")' in text and "has-banner" in text
    assert "has-banner" not in page(client, "/?a11y=1", host="jkxj.localhost")
