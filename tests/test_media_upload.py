"""What the media library accepts and refuses, checked through ``store_upload`` itself."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError
from PIL import Image

from tests import media_samples as samples
from zhanqun.platform.extensions import db
from zhanqun.platform.media import services
from zhanqun.platform.media.models import Media, MediaKind
from zhanqun.tenants.scoping import tenant_context


@pytest.fixture
def site(app, make_site):
    """A site, current for the test, with English messages."""
    tenant = make_site("jkxj")
    with app.test_request_context("/", headers={"Accept-Language": "en"}), tenant_context(tenant.id):
        yield tenant


def refusal(data: bytes, filename: str, **kwargs) -> str:
    """The message a refused upload answers (and that nothing was stored)."""
    with pytest.raises(ValidationError) as caught:
        services.store_upload(samples.upload(data, filename), **kwargs)
    assert set(caught.value.messages) == {"file"}
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0
    return caught.value.messages["file"][0]


@pytest.mark.parametrize(
    "filename, data, content_type, kind",
    [
        ("照片.jpg", samples.image("JPEG"), "image/jpeg", MediaKind.IMAGE),
        ("photo.JPEG", samples.image("JPEG"), "image/jpeg", MediaKind.IMAGE),
        ("logo.png", samples.image("PNG"), "image/png", MediaKind.IMAGE),
        ("anim.gif", samples.image("GIF"), "image/gif", MediaKind.IMAGE),
        ("pic.webp", samples.image("WEBP"), "image/webp", MediaKind.IMAGE),
        ("通知.pdf", samples.pdf(), "application/pdf", MediaKind.DOCUMENT),
        ("report.docx", samples.ooxml("docx"),
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document", MediaKind.DOCUMENT),
        ("table.xlsx", samples.ooxml("xlsx"),
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", MediaKind.DOCUMENT),
        ("slides.pptx", samples.ooxml("pptx"),
         "application/vnd.openxmlformats-officedocument.presentationml.presentation", MediaKind.DOCUMENT),
        ("old.doc", samples.ole2("WordDocument"), "application/msword", MediaKind.DOCUMENT),
        ("old.xls", samples.ole2("Workbook"), "application/vnd.ms-excel", MediaKind.DOCUMENT),
        ("old.ppt", samples.ole2("PowerPoint Document"), "application/vnd.ms-powerpoint", MediaKind.DOCUMENT),
        ("files.zip", samples.zip_archive(), "application/zip", MediaKind.ARCHIVE),
    ],
)
def test_allowed_files_are_stored_with_the_type_read_from_their_content(app, db, site, make_user, filename, data,
                                                                      content_type, kind):
    user = make_user("wang", roles={site.id: "editor"})
    media = services.store_upload(samples.upload(data, filename), by=user)
    db.session.commit()

    stored = db.session.get(Media, media.id)
    assert (stored.original_name, stored.content_type, stored.kind, stored.size) == (filename, content_type, kind, len(data))
    assert stored.uploaded_by_id == user.id and stored.tenant_id == site.id
    path = Path(app.instance_path) / "media" / str(site.id) / stored.sha256[:2] / stored.stored_name
    assert path.read_bytes() == data
    assert stored.stored_name == f"{stored.sha256}.{path.suffix[1:]}" and path.suffix in (".jpg", "." + filename.rsplit(".", 1)[1].lower())
    assert services.media_url(stored) == f"/media/{stored.id}/{stored.stored_name}"


def test_image_gets_a_metadata_free_thumbnail_and_its_size(db, site):
    uploaded = samples.jpeg_with_exif(size=(1200, 900))
    media = services.store_upload(samples.upload(uploaded, "camera.jpg"), alt_text=" 县政府大楼 ")
    db.session.commit()
    assert (media.width, media.height, media.has_thumbnail, media.alt_text) == (1200, 900, True, "县政府大楼")
    stored = services.media_path(media).read_bytes()
    # The camera and GPS position are gone; the picture itself is the same, not re-encoded.
    assert b"SecretCamera" not in stored and b"Exif" not in stored
    assert media.size == len(stored) < len(uploaded) and media.sha256 in services.media_path(media).name
    with Image.open(services.media_path(media)) as original, Image.open(io.BytesIO(uploaded)) as before:
        assert dict(original.getexif()) == {}
        assert original.tobytes() == before.tobytes()
    with Image.open(services.media_path(media, thumbnail=True)) as thumb:
        assert thumb.format == "JPEG" and max(thumb.size) == 480
        assert dict(thumb.getexif()) == {}
    assert services.media_url(media, thumbnail=True) == f"/media/{media.id}/thumb/{media.sha256}.thumb.jpg"


def test_rotated_photo_is_measured_and_thumbnailed_as_shown(db, site):
    exif = Image.Exif()
    exif[0x0112] = 6  # taken with the phone held upright: shown turned a quarter
    exif[0x010F] = "SecretCamera"
    media = services.store_upload(samples.upload(samples.image("JPEG", size=(1200, 900), exif=exif), "upright.jpg"))
    assert (media.width, media.height) == (900, 1200)
    with Image.open(services.media_path(media)) as original:
        assert dict(original.getexif()) == {0x0112: 6}  # the orientation stays, the camera goes
    with Image.open(services.media_path(media, thumbnail=True)) as thumb:
        assert thumb.size == (360, 480)


def test_too_long_description_is_refused_not_cut(db, site):
    with pytest.raises(ValidationError) as caught:
        services.store_upload(samples.upload(samples.image("PNG"), "a.png"), alt_text="长" * 256)
    assert caught.value.messages == {"alt_text": ["At most 255 characters."]}
    media = services.store_upload(samples.upload(samples.image("PNG"), "a.png"), alt_text="长" * 255)
    assert media.alt_text == "长" * 255


def finalised(tmp_path, **settings) -> dict:
    from zhanqun.platform import config

    values = {"ZHANQUN_ENV": "development", "ZHANQUN_DOMAIN": "localhost", "SECRET_KEY": "x" * 40,
              "MAX_CONTENT_LENGTH": None, **settings}
    config.finalise(values, str(tmp_path))
    return values


@pytest.mark.parametrize("value", ["0", "abc", "5000", None])
def test_upload_limit_setting_is_checked_at_start(tmp_path, value):
    from zhanqun.platform.config import ConfigError

    with pytest.raises(ConfigError, match="ZHANQUN_MAX_UPLOAD_MB must be a whole number of megabytes"):
        finalised(tmp_path, ZHANQUN_MAX_UPLOAD_MB=value)


def test_request_limit_leaves_room_for_a_full_form(tmp_path):
    values = finalised(tmp_path, ZHANQUN_MAX_UPLOAD_MB="5")
    assert values["ZHANQUN_MAX_UPLOAD_MB"] == 5
    assert values["MAX_CONTENT_LENGTH"] == (5 * 10 + 1) * 1024 * 1024
    assert finalised(tmp_path, ZHANQUN_MAX_UPLOAD_MB="5", MAX_CONTENT_LENGTH=1024)["MAX_CONTENT_LENGTH"] == 1024


def test_gif_thumbnail_is_a_png_and_documents_have_none(db, site):
    gif = services.store_upload(samples.upload(samples.image("GIF"), "a.gif"))
    pdf = services.store_upload(samples.upload(samples.pdf(), "a.pdf"))
    assert gif.has_thumbnail and services.media_path(gif, thumbnail=True).suffix == ".png"
    assert services.thumbnail_content_type(gif) == "image/png"
    assert not pdf.has_thumbnail and services.media_url(pdf, thumbnail=True) == services.media_url(pdf)


def test_same_content_twice_is_one_file(db, site):
    first = services.store_upload(samples.upload(samples.pdf(), "a.pdf"))
    db.session.commit()
    second = services.store_upload(samples.upload(samples.pdf(), "copy of a.pdf"))
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 1


def test_same_content_on_two_sites_is_two_files(app, db, make_site):
    found = []
    with app.test_request_context("/"):
        for tenant in (make_site("one"), make_site("two")):
            with tenant_context(tenant.id):
                media = services.store_upload(samples.upload(samples.pdf(), "a.pdf"))
                db.session.commit()
                found.append((media.id, services.media_path(media)))
    (id_a, path_a), (id_b, path_b) = found
    assert id_a != id_b and path_a != path_b
    assert path_a.read_bytes() == path_b.read_bytes() == samples.pdf()


@pytest.mark.parametrize("data, filename, expected", [
    (samples.WINDOWS_EXE, "setup.exe", "Files of type .exe cannot be uploaded"),
    (samples.image("PNG"), "noextension", "has no extension"),
    (samples.image("BMP"), "picture.bmp", "Files of type .bmp cannot be uploaded"),
    (samples.SVG_IMAGE, "logo.svg", "SVG images and web pages (HTML) cannot be uploaded"),
    (samples.HTML_PAGE, "page.html", "SVG images and web pages (HTML) cannot be uploaded"),
])
def test_types_outside_the_allow_list_are_refused_by_extension(site, data, filename, expected):
    assert expected in refusal(data, filename)


@pytest.mark.parametrize("data, filename, expected", [
    (samples.HTML_PAGE, "photo.jpg", "SVG images and web pages (HTML) cannot be uploaded"),
    (samples.SVG_IMAGE, "logo.png", "SVG images and web pages (HTML) cannot be uploaded"),
    (b"\xef\xbb\xbf  \n" + samples.HTML_PAGE, "notice.pdf", "SVG images and web pages (HTML) cannot be uploaded"),
    (samples.WINDOWS_EXE, "tools.zip", "not one of the allowed types"),
    (b"just some text, not a document", "letter.docx", "not one of the allowed types"),
    (samples.image("BMP"), "picture.png", "not one of the allowed types"),
])
def test_content_that_is_not_allowed_is_refused_whatever_its_name(site, data, filename, expected):
    assert expected in refusal(data, filename)


@pytest.mark.parametrize("data, filename, expected", [
    (samples.image("PNG"), "report.pdf", "The content of this file is of the type “PNG image”, but its name ends in .pdf. Rename it to .png"),
    (samples.pdf(), "photo.jpg", "The content of this file is of the type “PDF document”, but its name ends in .jpg"),
    (samples.zip_archive(), "report.docx", "The content of this file is of the type “ZIP archive”, but its name ends in .docx"),
    (samples.ooxml("xlsx"), "report.docx", "The content of this file is of the type “Excel spreadsheet”, but its name ends in .docx"),
    (samples.ole2("WordDocument"), "sheet.xls", "The content of this file is of the type “Word document”, but its name ends in .xls"),
    (samples.ooxml("docx"), "bundle.zip", "The content of this file is of the type “Word document”, but its name ends in .zip"),
])
def test_extension_must_agree_with_content(site, data, filename, expected):
    assert expected in refusal(data, filename)


@pytest.mark.parametrize("data, filename", [
    (samples.image("GIF", comment=b"<script>alert(1)</script>"), "anim.gif"),
    (samples.image("JPEG", comment=b"<html><body onload=alert(1)>"), "photo.jpg"),
    (samples.image("PNG") + samples.zip_archive({"evil.html": "<script>alert(1)</script>"}), "gifar.png"),
    (samples.pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n<html><script>alert(1)</script>\n"), "doc.pdf"),
])
def test_polyglots_are_refused(site, data, filename):
    assert "has other content hidden inside it" in refusal(data, filename)


def test_empty_file_is_refused(site):
    assert refusal(b"", "empty.pdf") == "The file is empty."


def test_no_file_is_refused(site):
    assert refusal(b"", "") == "Choose a file to upload."


def test_file_over_the_limit_is_refused_naming_the_limit(app, site, monkeypatch):
    monkeypatch.setitem(app.config, "ZHANQUN_MAX_UPLOAD_MB", 1)
    data = samples.pdf() + b"0" * (1024 * 1024)
    assert refusal(data, "big.pdf") == "The file is larger than the limit of 1 MB per file."
    assert not any((Path(app.instance_path) / "media" / "tmp").iterdir())  # nothing left behind


@pytest.mark.parametrize("width, height", [(30000, 30000), (10000, 10000)])
def test_decompression_bomb_is_refused(site, width, height):
    message = refusal(samples.png_bomb(width, height), "bomb.png")
    assert message.startswith("The image has too many pixels to be processed safely (at most 89 million).")


def test_damaged_image_is_refused(site):
    data = samples.image("JPEG", size=(400, 300))
    assert "The image is damaged" in refusal(data[: len(data) // 2], "broken.jpg")


def test_images_only_where_asked(site):
    message = refusal(samples.pdf(), "a.pdf", kinds={MediaKind.IMAGE})
    assert message == "Choose an image: JPG, PNG, GIF or WebP."


def test_uploading_needs_a_site(app, db):
    from zhanqun.tenants.scoping import TenantScopeError

    with app.test_request_context("/"), pytest.raises(TenantScopeError):
        services.store_upload(samples.upload(samples.pdf(), "a.pdf"))


@pytest.mark.parametrize("given, kept", [
    ("C:\\fakepath\\年度报告.pdf", "年度报告.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ("bad\x00name\r\n.pdf", "badname.pdf"),
    ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
])
def test_file_names_are_cleaned(given, kept):
    assert services.clean_filename(given) == kept


def test_delete_removes_the_file_after_commit_and_refuses_while_used(app, db, site, monkeypatch):
    media = services.store_upload(samples.upload(samples.image("PNG"), "a.png"))
    db.session.commit()
    paths = [services.media_path(media), services.media_path(media, thumbnail=True)]
    monkeypatch.setattr(services, "REFERENCE_CHECKS", [lambda m: "Article “Spring”" if m.id == media.id else None])
    with pytest.raises(services.MediaInUse) as caught:
        services.delete_media(media)
    assert caught.value.uses == ["Article “Spring”"]

    monkeypatch.setattr(services, "REFERENCE_CHECKS", [])
    services.delete_media(media)
    assert all(p.is_file() for p in paths)  # not before the commit
    db.session.rollback()
    assert all(p.is_file() for p in paths) and db.session.get(Media, media.id) is not None
    services.delete_media(db.session.get(Media, media.id))
    db.session.commit()
    assert not any(p.exists() for p in paths)
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 0


@pytest.mark.parametrize("size, text", [(0, "0 bytes"), (1, "1 byte"), (1023, "1,023 bytes"), (1536, "1.5 KB"),
                                        (5 * 1024 * 1024, "5 MB"), (3 * 1024 ** 3 + 1, "3 GB")])
def test_human_size(site, size, text):
    assert services.human_size(size) == text


def test_the_same_file_uploaded_twice_at_once_is_one_record(db, site, monkeypatch):
    first = services.store_upload(samples.upload(samples.image("PNG"), "a.png"))
    db.session.commit()
    real_scalar = db.session.scalar
    calls = []

    def scalar_missing_the_first_lookup(*args, **kwargs):
        # As if the other upload committed between this one's lookup and its insert.
        calls.append(args)
        return None if len(calls) == 1 else real_scalar(*args, **kwargs)

    monkeypatch.setattr(db.session, "scalar", scalar_missing_the_first_lookup)
    second = services.store_upload(samples.upload(samples.image("PNG"), "b.png"))
    monkeypatch.undo()
    db.session.commit()
    assert second.id == first.id
    assert db.session.scalar(sa.select(sa.func.count(Media.id))) == 1
