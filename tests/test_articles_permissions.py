"""Who may reach which article page: roles on the site, non-members, other sites' ids, CSRF."""
from __future__ import annotations

import pytest

from tests.conftest import CONSOLE, console_post
from tests.content_factories import add_articles, client_for, get, load, newsroom  # noqa: F401 - fixtures
from zhanqun.platform.articles.models import Article
from zhanqun.platform.workflow.models import Status

PAGES = ["", "/edit", "/revisions", "/preview"]


@pytest.fixture
def articles(newsroom):
    [mine] = add_articles(newsroom["site"], Article(column_id=newsroom["column_id"], title="本站信息",
                                                    created_by_id=newsroom["editor"].id))
    [foreign] = add_articles(newsroom["other"], Article(column_id=newsroom["other_column_id"], title="外站信息"))
    return mine, foreign


def test_another_sites_article_ids_are_not_found(app, newsroom, articles):
    _, foreign = articles
    client = client_for(app, newsroom["admin"])
    for suffix in PAGES:
        assert get(client, f"/sites/jkxj/articles/{foreign}{suffix}").status_code == 404, suffix
    for action in ("publish", "submit"):
        response = console_post(client, f"/sites/jkxj/articles/{foreign}/transition", {"action": action})
        assert response.status_code == 404
    response = console_post(client, f"/sites/jkxj/articles/{foreign}/edit",
                            {"title": "篡改", "column_id": newsroom["column_id"], "lock_version": 1})
    assert response.status_code == 404
    assert load(newsroom["other"], Article, foreign).title == "外站信息"


def test_non_members_get_404_everywhere(app, newsroom, articles):
    mine, _ = articles
    outsider = client_for(app, newsroom["outsider"])
    assert get(outsider, "/sites/jkxj/articles").status_code == 404
    assert get(outsider, "/sites/jkxj/articles/new").status_code == 404
    for suffix in PAGES:
        assert get(outsider, f"/sites/jkxj/articles/{mine}{suffix}").status_code == 404
    assert console_post(outsider, f"/sites/jkxj/articles/{mine}/transition", {"action": "publish"}).status_code == 404
    assert load(newsroom["site"], Article, mine).status == Status.DRAFT


def test_signed_out_visitors_are_sent_to_sign_in(app, newsroom, articles):
    response = app.test_client().get("/sites/jkxj/articles", headers={"Host": CONSOLE})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_a_post_without_csrf_token_is_refused(app, newsroom, articles):
    mine, _ = articles
    client = client_for(app, newsroom["admin"])
    response = client.post(f"/sites/jkxj/articles/{mine}/transition", data={"action": "publish"}, headers={"Host": CONSOLE})
    assert response.status_code == 400
    assert load(newsroom["site"], Article, mine).status == Status.DRAFT


def test_editors_see_the_articles_but_not_the_columns(app, newsroom, articles):
    editor = client_for(app, newsroom["editor"])
    page = get(editor, "/sites/jkxj/articles").get_data(as_text=True)
    assert "本站信息" in page and "外站信息" not in page
    assert 'value="publish"' not in page  # bulk publish is not offered to editors
    assert get(editor, "/sites/jkxj/columns").status_code == 403
    reviewer = client_for(app, newsroom["reviewer"])
    assert 'value="publish"' in get(reviewer, "/sites/jkxj/articles").get_data(as_text=True)
    assert get(reviewer, "/sites/jkxj/columns").status_code == 403
    admin = client_for(app, newsroom["admin"])
    assert get(admin, "/sites/jkxj/columns").status_code == 200
