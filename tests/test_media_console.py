"""The media library in the console: upload, list, search, delete, the editor's JSON upload, access."""
from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from tests import media_samples as samples
from tests.conftest import CONSOLE, count_queries, csrf_token, signin
from zhanqun.platform.extensions import db
from zhanqun.platform.media import services
from zhanqun.platform.media.models import Media
from zhanqun.tenants.scoping import tenant_context

EN = {"Host": CONSOLE, "Accept-Language": "en"}


@pytest.fixture
def site(make_site):
    return make_site("jkxj", name="交通运输局")


@pytest.fixture
def editor(client, site, make_user):
    make_user("editor", roles={site.id: "editor"})
    signin(client, "editor")
    return client


def post_files(client, path: str, files: list[tuple[bytes, str]], token: str | None = None):
    """POST files to a console form the way a browser sends them.

    The body is encoded here, in memory: Werkzeug's test client would spool a large body to
    a temporary file it never closes.
    """
    fields = MultiDict([("csrf_token", token if token is not None else csrf_token(client, "/"))])
    for content, name in files:
        fields.add("files", samples.upload(content, name))
    boundary, body = encode_multipart(fields)
    return client.post(path, data=body, headers=EN, content_type=f"multipart/form-data; boundary={boundary}")


def media_rows(site) -> list[SimpleNamespace]:
    """What the database holds for ``site``'s files (plain copies, usable outside the tenant)."""
    with tenant_context(site.id):
        rows = db.session.scalars(sa.select(Media).order_by(Media.id))
        return [SimpleNamespace(**{c.key: getattr(m, c.key) for c in sa.inspect(Media).column_attrs}) for m in rows]


def text(response) -> str:
    return response.get_data(as_text=True)


def test_empty_library_invites_an_upload(editor, site):
    response = editor.get("/sites/jkxj/media", headers=EN)
    assert response.status_code == 200
    page = text(response)
    assert "No files yet." in page and 'enctype="multipart/form-data"' in page
    assert "At most 20 MB per file and 10 files at a time." in page


def test_menu_links_the_library(editor, site):
    assert 'href="/sites/jkxj/media"' in text(editor.get("/sites/jkxj/", headers=EN))


def test_editor_uploads_several_files_and_sees_them_listed(editor, site):
    response = post_files(editor, "/sites/jkxj/media", [(samples.image("PNG", size=(800, 600)), "县城全景.png"),
                                                        (samples.pdf(), "通知.pdf")])
    assert response.status_code == 302
    listing = editor.get("/sites/jkxj/media", headers=EN)
    page = text(listing)
    assert "Uploaded 2 files: 县城全景.png、通知.pdf" in page
    assert "县城全景.png" in page and "通知.pdf" in page and "PDF document" in page and "PNG image" in page
    rows = media_rows(site)
    assert [m.original_name for m in rows] == ["县城全景.png", "通知.pdf"]
    assert len({m.uploaded_by_id for m in rows}) == 1 and rows[0].uploaded_by_id is not None
    thumb = f'src="http://jkxj.localhost/media/{rows[0].id}/thumb/{rows[0].sha256}.thumb.png"'
    assert thumb in page
    assert "editor" in page  # the uploader


def test_refused_files_are_listed_with_their_reasons_next_to_the_accepted_ones(editor, site):
    response = post_files(editor, "/sites/jkxj/media", [
        (samples.pdf(), "ok.pdf"), (samples.HTML_PAGE, "photo.jpg"), (samples.image("PNG"), "report.pdf"),
        (samples.SVG_IMAGE, "logo.svg"), (b"", "empty.docx"),
    ])
    assert response.status_code == 400
    page = text(response)
    uploaded, refused = page.split("Not uploaded:")
    assert "ok.pdf" in uploaded
    assert "<strong>photo.jpg</strong>: SVG images and web pages (HTML) cannot be uploaded" in refused
    assert "<strong>report.pdf</strong>: The content of this file is of the type “PNG image”, but its name ends in .pdf" in refused
    assert "<strong>logo.svg</strong>: SVG images" in refused
    assert "<strong>empty.docx</strong>: The file is empty." in refused
    assert [m.original_name for m in media_rows(site)] == ["ok.pdf"]


def test_upload_without_a_file_says_so(editor, site):
    response = post_files(editor, "/sites/jkxj/media", [])
    assert response.status_code == 400
    assert "Choose one or more files to upload." in text(response)


def test_too_many_files_at_once_are_refused(editor, site):
    response = post_files(editor, "/sites/jkxj/media", [(samples.pdf(), f"{i}.pdf") for i in range(11)])
    assert response.status_code == 400 and "Upload at most 10 files at a time." in text(response)
    assert media_rows(site) == []


def test_oversize_file_gets_a_message_naming_the_limit(app, editor, site, monkeypatch):
    monkeypatch.setitem(app.config, "ZHANQUN_MAX_UPLOAD_MB", 1)
    response = post_files(editor, "/sites/jkxj/media", [(samples.pdf() + bytes(1024 * 1024), "big.pdf")])
    assert response.status_code == 400
    assert "The file is larger than the limit of 1 MB per file." in text(response)


