"""Atom feeds per site and per column, read back with a feed library."""
from datetime import timedelta

import feedparser
import pytest

from tests.public_factories import add_article, add_articles, add_column
from zhanqun.platform.workflow.models import Status

HOST = {"Host": "jkxj.localhost"}


@pytest.fixture
def site(make_site):
    return make_site("jkxj", name="衡山县经济科技和信息化局", sponsor="衡山县经济科技和信息化局")


def parse(client, path, host=HOST):
    response = client.get(path, headers=host)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    assert "Set-Cookie" not in response.headers
    feed = feedparser.parse(response.get_data())
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def test_site_feed_has_the_latest_twenty_visible_articles(client, site):
    news = add_column(site, "gzdt", "工作动态")
    notices = add_column(site, "tzgg", "通知公告")
    add_articles(site, news, 15, prefix="动态")
    add_articles(site, notices, 10, prefix="公告")
    add_article(site, news, "草稿不进订阅", status=Status.DRAFT, age=timedelta(0))
    add_article(site, news, "定时发布不进订阅", age=-timedelta(days=1))
    add_article(site, news, "撤回不进订阅", status=Status.WITHDRAWN, age=timedelta(0))

    feed = parse(client, "/feed.xml")

    assert feed.feed.title == "衡山县经济科技和信息化局"
    assert feed.feed.id == "http://jkxj.localhost/feed.xml"
    assert feed.feed.author == "衡山县经济科技和信息化局"
    assert feed.feed.updated
    links = {link.rel: link.href for link in feed.feed.links}
    assert links == {"self": "http://jkxj.localhost/feed.xml", "alternate": "http://jkxj.localhost/"}
    titles = [entry.title for entry in feed.entries]
    assert len(titles) == 20
    assert set(titles[:2]) == {"动态1", "公告1"}  # each column's newest, an hour old
    assert not {"草稿不进订阅", "定时发布不进订阅", "撤回不进订阅"} & set(titles)


def test_entries_carry_link_dates_author_and_body(client, site):
    news = add_column(site, "gzdt", "工作动态")
    article = add_article(site, news, "衡山县召开全县电子政务工作会议 <特别>", author="李明", summary="会议部署网站普查",
                          body='<p>会议要求<a href="/c/gzdt/">各部门</a>限时整改。</p>')
    entry = parse(client, "/feed.xml").entries[0]
    assert entry.title == "衡山县召开全县电子政务工作会议 <特别>"
    assert entry.link == f"http://jkxj.localhost/a/{article.id}.html"
    assert entry.id == entry.link
    assert entry.author == "李明"
    assert entry.summary == "会议部署网站普查"
    assert "限时整改" in entry.content[0].value and 'href="http://jkxj.localhost/c/gzdt/"' in entry.content[0].value
    assert entry.published_parsed[:3] == article.published_at.utctimetuple()[:3]


def test_feed_links_answer_on_this_host(client, site):
    news = add_column(site, "gzdt")
    add_articles(site, news, 3)
    for entry in parse(client, "/feed.xml").entries:
        path = entry.link.removeprefix("http://jkxj.localhost")
        assert client.get(path, headers=HOST).status_code == 200


def test_column_feed_has_the_column_and_its_sub_columns_only(client, site):
    topic = add_column(site, "zwgk", "政务公开", kind="topic")
    policy = add_column(site, "zcwj", "政策文件", parent=topic)
    other = add_column(site, "gzdt", "工作动态")
    add_article(site, policy, "政策文件一")
    add_article(site, other, "工作动态一")

    feed = parse(client, "/c/zwgk/feed.xml")
    assert [e.title for e in feed.entries] == ["政策文件一"]
    assert feed.feed.title == "政务公开 · 衡山县经济科技和信息化局"
    assert [e.title for e in parse(client, "/c/zwgk/zcwj/feed.xml").entries] == ["政策文件一"]
    assert [e.title for e in parse(client, "/c/gzdt/feed.xml").entries] == ["工作动态一"]


def test_empty_feed_is_still_valid(client, site):
    add_column(site, "gzdt")
    feed = parse(client, "/c/gzdt/feed.xml")
    assert feed.entries == [] and feed.feed.updated


def test_feeds_of_unknown_or_non_list_columns_are_404(client, site):
    add_column(site, "about", "机构概况", kind="page", body="<p>概况</p>")
    add_column(site, "out", "外链", kind="link", link_url="https://www.gov.cn/")
    for path in ("/c/nope/feed.xml", "/c/about/feed.xml", "/c/out/feed.xml"):
        assert client.get(path, headers=HOST).status_code == 404


def test_feed_is_scoped_to_its_site(client, site, make_site):
    other = make_site("jyj", name="衡山县教育局")
    add_article(other, add_column(other, "gzdt"), "教育局信息")
    add_article(site, add_column(site, "gzdt"), "经信局信息")
    assert [e.title for e in parse(client, "/feed.xml").entries] == ["经信局信息"]
    assert [e.title for e in parse(client, "/c/gzdt/feed.xml", {"Host": "jyj.localhost"}).entries] == ["教育局信息"]


def test_feed_answers_not_modified_to_a_conditional_get(client, site):
    add_article(site, add_column(site, "gzdt"), "信息")
    first = client.get("/feed.xml", headers=HOST)
    again = client.get("/feed.xml", headers={**HOST, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
