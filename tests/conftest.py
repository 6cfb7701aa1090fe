"""Fixtures: one app per database backend, clean tables per test, factories, sign-in.

Every test that uses ``app`` runs on SQLite, and again on PostgreSQL when
``ZHANQUN_TEST_DATABASE_URL`` names a server (each run gets its own scratch database).
Tables are emptied after each test rather than rolled back, because the platform really
commits and reads across connections (host map, background delivery).
"""
from __future__ import annotations

import os
import re
import threading
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import has_app_context
from flask.testing import FlaskClient

from zhanqun import create_app
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.public import reads

PG_URL = os.environ.get("ZHANQUN_TEST_DATABASE_URL")
# Commands speak the operator's language; tests read their messages in English.
os.environ["LANG"] = "en_US.UTF-8"
os.environ.pop("LC_ALL", None)
CONSOLE = "console.localhost"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]


def pytest_report_header(config):
    if PG_URL:
        return f"PostgreSQL tests: on ({sa.engine.make_url(PG_URL).render_as_string(hide_password=True)})"
    return "PostgreSQL tests: skipped (ZHANQUN_TEST_DATABASE_URL is not set)"


@contextmanager
def scratch_postgres():
    """A new empty PostgreSQL database for this test run, dropped afterwards."""
    base = sa.engine.make_url(PG_URL)
    name = f"zhanqun_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        _dispose_engines()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


class IsolatedClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Tests hold an app context open to use the database; without this, requests would share
    its ``g`` (the signed-in user, the locale, the site) and hide real bugs.

    Requests say ``Accept-Language: en`` unless a test sends its own, so assertions read the
    English source text; tests of the Chinese default send ``zh-CN`` (see test_i18n.py).
    """

    accept_language: str | None = "en"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.accept_language:
            self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", self.accept_language)

    def open(self, *args, **kwargs):
        # End the test's own transaction on both sides of the request: the request must see
        # what the test wrote, and the test must then read what the request wrote (SQLite in
        # WAL mode and PostgreSQL both keep a transaction's snapshot otherwise).
        outer = has_app_context()
        if outer:
            _db.session.commit()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if outer:
            _db.session.commit()
        return response


def make_test_app(database_url: str, instance_path: str, **overrides):
    """An app configured for tests on ``database_url``."""
    config = {
        "TESTING": True,
        "INSTANCE_PATH": instance_path,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ZHANQUN_DOMAIN": "localhost",
        "ZHANQUN_HOSTMAP_REFRESH_SECONDS": 60,
        # This process's commits refresh versions at once; a periodic re-read would only add
        # queries to the query-count tests on a slow run.
        "ZHANQUN_SITE_VERSION_SECONDS": 60,
        "ZHANQUN_REDIS_URL": None,
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    _APPS.append(app)
    return app


# Every app a test built, so their connection pools are closed before a scratch database is dropped.
_APPS: list = []


def _dispose_engines() -> None:
    while _APPS:
        app = _APPS.pop()
        with app.app_context():
            _db.session.remove()
            for engine in _db.engines.values():
                engine.dispose()


def pytest_sessionfinish(session, exitstatus):
    _dispose_engines()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory):
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL: ZHANQUN_TEST_DATABASE_URL is not set")
        with scratch_postgres() as url:
            yield url
    else:
        yield "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.db")


@pytest.fixture(scope="session")
def _app(database_url, tmp_path_factory):
    app = make_test_app(database_url, str(tmp_path_factory.mktemp("instance")))
    with app.app_context():
        _db.create_all()
    yield app
    with app.app_context():
        _db.engine.dispose()


def _empty_tables(app) -> None:
    with app.app_context():
        _db.session.remove()
        tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
        with _db.engine.connect() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
            else:
                # Self-referencing rows (column trees) cannot be deleted in one pass otherwise;
                # the pragma only works outside a transaction, so it goes to the driver directly.
                raw = conn.connection.driver_connection
                raw.execute("PRAGMA foreign_keys=OFF")
                for table in tables:
                    raw.execute(f'DELETE FROM "{table}"')
                raw.execute("PRAGMA foreign_keys=ON")
            conn.commit()
        app.extensions["zhanqun_hostmap"].invalidate()
        app.extensions.pop("zhanqun_signin_throttle", None)


@pytest.fixture
def app(_app):
    """The app with empty tables, inside an app context."""
    with _app.app_context():
        yield _app
    _empty_tables(_app)


@pytest.fixture(autouse=True)
def fast_password_hashing(monkeypatch):
    """Argon2 with its cheapest parameters: tests sign in hundreds of times, they do not attack hashes."""
    from argon2 import PasswordHasher

    from zhanqun.platform.accounts import passwords

    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=8, parallelism=1))


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# Factories ------------------------------------------------------------------------------

@pytest.fixture
def make_site(app):
    """Create and commit a site: ``make_site("jkxj", name=..., kind="portal", ...)``."""
    from zhanqun.tenants.services import create_tenant

    def make(slug: str, **fields):
        data = {"name": fields.pop("name", f"{slug} 测试站点"), "slug": slug, "site_code": "4304230099",
                "sponsor": f"{slug} 主办单位", "icp_number": "湘ICP备00000000号", "police_number": "湘公网安备 00000000000000号"}
        data.update(fields)
        tenant = create_tenant(data)
        _db.session.commit()
        return tenant

    return make


@pytest.fixture
def make_user(app):
    """Create and commit a user: ``make_user("wang", roles={site_id: "editor"}, platform_admin=False)``."""
    from zhanqun.platform.accounts import services
    from zhanqun.platform.accounts.models import Role

    def make(username: str, password: str = "correct-horse-battery", platform_admin: bool = False, roles=None, **fields):
        user, _ = services.create_user({"username": username, "password": password, "is_platform_admin": platform_admin, **fields})
        for tenant_id, role in (roles or {}).items():
            services.grant(user, tenant_id, Role(role), by=None)
        _db.session.commit()
        return user

    return make


# Console helpers ---------------------------------------------------------------------------

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client, path: str = "/signin", host: str = CONSOLE) -> str:
    """The CSRF token of a console form page."""
    response = client.get(path, headers={"Host": host})
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signin(client, username: str, password: str = "correct-horse-battery", follow: bool = False):
    """Sign in through the real form, CSRF token included."""
    token = csrf_token(client)
    return client.post("/signin", data={"username": username, "password": password, "csrf_token": token},
                       headers={"Host": CONSOLE}, follow_redirects=follow)


def console_post(client, path: str, data: dict | None = None, **kwargs):
    """POST a console form with a valid CSRF token (taken from the dashboard)."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client, "/"))
    return client.post(path, data=data, headers={"Host": CONSOLE}, **kwargs)


@contextmanager
def recorded_statements(app):
    """Record ``(sql, parameters)`` of each statement this thread sends inside the block: through
    SQLAlchemy (its engine events) and through the public pages' prepared reads (``reads.observe``).

    Only this thread's: a background thread left by another test (sync delivery, a census
    run) must not change what is seen.
    """
    statements: list[tuple] = []
    thread = threading.get_ident()

    def seen(statement, parameters):
        if threading.get_ident() == thread:
            statements.append((statement, parameters))

    def before(conn, cursor, statement, parameters, context, executemany):
        seen(statement, parameters)

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        with reads.observe(seen):
            yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@contextmanager
def count_queries(app):
    """Count the SQL statements this thread runs inside the block: ``with count_queries(app) as n: ...; n()``."""
    with recorded_statements(app) as statements:
        yield lambda: len(statements)


# Fixtures shared by several test modules live beside them; registered here for every test.
pytest_plugins = ["tests.console_support", "tests.content_factories"]
