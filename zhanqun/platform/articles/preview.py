"""The console preview: an article rendered by the site's theme exactly as its public page.

The page is rendered inside a request context for the site's own host, so the theme's links,
static files and ``url_for`` calls come out as they will on the public site, and a ``<base>``
makes its site-relative addresses load from the site (the page itself is served by the
console). The draft's status does not matter here: the console view checks the role first.
"""
from __future__ import annotations

from flask import Response, current_app, g
from markupsafe import escape

from zhanqun.platform.articles.models import Article
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.public.sitecolumns import site_columns
from zhanqun.tenants.labels import site_url
from zhanqun.tenants.resolver import HostKind
from zhanqun.themes import render_site_page
from zhanqun.themes.rendering import forget_page_mode


def render_preview(article: Article) -> Response:
    """A response holding the public article page for ``article``, whatever its status."""
    site = g.site
    base = site_url(site, "/")
    console_host_kind = g.host_kind
    # The inner request shares this app context and so ``g``: set it up as a site request,
    # and give the console request its own state back afterwards.
    with current_app.test_request_context(f"/a/{article.id}.html", base_url=base):
        g.host_kind = HostKind.SITE
        try:
            columns = site_columns()
            node = columns.by_id.get(article.column_id)
            if article.published_at is None:
                article.published_at = utcnow()  # only for this rendering: the page shows a date
            html = render_site_page(
                "article.html", article=article, column=node.column, node=node, trail=columns.trail(node),
                older=None, newer=None, attachments=list(article.attachments), preview=True,
            )
        finally:
            g.host_kind = console_host_kind
            forget_page_mode()
            # Forget the preview-only publication date: a preview never changes the article.
            db.session.expire(article)
    # Served from the console host: the theme's site-relative files and links resolve on the site.
    html = html.replace("<head>", f'<head>\n<base href="{escape(base)}">', 1)
    return Response(html, mimetype="text/html")