def test_request_over_the_servers_limit_gets_a_friendly_413(app, editor, site, monkeypatch):
    token = csrf_token(editor, "/")
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 4096)
    response = post_files(editor, "/sites/jkxj/media", [(bytes(8192), "big.pdf")], token=token)
    assert response.status_code == 413
    assert "each file may have at most 20 MB" in text(response)
    assert "<html" in text(response)
    response = editor.post("/sites/jkxj/media/upload.json", data={"file": (io.BytesIO(bytes(8192)), "big.png")},
                           headers={**EN, "X-CSRFToken": token}, content_type="multipart/form-data")
    assert response.status_code == 413 and "each file may have at most 20 MB" in response.json["error"]["message"]


def test_upload_without_csrf_token_is_refused(editor, site):
    response = post_files(editor, "/sites/jkxj/media", [(samples.pdf(), "a.pdf")], token="")
    assert response.status_code == 400
    assert media_rows(site) == []


def test_search_kind_and_pagination(app, editor, site, monkeypatch):
    post_files(editor, "/sites/jkxj/media", [(samples.pdf(), "2026年工作报告.pdf"), (samples.image("PNG"), "photo.png"),
                                             (samples.zip_archive(), "100%_archive.zip")])
    editor.get("/sites/jkxj/media", headers=EN)  # shows (and so clears) the upload message
    page = text(editor.get("/sites/jkxj/media?q=工作", headers=EN))
    assert "2026年工作报告.pdf" in page and "photo.png" not in page
    page = text(editor.get("/sites/jkxj/media?q=%25", headers=EN))  # a literal %, not a wildcard
    assert "100%_archive.zip" in page and "photo.png" not in page
    page = text(editor.get("/sites/jkxj/media?kind=image", headers=EN))
    assert "photo.png" in page and "2026年工作报告.pdf" not in page
    assert "No files match your search." in text(editor.get("/sites/jkxj/media?q=nothing", headers=EN))
    assert editor.get("/sites/jkxj/media?kind=exe", headers=EN).status_code == 200

    monkeypatch.setattr("zhanqun.platform.media.views.PER_PAGE", 2)
    first, second = text(editor.get("/sites/jkxj/media", headers=EN)), text(editor.get("/sites/jkxj/media?page=2", headers=EN))
    assert "100%_archive.zip" in first and "photo.png" in first and "2026年工作报告.pdf" not in first
    assert "2026年工作报告.pdf" in second and "Page 2 of 2" in second


def test_listing_runs_a_bounded_number_of_queries(app, editor, site, make_user):
    post_files(editor, "/sites/jkxj/media", [(samples.image("PNG", color=(i, 0, 0)), f"{i}.png") for i in range(3)])
    with count_queries(app) as few:
        editor.get("/sites/jkxj/media", headers=EN)
    post_files(editor, "/sites/jkxj/media", [(samples.image("PNG", color=(i, 9, 9)), f"{i}b.png") for i in range(9)])
    with count_queries(app) as many:
        editor.get("/sites/jkxj/media", headers=EN)
    assert many() == few()


def test_detail_shows_address_and_saves_the_description(editor, site):
    post_files(editor, "/sites/jkxj/media", [(samples.image("JPEG", size=(640, 480)), "hall.jpg")])
    media = media_rows(site)[0]
    page = text(editor.get(f"/sites/jkxj/media/{media.id}", headers=EN))
    assert f"http://jkxj.localhost/media/{media.id}/{media.stored_name}" in page
    assert "640 × 480 pixels" in page and "Not used in any article or setting." in page

    token = csrf_token(editor, "/")
    too_long = editor.post(f"/sites/jkxj/media/{media.id}/alt", data={"alt_text": "长" * 300, "csrf_token": token}, headers=EN)
    assert too_long.status_code == 400 and "At most 255 characters." in text(too_long)
    assert "长" * 300 in text(too_long)  # what was typed is kept
    saved = editor.post(f"/sites/jkxj/media/{media.id}/alt", data={"alt_text": " 县政府大楼 ", "csrf_token": token}, headers=EN)
    assert saved.status_code == 302
    assert media_rows(site)[0].alt_text == "县政府大楼"


def test_delete_asks_then_deletes(editor, site):
    post_files(editor, "/sites/jkxj/media", [(samples.pdf(), "a.pdf")])
    media = media_rows(site)[0]
    with tenant_context(site.id):
        path = services.media_path(media)
    confirm = editor.get(f"/sites/jkxj/media/{media.id}/delete", headers=EN)
    assert confirm.status_code == 200 and "This cannot be undone." in text(confirm)
    assert media_rows(site) != []
    response = editor.post(f"/sites/jkxj/media/{media.id}/delete", data={"csrf_token": csrf_token(editor, "/")}, headers=EN)
    assert response.status_code == 302
    assert media_rows(site) == [] and not path.exists()


