"""The public JSON API ``/api/v1/`` on every site host, with per-site tokens for writing."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the API and the ``tokens`` command."""
    from zhanqun.platform.api import cli, console_views, views

    views.init_app(app)
    app.register_blueprint(console_views.bp)
    app.cli.add_command(cli.tokens)
