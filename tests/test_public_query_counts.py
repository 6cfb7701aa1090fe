"""Public pages and feeds run the same number of SQL queries however much a site holds."""

from tests.conftest import count_queries
from tests.public_factories import add_articles, add_column


def build_site(make_site, slug: str, articles_per_column: int, columns: int):
    """A site with ``columns`` list columns and a topic board, each with that many articles; returns a middle article."""
    site = make_site(slug)
    topic = add_column(site, "zt", "专题", kind="topic", position=99)
    made = []
    for n in range(columns):
        column = add_column(site, f"c{n}", f"栏目{n}", position=n, page_size=20)
        made.append(add_articles(site, column, articles_per_column, prefix=f"栏目{n}信息"))
    board = add_column(site, "board", "板块", parent=topic)
    add_articles(site, board, articles_per_column, prefix="板块信息")
    return made[0][len(made[0]) // 2]


PATHS = ["/", "/c/c0/", "/c/c0/?page=2", "/c/zt/", "/c/c0/feed.xml", "/feed.xml", "/sitemap.xml", "/a/{id}.html",
         "/a/{id}/print.html"]


def queries_per_path(app, client, slug: str, article) -> dict[str, int]:
    counts = {}
    # Requests with credentials bypass the page cache: the count is the page's own queries.
    host = {"Host": f"{slug}.localhost", "Authorization": "Bearer count-the-page-itself"}
    client.get("/robots.txt", headers=host)  # warm the host map
    for path in PATHS:
        path = path.format(id=article.id)
        with count_queries(app) as n:
            response = client.get(path, headers=host)
        assert response.status_code == 200, path
        counts[path.replace(str(article.id), "{id}")] = n()
    return counts


def test_same_small_count_for_small_and_large_sites(app, client, make_site):
    # 21 articles: the smallest column that still has a second page.
    small = queries_per_path(app, client, "small", build_site(make_site, "small", 21, 2))
    large = queries_per_path(app, client, "large", build_site(make_site, "large", 60, 8))
    assert small == large
    assert max(small.values()) <= 7, small
