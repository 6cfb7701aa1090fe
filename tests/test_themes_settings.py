"""The console's theme page: who may use it, validation, saving, previews."""
from __future__ import annotations

import io
import re

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.conftest import CONSOLE, console_post, signin
from tests.media_samples import image
from zhanqun.platform.audit.models import AuditEvent
from zhanqun.tenants.models import Tenant
from zhanqun.themes.rendering import preview_token


@pytest.fixture
def sites(make_site, make_user):
    jkxj = make_site("jkxj", theme="department")
    jyj = make_site("jyj", theme="department")
    make_user("admin-jkxj", roles={jkxj.id: "site_admin"})
    make_user("editor-jkxj", roles={jkxj.id: "editor"})
    make_user("admin-jyj", roles={jyj.id: "site_admin"})
    return jkxj, jyj


def tenant(db, slug) -> Tenant:
    db.session.expire_all()
    return db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))


def home(client, host="jkxj.localhost", query=""):
    response = client.get("/" + query, headers={"Host": host})
    assert response.status_code == 200
    return response


def as_user(app, username):
    client = app.test_client()
    signin(client, username)
    return client


def test_only_site_admins_of_the_site_reach_the_page(app, client, sites, db):
    assert client.get("/sites/jkxj/theme", headers={"Host": CONSOLE}).status_code == 302  # to sign-in
    editor = as_user(app, "editor-jkxj")
    assert editor.get("/sites/jkxj/theme", headers={"Host": CONSOLE}).status_code == 403
    assert console_post(editor, "/sites/jkxj/theme", {"theme": "portal", "action": "apply"}).status_code == 403
    other = as_user(app, "admin-jyj")
    assert other.get("/sites/jkxj/theme", headers={"Host": CONSOLE}).status_code == 404
    assert console_post(other, "/sites/jkxj/theme", {"theme": "portal", "action": "apply"}).status_code == 404
    assert tenant(db, "jkxj").theme == "department"
    signin(client, "admin-jkxj")
    page = client.get("/sites/jkxj/theme", headers={"Host": CONSOLE})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'type="color"' in text and "portal" in text and "accessible" in text


def test_menu_shows_the_theme_page_to_site_admins_only(app, sites):
    admin, editor = as_user(app, "admin-jkxj"), as_user(app, "editor-jkxj")
    assert "/sites/jkxj/theme" in admin.get("/sites/jkxj/", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert "/sites/jkxj/theme" not in editor.get("/sites/jkxj/", headers={"Host": CONSOLE}).get_data(as_text=True)


def test_saving_without_a_csrf_token_is_refused(client, sites, db):
    signin(client, "admin-jkxj")
    response = client.post("/sites/jkxj/theme", data={"theme": "portal", "action": "apply"}, headers={"Host": CONSOLE})
    assert response.status_code == 400
    assert tenant(db, "jkxj").theme == "department"


def test_switching_theme_and_colour_changes_only_that_site_at_once(client, sites, db):
    before_other = home(client, "jyj.localhost").get_data(as_text=True)
    signin(client, "admin-jkxj")
    response = console_post(client, "/sites/jkxj/theme", {
        "theme": "portal", "action": "apply", "primary_colour": "#8B0000", "home_layout": "one-column",
        "show_departments": "1", "tagline": "经信为民",
    })
    assert response.status_code == 302
    stored = tenant(db, "jkxj")
    assert stored.theme == "portal"
    assert stored.theme_settings["portal"]["primary_colour"] == "#8b0000"
    text = home(client).get_data(as_text=True)
    assert "/_themes/portal/" in text and "--primary:#8b0000" in text and "经信为民" in text
    assert "layout-one-column" in text
    assert home(client, "jyj.localhost").get_data(as_text=True) == before_other
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "theme.settings"))
    assert event.tenant_id == stored.id and event.detail["switched"] is True


def test_save_without_switching_keeps_the_theme_in_use(client, sites, db):
    signin(client, "admin-jkxj")
    console_post(client, "/sites/jkxj/theme", {"theme": "portal", "action": "save", "primary_colour": "#8b0000",
                                               "home_layout": "two-columns"})
    stored = tenant(db, "jkxj")
    assert stored.theme == "department"
    assert stored.theme_settings["portal"]["primary_colour"] == "#8b0000"
    assert "/_themes/department/" in home(client).get_data(as_text=True)


@pytest.mark.parametrize("field,value,message", [
    ("primary_colour", "red", "six hexadecimal digits"),
    ("primary_colour", "#ffff66", "contrast"),
    ("primary_colour", "#b5121b;}body{display:none", "six hexadecimal digits"),
    ("home_layout", "three-columns", "Choose one of the listed values"),
    ("tagline", "长" * 61, "at most 60 characters"),
])
def test_invalid_values_are_refused_with_the_input_kept(client, sites, db, field, value, message):
    signin(client, "admin-jkxj")
    data = {"theme": "portal", "action": "apply", "primary_colour": "#b5121b", "home_layout": "two-columns", field: value}
    response = console_post(client, "/sites/jkxj/theme", data)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert message in text
    assert f'id="{field}-error"' in text
    if field == "tagline" or value == "red":
        assert value in text  # what the user typed is shown again
    assert tenant(db, "jkxj").theme == "department"
    assert tenant(db, "jkxj").theme_settings == {}


