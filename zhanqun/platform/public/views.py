"""A site's home page and robots.txt."""
from __future__ import annotations

from flask import Blueprint, Response, request

from zhanqun.themes import render_site_page

bp = Blueprint("public", __name__)


@bp.route("/")
def home():
    """The site's home page in its theme."""
    return render_site_page("home.html")


@bp.route("/robots.txt")
def robots():
    """Crawlers may read every public page; the sitemap is named."""
    body = f"User-agent: *\nAllow: /\nSitemap: {request.url_root}sitemap.xml\n"
    return Response(body, mimetype="text/plain")