def test_delete_is_refused_while_in_use_saying_where(editor, site, monkeypatch):
    post_files(editor, "/sites/jkxj/media", [(samples.pdf(), "a.pdf")])
    media = media_rows(site)[0]
    monkeypatch.setattr(services, "REFERENCE_CHECKS", [lambda m: "Attachment of the article “2026年春运安排”"])
    response = editor.post(f"/sites/jkxj/media/{media.id}/delete", data={"csrf_token": csrf_token(editor, "/")}, headers=EN)
    assert response.status_code == 409
    assert "cannot be deleted while it is used" in text(response) and "2026年春运安排" in text(response)
    assert len(media_rows(site)) == 1


def test_editor_deletes_only_own_files_reviewer_any(client, site, make_user):
    make_user("editor", roles={site.id: "editor"})
    make_user("other", roles={site.id: "editor"})
    make_user("reviewer", roles={site.id: "reviewer"})
    signin(client, "other")
    post_files(client, "/sites/jkxj/media", [(samples.pdf(), "theirs.pdf")])
    media = media_rows(site)[0]
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")}, headers={"Host": CONSOLE})

    signin(client, "editor")
    assert "Delete this file" not in text(client.get(f"/sites/jkxj/media/{media.id}", headers=EN))
    response = client.post(f"/sites/jkxj/media/{media.id}/delete", data={"csrf_token": csrf_token(client, "/")}, headers=EN)
    assert response.status_code == 403 and len(media_rows(site)) == 1
    client.post("/signout", data={"csrf_token": csrf_token(client, "/")}, headers={"Host": CONSOLE})

    signin(client, "reviewer")
    response = client.post(f"/sites/jkxj/media/{media.id}/delete", data={"csrf_token": csrf_token(client, "/")}, headers=EN)
    assert response.status_code == 302 and media_rows(site) == []


def test_json_upload_for_the_editor(editor, site):
    token = csrf_token(editor, "/")
    response = editor.post("/sites/jkxj/media/upload.json?kind=image", headers={**EN, "X-CSRFToken": token},
                           data={"file": (io.BytesIO(samples.image("JPEG")), "图.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 200
    media = media_rows(site)[0]
    assert response.json["location"] == f"/media/{media.id}/{media.stored_name}"
    assert response.json["id"] == media.id and response.json["url"] == f"http://jkxj.localhost{response.json['location']}"
    assert response.json["thumbnail"] == f"/media/{media.id}/thumb/{media.sha256}.thumb.jpg"

    refused = editor.post("/sites/jkxj/media/upload.json?kind=image", headers={**EN, "X-CSRFToken": token},
                          data={"file": (io.BytesIO(samples.pdf()), "a.pdf")}, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert refused.json["error"]["message"] == "Choose an image: JPG, PNG, GIF or WebP."
    spoofed = editor.post("/sites/jkxj/media/upload.json", headers={**EN, "X-CSRFToken": token},
                          data={"file": (io.BytesIO(samples.HTML_PAGE), "x.jpg")}, content_type="multipart/form-data")
    assert spoofed.status_code == 400 and "SVG images and web pages" in spoofed.json["error"]["message"]
    assert len(media_rows(site)) == 1


def test_json_upload_needs_the_csrf_header(editor, site):
    response = editor.post("/sites/jkxj/media/upload.json", headers=EN,
                           data={"file": (io.BytesIO(samples.image("PNG")), "a.png")}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert response.json["error"]["message"] == "Your session has expired. Reload the page and try again."
    assert media_rows(site) == []


def test_public_cannot_reach_the_console_pages(client, site):
    response = client.get("/sites/jkxj/media", headers=EN)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]
    response = client.post("/sites/jkxj/media/upload.json", headers=EN)
    assert response.status_code in (302, 400)
    assert media_rows(site) == []


def test_console_pages_are_not_on_site_hosts(client, site):
    assert client.get("/sites/jkxj/media", headers={"Host": "jkxj.localhost"}).status_code == 404


def test_non_members_get_404_even_for_existing_ids(app, client, site, make_site, make_user):
    other = make_site("other")
    with app.test_request_context("/"), tenant_context(site.id):
        media_id = services.store_upload(samples.upload(samples.pdf(), "secret.pdf")).id
        db.session.commit()
    make_user("outsider", roles={other.id: "site_admin"})
    signin(client, "outsider")
    assert client.get("/sites/jkxj/media", headers=EN).status_code == 404
    token = csrf_token(client, "/")
    response = client.post("/sites/jkxj/media/upload.json", headers={**EN, "X-CSRFToken": token},
                           data={"file": (io.BytesIO(samples.pdf()), "a.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 404 and response.json["error"]["code"] == 404
    # their own site's pages do not show site jkxj's file by id
    assert client.get(f"/sites/other/media/{media_id}", headers=EN).status_code == 404
    response = client.post(f"/sites/other/media/{media_id}/delete", data={"csrf_token": token}, headers=EN)
    assert response.status_code == 404
    assert len(media_rows(site)) == 1

