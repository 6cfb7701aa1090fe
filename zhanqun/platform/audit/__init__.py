"""The audit log of privileged actions: who, which site, what, when, from where.

Features record with :func:`record` in the same transaction as the action, and may give
their actions a readable name for the log page with :func:`describe`.
"""
from flask import Flask, has_request_context, request

from zhanqun.platform.audit.labels import action_label, describe  # noqa: F401 - part of this module's API
from zhanqun.platform.extensions import db


def record(action: str, *, user=None, username: str | None = None, tenant_id: int | None = None, **detail) -> None:
    """Add an audit event to the current transaction (it commits with the action it records).

    ``action`` is a dotted name such as ``auth.signin`` or ``tenant.suspend``; ``detail``
    holds what else a reader needs (JSON-serialisable). Outside a request the client
    address is ``cli``.
    """
    from zhanqun.platform.audit.models import AuditEvent

    address = (request.remote_addr or "") if has_request_context() else "cli"
    db.session.add(
        AuditEvent(
            action=action,
            user_id=user.id if user is not None else None,
            username=username if username is not None else (user.username if user is not None else ""),
            tenant_id=tenant_id,
            client_address=address[:64],
            detail=detail,
        )
    )


def init_app(app: Flask) -> None:
    """Register the audit log's console pages."""
    from zhanqun.platform.audit import views

    app.register_blueprint(views.bp)
