"""Review before publication through the console: who may do what, and what is recorded."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import console_post
from tests.content_factories import (  # noqa: F401 - fixtures
    add_articles,
    client_for,
    get,
    load,
    new_article_id,
    newsroom,
)
from zhanqun.platform.articles.models import Article
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status, Transition
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import tenant_context


def draft(app, newsroom, author="editor", title="防汛通知"):
    client = client_for(app, newsroom[author])
    response = console_post(client, "/sites/jkxj/articles/new",
                            {"title": title, "column_id": newsroom["column_id"], "body": "<p>正文</p>"})
    return client, new_article_id(response)


def act(client, article_id, action, **data):
    return console_post(client, f"/sites/jkxj/articles/{article_id}/transition", {"action": action, **data})


def status_of(newsroom, article_id):
    return load(newsroom["site"], Article, article_id).status


def test_editor_submits_reviewer_publishes_and_history_shows_it(app, newsroom):
    editor, article_id = draft(app, newsroom)
    assert act(editor, article_id, "submit").status_code == 302
    assert status_of(newsroom, article_id) == Status.SUBMITTED
    reviewer = client_for(app, newsroom["reviewer"])
    assert act(reviewer, article_id, "publish").status_code == 302
    article = load(newsroom["site"], Article, article_id)
    assert article.status == Status.PUBLISHED and article.is_visible()
    page = get(editor, f"/sites/jkxj/articles/{article_id}").get_data(as_text=True)
    assert "shenhe" in page and "bianji" in page  # who did each step
    with tenant_context(newsroom["site"].id):
        steps = db.session.scalars(sa.select(Transition.action).order_by(Transition.id)).all()
    assert steps == ["submit", "publish"]


def test_editor_sees_no_publish_button_and_a_crafted_post_is_refused(app, newsroom):
    editor, article_id = draft(app, newsroom)
    act(editor, article_id, "submit")
    page = get(editor, f"/sites/jkxj/articles/{article_id}").get_data(as_text=True)
    assert 'value="publish"' not in page
    response = act(editor, article_id, "publish")
    assert response.status_code == 403
    assert status_of(newsroom, article_id) == Status.SUBMITTED
    for action in ("reject", "withdraw"):
        assert act(editor, article_id, action, comment="x").status_code == 403


def test_reject_needs_a_reason_that_the_editor_then_sees(app, newsroom):
    editor, article_id = draft(app, newsroom)
    act(editor, article_id, "submit")
    reviewer = client_for(app, newsroom["reviewer"])
    response = act(reviewer, article_id, "reject", comment="  ")
    assert response.status_code == 400
    assert status_of(newsroom, article_id) == Status.SUBMITTED
    assert act(reviewer, article_id, "reject", comment="请补充联系电话").status_code == 302
    assert status_of(newsroom, article_id) == Status.REJECTED
    page = get(editor, f"/sites/jkxj/articles/{article_id}").get_data(as_text=True)
    assert "请补充联系电话" in page


def test_scheduled_publication_stays_hidden_until_its_time(app, newsroom):
    editor, article_id = draft(app, newsroom)
    reviewer = client_for(app, newsroom["reviewer"])
    act(editor, article_id, "submit")
    assert act(reviewer, article_id, "publish", publish_at="2099-01-01T09:00").status_code == 302
    article = load(newsroom["site"], Article, article_id)
    assert article.status == Status.PUBLISHED
    assert article.published_at.year == 2099 and article.published_at.hour == 1  # 09:00 in Beijing is 01:00 UTC
    assert not article.is_visible()
    assert not article.is_visible(utcnow() + timedelta(days=1))


def test_withdraw_takes_it_off_the_public_site(app, newsroom):
    _, article_id = draft(app, newsroom)
    admin = client_for(app, newsroom["admin"])
    assert act(admin, article_id, "publish").status_code == 302
    assert act(admin, article_id, "withdraw").status_code == 302
    assert status_of(newsroom, article_id) == Status.WITHDRAWN


def test_site_may_require_that_the_reviewer_is_not_the_author(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    response = console_post(admin, "/sites/jkxj/settings/review", {"review_requires_other_person": "y"})
    assert response.status_code == 302
    db.session.rollback()
    assert db.session.get(Tenant, newsroom["site"].id).review_requires_other_person
    _, own = draft(app, newsroom, author="reviewer")
    reviewer = client_for(app, newsroom["reviewer"])
    response = act(reviewer, own, "publish")
    assert response.status_code == 400
    assert status_of(newsroom, own) == Status.DRAFT
    assert act(admin, own, "publish").status_code == 302


def test_bulk_actions_report_each_refusal(app, newsroom):
    editor, first = draft(app, newsroom, title="第一篇")
    _, second = draft(app, newsroom, title="第二篇")
    act(editor, second, "submit")
    response = console_post(editor, "/sites/jkxj/articles/bulk", {"action": "submit", "ids": [first, second]},
                            follow_redirects=True)
    page = response.get_data(as_text=True)
    assert status_of(newsroom, first) == Status.SUBMITTED
    assert "第二篇" in page and 'flash-error' in page  # already submitted: reported, not silently skipped
    response = console_post(editor, "/sites/jkxj/articles/bulk", {"action": "publish", "ids": [first]},
                            follow_redirects=True)
    assert status_of(newsroom, first) == Status.SUBMITTED
    assert "第一篇" in response.get_data(as_text=True)
    reviewer = client_for(app, newsroom["reviewer"])
    console_post(reviewer, "/sites/jkxj/articles/bulk", {"action": "publish", "ids": [first, second]})
    assert status_of(newsroom, first) == status_of(newsroom, second) == Status.PUBLISHED


def test_bulk_ignores_ids_of_another_site(app, newsroom):
    [foreign_id] = add_articles(newsroom["other"], Article(column_id=newsroom["other_column_id"], title="外站信息"))
    admin = client_for(app, newsroom["admin"])
    console_post(admin, "/sites/jkxj/articles/bulk", {"action": "publish", "ids": [foreign_id]})
    assert load(newsroom["other"], Article, foreign_id).status == Status.DRAFT


def test_editor_cannot_edit_a_submitted_article_but_the_reviewer_can(app, newsroom):
    editor, article_id = draft(app, newsroom)
    act(editor, article_id, "submit")
    response = console_post(editor, f"/sites/jkxj/articles/{article_id}/edit",
                            {"title": "偷偷改", "column_id": newsroom["column_id"], "lock_version": 2})
    assert response.status_code == 302
    assert load(newsroom["site"], Article, article_id).title == "防汛通知"
    reviewer = client_for(app, newsroom["reviewer"])
    assert get(reviewer, f"/sites/jkxj/articles/{article_id}/edit").status_code == 200
