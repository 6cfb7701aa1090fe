"""The disclosure catalogue (信息公开目录): entries with standard metadata, their topic and
genre taxonomies, index numbers, console pages and public pages (including the portal's
department catalogue built from synced copies)."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the catalogue's console and public pages and its CLI."""
    from zhanqun.platform.catalogue import cli, console_views, public

    app.config.setdefault("ZHANQUN_CATALOGUE_INDEX_PATTERN", "{org_code}/{year}-{seq:05d}")
    app.register_blueprint(console_views.bp)
    app.register_blueprint(public.bp)
    app.cli.add_command(cli.catalogue)
