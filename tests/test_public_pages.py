"""Public pages: home, column lists, single pages, topics, links, articles, print view."""
from datetime import timedelta

import pytest

from tests.public_factories import add_article, add_articles, add_column
from zhanqun.platform.workflow.models import Status

HOST = {"Host": "jkxj.localhost"}


@pytest.fixture
def site(make_site):
    return make_site("jkxj", name="衡山县经济科技和信息化局")


def get(client, path, host=HOST):
    response = client.get(path, headers=host)
    assert "Set-Cookie" not in response.headers, f"{path} set a cookie"
    return response


def text(response) -> str:
    return response.get_data(as_text=True)


def test_home_shows_latest_articles_per_column(client, site):
    news = add_column(site, "gzdt", "工作动态", position=1)
    notices = add_column(site, "tzgg", "通知公告", position=2)
    add_column(site, "empty", "空栏目", position=3)
    hidden = add_column(site, "hidden", "隐藏栏目", visible=False)
    add_article(site, news, "衡山县召开全县电子政务工作会议")
    add_article(site, notices, "关于开展2016年政府网站普查的通知")
    add_article(site, hidden, "不在首页的信息")
    add_article(site, news, "还未通过审核的稿件", status=Status.SUBMITTED)
    add_article(site, news, "定时发布的信息", age=-timedelta(hours=2))

    page = text(get(client, "/"))

    assert "衡山县召开全县电子政务工作会议" in page and "关于开展2016年政府网站普查的通知" in page
    assert "工作动态" in page and "通知公告" in page
    assert "不在首页的信息" not in page
    assert "还未通过审核的稿件" not in page and "定时发布的信息" not in page


def test_column_lists_visible_articles_newest_first_with_pages(client, site):
    news = add_column(site, "gzdt", "工作动态", page_size=5)
    add_articles(site, news, 12)
    add_article(site, news, "草稿", status=Status.DRAFT)

    first = text(get(client, "/c/gzdt/"))
    assert first.index("信息1<") < first.index("信息2<") < first.index("信息5<")
    assert "信息6<" not in first and "草稿" not in first
    assert 'href="/c/gzdt/?page=2"' in first

    third = get(client, "/c/gzdt/?page=3")
    assert third.status_code == 200
    assert "信息11<" in text(third) and "信息12<" in text(third) and "信息10<" not in text(third)


@pytest.mark.parametrize("page", ["4", "0", "-1", "abc", "1.5", "²", "", "99999999999999999999999"])
def test_bad_page_numbers_are_404(client, site, page):
    news = add_column(site, "gzdt", page_size=5)
    add_articles(site, news, 12)
    assert get(client, f"/c/gzdt/?page={page}").status_code == 404


def test_empty_column_has_an_empty_state(client, site):
    add_column(site, "gzdt", "工作动态")
    response = get(client, "/c/gzdt/")
    assert response.status_code == 200
    assert "本栏目暂无信息" in text(response) or "Nothing has been published" in text(response)


def test_nested_column_path_and_breadcrumb(client, site):
    parent = add_column(site, "zwgk", "政务公开")
    child = add_column(site, "zcwj", "政策文件", parent=parent)
    add_article(site, child, "衡山县2016年政务公开工作要点")
    page = text(get(client, "/c/zwgk/zcwj/"))
    assert "衡山县2016年政务公开工作要点" in page
    crumbs = page[page.index('class="breadcrumb"'):]
    assert crumbs.index('href="/c/zwgk/"') < crumbs.index("政策文件")
    assert get(client, "/c/zcwj/").status_code == 404
    assert get(client, "/c/nope/").status_code == 404


def test_single_page_column_renders_its_body(client, site):
    add_column(site, "jggk", "机构概况", kind="page", body="<p>县经信局是县政府工作部门。</p>")
    page = text(get(client, "/c/jggk/"))
    assert "<p>县经信局是县政府工作部门。</p>" in page


def test_link_column_redirects(client, site):
    add_column(site, "xxgk", "信息公开平台", kind="link", link_url="https://www.hengyang.gov.cn/")
    response = get(client, "/c/xxgk/")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://www.hengyang.gov.cn/"


def test_topic_column_shows_its_boards(client, site):
    topic = add_column(site, "zwgkyd", "2016年政务公开工作要点", kind="topic")
    reform = add_column(site, "shgg", "深化改革", parent=topic, position=1)
    add_column(site, "msgs", "民生改善", parent=topic, position=2)
    add_article(site, reform, "推进政务服务“两集中两到位”改革")
    add_article(site, topic, "专题直属信息")
    add_column(site, "wj", "相关文件", kind="page", parent=topic, position=3)
    page = text(get(client, "/c/zwgkyd/"))
    assert "专题直属信息" in page and 'href="/c/zwgkyd/wj/"' in page
    assert "深化改革" in page and "民生改善" in page
    assert "推进政务服务“两集中两到位”改革" in page
    assert 'href="/c/zwgkyd/shgg/"' in page


