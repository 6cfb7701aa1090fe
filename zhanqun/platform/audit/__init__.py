"""The audit log of privileged actions."""
from flask import Flask, has_request_context, request

from zhanqun.platform.extensions import db


def record(action: str, *, user=None, username: str | None = None, tenant_id: int | None = None, **detail) -> None:
    """Add an audit event to the current transaction (it commits with the action it records).

    ``action`` is a dotted name such as ``auth.signin`` or ``tenant.suspend``; ``detail``
    holds what else a reader needs (JSON-serialisable).
    """
    from zhanqun.platform.audit.models import AuditEvent

    address = request.remote_addr or "" if has_request_context() else "cli"
    db.session.add(
        AuditEvent(
            action=action,
            user_id=user.id if user is not None else None,
            username=username if username is not None else (user.username if user is not None else ""),
            tenant_id=tenant_id,
            client_address=address,
            detail=detail,
        )
    )


def init_app(app: Flask) -> None:
    """Register the audit log's console pages."""
    from zhanqun.platform.audit import views

    app.register_blueprint(views.bp)
