"""Columns (栏目): each site's navigation tree."""
from flask import Flask
from flask_babel import lazy_gettext as _l


def init_app(app: Flask) -> None:
    """Register the column console pages and their menu entry."""
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.columns import views
    from zhanqun.platform.console.navigation import site_menu_item

    app.register_blueprint(views.bp)
    app.jinja_env.globals.update(column_kind_label=views.kind_label, update_category_label=views.category_label)
    site_menu_item("columns.index", _l("Columns"), Role.SITE_ADMIN, order=20)
