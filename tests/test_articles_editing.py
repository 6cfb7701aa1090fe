"""Two people editing one article, revisions with diffs and restore, and the preview."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import console_post
from tests.content_factories import client_for, get, load, new_article_id, newsroom  # noqa: F401 - fixtures
from zhanqun.platform.accounts.models import User
from zhanqun.platform.articles import services
from zhanqun.platform.articles.models import Article, ArticleRevision
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import tenant_context


def write(client, newsroom, **fields):
    data = {"title": "防汛通知", "column_id": newsroom["column_id"], "body": "<p>第一段。</p><p>第二段。</p>", **fields}
    return new_article_id(console_post(client, "/sites/jkxj/articles/new", data))


def save(client, newsroom, article_id, lock_version, **fields):
    data = {"title": "防汛通知", "column_id": newsroom["column_id"], "lock_version": lock_version, **fields}
    return console_post(client, f"/sites/jkxj/articles/{article_id}/edit", data)


def test_the_second_of_two_saves_is_refused_and_keeps_its_text(app, newsroom):
    first = client_for(app, newsroom["editor"])
    article_id = write(first, newsroom)
    second = client_for(app, newsroom["editor2"])
    # Both open the form at version 1.
    assert 'name="lock_version" value="1"' in get(first, f"/sites/jkxj/articles/{article_id}/edit").get_data(as_text=True)
    assert 'name="lock_version" value="1"' in get(second, f"/sites/jkxj/articles/{article_id}/edit").get_data(as_text=True)
    assert save(first, newsroom, article_id, 1, body="<p>甲的修改</p>").status_code == 302
    response = save(second, newsroom, article_id, 1, body="<p>乙的修改</p>")
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'id="conflict"' in page
    assert "乙的修改" in page  # their text is kept in the form
    assert f'href="/sites/jkxj/articles/{article_id}"' in page  # link to the current version
    article = load(newsroom["site"], Article, article_id)
    assert article.body == "<p>甲的修改</p>"  # nothing overwritten
    assert article.lock_version == 2


def test_a_concurrent_save_is_caught_by_the_version_counter(app, newsroom):
    client = client_for(app, newsroom["editor"])
    article_id = write(client, newsroom)
    db.session.rollback()
    editor = db.session.get(User, newsroom["editor"].id)
    with tenant_context(newsroom["site"].id):
        article = db.session.get(Article, article_id)
        version = article.lock_version
        # Another save lands between our read and our write (raw SQL: the ORM does not see it).
        db.session.execute(sa.text("UPDATE article SET body = '<p>别人</p>', lock_version = lock_version + 1 WHERE id = :id"),
                           {"id": article_id})
        data = {"title": "我的", "column_id": newsroom["column_id"], "body": "<p>我的</p>"}
        try:
            services.save_article(article, data, user=editor, expected_version=version)
        except services.StaleArticle:
            refused = True
        else:
            refused = False
        db.session.rollback()
    assert refused


def test_revisions_show_a_readable_diff_and_restore_makes_a_new_revision(app, newsroom):
    client = client_for(app, newsroom["editor"])
    article_id = write(client, newsroom)
    save(client, newsroom, article_id, 1, title="防汛紧急通知", body="<p>第一段修改。</p><p>第二段。</p><p>新增第三段。</p>")
    page = get(client, f"/sites/jkxj/articles/{article_id}/revisions").get_data(as_text=True)
    assert "<ins>紧急</ins>" in page
    assert "<ins>修改</ins>" in page
    assert "<ins>新增第三段。</ins>" in page
    assert "&lt;p&gt;" not in page  # text, not HTML source
    first = get(client, f"/sites/jkxj/articles/{article_id}/revisions?number=1").get_data(as_text=True)
    assert "<ins>防汛通知</ins>" in first
    response = console_post(client, f"/sites/jkxj/articles/{article_id}/revisions/1/restore")
    assert response.status_code == 302
    article = load(newsroom["site"], Article, article_id)
    assert (article.title, article.body) == ("防汛通知", "<p>第一段。</p><p>第二段。</p>")
    with tenant_context(newsroom["site"].id):
        numbers = db.session.scalars(sa.select(ArticleRevision.number).order_by(ArticleRevision.number)).all()
    assert numbers == [1, 2, 3]


def test_preview_renders_a_draft_in_the_site_theme_for_members_only(app, newsroom):
    client = client_for(app, newsroom["editor"])
    article_id = write(client, newsroom, title="尚未发布的草稿", body="<p>草稿正文</p>")
    response = get(client, f"/sites/jkxj/articles/{article_id}/preview")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "尚未发布的草稿" in page and "<p>草稿正文</p>" in page
    assert "县卫生健康局" in page  # the site's own layout around it
    assert 'class="article-body"' in page
    assert '<base href="http://jkxj.localhost/">' in page  # theme files load from the site's host
    assert response.headers["Cache-Control"] == "private, no-store"
    assert load(newsroom["site"], Article, article_id).published_at is None  # a preview changes nothing
    # The public cannot see the draft, and another site's admin cannot preview it.
    assert app.test_client().get(f"/a/{article_id}.html", headers={"Host": "jkxj.localhost"}).status_code == 404
    outsider = client_for(app, newsroom["outsider"])
    assert get(outsider, f"/sites/jkxj/articles/{article_id}/preview").status_code == 404
    assert get(outsider, f"/sites/zjj/articles/{article_id}/preview").status_code == 404
