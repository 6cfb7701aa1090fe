"""Public catalogue pages: a sub-site's catalogue and the portal's department catalogue."""
from __future__ import annotations

from datetime import date

import pytest

from tests.catalogue_support import act, county, make_entry, term
from tests.conftest import count_queries
from zhanqun.platform.catalogue.models import TermKind
from zhanqun.platform.extensions import db


@pytest.fixture
def site(app, make_site, make_user):
    db.session().expire_on_commit = False
    yield county(make_site, make_user)
    db.session().expire_on_commit = True


def page(client, host, path="/catalogue/"):
    response = client.get(path, headers={"Host": host})
    return response.status_code, response.get_data(as_text=True)


def test_a_sub_site_lists_its_published_entries_with_filters(site, client):
    portal, jyj, wjj, reviewer = site
    notice = make_entry(jyj, reviewer, title="开学通知")
    make_entry(jyj, reviewer, title="教育规划", genre_id=term(TermKind.GENRE, "06").id, issued_on=date(2023, 2, 1))
    make_entry(jyj, reviewer, title="草稿不公开", publish=False)
    make_entry(wjj, reviewer, title="卫健局的")
    status, html = page(client, "jyj.localhost")
    assert status == 200 and "开学通知" in html and "教育规划" in html
    assert "草稿不公开" not in html and "卫健局的" not in html
    assert notice.index_number in html
    _, html = page(client, "jyj.localhost", "/catalogue/?genre=06")
    assert "教育规划" in html and "开学通知" not in html
    _, html = page(client, "jyj.localhost", "/catalogue/?year=2024")
    assert "开学通知" in html and "教育规划" not in html
    _, html = page(client, "jyj.localhost", "/catalogue/?year=abc&topic=")
    assert "开学通知" in html  # a bad filter value is ignored, not an error


def test_entry_page_shows_the_metadata_table_and_validity(site, client):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer, validity="repealed", validity_note="已被示教发〔2025〕1号废止")
    status, html = page(client, "jyj.localhost", f"/catalogue/{entry.uid}/")
    assert status == 200
    for text in (entry.index_number, "示范县教育局", "示教发〔2024〕12号", "科技、教育", "通知", "2024-08-20",
                 "已被示教发〔2025〕1号废止"):
        assert text in html
    assert "<script>" not in html
    draft = make_entry(jyj, reviewer, publish=False)
    assert page(client, "jyj.localhost", f"/catalogue/{draft.uid}/")[0] == 404
    assert page(client, "wjj.localhost", f"/catalogue/{entry.uid}/")[0] == 404  # not another site's


def test_portal_department_catalogue_with_counts_and_filters(site, client):
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer, title="教育局一")
    make_entry(jyj, reviewer, title="教育局二")
    health = make_entry(wjj, reviewer, title="卫健局一", topic_id=term(TermKind.TOPIC, "12").id)
    make_entry(wjj, reviewer, title="不共享", shared=False)
    status, html = page(client, "localhost")
    assert status == 200
    assert "教育局一" in html and "卫健局一" in html and "不共享" not in html
    assert "示范县教育局" in html and "示范县卫生健康局" in html
    _, html = page(client, "localhost", "/catalogue/?department=4304230003")
    assert "卫健局一" in html and "教育局一" not in html
    _, html = page(client, "localhost", "/catalogue/?topic=12")
    assert "卫健局一" in html and "教育局二" not in html
    status, html = page(client, "localhost", f"/catalogue/{health.uid}/")
    assert status == 200 and "卫健局一" in html and f"wjj.localhost/catalogue/{health.uid}/" in html
    act(health, "withdraw", reviewer)
    assert page(client, "localhost", f"/catalogue/{health.uid}/")[0] == 404
    assert "卫健局一" not in page(client, "localhost")[1]


def test_portal_counts_per_department(site, client):
    portal, jyj, wjj, reviewer = site
    for _ in range(3):
        make_entry(jyj, reviewer)
    make_entry(wjj, reviewer)
    html = page(client, "localhost")[1]
    assert "3" in html.split("示范县教育局</a>")[1][:80]


def test_list_pages_run_a_bounded_number_of_queries(site, client, app):
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer)
    counts = {}
    for round_ in ("few", "many"):
        for host in ("jyj.localhost", "localhost"):
            page(client, host, f"/catalogue/?warm={round_}")
            with count_queries(app) as n:
                # A query string of its own, so no page cache answers instead of the view.
                assert page(client, host, f"/catalogue/?r={round_}")[0] == 200
            counts[round_, host] = n()
        for _ in range(15):
            make_entry(jyj, reviewer)
    assert counts["few", "jyj.localhost"] == counts["many", "jyj.localhost"] > 0
    assert counts["few", "localhost"] == counts["many", "localhost"] > 0


def test_a_catalogue_column_renders_its_entries(site, app):
    from flask import g

    from zhanqun.platform.catalogue.public import render_catalogue_column
    from zhanqun.platform.columns.models import Column, ColumnKind
    from zhanqun.tenants.resolver import hostmap
    from zhanqun.tenants.scoping import tenant_context

    portal, jyj, wjj, reviewer = site
    with tenant_context(jyj.id):
        column = Column(name="法规文件", slug="fagui", kind=ColumnKind.CATALOGUE)
        db.session.add(column)
        db.session.commit()
    make_entry(jyj, reviewer, title="在栏目里", column_id=column.id)
    make_entry(jyj, reviewer, title="不在栏目里")
    with app.test_request_context("/c/fagui/", headers={"Host": "jyj.localhost"}), tenant_context(jyj.id):
        g.site = hostmap().site_by_id(jyj.id)
        html = render_catalogue_column(column)
    assert "在栏目里" in html and "不在栏目里" not in html and "法规文件" in html
