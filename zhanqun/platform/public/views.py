"""The pages the public reads on every site: home, columns, articles, robots.txt.

Every page here is anonymous: nothing touches the session, so no cookie is ever set.
"""
from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request

from zhanqun.platform.catalogue.public import render_catalogue_column
from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.public import content
from zhanqun.platform.public.sitecolumns import LIST_KINDS, site_columns
from zhanqun.platform.workflow.models import Status, is_visible
from zhanqun.themes import render_site_page

bp = Blueprint("public", __name__)

HOME_ITEMS_PER_BLOCK = 8
TOPIC_ITEMS_PER_BOARD = 6


@bp.route("/")
def home():
    """The site's home page: the latest articles of each list column, laid out by the theme."""
    columns = site_columns()
    blocks = content.blocks_for(columns.home_columns, HOME_ITEMS_PER_BLOCK)
    return render_site_page("home.html", blocks=blocks, topics=columns.topics)


@bp.route("/c/<path:column_path>/")
def column(column_path: str):
    """A column: its article list, single page, special-topic landing page, or a redirect."""
    columns = site_columns()
    node = columns.find(column_path)
    if node is None:
        abort(404)
    column = node.column
    trail = columns.trail(node)
    if column.kind == ColumnKind.LINK:
        if not column.link_url:
            abort(404)
        return redirect(column.link_url, code=302)
    if column.kind == ColumnKind.PAGE:
        return render_site_page("page.html", column=column, node=node, trail=trail)
    if column.kind == ColumnKind.CATALOGUE:
        return render_catalogue_column(column, node=node, trail=trail)
    if column.kind == ColumnKind.TOPIC:
        children = [c for c in node.children if c.column.visible]
        lists = [c for c in children if c.column.kind in LIST_KINDS]
        # The topic's own articles (editors may file some directly in it) come first, then a board per list.
        own, *boards = content.blocks_for([node, *lists], TOPIC_ITEMS_PER_BOARD, keep_empty=True)
        others = [c for c in children if c.column.kind not in LIST_KINDS]
        return render_site_page("topic.html", column=column, node=node, trail=trail, own=own, boards=boards, others=others)
    page = content.column_page(column, _page_number())
    children = [c for c in node.children if c.column.visible]
    return render_site_page("column.html", column=column, node=node, trail=trail, page=page, children=children)


@bp.route("/a/<int:article_id>.html")
def article(article_id: int):
    """An article at its stable address."""
    return _render_article(article_id, "article.html")


@bp.route("/a/<int:article_id>/print.html")
def article_print(article_id: int):
    """The same article laid out for paper."""
    return _render_article(article_id, "article_print.html")


@bp.route("/robots.txt")
def robots():
    """Crawlers may read every public page; the sitemap is named."""
    body = f"User-agent: *\nAllow: /\nSitemap: {request.url_root}sitemap.xml\n"
    return Response(body, mimetype="text/plain")


def _page_number() -> int:
    """``?page=N`` as a positive integer; anything else is a page that does not exist."""
    raw = request.args.get("page")
    if raw is None:
        return 1
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= content.MAX_PAGE:
        abort(404)
    return int(raw)


def _render_article(article_id: int, template: str):
    article = content.find_article(article_id)
    if article is None or not is_visible(article.status, article.published_at):
        # A withdrawn article had a public page: say it is gone rather than never existed.
        abort(410 if article is not None and article.status == Status.WITHDRAWN else 404)
    context = content.article_context(article)
    if context is None:
        abort(404)
    return render_site_page(template, **context)
