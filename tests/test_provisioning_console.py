"""The provisioning console: opening, editing, suspending, archiving and deleting sites."""
import sqlalchemy as sa

from tests.conftest import CONSOLE, console_post, signin
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.accounts.passwords import verify_password
from zhanqun.platform.columns.models import Column
from zhanqun.tenants.models import Tenant, TenantStatus
from zhanqun.tenants.scoping import cross_tenant, tenant_context


def _admin(client, make_user):
    make_user("root", platform_admin=True)
    signin(client, "root")


def _new_site_form(**overrides):
    data = {
        "name": "衡山县教育局", "slug": "jyj", "kind": "department", "theme": "department", "default_locale": "zh_Hans_CN",
        "site_code": "4304230013", "sponsor": "衡山县教育局", "contact": "0734-5822716",
        "icp_number": "湘ICP备05001234号-3", "police_number": "湘公网安备 43042302000113号",
        "column_template": "department-standard",
        "webmasters.0.username": "jyj-admin", "webmasters.0.role": "site_admin",
        "webmasters.1.username": "existing", "webmasters.1.role": "editor",
    }
    data.update(overrides)
    return data


def test_only_platform_admins_reach_provisioning(client, make_site, make_user):
    site = make_site("jkxj")
    make_user("webmaster", roles={site.id: "site_admin"})
    signin(client, "webmaster")
    assert client.get("/tenants", headers={"Host": CONSOLE}).status_code == 403
    assert client.get("/tenants/new", headers={"Host": CONSOLE}).status_code == 403
    response = console_post(client, "/tenants/jkxj/suspend")
    assert response.status_code == 403
    assert client.get("/tenants", headers={"Host": "jkxj.localhost"}).status_code == 404


def test_create_site_with_columns_and_webmasters_shows_password_once(app, db, client, make_user):
    existing = make_user("existing")
    _admin(client, make_user)
    response = console_post(client, "/tenants/new", _new_site_form())
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "衡山县教育局" in text and "jyj-admin" in text
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jyj"))
    assert tenant.site_code == "4304230013"
    with cross_tenant():
        names = set(db.session.scalars(sa.select(Column.slug).where(Column.tenant_id == tenant.id)))
    assert {"news", "notices", "about"} <= names
    new_user = db.session.scalar(sa.select(User).where(User.username == "jyj-admin"))
    roles = dict(db.session.execute(sa.select(Membership.user_id, Membership.role).where(Membership.tenant_id == tenant.id)).all())
    assert roles == {new_user.id: Role.SITE_ADMIN, existing.id: Role.EDITOR}
    # The generated password is on the page, and it is the one that signs in.
    shown = next(line for line in text.splitlines() if "<code>" in line and "jyj-admin" in line)
    password = shown.split("<code>")[1].split("</code>")[0]
    assert verify_password(new_user.password_hash, password)
    # The new site answers on its subdomain.
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 200


def test_invalid_form_keeps_input_with_field_messages(db, client, make_user, make_site):
    make_site("jyj")
    _admin(client, make_user)
    response = console_post(client, "/tenants/new", _new_site_form(
        name="新的站点", slug="jyj", **{"webmasters.0.username": "x!", "column_template": "nonsense"}))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert 'value="新的站点"' in text and 'value="x!"' in text
    assert 'id="slug-error"' in text, text
    assert 'id="webmasters.0.username-error"' in text
    assert 'id="column_template-error"' in text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tenant)) == 1
    assert db.session.scalar(sa.select(User).where(User.username == "existing")) is None


def test_missing_csrf_is_refused(db, client, make_user):
    _admin(client, make_user)
    response = client.post("/tenants/new", data=_new_site_form(), headers={"Host": CONSOLE})
    assert response.status_code == 400
    assert db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jyj")) is None


def test_edit_keeps_slug_and_reports_errors(db, client, make_user, make_site):
    make_site("jyj")
    _admin(client, make_user)
    assert "jyj 测试站点" in client.get("/tenants/jyj/edit", headers={"Host": CONSOLE}).get_data(as_text=True)
    response = console_post(client, "/tenants/jyj/edit", {"name": "", "slug": "other", "theme": "department",
                                                          "default_locale": "zh_Hans_CN", "domains": "not a domain"})
    assert response.status_code == 400
    assert 'id="name-error"' in response.get_data(as_text=True)
    response = console_post(client, "/tenants/jyj/edit", {"name": "衡山县教育局", "slug": "other", "theme": "department",
                                                          "default_locale": "zh_Hans_CN", "domains": "www.hsjyj.gov.cn",
                                                          "sponsor": "衡山县教育局"})
    assert response.status_code == 302
    db.session.expire_all()
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jyj"))
    assert tenant.name == "衡山县教育局" and [d.hostname for d in tenant.domains] == ["www.hsjyj.gov.cn"]


def test_suspend_resume_archive_restore(db, client, make_user, make_site):
    make_site("jyj")
    _admin(client, make_user)
    assert "503" in client.get("/tenants/jyj/suspend", headers={"Host": CONSOLE}).get_data(as_text=True)
    console_post(client, "/tenants/jyj/suspend")
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 503
    console_post(client, "/tenants/jyj/resume")
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 200
    console_post(client, "/tenants/jyj/archive")
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 410
    response = console_post(client, "/tenants/jyj/suspend", follow_redirects=True)
    assert 'class="flash flash-error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(Tenant.status).where(Tenant.slug == "jyj")) == TenantStatus.ARCHIVED
    console_post(client, "/tenants/jyj/restore")
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 200


def test_delete_needs_archive_export_and_typed_slug(db, client, make_user, make_site):
    site = make_site("jyj")
    with tenant_context(site.id):
        db.session.add(Column(name="工作动态", slug="news"))
        db.session.commit()
    _admin(client, make_user)
    assert console_post(client, "/tenants/jyj/delete", {"confirm_slug": "jyj"}).status_code == 400
    console_post(client, "/tenants/jyj/archive")
    response = console_post(client, "/tenants/jyj/delete", {"confirm_slug": "jyj"})
    assert response.status_code == 400  # not exported yet
    export = console_post(client, "/tenants/jyj/export")
    assert export.status_code == 200 and export.mimetype == "application/zip" and export.data[:2] == b"PK"
    export.close()
    response = console_post(client, "/tenants/jyj/delete", {"confirm_slug": "wrong"})
    assert response.status_code == 400 and 'value="wrong"' in response.get_data(as_text=True)
    assert console_post(client, "/tenants/jyj/delete", {"confirm_slug": "jyj"}).status_code == 303
    db.session.expire_all()
    assert db.session.scalar(sa.select(Tenant).where(Tenant.slug == "jyj")) is None
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Column)) == 0
    assert client.get("/", headers={"Host": "jyj.localhost"}).status_code == 404


def test_index_lists_sites_and_filters_by_status(db, client, make_user, make_site):
    make_site("jyj", name="教育局站点")
    make_site("czj", name="财政局站点")
    _admin(client, make_user)
    console_post(client, "/tenants/czj/suspend")
    text = client.get("/tenants?status=suspended", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert "<code>czj</code>" in text and "<code>jyj</code>" not in text
    assert TenantStatus.SUSPENDED == db.session.scalar(sa.select(Tenant.status).where(Tenant.slug == "czj"))
