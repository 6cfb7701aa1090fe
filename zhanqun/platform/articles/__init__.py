"""Articles (信息): what a site publishes in its columns, reviewed before publication."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the article console pages, their menu entry and the media-in-use check."""
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.articles import media_uses, views
    from zhanqun.platform.console.navigation import site_menu_item
    from zhanqun.platform.media.services import REFERENCE_CHECKS

    app.register_blueprint(views.bp)
    site_menu_item("articles.index", _l("Articles"), Role.EDITOR, order=10)
    if media_uses.article_uses not in REFERENCE_CHECKS:
        REFERENCE_CHECKS.append(media_uses.article_uses)
