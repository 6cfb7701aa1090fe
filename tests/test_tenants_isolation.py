"""The ORM keeps every tenant's rows to itself; opting out is explicit and visible."""
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import aliased, selectinload

from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import Column
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantScopeError, cross_tenant, tenant_context


@pytest.fixture
def two_sites(make_site):
    a = make_site("aaa")
    b = make_site("bbb")
    for site, names in ((a, ["A-news", "A-notices"]), (b, ["B-news", "B-notices"])):
        with tenant_context(site.id):
            parent = Column(name=names[0], slug="news")
            db.session.add(parent)
            db.session.flush()
            child = Column(name=names[1], slug="notices", parent=parent)
            db.session.add(child)
            db.session.flush()
            db.session.add(Article(column_id=child.id, title=f"{site.slug} article"))
            db.session.commit()
    ids = SimpleNamespace(id=a.id, slug=a.slug), SimpleNamespace(id=b.id, slug=b.slug)
    db.session.expunge_all()
    return ids


def test_queries_return_only_the_current_tenants_rows(two_sites):
    a, b = two_sites
    with tenant_context(a.id):
        assert {c.name for c in db.session.scalars(sa.select(Column))} == {"A-news", "A-notices"}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 1
    with tenant_context(b.id):
        assert {c.name for c in db.session.scalars(sa.select(Column))} == {"B-news", "B-notices"}


def test_joins_and_aliases_are_filtered(two_sites):
    a, _ = two_sites
    parent = aliased(Column)
    with tenant_context(a.id):
        rows = db.session.execute(
            sa.select(Article.title, Column.name, parent.name).join(Column, Article.column_id == Column.id)
            .join(parent, Column.parent_id == parent.id, isouter=True)
        ).all()
        assert rows == [("aaa article", "A-notices", "A-news")]
        # Entities that appear only in a join target or select_from() are filtered too.
        pairs = db.session.execute(sa.select(Column.name, Article.title).join(Article, sa.true())).all()
        assert sorted(pairs) == [("A-news", "aaa article"), ("A-notices", "aaa article")]
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 1
        subquery = sa.select(Article.id).subquery()
        assert db.session.scalar(sa.select(sa.func.count()).select_from(subquery)) == 1


def test_relationship_loads_are_filtered(two_sites):
    a, b = two_sites
    with cross_tenant():
        b_parent_id = db.session.scalar(sa.select(Column.id).where(Column.tenant_id == b.id, Column.parent_id.is_(None)))
    db.session.expunge_all()
    with tenant_context(a.id):
        parents = db.session.scalars(sa.select(Column).where(Column.parent_id.is_(None)).options(selectinload(Column.children))).all()
        assert [[c.name for c in p.children] for p in parents] == [["A-notices"]]
        assert db.session.scalar(sa.select(Column).where(Column.id == b_parent_id)) is None


def test_get_by_id_of_another_tenant_returns_nothing(two_sites):
    a, b = two_sites
    with tenant_context(b.id):
        b_column = db.session.scalars(sa.select(Column)).first()
    # The object is now in the identity map: get() would answer without SQL.
    with tenant_context(a.id):
        assert db.session.get(Column, b_column.id) is None
    with tenant_context(b.id):
        assert db.session.get(Column, b_column.id) is b_column


def test_writing_another_tenants_row_is_refused(two_sites):
    a, b = two_sites
    with tenant_context(b.id):
        b_column = db.session.scalars(sa.select(Column)).first()
    with tenant_context(a.id):
        b_column.name = "hijacked"
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()
    with tenant_context(a.id):
        db.session.add(Column(name="sneaky", slug="sneaky", tenant_id=b.id))
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()
    with tenant_context(b.id):
        assert "hijacked" not in {c.name for c in db.session.scalars(sa.select(Column))}
        assert "sneaky" not in {c.name for c in db.session.scalars(sa.select(Column))}


def test_moving_a_row_to_another_tenant_is_refused(two_sites):
    a, b = two_sites
    with tenant_context(a.id):
        column = db.session.scalars(sa.select(Column)).first()
        column.tenant_id = b.id
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()


def test_deleting_another_tenants_row_is_refused(two_sites):
    a, b = two_sites
    with tenant_context(b.id):
        article = db.session.scalars(sa.select(Article)).first()
    with tenant_context(a.id):
        db.session.delete(article)
        with pytest.raises(TenantScopeError):
            db.session.flush()
    db.session.rollback()


def test_bulk_update_and_delete_statements_are_scoped(two_sites):
    a, b = two_sites
    with tenant_context(a.id):
        db.session.execute(sa.update(Column).values(description="touched"))
        db.session.execute(sa.delete(Article))
        db.session.commit()
    with tenant_context(b.id):
        assert {c.description for c in db.session.scalars(sa.select(Column))} == {""}
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 1


def test_new_rows_take_the_current_tenant(two_sites):
    a, _ = two_sites
    with tenant_context(a.id):
        column = Column(name="new", slug="new")
        db.session.add(column)
        db.session.flush()
        assert column.tenant_id == a.id
    db.session.rollback()


def test_no_current_tenant_means_no_query(two_sites):
    with pytest.raises(TenantScopeError):
        db.session.scalars(sa.select(Column)).all()
    # Hidden in select_from(): it cannot be named, so it matches nothing instead of everything.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Article)) == 0
    with pytest.raises(TenantScopeError):
        db.session.add(Column(name="orphan", slug="orphan"))
        db.session.flush()
    db.session.rollback()


def test_opting_out_is_needed_to_see_every_tenant(two_sites):
    a, b = two_sites
    with tenant_context(a.id):
        assert len(db.session.scalars(sa.select(Column)).all()) == 2
        with cross_tenant():
            rows = db.session.scalars(sa.select(Column)).all()
            assert {r.tenant_id for r in rows} == {a.id, b.id}
        assert len(db.session.scalars(sa.select(Column)).all()) == 2


def test_raw_sql_is_not_scoped_which_is_why_features_do_not_use_it(two_sites):
    """The documented edge: text() bypasses the criteria."""
    a, _ = two_sites
    with tenant_context(a.id):
        assert db.session.execute(sa.text("SELECT count(*) FROM site_column")).scalar() == 4
