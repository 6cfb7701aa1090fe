"""The column tree in the console: add, edit, move, reorder, hide, delete, templates."""
from __future__ import annotations

import sqlalchemy as sa

from tests.conftest import console_post, count_queries
from tests.content_factories import (  # noqa: F401 - fixtures
    add_articles,
    add_column,
    client_for,
    get,
    load,
    newsroom,
)
from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import Column, ColumnKind, UpdateCategory
from zhanqun.platform.columns.services import (
    apply_column_template,
    column_by_path,
    column_tree,
)
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import tenant_context


def columns_of(site):
    db.session.rollback()
    with tenant_context(site.id):
        return {c.slug: c for c in db.session.scalars(sa.select(Column))}


def test_add_a_column_with_all_its_settings(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    response = console_post(admin, "/sites/jkxj/columns/new", {
        "name": "通知公告", "slug": "notices", "kind": "list", "visible": "y", "description": "本局通知",
        "update_category": "notice", "update_interval_days": "30", "page_size": "15"})
    assert response.status_code == 302
    column = columns_of(newsroom["site"])["notices"]
    assert (column.name, column.kind, column.visible, column.update_category, column.page_size) == (
        "通知公告", ColumnKind.LIST, True, UpdateCategory.NOTICE, 15)
    assert column.expected_update_days == 30
    assert "通知公告" in get(admin, "/sites/jkxj/columns").get_data(as_text=True)


def test_single_page_body_is_sanitised_and_link_needs_an_address(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    console_post(admin, "/sites/jkxj/columns/new", {"name": "机构概况", "slug": "about", "kind": "page", "page_size": "20",
                                                     "body": "<p>职能<script>x()</script></p>"})
    assert columns_of(newsroom["site"])["about"].body == "<p>职能</p>"
    response = console_post(admin, "/sites/jkxj/columns/new", {"name": "政府网", "slug": "gov", "kind": "link", "page_size": "20",
                                                                "link_url": "javascript:alert(1)"})
    assert response.status_code == 400
    assert 'id="link_url-error"' in response.get_data(as_text=True)
    assert "gov" not in columns_of(newsroom["site"])


def test_bad_input_is_reported_per_field_and_kept(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    response = console_post(admin, "/sites/jkxj/columns/new", {"name": "新栏目", "slug": "Bad Slug!", "kind": "list",
                                                                "page_size": "0"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="slug-error"' in page and 'id="page_size-error"' in page and 'value="新栏目"' in page
    duplicate = console_post(admin, "/sites/jkxj/columns/new", {"name": "重复", "slug": "news", "kind": "list", "page_size": "20"})
    assert duplicate.status_code == 400 and 'id="slug-error"' in duplicate.get_data(as_text=True)


def test_rename_hide_and_move_to_another_parent_but_never_under_itself(app, newsroom):
    site = newsroom["site"]
    parent = add_column(site, "open", name="政务公开")
    child = add_column(site, "policies", name="政策文件", parent_id=parent)
    admin = client_for(app, newsroom["admin"])
    base = {"kind": "list", "page_size": "20"}
    response = console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/edit",
                            {**base, "name": "工作动态（新）", "slug": "news", "parent_id": str(parent)})
    assert response.status_code == 302
    news = columns_of(site)["news"]
    assert (news.name, news.parent_id, news.visible) == ("工作动态（新）", parent, False)
    with tenant_context(site.id):
        assert column_by_path("/open/news/").id == news.id
        assert column_by_path("news") is None
    cycle = console_post(admin, f"/sites/jkxj/columns/{parent}/edit",
                         {**base, "name": "政务公开", "slug": "open", "parent_id": str(child), "visible": "y"})
    assert cycle.status_code == 400
    assert 'id="parent_id-error"' in cycle.get_data(as_text=True)
    assert columns_of(site)["open"].parent_id is None


def test_reorder_with_up_and_down_buttons(app, newsroom):
    site = newsroom["site"]
    add_column(site, "b", position=2)
    add_column(site, "c", position=3)
    admin = client_for(app, newsroom["admin"])
    c = columns_of(site)["c"].id
    assert console_post(admin, f"/sites/jkxj/columns/{c}/move", {"direction": "up"}).status_code == 302
    with tenant_context(site.id):
        assert [n.column.slug for n in column_tree()] == ["news", "c", "b"]
    console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/move", {"direction": "up"})  # already first
    console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/move", {"direction": "down"})
    with tenant_context(site.id):
        assert [n.column.slug for n in column_tree()] == ["c", "news", "b"]


def test_delete_is_refused_while_the_column_holds_articles_or_children(app, newsroom):
    site = newsroom["site"]
    add_articles(site, *[Article(column_id=newsroom["column_id"], title=f"信息{n}") for n in range(3)])
    add_column(site, "sub", name="子栏目", parent_id=newsroom["column_id"])
    admin = client_for(app, newsroom["admin"])
    page = get(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/delete").get_data(as_text=True)
    assert "3" in page and "子栏目" in page and 'class="danger"' not in page
    response = console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/delete")
    assert response.status_code == 409
    assert "news" in columns_of(site)


def test_an_empty_column_is_deleted_after_confirmation(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    confirm = get(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/delete")
    assert confirm.status_code == 200 and 'class="danger"' in confirm.get_data(as_text=True)
    assert "news" in columns_of(newsroom["site"])  # asking deletes nothing
    assert console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/delete").status_code == 302
    assert "news" not in columns_of(newsroom["site"])


def test_another_sites_column_ids_are_not_found(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    foreign = newsroom["other_column_id"]
    assert get(admin, f"/sites/jkxj/columns/{foreign}/edit").status_code == 404
    assert console_post(admin, f"/sites/jkxj/columns/{foreign}/delete").status_code == 404
    assert console_post(admin, f"/sites/jkxj/columns/{foreign}/move", {"direction": "up"}).status_code == 404
    parent = console_post(admin, "/sites/jkxj/columns/new", {"name": "x", "slug": "x", "kind": "list", "page_size": "20",
                                                             "parent_id": str(foreign)})
    assert parent.status_code == 400
    assert "news" in columns_of(newsroom["other"])


def test_template_applies_once(app, newsroom):
    site = newsroom["other"]
    db.session.rollback()
    with tenant_context(site.id):
        added = apply_column_template("portal-standard")
        db.session.commit()
        again = apply_column_template("portal-standard")
        db.session.commit()
        topic = column_by_path("open-government-2016")
        [node] = [n for n in column_tree() if n.column.id == topic.id]
        boards = [child.column.name for child in node.children]
    assert len(added) > 10 and again == []
    assert topic.kind == ColumnKind.TOPIC
    assert boards == ["深化改革", "民生改善", "政府建设", "政务参与", "公开实效"]


def test_template_button_in_the_console(app, newsroom):
    admin = client_for(app, newsroom["admin"])
    response = console_post(admin, "/sites/jkxj/columns/apply-template", {"template": "department-standard"})
    assert response.status_code == 302
    columns = columns_of(newsroom["site"])
    assert columns["disclosure"].kind == ColumnKind.CATALOGUE and columns["about"].kind == ColumnKind.PAGE
    assert columns["news"].id == newsroom["column_id"]  # the existing column is kept, not duplicated
    assert console_post(admin, "/sites/jkxj/columns/apply-template", {"template": "nope"}).status_code == 302
    assert len(columns_of(newsroom["site"])) == len(columns)


def test_column_tree_is_one_query(app, newsroom):
    site = newsroom["site"]
    db.session.rollback()
    with tenant_context(site.id):
        apply_column_template("portal-standard")
        db.session.commit()
        db.session.execute(sa.select(1))  # the transaction's BEGIN is not the tree's query
        with count_queries(app) as queries:
            roots = column_tree()
            paths = [node.path for root in roots for node in root.walk()]
        assert queries() == 1
    assert "today/headlines" in paths and "open-government-2016/reform" in paths


def test_a_column_with_articles_stays_a_list(app, newsroom):
    add_articles(newsroom["site"], Article(column_id=newsroom["column_id"], title="信息"))
    admin = client_for(app, newsroom["admin"])
    response = console_post(admin, f"/sites/jkxj/columns/{newsroom['column_id']}/edit",
                            {"name": "工作动态", "slug": "news", "kind": "page", "page_size": "20", "visible": "y"})
    assert response.status_code == 400 and 'id="kind-error"' in response.get_data(as_text=True)
    assert columns_of(newsroom["site"])["news"].kind == ColumnKind.LIST
