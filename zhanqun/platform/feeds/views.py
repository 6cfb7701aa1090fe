"""The feed and sitemap routes of every site. Addresses inside are canonical (the site's primary host)."""
from __future__ import annotations

import math
from datetime import datetime

from flask import Blueprint, Response, abort, g, request
from flask_babel import gettext as _

from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.db import utcnow
from zhanqun.platform.feeds import sitemap as sitemaps
from zhanqun.platform.feeds.atom import Entry, feed_document
from zhanqun.platform.public import content
from zhanqun.platform.public.sitecolumns import site_columns
from zhanqun.tenants.labels import site_url

bp = Blueprint("feeds", __name__)

FEED_SIZE = 20


@bp.route("/feed.xml")
def site_feed():
    """The latest articles of the whole site."""
    site = g.site
    articles = content.latest(FEED_SIZE, with_body=True)
    return _feed_response(
        title=site.name, feed_path="/feed.xml", page_path="/", articles=articles,
        subtitle=_("Latest information from %(site)s", site=site.name),
    )


@bp.route("/c/<path:column_path>/feed.xml")
def column_feed(column_path: str):
    """The latest articles of one column and the columns below it."""
    columns = site_columns()
    node = columns.find(column_path)
    if node is None or node.column.kind in (ColumnKind.LINK, ColumnKind.PAGE):
        abort(404)
    column_ids = [n.column.id for n in node.walk()]
    articles = content.latest(FEED_SIZE, column_ids=column_ids, with_body=True)
    return _feed_response(
        title=f"{node.column.name} · {g.site.name}", feed_path=content.column_path(node) + "feed.xml",
        page_path=content.column_path(node), articles=articles, subtitle=node.column.description,
    )


@bp.route("/sitemap.xml")
def sitemap():
    """Every public page of the site: home, the columns in navigation, every visible article.

    Past the protocol's limit per file it is an index of numbered parts instead.
    """
    urls = _public_urls()
    newest = max((lastmod for _url, lastmod in urls if lastmod), default=None)
    if len(urls) <= sitemaps.MAX_URLS:
        return _xml_response(sitemaps.sitemap_document(urls), "application/xml", newest)
    parts = [(site_url(g.site, f"/sitemap-{n}.xml"), newest) for n in range(1, math.ceil(len(urls) / sitemaps.MAX_URLS) + 1)]
    return _xml_response(sitemaps.sitemap_index_document(parts), "application/xml", newest)


@bp.route("/sitemap-<int:part>.xml")
def sitemap_part(part: int):
    """One numbered part of a sitemap too long for one file."""
    urls = _public_urls()
    chunk = urls[(part - 1) * sitemaps.MAX_URLS:part * sitemaps.MAX_URLS] if part >= 1 else []
    if not chunk or len(urls) <= sitemaps.MAX_URLS:
        abort(404)
    newest = max((lastmod for _url, lastmod in chunk if lastmod), default=None)
    return _xml_response(sitemaps.sitemap_document(chunk), "application/xml", newest)


def _public_urls() -> list[tuple[str, datetime | None]]:
    """``(canonical address, last modified)`` of every public page, home first (two queries)."""
    site = g.site
    columns = site_columns()
    articles = content.all_visible()
    newest = max((max(a.updated_at, a.published_at) for a in articles), default=None)
    urls: list[tuple[str, datetime | None]] = [(site_url(site, "/"), newest)]
    for node in columns.nodes:
        if node.column.kind != ColumnKind.LINK and columns.in_navigation(node):
            urls.append((site_url(site, content.column_path(node)), node.column.updated_at))
    urls += [(site_url(site, content.article_path(a.id)), max(a.updated_at, a.published_at)) for a in articles]
    return urls


def _feed_response(*, title: str, feed_path: str, page_path: str, articles: list, subtitle: str = "") -> Response:
    site = g.site
    entries = [
        Entry(
            id=site_url(site, content.article_path(a.id)), title=a.title, url=site_url(site, content.article_path(a.id)),
            published=a.published_at, updated=max(a.updated_at, a.published_at), author=a.author,
            summary=a.summary, content_html=a.body,
        )
        for a in articles
    ]
    updated = max((e.updated for e in entries), default=None)
    document = feed_document(
        feed_id=site_url(site, feed_path), title=title, subtitle=subtitle, self_url=site_url(site, feed_path),
        alternate_url=site_url(site, page_path), base_url=site_url(site, "/"), author=site.sponsor or site.name,
        updated=updated or utcnow(), entries=entries,
    )
    return _xml_response(document, "application/atom+xml", updated)


def _xml_response(body: bytes, mimetype: str, last_modified: datetime | None) -> Response:
    response = Response(body, mimetype=mimetype)
    response.charset = "utf-8"
    if last_modified is not None:
        response.last_modified = last_modified
    response.add_etag()
    return response.make_conditional(request)
