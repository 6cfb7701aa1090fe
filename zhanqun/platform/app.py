"""The application factory."""
from __future__ import annotations

import logging
import os

from flask import Flask
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from zhanqun.platform import config as config_module
from zhanqun.platform.extensions import babel, csrf, db, login_manager, migrate

PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class ZhanqunFlask(Flask):
    """Flask that routes the console host and site hosts to separate URL rules.

    Console rules are registered with ``subdomain="console"``, public rules with the default
    (empty) subdomain. Werkzeug would derive the subdomain from ``SERVER_NAME``; sites live on
    any number of custom domains, so the subdomain is decided from the host here instead.
    """

    def create_url_adapter(self, request):
        if request is None:
            return super().create_url_adapter(request)
        from zhanqun.tenants.resolver import normalise_host

        console_host = "console." + self.config["ZHANQUN_DOMAIN"]
        host = request.host
        if normalise_host(host) == console_host:
            return self.url_map.bind_to_environ(request.environ, server_name=host[len("console."):], subdomain="console")
        return self.url_map.bind_to_environ(request.environ, server_name=host, subdomain="")


def create_app(config: dict | None = None) -> ZhanqunFlask:
    """Build the zhanqun app. ``config`` overrides any setting (tests pass their own).

    Raises :class:`~zhanqun.platform.config.ConfigError` for a configuration that cannot run.
    No database query runs while the app is built.
    """
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("ZHANQUN_INSTANCE_PATH") or None
    app = ZhanqunFlask(
        "zhanqun",
        instance_path=os.path.abspath(instance_path) if instance_path else None,
        instance_relative_config=True,
        static_folder=None,
        template_folder=os.path.join(PACKAGE_DIR, "platform", "templates"),
        subdomain_matching=True,
    )
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)
    config_module.finalise(app.config, app.instance_path)
    os.makedirs(app.instance_path, exist_ok=True)
    if app.config["ZHANQUN_TRUSTED_PROXIES"]:
        n = app.config["ZHANQUN_TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n)
    if app.config["ZHANQUN_ENV"] == "production":
        app.logger.setLevel(logging.INFO)

    _init_extensions(app)
    _register_features(app)
    return app


def _init_extensions(app: Flask) -> None:
    from zhanqun.platform import requests
    from zhanqun.platform.database import configure_engine
    from zhanqun.platform.i18n import init_i18n
    from zhanqun.tenants.resolver import HostMap

    configure_engine(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(PACKAGE_DIR, "migrations"), render_as_batch=True)
    init_i18n(app, babel)
    # Host resolution first: the CSRF check (and its error page) must know which host it is on.
    requests.init_app(app)
    csrf.init_app(app)
    # Flask-Login's own context processor loads the user for every template; public pages
    # never show one, so templates get the lazy ``current_user`` proxy instead (a global: a
    # context processor would cost every page a call and a dict update for the same object).
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    app.extensions["zhanqun_hostmap"] = HostMap(
        app.config["ZHANQUN_DOMAIN"], refresh_seconds=app.config["ZHANQUN_HOSTMAP_REFRESH_SECONDS"]
    )


def _register_features(app: Flask) -> None:
    import zhanqun.platform.articles.models
    import zhanqun.platform.columns.models
    import zhanqun.platform.workflow.models  # noqa: F401
    from zhanqun.platform import errors, templating
    from zhanqun.platform.accounts import init_app as init_accounts
    from zhanqun.platform.api import init_app as init_api
    from zhanqun.platform.articles import init_app as init_articles
    from zhanqun.platform.audit import init_app as init_audit
    from zhanqun.platform.catalogue import init_app as init_catalogue
    from zhanqun.platform.census import init_app as init_census
    from zhanqun.platform.columns import init_app as init_columns
    from zhanqun.platform.console import init_app as init_console
    from zhanqun.platform.demo import init_app as init_demo
    from zhanqun.platform.feeds import init_app as init_feeds
    from zhanqun.platform.media import init_app as init_media
    from zhanqun.platform.pagecache import init_app as init_pagecache
    from zhanqun.platform.public import init_app as init_public
    from zhanqun.platform.reports import init_app as init_reports
    from zhanqun.platform.sync import init_app as init_sync
    from zhanqun.tenants import init_app as init_tenants
    from zhanqun.themes import init_app as init_themes

    templating.init_app(app)
    errors.init_app(app)
    init_themes(app)
    init_accounts(app)
    init_audit(app)
    init_console(app)
    init_public(app)
    init_media(app)
    init_columns(app)
    init_articles(app)
    init_feeds(app)
    init_catalogue(app)
    init_sync(app)
    init_api(app)
    init_demo(app)
    init_tenants(app)
    init_census(app)
    init_reports(app)
    init_pagecache(app)  # last: wraps the finished app's WSGI callable