def test_an_unknown_or_base_theme_cannot_be_chosen(client, sites, db):
    signin(client, "admin-jkxj")
    assert console_post(client, "/sites/jkxj/theme", {"theme": "no-such", "action": "apply"}).status_code == 404
    assert console_post(client, "/sites/jkxj/theme", {"theme": "base", "action": "apply"}).status_code == 404
    assert client.get("/sites/jkxj/theme?theme=../etc", headers={"Host": CONSOLE}).status_code == 404


def test_logo_upload_goes_to_the_media_library_and_shows_on_the_site(client, sites, db):
    signin(client, "admin-jkxj")
    response = console_post(client, "/sites/jkxj/theme", {
        "theme": "department", "action": "apply", "primary_colour": "#1f5f9e",
        "logo": (io.BytesIO(image("PNG")), "logo.png"),
    }, content_type="multipart/form-data")
    assert response.status_code == 302
    logo = tenant(db, "jkxj").theme_settings["department"]["logo"]
    assert re.fullmatch(r"/media/\d+/[0-9a-f]+\.png", logo)
    assert f'<img class="logo" src="{logo}"' in home(client).get_data(as_text=True)
    served = client.get(logo, headers={"Host": "jkxj.localhost"})
    assert served.status_code == 200 and served.mimetype == "image/png"
    served.close()
    assert logo not in home(client, "jyj.localhost").get_data(as_text=True)
    # Removing it
    console_post(client, "/sites/jkxj/theme", {"theme": "department", "action": "apply", "primary_colour": "#1f5f9e",
                                               "logo__remove": "1"})
    assert tenant(db, "jkxj").theme_settings["department"]["logo"] is None


@pytest.mark.parametrize("payload,filename", [
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "logo.svg"),
    (b"<html><script>alert(1)</script></html>", "logo.png"),
    (b"MZ\x90\x00 not an image", "logo.gif"),
])
def test_non_images_are_refused_and_nothing_is_saved(client, sites, db, payload, filename):
    signin(client, "admin-jkxj")
    response = console_post(client, "/sites/jkxj/theme", {
        "theme": "department", "action": "apply", "primary_colour": "#1f5f9e", "banner": (io.BytesIO(payload), filename),
    }, content_type="multipart/form-data")
    assert response.status_code == 400
    assert 'id="banner-error"' in response.get_data(as_text=True)
    assert tenant(db, "jkxj").theme_settings == {}
    from zhanqun.platform.media.models import Media
    from zhanqun.tenants.scoping import cross_tenant

    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Media)) == 0


def test_a_theme_logo_in_use_cannot_be_deleted_from_the_media_library(client, sites, db):
    from zhanqun.platform.media.models import Media
    from zhanqun.platform.media.services import media_uses
    from zhanqun.tenants.scoping import tenant_context

    signin(client, "admin-jkxj")
    console_post(client, "/sites/jkxj/theme", {"theme": "department", "action": "apply", "primary_colour": "#1f5f9e",
                                               "logo": (io.BytesIO(image("PNG")), "logo.png")}, content_type="multipart/form-data")
    with tenant_context(sites[0].id):
        media = db.session.scalar(sa.select(Media))
        assert any("logo" in use for use in media_uses(media))


def test_preview_link_shows_the_theme_only_with_a_valid_token_for_that_site(client, sites, app):
    jkxj, _jyj = sites
    signin(client, "admin-jkxj")
    page = client.get("/sites/jkxj/theme", headers={"Host": CONSOLE}).get_data(as_text=True)
    link = re.search(r'href="http://jkxj\.localhost(/\?preview_theme=portal&amp;preview_token=[^"]+)"', page).group(1)
    preview = home(client, query=link.replace("&amp;", "&")[1:])
    text = preview.get_data(as_text=True)
    assert "/_themes/portal/" in text and "preview-bar" in text
    assert preview.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in preview.headers
    token = preview_token(jkxj.id, "portal")
    # The same token on another site, for another theme, forged or expired: the site's own theme.
    for host, query in [
        ("jyj.localhost", f"?preview_theme=portal&preview_token={token}"),
        ("jkxj.localhost", f"?preview_theme=accessible&preview_token={token}"),
        ("jkxj.localhost", "?preview_theme=portal&preview_token=forged"),
        ("jkxj.localhost", "?preview_theme=portal&preview_token=" + _expired_token(app, jkxj.id, "portal")),
    ]:
        text = home(client, host, query).get_data(as_text=True)
        assert "/_themes/department/" in text and "preview-bar" not in text, (host, query, re.findall(r"/_themes/[a-z]+/", text)[:1])


def _expired_token(app, site_id, theme) -> str:
    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self):
            return super().get_timestamp() - 7200

    serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="zhanqun.theme-preview", signer=TwoHoursAgo)
    return serializer.dumps({"site": site_id, "theme": theme})


def test_preview_links_keep_the_preview_on_the_next_page(client, sites):
    jkxj, _ = sites
    token = preview_token(jkxj.id, "portal")
    text = home(client, query=f"?preview_theme=portal&preview_token={token}").get_data(as_text=True)
    assert f'href="/?preview_theme=portal&amp;preview_token={token}"' in text
