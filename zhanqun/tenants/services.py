"""Provisioning rules: creating, changing and closing sites.

Services flush; the request or CLI command that called them commits. Input errors are
``marshmallow.ValidationError`` with per-field messages, whoever called.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.labels import status_label
from zhanqun.tenants.models import Tenant, TenantDomain, TenantKind, TenantStatus
from zhanqun.tenants.schemas import TenantSchema


class UnknownTenant(LookupError):
    """No site has that slug."""

    def __init__(self, slug: str):
        super().__init__(_("There is no site with the slug “%(slug)s”.", slug=slug))


class TransitionRefused(Exception):
    """The site is not in a state that allows this change; ``str(exc)`` says why."""


def get_tenant(slug: str) -> Tenant:
    """The tenant with ``slug``, or ``UnknownTenant``."""
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise UnknownTenant(slug)
    return tenant


def list_tenants() -> list[Tenant]:
    """Every tenant, the portal first."""
    return list(db.session.scalars(sa.select(Tenant).order_by((Tenant.kind != TenantKind.PORTAL), Tenant.slug)))


def validate_tenant(data: dict, *, current: Tenant | None = None) -> dict:
    """Check site settings as :func:`create_tenant` (or, with ``current``, :func:`update_tenant`)
    would, without writing anything; returns the loaded data."""
    loaded = TenantSchema(partial=current is not None).load(data)
    _check_unique(loaded, current=current)
    return loaded


def create_tenant(data: dict, *, by=None) -> Tenant:
    """Create a site from form, CLI or manifest data."""
    data = TenantSchema().load(data)
    _check_unique(data, current=None)
    domains = data.pop("domains")
    tenant = Tenant(**data)
    tenant.domains = [TenantDomain(hostname=h) for h in domains]
    db.session.add(tenant)
    db.session.flush()
    audit.record("tenant.create", user=by, tenant_id=tenant.id, slug=tenant.slug, kind=tenant.kind.value)
    return tenant


def update_tenant(tenant: Tenant, data: dict, *, by=None) -> list[str]:
    """Change a site's settings; returns the names of the fields that changed."""
    data = TenantSchema(partial=True).load(data)
    _check_unique(data, current=tenant)
    changed = []
    if "domains" in data:
        wanted = data.pop("domains")
        if sorted(wanted) != sorted(d.hostname for d in tenant.domains):
            keep = {d.hostname: d for d in tenant.domains}
            tenant.domains = [keep.get(h) or TenantDomain(hostname=h) for h in wanted]
            changed.append("domains")
    for field, value in data.items():
        if getattr(tenant, field) != value:
            setattr(tenant, field, value)
            changed.append(field)
    if changed:
        db.session.flush()
        audit.record("tenant.update", user=by, tenant_id=tenant.id, slug=tenant.slug, fields=changed)
    return changed


_TRANSITIONS = {
    "suspend": ({TenantStatus.ACTIVE}, TenantStatus.SUSPENDED),
    "resume": ({TenantStatus.SUSPENDED}, TenantStatus.ACTIVE),
    "archive": ({TenantStatus.ACTIVE, TenantStatus.SUSPENDED}, TenantStatus.ARCHIVED),
    "restore": ({TenantStatus.ARCHIVED}, TenantStatus.ACTIVE),
}


def change_status(tenant: Tenant, action: str, *, by=None) -> None:
    """Suspend (public 503), resume, archive (public 410, data kept) or restore a site."""
    allowed, target = _TRANSITIONS[action]
    if tenant.status not in allowed:
        raise TransitionRefused(
            _("%(site)s is %(status)s; it cannot be changed that way.", site=tenant.name, status=status_label(tenant.status))
        )
    if tenant.kind == TenantKind.PORTAL and action in ("archive",):
        raise TransitionRefused(_("The portal cannot be archived; suspend it for maintenance instead."))
    tenant.status = target
    db.session.flush()
    audit.record(f"tenant.{action}", user=by, tenant_id=tenant.id, slug=tenant.slug)


def mark_exported(tenant: Tenant, *, by=None, filename: str = "") -> None:
    """Record that the site's data was exported (deleting an archived site requires it)."""
    tenant.last_exported_at = utcnow()
    db.session.flush()
    audit.record("tenant.export", user=by, tenant_id=tenant.id, slug=tenant.slug, file=filename)


def delete_tenant(tenant: Tenant, typed_slug: str, *, by=None) -> dict[str, int]:
    """Delete an archived, exported site and all its data, after its slug was typed to confirm.

    The audit log keeps its entries about the site (with no site attached).
    """
    if tenant.status != TenantStatus.ARCHIVED:
        raise TransitionRefused(_("Only an archived site can be deleted. Archive it first."))
    if tenant.last_exported_at is None:
        raise TransitionRefused(_("Export the site before deleting it: its data cannot be recovered otherwise."))
    if typed_slug.strip() != tenant.slug:
        raise ValidationError({"confirm_slug": [_("Type the site’s slug exactly to confirm.")]})
    from zhanqun.tenants.tables import discard_files_after_commit, purge_site_rows

    audit.record("tenant.delete", user=by, tenant_id=None, slug=tenant.slug, name=tenant.name,
                 exported_at=tenant.last_exported_at.isoformat())
    counts = purge_site_rows(db.session.connection(), tenant.id)
    discard_files_after_commit(tenant.id)
    db.session.delete(tenant)
    db.session.flush()
    return counts


def _check_unique(data: dict, current: Tenant | None) -> None:
    errors: dict[str, list[str]] = {}
    others = sa.select(Tenant)
    if current is not None:
        others = others.where(Tenant.id != current.id)
    if "slug" in data and db.session.scalar(others.where(Tenant.slug == data["slug"])):
        errors["slug"] = [_("Another site already uses this slug.")]
    if data.get("kind") == TenantKind.PORTAL and db.session.scalar(others.where(Tenant.kind == TenantKind.PORTAL)):
        errors["kind"] = [_("The platform already has a portal; there can be only one.")]
    domain = current_app.config["ZHANQUN_DOMAIN"]
    for hostname in data.get("domains", []):
        if hostname == domain or hostname.endswith("." + domain):
            errors.setdefault("domains", []).append(
                _("“%(host)s” is a platform address; custom domains must be outside %(domain)s.", host=hostname, domain=domain)
            )
            continue
        query = sa.select(TenantDomain).where(TenantDomain.hostname == hostname)
        if current is not None:
            query = query.where(TenantDomain.tenant_id != current.id)
        if db.session.scalar(query):
            errors.setdefault("domains", []).append(_("“%(host)s” already serves another site.", host=hostname))
    if len(set(data.get("domains", []))) != len(data.get("domains", [])):
        errors.setdefault("domains", []).append(_("A domain is listed twice."))
    if errors:
        raise ValidationError(errors)
