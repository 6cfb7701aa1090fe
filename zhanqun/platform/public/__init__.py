"""The public pages every site serves."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public pages and the health check."""
    from zhanqun.platform.public import health, views

    app.register_blueprint(views.bp)
    app.register_blueprint(health.bp)
