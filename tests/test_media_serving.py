"""Files as the public receives them: the right headers, and only on their own site's hosts."""
from __future__ import annotations

from urllib.parse import quote

import pytest

from tests import media_samples as samples
from zhanqun.platform.extensions import db
from zhanqun.platform.media import services
from zhanqun.platform.media.models import Media
from zhanqun.tenants.scoping import tenant_context


def store(app, site, data: bytes, filename: str) -> dict:
    """Upload a file to ``site``; returns its id and addresses."""
    with app.test_request_context("/"), tenant_context(site.id):
        media = services.store_upload(samples.upload(data, filename))
        db.session.commit()
        return {"id": media.id, "url": services.media_url(media), "thumb": services.media_url(media, thumbnail=True),
                "sha256": media.sha256}


@pytest.fixture
def site(make_site):
    return make_site("jkxj")


def fetch(client, url: str, headers: dict):
    """GET ``url``, reading the whole body (so the served file is closed)."""
    return client.get(url, headers=headers, buffered=True)


def host(site) -> dict:
    return {"Host": f"{site.slug}.localhost"}


def test_image_is_served_inline_with_its_checked_type(app, client, site):
    png = samples.image("PNG")
    media = store(app, site, png, "县徽.png")
    response = fetch(client, media["url"], host(site))
    assert response.status_code == 200
    assert response.data == png
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert f"filename*=UTF-8''{quote('县徽.png')}" in response.headers["Content-Disposition"]
    cache = response.cache_control
    assert cache.public and cache.max_age == 365 * 24 * 3600 and cache.immutable
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize("data, filename, content_type", [
    (samples.pdf(), "关于2026年春节放假的通知.pdf", "application/pdf"),
    (samples.ooxml("docx"), "申请表.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    (samples.zip_archive(), "files.zip", "application/zip"),
])
def test_everything_else_is_a_download(app, client, site, data, filename, content_type):
    media = store(app, site, data, filename)
    response = fetch(client, media["url"], host(site))
    assert response.status_code == 200 and response.data == data
    assert response.headers["Content-Type"] == content_type
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f"filename*=UTF-8''{quote(filename)}" in disposition
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_type_comes_from_our_record_not_from_the_request(app, client, site):
    media = store(app, site, samples.pdf(), "a.pdf")
    response = fetch(client, media["url"] + "?format=html", {**host(site), "Accept": "text/html"})
    assert response.headers["Content-Type"] == "application/pdf"
    wrong_name = media["url"].rsplit("/", 1)[0] + "/a.html"
    assert fetch(client, wrong_name, host(site)).status_code == 404


def test_thumbnail_is_served(app, client, site):
    media = store(app, site, samples.image("GIF", size=(900, 600)), "anim.gif")
    response = fetch(client, media["thumb"], host(site))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.data.startswith(b"\x89PNG")
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    pdf = store(app, site, samples.pdf(), "a.pdf")
    assert fetch(client, f"/media/{pdf['id']}/thumb/{pdf['sha256']}.thumb.png", host(site)).status_code == 404


def test_unchanged_file_answers_304(app, client, site):
    media = store(app, site, samples.image("PNG"), "a.png")
    first = fetch(client, media["url"], host(site))
    again = fetch(client, media["url"], {**host(site), "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_a_file_is_never_reachable_through_another_sites_host(app, client, make_site):
    one, two = make_site("one"), make_site("two")
    secret = store(app, one, samples.pdf(), "内部.pdf")
    mine = store(app, two, samples.image("PNG"), "b.png")
    assert fetch(client, secret["url"], host(one)).status_code == 200
    assert fetch(client, secret["url"], host(two)).status_code == 404
    assert fetch(client, secret["url"], {"Host": "localhost"}).status_code == 404
    # guessing ids on site two with the right name of site one's file
    for guess in range(1, mine["id"] + 3):
        response = fetch(client, f"/media/{guess}/{secret['url'].rsplit('/', 1)[-1]}", host(two))
        assert response.status_code == 404
        assert response.data != samples.pdf()


def test_media_is_not_served_on_the_console_host(app, client, site):
    media = store(app, site, samples.pdf(), "a.pdf")
    assert fetch(client, media["url"], {"Host": "console.localhost"}).status_code == 404


def test_missing_file_on_disk_is_a_404(app, client, site):
    media = store(app, site, samples.pdf(), "a.pdf")
    with app.test_request_context("/"), tenant_context(site.id):
        services.media_path(db.session.get(Media, media["id"])).unlink()
    assert fetch(client, media["url"], host(site)).status_code == 404
