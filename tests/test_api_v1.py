"""The JSON API: reading, writing with site tokens, errors, isolation between sites, OpenAPI."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from tests.catalogue_support import copies, county, make_entry, term
from zhanqun.platform.api import tokens
from zhanqun.platform.catalogue.models import CatalogueEntry, TermKind
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import cross_tenant, tenant_context


@pytest.fixture
def site(app, make_site, make_user):
    db.session().expire_on_commit = False
    yield county(make_site, make_user)
    db.session().expire_on_commit = True


def token_for(site, scopes) -> str:
    with tenant_context(site.id):
        _, text = tokens.create_token("test", scopes)
        db.session.commit()
    return text


def call(client, method, path, host="jyj.localhost", token=None, **kwargs):
    headers = {"Host": host}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return client.open(path, method=method, headers=headers, **kwargs)


def entry_json(**fields):
    data = {"title": "API 写入的通知", "publisher": "示范县教育局", "topic_id": term(TermKind.TOPIC, "10").id,
            "genre_id": term(TermKind.GENRE, "02").id, "issued_on": "2024-05-06", "body": "<p>正文</p><img src=x onerror=alert(1)>",
            "shared": True}
    data.update(fields)
    return data


def test_read_the_catalogue_with_filters_and_pagination(site, client):
    portal, jyj, wjj, reviewer = site
    for i in range(3):
        make_entry(jyj, reviewer, title=f"条目{i}")
    make_entry(jyj, reviewer, title="草稿", publish=False)
    response = call(client, "GET", "/api/v1/catalogue?per_page=2")
    body = response.get_json()
    assert response.status_code == 200 and body["total"] == 3 and body["pages"] == 2 and len(body["items"]) == 2
    item = body["items"][0]
    assert item["index_number"].startswith("006939002/2024-") and item["topic"] == {"code": "10", "name": "科技、教育"}
    assert item["url"].endswith(f"/catalogue/{item['uid']}/")
    assert call(client, "GET", f"/api/v1/catalogue/{item['uid']}").get_json()["title"] == item["title"]
    assert call(client, "GET", "/api/v1/catalogue?genre=06").get_json()["total"] == 0
    assert "Set-Cookie" not in response.headers


def test_errors_have_one_shape(site, client):
    response = call(client, "GET", "/api/v1/catalogue?year=abc&per_page=1000")
    error = response.get_json()["error"]
    assert response.status_code == 422 and error["code"] == 422
    assert set(error["fields"]) == {"year", "per_page"}
    response = call(client, "GET", "/api/v1/catalogue/00000000-0000-0000-0000-000000000000")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == 404
    assert call(client, "GET", "/api/v1/nothing-here").get_json()["error"]["code"] == 404


def test_write_with_a_token_then_publish_reaches_the_portal(site, client):
    portal, jyj, wjj, reviewer = site
    writer = token_for(jyj, ["catalogue:write"])
    response = call(client, "POST", "/api/v1/catalogue", token=writer, json=entry_json())
    created = response.get_json()
    assert response.status_code == 201, created
    assert created["status"] == "draft" and created["index_number"] == "006939002/2024-00001"
    assert "onerror" not in created["body"]
    assert "Set-Cookie" not in response.headers
    uid = created["uid"]
    response = call(client, "PATCH", f"/api/v1/catalogue/{uid}", token=writer, json={"title": "改过"})
    assert response.status_code == 200 and response.get_json()["title"] == "改过"
    assert call(client, "POST", f"/api/v1/catalogue/{uid}/publish", token=writer).status_code == 403
    publisher = token_for(jyj, ["catalogue:write", "publish"])
    response = call(client, "POST", f"/api/v1/catalogue/{uid}/publish", token=publisher)
    assert response.status_code == 200 and response.get_json()["status"] == "published"
    assert copies()[uid].title == "改过"


def test_input_is_validated_and_unknown_fields_refused(site, client):
    portal, jyj, wjj, reviewer = site
    writer = token_for(jyj, ["catalogue:write"])
    response = call(client, "POST", "/api/v1/catalogue", token=writer,
                    json=entry_json(title="", issued_on="20240506", index_number="伪造", validity="maybe"))
    error = response.get_json()["error"]
    assert response.status_code == 422
    assert set(error["fields"]) == {"title", "issued_on", "index_number", "validity"}
    assert call(client, "POST", "/api/v1/catalogue", token=writer, data="not json",
                content_type="application/json").status_code == 422
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count(CatalogueEntry.id))) == 0


def test_tokens_are_checked(site, client):
    portal, jyj, wjj, reviewer = site
    assert call(client, "POST", "/api/v1/catalogue", json=entry_json()).status_code == 401
    assert call(client, "POST", "/api/v1/catalogue", token="zq_forged", json=entry_json()).status_code == 401
    articles_only = token_for(jyj, ["articles:write"])
    assert call(client, "POST", "/api/v1/catalogue", token=articles_only, json=entry_json()).status_code == 403
    writer = token_for(jyj, ["catalogue:write"])
    with tenant_context(jyj.id):
        tokens.revoke(tokens.list_tokens()[0])
        db.session.commit()
    assert call(client, "POST", "/api/v1/catalogue", token=writer, json=entry_json()).status_code == 401


def test_a_token_of_one_site_is_refused_on_every_other(site, client):
    portal, jyj, wjj, reviewer = site
    theirs = make_entry(wjj, reviewer, publish=False)
    jyj_token = token_for(jyj, ["catalogue:write", "publish"])
    for host in ("wjj.localhost", "localhost"):
        assert call(client, "POST", "/api/v1/catalogue", host=host, token=jyj_token, json=entry_json()).status_code == 401
    # Guessing the other site's ids on the token's own site finds nothing.
    assert call(client, "PATCH", f"/api/v1/catalogue/{theirs.uid}", token=jyj_token, json={"title": "x"}).status_code == 404
    assert call(client, "POST", f"/api/v1/catalogue/{theirs.uid}/publish", token=jyj_token).status_code == 404
    with cross_tenant():
        db.session.commit()
        assert db.session.scalar(sa.select(CatalogueEntry.title).where(CatalogueEntry.uid == theirs.uid)) == theirs.title


def test_no_api_on_the_console_host(site, client):
    response = call(client, "GET", "/api/v1/catalogue", host="console.localhost")
    assert response.status_code == 404


def test_portal_has_the_aggregated_catalogue(site, client):
    portal, jyj, wjj, reviewer = site
    make_entry(jyj, reviewer, title="教育")
    make_entry(wjj, reviewer, title="卫健")
    body = call(client, "GET", "/api/v1/portal/catalogue", host="localhost").get_json()
    assert {i["title"] for i in body["items"]} == {"教育", "卫健"}
    body = call(client, "GET", "/api/v1/portal/catalogue?department=4304230003", host="localhost").get_json()
    assert [i["department"]["name"] for i in body["items"]] == ["示范县卫生健康局"]
    assert call(client, "GET", "/api/v1/portal/catalogue").status_code == 404  # not on a sub-site


def test_columns_and_articles(site, client):
    from zhanqun.platform.columns.models import Column

    portal, jyj, wjj, reviewer = site
    with tenant_context(jyj.id):
        column = Column(name="通知公告", slug="tzgg")
        db.session.add(column)
        db.session.commit()
    assert [c["name"] for c in call(client, "GET", "/api/v1/columns").get_json()["items"]] == ["通知公告"]
    writer = token_for(jyj, ["articles:write", "publish"])
    response = call(client, "POST", "/api/v1/articles", token=writer,
                    json={"column_id": column.id, "title": "API 文章", "body": "<p>内容</p>"})
    assert response.status_code == 201, response.get_json()
    article_id = response.get_json()["id"]
    assert call(client, "GET", f"/api/v1/articles/{article_id}").status_code == 404  # a draft is not public
    assert call(client, "POST", f"/api/v1/articles/{article_id}/publish", token=writer).status_code == 200
    listing = call(client, "GET", f"/api/v1/articles?column={column.id}").get_json()
    assert [a["title"] for a in listing["items"]] == ["API 文章"]
    assert call(client, "POST", "/api/v1/articles", token=writer, json={"title": "x", "column_id": column.id,
                                                                        "evil": 1}).status_code == 422


def test_openapi_document_is_valid(site, client):
    response = call(client, "GET", "/api/v1/openapi.json")
    document = response.get_json()
    validate(document)
    assert "/catalogue/{uid}" in document["paths"] and "EntryOut" in document["components"]["schemas"]


def test_tokens_cli_create_list_revoke(site, runner):
    result = runner.invoke(args=["tokens", "create", "--site", "jyj", "--scope", "articles:write,catalogue:write"])
    assert result.exit_code == 0, result.output
    text = result.stdout.strip().splitlines()[0]
    assert text.startswith("zq_")
    with cross_tenant():
        from zhanqun.platform.api.models import ApiToken

        stored = db.session.scalar(sa.select(ApiToken))
        assert stored.token_hash != text and text not in stored.token_hash
        token_id = stored.id
    listing = runner.invoke(args=["tokens", "list", "--site", "jyj"]).output
    assert "articles:write,catalogue:write" in listing and text not in listing
    assert runner.invoke(args=["tokens", "create", "--site", "jyj", "--scope", "root"]).exit_code == 1
    assert runner.invoke(args=["tokens", "revoke", "--site", "wjj", str(token_id)]).exit_code == 1
    assert runner.invoke(args=["tokens", "revoke", "--site", "jyj", str(token_id)]).exit_code == 0
    assert tokens.find_active(text) is None


def test_site_admin_creates_and_revokes_tokens_in_the_console(site, client, make_user):
    from tests.conftest import CONSOLE, console_post, signin

    portal, jyj, wjj, reviewer = site
    make_user("boss", roles={jyj.id: "site_admin"})
    signin(client, "boss")
    response = console_post(client, "/sites/jyj/api-tokens", {"name": "发布系统", "scope": ["catalogue:write"]})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "zq_" in html
    assert console_post(client, "/sites/jyj/api-tokens", {"name": "", "scope": []}).status_code == 400
    with tenant_context(jyj.id):
        token = tokens.list_tokens()[0]
    assert console_post(client, f"/sites/jyj/api-tokens/{token.id}/revoke").status_code == 302
    with tenant_context(jyj.id):
        db.session.expire_all()
        assert tokens.list_tokens()[0].revoked_at is not None
    assert client.get("/sites/wjj/api-tokens", headers={"Host": CONSOLE}).status_code == 404


def test_patching_respects_the_review_state(site, client):
    from zhanqun.platform.columns.models import Column

    portal, jyj, wjj, reviewer = site
    published = make_entry(jyj, reviewer)
    writer = token_for(jyj, ["catalogue:write", "articles:write"])
    response = call(client, "PATCH", f"/api/v1/catalogue/{published.uid}", token=writer, json={"title": "偷改"})
    assert response.status_code == 403
    publisher = token_for(jyj, ["catalogue:write", "publish"])
    response = call(client, "PATCH", f"/api/v1/catalogue/{published.uid}", token=publisher,
                    json={"title": "修订", "index_number": "X"})
    assert response.status_code == 422 and "index_number" in response.get_json()["error"]["fields"]
    response = call(client, "PATCH", f"/api/v1/catalogue/{published.uid}", token=publisher, json={"validity": "expired"})
    assert response.status_code == 200 and response.get_json()["index_number"] == published.index_number
    assert copies()[published.uid].validity == "expired"
    with tenant_context(jyj.id):
        column = Column(name="工作动态", slug="gzdt")
        db.session.add(column)
        db.session.commit()
    created = call(client, "POST", "/api/v1/articles", token=writer, json={"column_id": column.id, "title": "初稿"}).get_json()
    response = call(client, "PATCH", f"/api/v1/articles/{created['id']}", token=writer, json={"summary": "摘要"})
    assert response.status_code == 200 and response.get_json()["title"] == "初稿" and response.get_json()["summary"] == "摘要"
