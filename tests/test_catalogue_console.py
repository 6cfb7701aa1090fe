"""Console pages of the catalogue, through the test client with real hosts."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.catalogue_support import copies, county, make_entry, term
from tests.conftest import CONSOLE, console_post, signin
from zhanqun.platform.catalogue.models import (
    CatalogueEntry,
    CatalogueSettings,
    CatalogueTerm,
    TermKind,
)
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import cross_tenant


@pytest.fixture
def site(app, make_site, make_user):
    """The county. Requests must run outside cross_tenant(), so objects stay loaded instead."""
    db.session().expire_on_commit = False
    yield county(make_site, make_user)
    db.session().expire_on_commit = True


def one_entry() -> CatalogueEntry:
    with cross_tenant():
        db.session.commit()
        db.session.expire_all()
        return db.session.scalar(sa.select(CatalogueEntry))


def get(client, path):
    return client.get(path, headers={"Host": CONSOLE})


def form(**fields):
    data = {"title": "2024年部门预算公开", "publisher": "示范县教育局", "document_number": "",
            "topic_id": str(term(TermKind.TOPIC, "03").id), "genre_id": str(term(TermKind.GENRE, "01").id),
            "issued_on": "2024-03-01", "validity": "valid", "disclosure_mode": "active", "body": "<p>正文</p>",
            "shared": "y"}
    data.update(fields)
    return data


def test_an_editor_writes_and_a_reviewer_publishes(site, client, make_user):
    portal, jyj, wjj, reviewer = site
    make_user("lili", roles={jyj.id: "editor"})
    signin(client, "lili")
    assert "No catalogue entries yet." in get(client, "/sites/jyj/catalogue/").get_data(as_text=True) or \
        "暂无" in get(client, "/sites/jyj/catalogue/").get_data(as_text=True)
    response = console_post(client, "/sites/jyj/catalogue/new", form())
    assert response.status_code == 302
    entry = one_entry()
    assert entry.index_number == "006939002/2024-00001" and entry.status == "draft"
    page = get(client, response.headers["Location"]).get_data(as_text=True)
    assert "006939002/2024-00001" in page
    assert console_post(client, f"/sites/jyj/catalogue/{entry.id}/transition", {"action": "publish"}).status_code == 403
    console_post(client, f"/sites/jyj/catalogue/{entry.id}/transition", {"action": "submit"})
    entry = one_entry()
    assert entry.status == "submitted" and entry.uid not in copies()


def test_bad_input_is_redisplayed_with_messages(site, client):
    portal, jyj, wjj, reviewer = site
    signin(client, "shen")
    response = console_post(client, "/sites/jyj/catalogue/new", form(title=" ", issued_on="2024-13-45", topic_id="99999"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="title-error"' in page and 'id="issued_on-error"' in page and "2024-13-45" in page
    assert one_entry() is None


def test_publishing_in_the_console_reaches_the_portal(site, client):
    portal, jyj, wjj, reviewer = site
    signin(client, "shen")
    console_post(client, "/sites/jyj/catalogue/new", form())
    entry = one_entry()
    assert console_post(client, f"/sites/jyj/catalogue/{entry.id}/transition", {"action": "publish"}).status_code == 302
    assert copies()[entry.uid].title == "2024年部门预算公开"


def test_another_sites_entry_is_not_found(site, client):
    portal, jyj, wjj, reviewer = site
    other = make_entry(wjj, reviewer)
    signin(client, "shen")
    assert get(client, f"/sites/jyj/catalogue/{other.id}/").status_code == 404
    assert console_post(client, f"/sites/jyj/catalogue/{other.id}/delete").status_code == 404
    assert console_post(client, f"/sites/jyj/catalogue/{other.id}/transition", {"action": "withdraw"}).status_code == 404


def test_non_members_and_missing_csrf_are_refused(site, client, make_user):
    portal, jyj, wjj, reviewer = site
    make_user("zhao", roles={wjj.id: "editor"})
    signin(client, "zhao")
    assert get(client, "/sites/jyj/catalogue/").status_code == 404
    assert client.post("/sites/wjj/catalogue/new", data=form(), headers={"Host": CONSOLE}).status_code == 400
    assert get(client, "/sites/wjj/catalogue/settings").status_code == 403


def test_delete_asks_first_and_withdraws_from_the_portal(site, client):
    portal, jyj, wjj, reviewer = site
    entry = make_entry(jyj, reviewer)
    signin(client, "shen")
    assert "006939002/2024-00001" in get(client, f"/sites/jyj/catalogue/{entry.id}/delete").get_data(as_text=True)
    assert console_post(client, f"/sites/jyj/catalogue/{entry.id}/delete").status_code == 302
    assert copies()[entry.uid].withdrawn is True


def test_site_admin_sets_a_pattern_and_bad_ones_are_refused(site, client, make_user):
    portal, jyj, wjj, reviewer = site
    make_user("boss", roles={jyj.id: "site_admin"})
    signin(client, "boss")
    response = console_post(client, "/sites/jyj/catalogue/settings", {"index_pattern": "{org_code}-{seq}"})
    assert response.status_code == 400 and "{org_code}-{seq}" in response.get_data(as_text=True)
    assert console_post(client, "/sites/jyj/catalogue/settings", {"index_pattern": "JY/{year}/{seq:04d}"}).status_code == 302
    with cross_tenant():
        assert db.session.scalar(sa.select(CatalogueSettings.index_pattern).where(CatalogueSettings.tenant_id == jyj.id)) == "JY/{year}/{seq:04d}"


def test_platform_admin_maintains_the_categories(site, client, make_user):
    make_user("admin", platform_admin=True)
    signin(client, "admin")
    page = get(client, "/catalogue/categories").get_data(as_text=True)
    assert "综合政务" in page and "公告公示" in page
    assert console_post(client, "/catalogue/categories", {"kind": "genre", "code": "99", "name": "白皮书"}).status_code == 302
    assert db.session.scalar(sa.select(CatalogueTerm).where(CatalogueTerm.name == "白皮书")).active is True
    assert console_post(client, "/catalogue/categories", {"kind": "genre", "code": "98", "name": "白皮书"}).status_code == 400


def test_categories_are_for_platform_admins_only(site, client):
    signin(client, "shen")
    assert get(client, "/catalogue/categories").status_code == 403