def test_article_page_shows_everything_a_reader_needs(client, site):
    news = add_column(site, "gzdt", "工作动态")
    older = add_article(site, news, "较早的信息", age=timedelta(days=3))
    article = add_article(site, news, "衡山县召开全县电子政务工作会议", age=timedelta(days=2), subtitle="部署网站普查整改",
                          source="县电子政务办", author="李明", body="<p>4月22日,县政府召开全体(扩大)会议。</p>")
    newer = add_article(site, news, "较新的信息", age=timedelta(days=1))

    response = get(client, f"/a/{article.id}.html", host={**HOST, "Accept-Language": "zh-CN"})
    page = text(response)

    assert response.status_code == 200
    assert "衡山县召开全县电子政务工作会议" in page and "部署网站普查整改" in page
    assert "县电子政务办" in page and "李明" in page
    assert "<p>4月22日,县政府召开全体(扩大)会议。</p>" in page
    assert f'href="/a/{older.id}.html"' in page and f'href="/a/{newer.id}.html"' in page
    assert 'href="/c/gzdt/"' in page
    published = article.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert f"{published.year}年{published.month}月{published.day}日" in page
    assert f'href="/a/{article.id}/print.html"' in page


def test_article_url_survives_retitling_and_moving(client, site, db):
    from zhanqun.tenants.scoping import tenant_context

    news = add_column(site, "gzdt", "工作动态")
    notices = add_column(site, "tzgg", "通知公告")
    article = add_article(site, news, "旧标题")
    with tenant_context(site.id):
        moved = db.session.get(type(article), article.id)
        moved.title, moved.column_id = "新标题", notices.id
        db.session.commit()
    page = text(get(client, f"/a/{article.id}.html"))
    assert "新标题" in page and 'href="/c/tzgg/"' in page


def test_english_dates_follow_the_locale(client, site):
    news = add_column(site, "gzdt")
    article = add_article(site, news, "News", age=timedelta(days=1))
    page = text(get(client, f"/a/{article.id}.html?lang=en"))
    published = article.published_at.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai"))
    assert published.strftime("%B") in page


@pytest.mark.parametrize("status,age,code", [
    (Status.DRAFT, timedelta(days=1), 404),
    (Status.SUBMITTED, timedelta(days=1), 404),
    (Status.REJECTED, timedelta(days=1), 404),
    (Status.PUBLISHED, -timedelta(hours=1), 404),  # scheduled
    (Status.WITHDRAWN, timedelta(days=1), 410),
])
def test_unpublished_articles_are_not_shown(client, site, status, age, code):
    news = add_column(site, "gzdt", "工作动态")
    article = add_article(site, news, "不应公开的信息", status=status, age=age)
    for path in (f"/a/{article.id}.html", f"/a/{article.id}/print.html"):
        response = get(client, path)
        assert response.status_code == code
        assert "不应公开的信息" not in text(response)
    assert "不应公开的信息" not in text(get(client, "/c/gzdt/"))
    assert "不应公开的信息" not in text(get(client, "/"))


def test_another_sites_article_is_not_found_here(client, site, make_site):
    other = make_site("jyj", name="衡山县教育局")
    their_column = add_column(other, "gzdt", "工作动态")
    theirs = add_article(other, their_column, "教育局的信息")
    add_column(site, "gzdt", "工作动态")
    assert get(client, f"/a/{theirs.id}.html").status_code == 404
    assert get(client, f"/a/{theirs.id}.html", {"Host": "jyj.localhost"}).status_code == 200
    assert "教育局的信息" not in text(get(client, "/c/gzdt/"))


def test_print_view_is_a_plain_page(client, site):
    news = add_column(site, "gzdt", "工作动态")
    article = add_article(site, news, "衡山县召开全县电子政务工作会议", body="<p>正文内容</p>")
    page = text(get(client, f"/a/{article.id}/print.html"))
    assert "<p>正文内容</p>" in page and "衡山县召开全县电子政务工作会议" in page
    assert 'class="site-nav"' not in page
    assert f'rel="canonical" href="http://jkxj.localhost/a/{article.id}.html"' in page


def test_links_keep_the_accessible_mode(client, site):
    news = add_column(site, "gzdt", "工作动态", page_size=1)
    first, second = add_article(site, news, "第一条"), add_article(site, news, "第二条", age=timedelta(days=2))
    column = text(get(client, "/c/gzdt/?a11y=1"))
    assert f'href="/a/{first.id}.html?a11y=1"' in column and 'href="/c/gzdt/?page=2&amp;a11y=1"' in column
    article = text(get(client, f"/a/{first.id}.html?a11y=1"))
    assert f'href="/a/{second.id}.html?a11y=1"' in article and 'href="/c/gzdt/?a11y=1"' in article


def test_home_and_topic_links_keep_the_accessible_mode_once(client, site):
    topic = add_column(site, "zt", "专题", kind="topic")
    board = add_column(site, "shgg", "深化改革", parent=topic)
    news = add_column(site, "gzdt", "工作动态")
    in_board, in_news = add_article(site, board, "专题信息"), add_article(site, news, "动态信息")
    home = text(get(client, "/?a11y=1"))
    assert f'href="/a/{in_news.id}.html?a11y=1"' in home
    landing = text(get(client, "/c/zt/?a11y=1"))
    assert f'href="/a/{in_board.id}.html?a11y=1"' in landing and 'href="/c/zt/shgg/?a11y=1"' in landing
    assert "a11y=1&amp;a11y=1" not in home + landing
