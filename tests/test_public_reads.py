"""The public pages' prepared reads (``public.reads``): the same rows as SQLAlchemy's own
execution, no transaction of their own, one pooled connection per request given back, the
session's uncommitted work seen while it has any, and driver errors as SQLAlchemy's."""
from __future__ import annotations

from datetime import UTC, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import recorded_statements
from tests.public_factories import add_article, add_column
from tests.test_public_core_reads import statements
from zhanqun.platform.articles.models import Article, ArticleAttachment
from zhanqun.platform.db import utcnow
from zhanqun.platform.media.models import Media
from zhanqun.platform.pagecache.store import NullStore
from zhanqun.platform.public import content, reads
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.scoping import tenant_context, tenant_params


@pytest.fixture
def two_sites(make_site, db):
    here, there = make_site("jkxj"), make_site("jyj")
    columns = {}
    for site in (here, there):
        columns[site.slug] = [add_column(site, f"c{n}", f"栏目{n}") for n in range(3)]
        for n in range(9):
            add_article(site, columns[site.slug][n % 3], f"{site.slug}信息{n}", age=timedelta(hours=n))
    article = add_article(here, columns["jkxj"][0], "带附件的信息", age=timedelta(hours=4, minutes=30))
    with tenant_context(here.id):
        media = Media(original_name="附件.pdf", stored_name="0" * 32 + ".pdf", content_type="application/pdf",
                      size=2048, sha256="0" * 64, kind="document")
        db.session.add(media)
        db.session.flush()
        db.session.add(ArticleAttachment(article_id=article.id, media_id=media.id, position=0))
        db.session.commit()
    return here, article


def parameters(article, column_ids):
    """Values for every statement's bind parameters (each takes the ones it names)."""
    return {"now": utcnow(), "column_id": article.column_id, "article_id": article.id, "published_at": article.published_at,
            "limit": 5, "offset": 0, "per_column": 4, **{f"column_{n}": cid for n, cid in enumerate(column_ids)}}


@pytest.mark.parametrize("name", sorted(statements()))
def test_prepared_reads_return_what_sqlalchemy_returns(app, db, two_sites, name):
    site, article = two_sites
    statement = statements()[name]
    with app.test_request_context(headers={"Host": "jkxj.localhost"}), tenant_context(site.id):
        column_ids = list(db.session.scalars(sa.select(Article.column_id).distinct().order_by(Article.column_id)))
        db.session.remove()
        values = tenant_params(parameters(article, column_ids))
        wanted = {key: value for key, value in values.items() if key in statement.compile().params}
        fast = reads.run(statement, wanted)
        expected = [tuple(row) for row in db.session.connection().execute(statement, wanted)]
    assert fast, name
    assert [tuple(row) for row in fast] == expected
    first = fast[0]
    assert first._fields == tuple(statement.selected_columns.keys())
    for value in first:
        assert getattr(value, "tzinfo", UTC) is not None, "timestamps read back timezone-aware"


def test_an_article_row_carries_its_status_and_whether_it_has_files(app, two_sites):
    site, article = two_sites
    with app.test_request_context(headers={"Host": "jkxj.localhost"}), tenant_context(site.id):
        row = content.find_article(article.id)
    assert row.status is Status.PUBLISHED
    assert row.has_attachments is True
    assert row.published_at == article.published_at.replace(tzinfo=row.published_at.tzinfo)


def test_a_page_uses_one_connection_without_a_transaction_and_gives_it_back(app, client, two_sites, db):
    site, article = two_sites
    pool, middleware = db.engine.pool, app.wsgi_app
    store, middleware.store = middleware.store, NullStore()
    try:
        client.get(f"/a/{article.id}.html", headers={"Host": "jkxj.localhost"})  # warm: host map, column tree
        with recorded_statements(app) as sent:
            page = client.get(f"/a/{article.id}.html", headers={"Host": "jkxj.localhost"})
    finally:
        middleware.store = store
    assert page.status_code == 200 and "带附件的信息" in page.get_data(as_text=True)
    assert [s for s, _p in sent if s.strip().upper() in ("BEGIN", "COMMIT", "ROLLBACK")] == []
    assert len(sent) == 3  # the article, its neighbours, its files
    if hasattr(pool, "checkedout"):
        assert pool.checkedout() == 0


def test_uncommitted_changes_of_the_session_are_read_in_its_transaction(app, db, two_sites):
    site, article = two_sites
    with app.test_request_context(headers={"Host": "jkxj.localhost"}), tenant_context(site.id):
        draft = Article(column_id=article.column_id, title="尚未提交的信息", status=Status.PUBLISHED,
                        published_at=utcnow() - timedelta(minutes=1))
        db.session.add(draft)
        db.session.flush()
        try:
            assert content.find_article(draft.id).title == "尚未提交的信息"
        finally:
            db.session.rollback()
        assert content.find_article(draft.id) is None


def test_a_driver_error_is_raised_as_sqlalchemys(app, two_sites):
    site, _article = two_sites
    missing = sa.table("no_such_table", sa.column("id"), sa.column("tenant_id"))
    statement = sa.select(missing.c.id).where(missing.c.tenant_id == sa.bindparam("current_tenant_id"))
    with app.test_request_context(headers={"Host": "jkxj.localhost"}), tenant_context(site.id):
        with pytest.raises(sa.exc.DBAPIError) as raised:
            reads.run(statement, tenant_params())
    assert "no_such_table" in str(raised.value)
