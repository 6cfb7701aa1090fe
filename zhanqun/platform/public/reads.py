"""The public pages' prepared reads: Core statements compiled once, run on a plain DB-API connection.

The statements the pages every visitor reads (home, column, article) take 5–30 µs in the
database. SQLAlchemy's execution path around them cost far more: about 50 µs of Python per
``Connection.execute`` and 150 µs per request to open, begin and close the session's
transaction, which made the database a third of an uncached article page (docs/performance.md).
So each statement is compiled once per dialect by SQLAlchemy, with its bind and result
processors taken from the column types (the same conversions SQLAlchemy applies), and runs on
one pooled DB-API connection per request, checked out on the first read and returned when the
app context ends.

What stays SQLAlchemy's: building and compiling the SQL, the connection pool, the type
conversions, and its exception types (a driver error is raised as :class:`sqlalchemy.exc.DBAPIError`).

What a plain connection cannot see is the session's own uncommitted work, so while the
request's session is inside a transaction (a console request rendering a site page with
pending changes) :func:`run` executes on the session's connection instead, with the same rows.

SQLAlchemy's engine events do not see these statements: :func:`observe` does (tests count and
explain the public pages' queries through both).
"""
from __future__ import annotations

import threading
from collections import namedtuple
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import g

from zhanqun.platform.extensions import db

_CONNECTION = "_zhanqun_read_connection"
_observers: list[Callable[[str, object], None]] = []


@dataclass(frozen=True)
class _Compiled:
    """One statement compiled for one dialect, with what it takes to run it and read its rows."""

    sql: str
    names: tuple[str, ...]  # bind names in placeholder order (positional paramstyles)
    positional: bool
    defaults: dict  # the literals' values, already converted for the driver
    bind_processors: dict  # for the parameters given at run time
    row: type
    result_processors: tuple  # one per column, or empty when no column needs one


_compiled: dict[tuple[int, str], tuple[sa.Executable, _Compiled]] = {}
_compile_lock = threading.Lock()


def run(statement: sa.Select | sa.CompoundSelect, params: dict) -> list[tuple]:
    """The rows of ``statement`` with ``params`` as named tuples (fields by column name)."""
    engine = db.engine
    dialect = engine.dialect
    compiled = _compiled_for(statement, dialect)
    if _session_in_transaction():
        return [compiled.row._make(row) for row in db.session.connection().execute(statement, params)]
    values = {**compiled.defaults, **params}
    for name, process in compiled.bind_processors.items():
        values[name] = process(values[name])
    if compiled.positional:
        arguments = tuple(values[name] for name in compiled.names)
    else:
        arguments = {name: values[name] for name in compiled.names}
    for observer in _observers:
        observer(compiled.sql, arguments)
    dbapi = dialect.loaded_dbapi
    cursor = _connection(engine).cursor()
    try:
        cursor.execute(compiled.sql, arguments)
        fetched = cursor.fetchall()
    except dbapi.Error as error:
        raise sa.exc.DBAPIError.instance(compiled.sql, arguments, error, dbapi.Error) from error
    finally:
        cursor.close()
    processors, make = compiled.result_processors, compiled.row._make
    if not processors:
        return [make(row) for row in fetched]
    return [make([p(v) if p else v for p, v in zip(processors, row)]) for row in fetched]


def release(_exc=None) -> None:
    """Return this app context's read connection to the pool (``teardown_appcontext``)."""
    connection = g.pop(_CONNECTION, None)
    if connection is not None:
        connection.close()


@contextmanager
def observe(observer: Callable[[str, object], None]) -> Iterator[None]:
    """Call ``observer(sql, parameters)`` before each statement :func:`run` sends itself."""
    _observers.append(observer)
    try:
        yield
    finally:
        _observers.remove(observer)


def _connection(engine):
    connection = g.get(_CONNECTION)
    if connection is None:
        connection = g._zhanqun_read_connection = engine.raw_connection()
    return connection


def _session_in_transaction() -> bool:
    # Asking the scoped session would create one for a request that never needs it.
    return db.session.registry.has() and db.session().in_transaction()


def _compiled_for(statement, dialect) -> _Compiled:
    key = (id(statement), dialect.name)
    known = _compiled.get(key)
    if known is None:
        with _compile_lock:
            # Keeping the statement beside its compiled form keeps its id from being reused.
            known = _compiled.setdefault(key, (statement, _compile(statement, dialect)))
    return known[1]


def _compile(statement, dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect, compile_kwargs={"render_postcompile": True})
    positional = compiled.positiontup is not None
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    names = tuple(compiled.positiontup) if positional else tuple(binds)
    processors = {}
    for name, bind in binds.items():
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if process is not None:
            processors[name] = process
    # Literals fixed when the statement was built (a status, LIMIT 1) are converted once, here.
    defaults = {}
    for name, bind in binds.items():
        if not bind.required:
            process = processors.pop(name, None)
            defaults[name] = process(bind.effective_value) if process else bind.effective_value
    columns = statement.selected_columns
    row = namedtuple("Row", columns.keys(), rename=True)
    results = tuple(column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns)
    if not any(results):
        results = ()  # the rows are ready as the driver gives them
    return _Compiled(compiled.string, names, positional, defaults, processors, row, results)
