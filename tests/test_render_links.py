"""The public pages' cheap link helpers write exactly what the slower way wrote.

``column_feed_url`` and ``article_print_url`` replace ``url_for`` in the theme templates, and
the navigation is kept per column tree: each is compared with the original way in the
ordinary, accessible (``?a11y=1``) and preview modes.
"""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from flask import url_for

from tests.public_factories import add_article, add_column
from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.columns.services import public_path
from zhanqun.themes.navigation import NavItem, site_navigation
from zhanqun.themes.rendering import article_print_url, column_feed_url, page_urls, preview_token


@pytest.fixture
def site(make_site):
    return make_site("jkxj", theme="department")


def modes(site) -> list[str]:
    """The query strings of the three page modes."""
    return ["", "a11y=1", f"preview_theme=portal&preview_token={preview_token(site.id, 'portal')}"]


def in_request(app, site, path: str, query: str, script_root: str = ""):
    """A request on the site's host, set up as a page view (host resolved, tenant current)."""
    context = app.test_request_context(f"{path}?{query}" if query else path,
                                       base_url=f"http://{site.slug}.localhost{script_root}/")
    context.push()
    app.preprocess_request()
    return context


@pytest.mark.parametrize("mode", [0, 1, 2])
@pytest.mark.parametrize("script_root", ["", "/gov"])
def test_feed_and_print_links_are_what_url_for_makes(app, site, mode, script_root):
    news = add_column(site, "news")
    add_column(site, "local", parent=news)
    article = add_article(site, news, "标题")
    query = modes(site)[mode]
    context = in_request(app, site, f"/a/{article.id}.html", query, script_root)
    try:
        for path in ["news", "news/local", "odd name/ç", "a&b=c;d@e"]:
            node = SimpleNamespace(path=path)
            assert column_feed_url(node) == url_for("feeds.column_feed", column_path=path)
        assert article_print_url(article) == url_for("public.article_print", article_id=article.id)
        if query:
            assert column_feed_url(SimpleNamespace(path="news")).endswith("?" + query)
    finally:
        context.pop()


def test_article_and_column_pages_link_feed_and_print_view(client, site):
    news = add_column(site, "news")
    article = add_article(site, news, "标题")
    headers = {"Host": "jkxj.localhost"}
    text = client.get(f"/a/{article.id}.html?a11y=1", headers=headers).get_data(as_text=True)
    assert f'href="/a/{article.id}/print.html?a11y=1" rel="alternate" media="print"' in text
    assert 'href="/c/news/feed.xml?a11y=1"' in text
    assert 'href="/c/news/feed.xml"' in client.get("/c/news/", headers=headers).get_data(as_text=True)


def original_navigation(columns, here: str) -> list[NavItem]:
    """The navigation as it was built on every page before it was kept per column tree."""
    nodes = columns.navigation
    paths = [public_path(node.column.slug) for node in nodes]
    items = []
    for node, path, url in zip(nodes, paths, page_urls(paths)):
        column = node.column
        if column.kind == ColumnKind.LINK and column.link_url:
            items.append(NavItem(column.name, column.link_url, current=False, external=True))
        else:
            items.append(NavItem(column.name, url, current=here.startswith(path)))
    return items


@pytest.mark.parametrize("mode", [0, 1, 2])
def test_navigation_is_what_it_was_on_every_page(app, site, mode):
    from zhanqun.platform.public.sitecolumns import site_columns

    news = add_column(site, "news", name="新闻", position=1)
    add_column(site, "local", parent=news)
    add_column(site, "gov", name="政府网", kind="link", link_url="https://www.gov.cn/", position=2)
    add_column(site, "hidden", visible=False, position=3)
    add_column(site, "about", kind="page", position=4)
    add_column(site, "new", name="新页", position=5)  # "/c/new/" is not a prefix of "/c/news/"
    query = modes(site)[mode]
    for path in ["/", "/c/news/", "/c/news/local/", "/c/new/", "/c/about/", "/a/1.html"]:
        for _twice in range(2):  # made once, then the kept items
            context = in_request(app, site, path, query)
            try:
                assert site_navigation() == original_navigation(site_columns(), path)
            finally:
                context.pop()
