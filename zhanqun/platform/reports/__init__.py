"""The platform dashboard (统计报表): every site's activity, findings and sync health, with charts and CSV."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the dashboard pages."""
    from zhanqun.platform.reports import views

    app.register_blueprint(views.bp)
