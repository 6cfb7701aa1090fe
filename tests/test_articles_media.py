"""Cover images and attachments from the media library, and files in use."""
from __future__ import annotations

import json

from tests.conftest import console_post
from tests.content_factories import client_for, get, load, new_article_id, newsroom  # noqa: F401 - fixtures
from tests.media_samples import image, pdf, upload
from zhanqun.platform.articles.models import Article
from zhanqun.platform.extensions import db
from zhanqun.platform.media import services as media
from zhanqun.tenants.scoping import tenant_context


def store(site, data, name):
    db.session.rollback()
    with tenant_context(site.id):
        item = media.store_upload(upload(data, name))
        db.session.commit()
        return item.id


def test_cover_and_attachments_are_saved_in_order_and_protect_their_files(app, newsroom):
    site = newsroom["site"]
    cover = store(site, image(), "封面.png")
    first = store(site, pdf(), "通知.pdf")
    second = store(site, image("JPEG"), "现场照片.jpg")
    client = client_for(app, newsroom["editor"])
    form = get(client, "/sites/jkxj/articles/new").get_data(as_text=True)
    assert "通知.pdf" in form and "封面.png" in form
    response = console_post(client, "/sites/jkxj/articles/new", {
        "title": "带附件的信息", "column_id": newsroom["column_id"], "cover_media_id": cover,
        "attachment_ids": [second, first]})
    article_id = new_article_id(response)
    db.session.rollback()
    with tenant_context(site.id):
        article = db.session.get(Article, article_id)
        assert article.cover_media_id == cover
        assert [m.original_name for m in article.attachments] == ["现场照片.jpg", "通知.pdf"]
        in_use = db.session.get(media.Media, first)
        assert any("带附件的信息" in use for use in media.media_uses(in_use))


def test_a_pdf_cannot_be_the_cover_and_other_sites_files_are_refused(app, newsroom):
    document = store(newsroom["site"], pdf(), "通知.pdf")
    foreign = store(newsroom["other"], image(), "外站.png")
    client = client_for(app, newsroom["editor"])
    base = {"title": "信息", "column_id": newsroom["column_id"]}
    response = console_post(client, "/sites/jkxj/articles/new", {**base, "cover_media_id": document})
    assert response.status_code == 400 and 'id="cover_media_id-error"' in response.get_data(as_text=True)
    response = console_post(client, "/sites/jkxj/articles/new", {**base, "cover_media_id": foreign})
    assert response.status_code == 400
    response = console_post(client, "/sites/jkxj/articles/new", {**base, "attachment_ids": [foreign]})
    assert response.status_code == 400 and 'id="attachment_ids-error"' in response.get_data(as_text=True)


def test_the_editor_image_list_holds_only_this_sites_images(app, newsroom):
    store(newsroom["site"], image(), "本站图片.png")
    store(newsroom["site"], pdf(), "文件.pdf")
    store(newsroom["other"], image(color=(1, 2, 3)), "外站图片.png")
    client = client_for(app, newsroom["editor"])
    items = json.loads(get(client, "/sites/jkxj/articles/image-list.json").get_data(as_text=True))
    assert [item["title"] for item in items] == ["本站图片.png"]
    assert items[0]["value"].startswith("/media/")
