"""Tenant isolation enforced by the ORM.

Every model that mixes in :class:`TenantScoped` is filtered to the current tenant on every
SELECT, UPDATE and DELETE the ORM runs (SQLAlchemy's ``do_orm_execute`` +
``with_loader_criteria`` pattern), including relationship loads and joins. A flush that
would write a row of another tenant raises. Querying a scoped model with no current tenant
raises too: a missed filter fails loudly instead of leaking.

Cross-tenant work (platform admin, sync, census, reports) opts out in one visible way::

    with cross_tenant():
        ...

Known edges and how they are closed:
- ``session.get()`` may answer from the identity map without SQL: :class:`TenantSession`
  checks the returned object's tenant.
- Raw SQL (``text()``, Core statements on tables) is not covered; code that needs it must
  filter by ``tenant_id`` itself: cross-tenant services, and the public pages' hot reads,
  which filter with :func:`tenant_rows` (Core skips the ORM's per-statement work).
- Inserts get ``tenant_id`` from the current tenant when it is not set.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import event, inspect
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, with_loader_criteria

_current_tenant: ContextVar[int | None] = ContextVar("zhanqun_current_tenant", default=None)
_cross_tenant: ContextVar[bool] = ContextVar("zhanqun_cross_tenant", default=False)


class TenantScopeError(RuntimeError):
    """A tenant-owned model was touched outside any tenant, or across tenants."""


class TenantScoped:
    """Mixin for every model whose rows belong to exactly one tenant."""

    @declared_attr
    def tenant_id(cls) -> Mapped[int]:
        return mapped_column(sa.ForeignKey("tenant.id", ondelete="CASCADE"), index=True, nullable=False)


def current_tenant_id() -> int | None:
    """The id of the tenant the current request or command works in, if any."""
    return _current_tenant.get()


# The bound parameter that prepared Core statements compare ``tenant_id`` with.
TENANT_PARAM = "current_tenant_id"


def tenant_rows(table: sa.Table) -> sa.ColumnElement[bool]:
    """The condition that keeps a Core statement on ``table`` to the current tenant's rows.

    Core statements are not scoped by the ORM: every one that reads a tenant table must
    use this in its ``where()`` and run with :func:`tenant_params`. The statement may be
    built once, at import: the tenant is a bound parameter.
    """
    return table.c.tenant_id == sa.bindparam(TENANT_PARAM)


def tenant_params(params: dict | None = None) -> dict:
    """``params`` with the current tenant's id for :func:`tenant_rows`; raises
    :class:`TenantScopeError` when no tenant is current."""
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        raise TenantScopeError("Core query of a tenant table with no current tenant")
    return {**(params or {}), TENANT_PARAM: tenant_id}


def set_current_tenant(tenant_id: int | None):
    """Make ``tenant_id`` current; returns a token for :func:`reset_current_tenant`."""
    return _current_tenant.set(tenant_id)


def reset_current_tenant(token) -> None:
    """Restore the tenant that was current before :func:`set_current_tenant`."""
    _current_tenant.reset(token)


@contextmanager
def tenant_context(tenant_id: int) -> Iterator[None]:
    """Run a block as ``tenant_id`` (CLI commands and background work use this)."""
    token = _current_tenant.set(tenant_id)
    cross = _cross_tenant.set(False)
    try:
        yield
    finally:
        _cross_tenant.reset(cross)
        _current_tenant.reset(token)


@contextmanager
def cross_tenant() -> Iterator[None]:
    """Opt out of tenant scoping for a block: the one visible way to see every tenant."""
    token = _cross_tenant.set(True)
    try:
        yield
    finally:
        _cross_tenant.reset(token)


def is_cross_tenant() -> bool:
    """True inside a :func:`cross_tenant` block."""
    return _cross_tenant.get()


def _scoped_mappers(state) -> list:
    return [m for m in state.all_mappers if issubclass(m.class_, TenantScoped)]


def _add_tenant_criteria(state) -> None:
    if _cross_tenant.get() or not (state.is_select or state.is_update or state.is_delete):
        return
    tenant_id = _current_tenant.get()
    if tenant_id is None:
        mappers = _scoped_mappers(state)
        if mappers:
            names = ", ".join(sorted(m.class_.__name__ for m in mappers))
            raise TenantScopeError(f"query of {names} with no current tenant; use tenant_context() or cross_tenant()")
        # A scoped model used only in select_from() or a join target is not listed in
        # all_mappers; with no tenant current it must match nothing rather than everything.
        criteria = lambda cls: sa.false()  # noqa: E731
    else:
        criteria = lambda cls: cls.tenant_id == tenant_id  # noqa: E731
    # Added to every ORM statement, not only those whose mappers we can see, because the
    # criteria reach entities in select_from(), joins and subqueries that all_mappers omits.
    state.statement = state.statement.options(with_loader_criteria(TenantScoped, criteria, include_aliases=True))


def _check_flush(session, flush_context, instances) -> None:
    cross = _cross_tenant.get()
    tenant_id = _current_tenant.get()
    for obj in session.new:
        if not isinstance(obj, TenantScoped):
            continue
        if obj.tenant_id is None:
            if tenant_id is None:
                raise TenantScopeError(f"new {type(obj).__name__} has no tenant_id and no tenant is current")
            obj.tenant_id = tenant_id
        elif not cross and obj.tenant_id != tenant_id:
            raise TenantScopeError(f"refusing to write {type(obj).__name__} of tenant {obj.tenant_id} in tenant {tenant_id}")
    if cross:
        return
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantScoped):
            continue
        history = inspect(obj).attrs.tenant_id.history
        owners = {obj.tenant_id, *history.deleted}
        if owners != {tenant_id}:
            raise TenantScopeError(f"refusing to change {type(obj).__name__} of tenant {obj.tenant_id} in tenant {tenant_id}")


class TenantSession(FlaskSession):
    """Flask-SQLAlchemy's session with the one read path the criteria cannot see closed."""

    def get(self, entity, ident, **kwargs):
        """``Session.get`` that never returns another tenant's row from the identity map."""
        obj = super().get(entity, ident, **kwargs)
        if obj is None or not isinstance(obj, TenantScoped) or _cross_tenant.get():
            return obj
        tenant_id = _current_tenant.get()
        if tenant_id is None:
            raise TenantScopeError(f"get of {type(obj).__name__} with no current tenant")
        return obj if obj.tenant_id == tenant_id else None


event.listen(TenantSession, "do_orm_execute", _add_tenant_criteria)
event.listen(TenantSession, "before_flush", _check_flush)
