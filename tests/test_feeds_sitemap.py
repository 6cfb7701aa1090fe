"""Sitemaps list every public page of a site, and every listed address answers 200."""
from datetime import timedelta
from urllib.parse import urlsplit
from xml.etree import ElementTree as ET

from tests.public_factories import add_article, add_articles, add_column
from zhanqun.platform.workflow.models import Status

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def sitemap_urls(client, host: str) -> list[str]:
    response = client.get("/sitemap.xml", headers={"Host": host})
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    assert "Set-Cookie" not in response.headers
    root = ET.fromstring(response.get_data())
    return [loc.text for loc in root.findall("s:url/s:loc", NS)]


def test_every_url_in_the_sitemap_answers_200(client, make_site):
    site = make_site("jkxj")
    news = add_column(site, "gzdt", "工作动态", page_size=3)
    topic = add_column(site, "zt", "专题", kind="topic")
    board = add_column(site, "shgg", "深化改革", parent=topic)
    add_column(site, "about", "机构概况", kind="page", body="<p>概况</p>")
    add_column(site, "empty", "空栏目")
    add_articles(site, news, 7)
    add_article(site, board, "专题信息")

    urls = sitemap_urls(client, "jkxj.localhost")

    assert len(urls) == 1 + 5 + 8
    for url in urls:
        parts = urlsplit(url)
        assert parts.netloc == "jkxj.localhost"
        response = client.get(parts.path, headers={"Host": parts.netloc})
        assert response.status_code == 200, url


def test_sitemap_leaves_out_what_the_public_cannot_see(client, make_site):
    site = make_site("jkxj")
    news = add_column(site, "gzdt", "工作动态")
    add_column(site, "out", "外链", kind="link", link_url="https://www.gov.cn/")
    hidden = add_column(site, "hidden", "隐藏栏目", visible=False)
    shown = add_article(site, news, "已发布")
    draft = add_article(site, news, "草稿", status=Status.DRAFT)
    scheduled = add_article(site, news, "定时", age=-timedelta(hours=1))
    withdrawn = add_article(site, news, "撤回", status=Status.WITHDRAWN)
    in_hidden = add_article(site, hidden, "隐藏栏目中的已发布信息")

    paths = {urlsplit(u).path for u in sitemap_urls(client, "jkxj.localhost")}

    assert f"/a/{shown.id}.html" in paths and f"/a/{in_hidden.id}.html" in paths
    assert not {f"/a/{a.id}.html" for a in (draft, scheduled, withdrawn)} & paths
    assert "/c/out/" not in paths and "/c/hidden/" not in paths
    assert paths >= {"/", "/c/gzdt/"}


def test_sitemap_lists_only_its_own_site(client, make_site):
    site = make_site("jkxj")
    other = make_site("jyj")
    mine = add_article(site, add_column(site, "gzdt"), "经信局信息")
    theirs = add_article(other, add_column(other, "jyxw"), "教育局信息")
    urls = sitemap_urls(client, "jkxj.localhost")
    assert f"http://jkxj.localhost/a/{mine.id}.html" in urls
    assert not any(f"/a/{theirs.id}.html" in u or "/c/jyxw/" in u for u in urls)


def test_a_long_sitemap_becomes_an_index_of_parts(client, make_site, monkeypatch):
    from zhanqun.platform.feeds import sitemap

    monkeypatch.setattr(sitemap, "MAX_URLS", 4)
    site = make_site("jkxj")
    articles = add_articles(site, add_column(site, "gzdt"), 7)  # home + 1 column + 7 articles = 9 addresses

    index = ET.fromstring(client.get("/sitemap.xml", headers={"Host": "jkxj.localhost"}).get_data())
    parts = [loc.text for loc in index.findall("s:sitemap/s:loc", NS)]
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    assert parts == [f"http://jkxj.localhost/sitemap-{n}.xml" for n in (1, 2, 3)]

    listed = []
    for part in parts:
        response = client.get(urlsplit(part).path, headers={"Host": "jkxj.localhost"})
        assert response.status_code == 200
        listed += [loc.text for loc in ET.fromstring(response.get_data()).findall("s:url/s:loc", NS)]
    assert len(listed) == 9 and {f"http://jkxj.localhost/a/{a.id}.html" for a in articles} <= set(listed)
    assert client.get("/sitemap-4.xml", headers={"Host": "jkxj.localhost"}).status_code == 404
    assert client.get("/sitemap-0.xml", headers={"Host": "jkxj.localhost"}).status_code == 404


def test_no_parts_when_the_sitemap_fits_in_one_file(client, make_site):
    make_site("jkxj")
    assert client.get("/sitemap-1.xml", headers={"Host": "jkxj.localhost"}).status_code == 404
