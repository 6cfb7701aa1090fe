"""Translated names of tenant kinds and statuses, and links to a site's pages."""
from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_babel import lazy_gettext as _l

from zhanqun.tenants.models import TenantKind, TenantStatus

KIND_LABELS = {TenantKind.PORTAL: _l("Portal"), TenantKind.DEPARTMENT: _l("Department sub-site")}
STATUS_LABELS = {
    TenantStatus.ACTIVE: _l("Active"),
    TenantStatus.SUSPENDED: _l("Suspended"),
    TenantStatus.ARCHIVED: _l("Archived"),
}


def kind_label(kind) -> str:
    return str(KIND_LABELS[TenantKind(kind)])


def status_label(status) -> str:
    return str(STATUS_LABELS[TenantStatus(status)])


def site_url(site, path: str = "/", host: str | None = None) -> str:
    """An absolute link to ``path`` on ``site``, on the port the current request came in on."""
    host = host or site.primary_host
    port = ""
    if has_request_context() and ":" in request.host and not request.host.endswith("]"):
        port = ":" + request.host.rsplit(":", 1)[1]
    elif current_app.config.get("ZHANQUN_PUBLIC_PORT"):
        port = f":{current_app.config['ZHANQUN_PUBLIC_PORT']}"
    return f"{current_app.config['PREFERRED_URL_SCHEME']}://{host}{port}{path}"


def console_url(path: str = "/") -> str:
    """An absolute link into the console."""
    return site_url(None, path, host=f"console.{current_app.config['ZHANQUN_DOMAIN']}")
