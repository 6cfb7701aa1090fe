"""The website census (网站普查): automated checks of every site, with tracked findings."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the census pages and the ``census`` CLI."""
    from zhanqun.platform.census import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.census)
