"""Atom feeds and XML sitemaps of every site: ``/feed.xml``, ``/c/<column-path>/feed.xml``,
``/sitemap.xml``. They list only what the public pages show, with canonical addresses."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the feed and sitemap routes."""
    from zhanqun.platform.feeds import views

    app.register_blueprint(views.bp)
