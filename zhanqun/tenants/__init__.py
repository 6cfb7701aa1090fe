"""Tenants (站点): the model, Host → tenant resolution, query scoping and provisioning."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the provisioning console and the ``tenants`` CLI."""
    from zhanqun.tenants import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.tenants)
