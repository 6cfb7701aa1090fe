"""Engine set-up per backend: SQLite for the embedded default, PostgreSQL at scale."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine(app: Flask) -> None:
    """Engine options that depend on the database URL."""
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    if url.get_backend_name() == "sqlite":
        # Several threads (dev server, background delivery) share the file.
        options.setdefault("connect_args", {}).setdefault("check_same_thread", False)
        options["connect_args"].setdefault("timeout", 30)
    else:
        options.setdefault("pool_pre_ping", True)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.split(".")[0] not in ("sqlite3", "pysqlite2"):
        return
    # pysqlite's own transaction handling breaks SAVEPOINT and BEGIN semantics; let
    # SQLAlchemy emit BEGIN itself (the recipe in SQLAlchemy's SQLite dialect docs).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")


def is_reachable() -> bool:
    """True when the database answers a trivial query (for ``/healthz``)."""
    from zhanqun.platform.extensions import db

    try:
        with db.engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False
