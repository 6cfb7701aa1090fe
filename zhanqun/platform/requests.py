"""Per-request set-up: which host kind, which tenant, and the headers every response carries."""
from __future__ import annotations

from flask import Flask, abort, g, request

from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.resolver import HostKind, hostmap
from zhanqun.tenants.scoping import reset_current_tenant, set_current_tenant

# Endpoints that answer on any host, before any tenant is resolved.
HOST_INDEPENDENT = {"health.healthz", "health.console_healthz"}


class SiteUnavailable(Exception):
    """The host names a site that is suspended (503) or archived (410)."""

    def __init__(self, site, code: int):
        self.site, self.code = site, code


def init_app(app: Flask) -> None:
    """Register the tenant resolution and response hooks."""
    app.before_request(resolve_host)
    app.teardown_request(_reset_tenant)
    app.after_request(_security_headers)


def resolve_host() -> None:
    """Set ``g.host_kind`` and, on a site host, ``g.site`` and the current tenant."""
    g.site = None
    if request.endpoint in HOST_INDEPENDENT:
        return
    kind = hostmap().classify(request.host)
    g.host_kind = kind
    if kind == HostKind.UNKNOWN:
        abort(404)
    if kind == HostKind.CONSOLE:
        return
    site = hostmap().site_for_host(request.host)
    if site.status == TenantStatus.SUSPENDED:
        raise SiteUnavailable(site, 503)
    if site.status == TenantStatus.ARCHIVED:
        raise SiteUnavailable(site, 410)
    g.site = site
    g._tenant_token = set_current_tenant(site.id)


def _reset_tenant(exc) -> None:
    token = g.pop("_tenant_token", None)
    if token is not None:
        reset_current_tenant(token)


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "SAMEORIGIN")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def enter_tenant(site) -> None:
    """Make ``site`` the current tenant for the rest of this request (console site pages)."""
    g.site = site
    g._tenant_token = set_current_tenant(site.id)
