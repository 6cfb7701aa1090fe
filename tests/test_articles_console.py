"""The articles console: writing, validation, listing, filters, bulk actions, query counts."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import console_post, count_queries
from tests.content_factories import (  # noqa: F401 - fixtures
    add_articles,
    add_column,
    article_count,
    client_for,
    get,
    load,
    new_article_id,
    newsroom,
)
from zhanqun.platform.articles.models import Article, ArticleRevision
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.scoping import tenant_context


def write(client, site, column_id, **fields):
    data = {"title": "春季传染病防控提示", "column_id": column_id, "body": "<p>正文</p>", **fields}
    return console_post(client, f"/sites/{site.slug}/articles/new", data)


def test_editor_writes_an_article_and_the_body_is_sanitised(app, newsroom):
    client = client_for(app, newsroom["editor"])
    response = write(client, newsroom["site"], newsroom["column_id"], subtitle="副标题", summary="摘要", source="县卫健局",
                     author="张三", body='<p onclick="x()">安全<script>alert(1)</script></p><img src=x onerror=alert(1)>')
    assert response.status_code == 302
    article = load(newsroom["site"], Article, new_article_id(response))
    assert article.status == Status.DRAFT
    assert article.body == '<p>安全</p><img src="x">'
    assert (article.subtitle, article.summary, article.source, article.author) == ("副标题", "摘要", "县卫健局", "张三")
    assert article.created_by_id == newsroom["editor"].id
    page = get(client, f"/sites/jkxj/articles/{article.id}").get_data(as_text=True)
    assert "春季传染病防控提示" in page


def test_invalid_input_is_shown_per_field_and_kept(app, newsroom):
    client = client_for(app, newsroom["editor"])
    response = write(client, newsroom["site"], "", title="  ", summary="我的摘要", published_at="明天")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="title-error"' in page and 'id="published_at-error"' in page
    assert "我的摘要" in page  # what the user typed is kept
    assert article_count(newsroom["site"]) == 0


def test_column_of_another_site_is_refused(app, newsroom):
    client = client_for(app, newsroom["editor"])
    response = write(client, newsroom["site"], newsroom["other_column_id"])
    assert response.status_code == 400
    assert 'id="column_id-error"' in response.get_data(as_text=True)
    assert article_count(newsroom["site"]) == 0


def test_every_save_keeps_a_revision(app, newsroom):
    client = client_for(app, newsroom["editor"])
    article_id = new_article_id(write(client, newsroom["site"], newsroom["column_id"]))
    response = console_post(client, f"/sites/jkxj/articles/{article_id}/edit",
                            {"title": "新标题", "column_id": newsroom["column_id"], "body": "<p>改过</p>", "lock_version": 1})
    assert response.status_code == 302
    db.session.rollback()
    with tenant_context(newsroom["site"].id):
        revisions = db.session.scalars(sa.select(ArticleRevision).order_by(ArticleRevision.number)).all()
        assert [(r.number, r.title, r.body) for r in revisions] == [
            (1, "春季传染病防控提示", "<p>正文</p>"), (2, "新标题", "<p>改过</p>")]


def test_list_filters_search_and_counts(app, newsroom):
    site = newsroom["site"]
    notices = add_column(site, "notices", name="通知公告")
    add_articles(
        site,
        Article(column_id=newsroom["column_id"], title="防汛工作会议召开", status=Status.PUBLISHED,
                published_at=utcnow() - timedelta(days=40), created_by_id=newsroom["editor"].id),
        Article(column_id=notices, title="关于防汛值班的通知", status=Status.DRAFT, created_by_id=newsroom["reviewer"].id),
        Article(column_id=notices, title="体检通知", status=Status.SUBMITTED, created_by_id=newsroom["editor"].id),
    )
    client = client_for(app, newsroom["editor"])

    def titles(query):
        page = get(client, f"/sites/jkxj/articles?{query}").get_data(as_text=True)
        return {t for t in ("防汛工作会议召开", "关于防汛值班的通知", "体检通知") if t in page}

    assert titles("") == {"防汛工作会议召开", "关于防汛值班的通知", "体检通知"}
    assert titles("q=防汛") == {"防汛工作会议召开", "关于防汛值班的通知"}
    assert titles("status=submitted") == {"体检通知"}
    assert titles(f"column={notices}") == {"关于防汛值班的通知", "体检通知"}
    assert titles(f"author={newsroom['reviewer'].id}") == {"关于防汛值班的通知"}
    since = (utcnow() - timedelta(days=10)).date().isoformat()
    assert titles(f"date_from={since}") == {"关于防汛值班的通知", "体检通知"}
    assert titles("status=nonsense&page=abc") == {"防汛工作会议召开", "关于防汛值班的通知", "体检通知"}
    page = get(client, "/sites/jkxj/articles").get_data(as_text=True)
    assert '<span data-status="published">1</span>' in page
    assert '<span data-status="draft">1</span>' in page
    assert '<span data-status="submitted">1</span>' in page


def test_empty_list_says_so(app, newsroom):
    client = client_for(app, newsroom["editor"])
    page = get(client, "/sites/jkxj/articles").get_data(as_text=True)
    assert 'class="empty"' in page


def test_list_paginates(app, newsroom):
    add_articles(newsroom["site"], *[Article(column_id=newsroom["column_id"], title=f"信息{n:02d}") for n in range(25)])
    client = client_for(app, newsroom["editor"])
    first = get(client, "/sites/jkxj/articles").get_data(as_text=True)
    second = get(client, "/sites/jkxj/articles?page=2").get_data(as_text=True)
    assert first.count('name="ids"') == 20
    assert second.count('name="ids"') == 5


def test_list_runs_the_same_number_of_queries_for_3_or_30_articles(app, newsroom, make_user):
    site = newsroom["site"]
    users = [make_user(f"writer{n}", roles={site.id: "editor"}) for n in range(3)]
    columns = [add_column(site, f"col{n}") for n in range(3)]
    client = client_for(app, newsroom["editor"])
    get(client, "/sites/jkxj/articles")  # caches (host map, session) warm, as in production

    def add_and_count(count):
        add_articles(site, *[Article(column_id=columns[n % 3], title=f"信息{n}", created_by_id=users[n % 3].id)
                             for n in range(count)])
        with count_queries(app) as queries:
            response = get(client, "/sites/jkxj/articles")
        assert response.status_code == 200
        assert response.get_data(as_text=True).count('name="ids"') == min(article_count(site), 20)
        return queries()

    few = add_and_count(3)
    many = add_and_count(27)
    assert few == many
    assert many <= 12


def test_visible_articles_are_published_and_due_newest_first(app, newsroom):
    from zhanqun.platform.articles.queries import visible_articles

    site = newsroom["site"]
    other_column = add_column(site, "other")
    now = utcnow()
    add_articles(
        site,
        Article(column_id=newsroom["column_id"], title="旧", status=Status.PUBLISHED, published_at=now - timedelta(days=2)),
        Article(column_id=newsroom["column_id"], title="新", status=Status.PUBLISHED, published_at=now - timedelta(hours=1)),
        Article(column_id=newsroom["column_id"], title="定时", status=Status.PUBLISHED, published_at=now + timedelta(hours=1)),
        Article(column_id=newsroom["column_id"], title="撤回", status=Status.WITHDRAWN, published_at=now - timedelta(days=1)),
        Article(column_id=newsroom["column_id"], title="草稿", status=Status.DRAFT),
        Article(column_id=other_column, title="别的栏目", status=Status.PUBLISHED, published_at=now - timedelta(days=1)),
    )
    add_articles(newsroom["other"], Article(column_id=newsroom["other_column_id"], title="外站", status=Status.PUBLISHED,
                                            published_at=now - timedelta(days=1)))
    with tenant_context(site.id):
        assert [a.title for a in db.session.scalars(visible_articles())] == ["新", "别的栏目", "旧"]
        assert [a.title for a in db.session.scalars(visible_articles([newsroom["column_id"]]))] == ["新", "旧"]


def test_the_editor_files_are_served_from_the_package(app, newsroom):
    client = client_for(app, newsroom["editor"])
    form = get(client, "/sites/jkxj/articles/new").get_data(as_text=True)
    assert 'src="/static/articles/tinymce/tinymce.min.js"' in form
    assert "cdn" not in form.lower()
    for path in ("tinymce.min.js", "langs/zh-Hans.js", "skins/ui/oxide/skin.min.css", "plugins/table/plugin.min.js"):
        response = get(client, f"/static/articles/tinymce/{path}")
        response.close()
        assert response.status_code == 200, path


def test_delete_asks_first_and_refuses_published_articles(app, newsroom):
    site = newsroom["site"]
    draft_id, published_id = add_articles(
        site, Article(column_id=newsroom["column_id"], title="草稿", created_by_id=newsroom["editor"].id),
        Article(column_id=newsroom["column_id"], title="已发布", status=Status.PUBLISHED, published_at=utcnow()))
    editor = client_for(app, newsroom["editor"])
    confirm = get(editor, f"/sites/jkxj/articles/{draft_id}/delete")
    assert confirm.status_code == 200 and 'class="danger"' in confirm.get_data(as_text=True)
    assert article_count(site) == 2
    assert console_post(editor, f"/sites/jkxj/articles/{draft_id}/delete").status_code == 302
    assert load(site, Article, draft_id) is None
    admin = client_for(app, newsroom["admin"])
    console_post(admin, f"/sites/jkxj/articles/{published_id}/delete")
    assert load(site, Article, published_id) is not None


def test_bulk_move_empties_a_column(app, newsroom):
    site = newsroom["site"]
    target = add_column(site, "archive", name="归档")
    ids = add_articles(site, *[Article(column_id=newsroom["column_id"], title=f"信息{n}") for n in range(3)])
    submitted = add_articles(site, Article(column_id=newsroom["column_id"], title="审核中", status=Status.SUBMITTED))
    editor = client_for(app, newsroom["editor"])
    response = console_post(editor, "/sites/jkxj/articles/bulk-move", {"ids": [*ids, *submitted], "column_id": target},
                            follow_redirects=True)
    assert "审核中" in response.get_data(as_text=True)  # refused by name
    assert {load(site, Article, i).column_id for i in ids} == {target}
    assert load(site, Article, submitted[0]).column_id == newsroom["column_id"]
    reviewer = client_for(app, newsroom["reviewer"])
    console_post(reviewer, "/sites/jkxj/articles/bulk-move", {"ids": submitted, "column_id": target})
    assert load(site, Article, submitted[0]).column_id == target
    foreign = console_post(reviewer, "/sites/jkxj/articles/bulk-move", {"ids": ids, "column_id": newsroom["other_column_id"]})
    assert foreign.status_code == 302
    assert {load(site, Article, i).column_id for i in ids} == {target}
