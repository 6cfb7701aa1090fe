"""Comparing manifests with the database (the plan) and applying the differences.

The plan is read-only. :func:`apply_plan` makes exactly the changes the plan lists, through
the same services as the console; the CLI commits once at the end, so an error half-way
changes nothing. Sites, columns and members that are not in the manifests are left alone:
a manifest adds and updates, it never deletes (deleting a column or a member stays a
deliberate act in the console).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from marshmallow import ValidationError

from zhanqun.platform.accounts import services as accounts
from zhanqun.platform.accounts.models import Membership, User
from zhanqun.platform.columns.models import Column
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants import services
from zhanqun.tenants.manifests import (
    ColumnManifest,
    LineFinder,
    ManifestError,
    Problem,
    SiteManifest,
)
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import tenant_context

COLUMN_FIELDS = ("name", "kind", "update_category", "update_interval_days", "visible", "description", "link_url", "position")


class Action(enum.StrEnum):
    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"


SYMBOLS = {Action.CREATE: "+", Action.UPDATE: "~", Action.UNCHANGED: "="}


@dataclass
class Item:
    """One planned change: a site, a column or a member."""

    action: Action
    key: str
    label: str = ""
    fields: list[str] = field(default_factory=list)

    def line(self, what: str) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{SYMBOLS[self.action]} {what} {self.key}  {self.label}{detail}".rstrip()


@dataclass
class SitePlan:
    """What applying one manifest changes."""

    manifest: SiteManifest
    site: Item
    columns: list[Item]
    members: list[Item]

    @property
    def changes(self) -> bool:
        return any(i.action != Action.UNCHANGED for i in (self.site, *self.columns, *self.members))


@dataclass
class Plan:
    """The plan for every manifest."""

    sites: list[SitePlan]

    @property
    def changes(self) -> bool:
        return any(s.changes for s in self.sites)

    def counts(self) -> dict[str, dict[Action, int]]:
        counts = {what: {a: 0 for a in Action} for what in ("sites", "columns", "members")}
        for s in self.sites:
            counts["sites"][s.site.action] += 1
            for item in s.columns:
                counts["columns"][item.action] += 1
            for item in s.members:
                counts["members"][item.action] += 1
        return counts

    def lines(self) -> list[str]:
        """The plan as text, one change per line, then a summary."""
        out = []
        for s in self.sites:
            out.append(s.site.line("site"))
            out += ["  " + i.line("column") for i in s.columns]
            out += ["  " + i.line("member") for i in s.members]
        summary = "; ".join(
            f"{what}: {n[Action.CREATE]} to create, {n[Action.UPDATE]} to update, {n[Action.UNCHANGED]} unchanged"
            for what, n in self.counts().items()
        )
        out.append(f"Plan: {summary}")
        return out


def make_plan(manifests: list[SiteManifest]) -> Plan:
    """Compare every manifest with the database; validates site settings without writing.

    Raises :class:`ManifestError` when a site's settings would be refused (a slug, domain
    or portal already taken by a site that is not in the manifests).
    """
    problems: list[Problem] = []
    sites = []
    tenants = {t.slug: t for t in db.session.scalars(sa.select(Tenant).where(Tenant.slug.in_([m.slug for m in manifests])))}
    for manifest in manifests:
        tenant = tenants.get(manifest.slug)
        try:
            services.validate_tenant(manifest.site, current=tenant)
        except ValidationError as exc:
            problems += _problems(manifest, exc)
            continue
        sites.append(_site_plan(manifest, tenant))
    if problems:
        raise ManifestError(problems)
    return Plan(sites)


def _problems(manifest: SiteManifest, exc: ValidationError) -> list[Problem]:
    finder = LineFinder(Path(manifest.path).read_text(encoding="utf-8"))
    return [Problem(manifest.path, finder.line_for(f"site.{key.split('.')[0]}"), f"site.{key}: {' '.join(texts)}")
            for key, texts in flatten_errors(exc.messages).items()]


def _site_plan(manifest: SiteManifest, tenant: Tenant | None) -> SitePlan:
    name = manifest.site["name"]
    if tenant is None:
        site = Item(Action.CREATE, manifest.slug, name)
        existing_columns: dict[str, Column] = {}
        existing_members: dict[str, object] = {}
    else:
        changed = [k for k, v in manifest.site.items() if k not in ("slug", "domains") and getattr(tenant, k) != v]
        if sorted(manifest.site["domains"]) != sorted(d.hostname for d in tenant.domains):
            changed.append("domains")
        if manifest.settings is not None and (tenant.theme_settings or {}).get(manifest.site["theme"]) != manifest.settings:
            changed.append("settings")
        site = Item(Action.UPDATE if changed else Action.UNCHANGED, manifest.slug, name, changed)
        existing_columns = _columns_by_path(tenant.id)
        existing_members = dict(db.session.execute(
            sa.select(User.username, Membership.role).join(Membership.user).where(Membership.tenant_id == tenant.id)).all())
    columns = []
    for spec in manifest.all_columns():
        column = existing_columns.get(spec.path)
        if column is None:
            columns.append(Item(Action.CREATE, spec.path, spec.name))
            continue
        changed = [f for f in COLUMN_FIELDS if getattr(column, f) != getattr(spec, f)]
        columns.append(Item(Action.UPDATE if changed else Action.UNCHANGED, spec.path, spec.name, changed))
    members = []
    for username, (role, _name) in manifest.members.items():
        current = existing_members.get(username)
        if current is None:
            label = "" if accounts.find_user(username) else "new account"
            members.append(Item(Action.CREATE, username, f"{role.value} {label}".strip()))
        else:
            action = Action.UNCHANGED if current == role else Action.UPDATE
            members.append(Item(action, username, role.value, ["role"] if action == Action.UPDATE else []))
    return SitePlan(manifest, site, columns, members)


def _columns_by_path(tenant_id: int) -> dict[str, Column]:
    with tenant_context(tenant_id):
        columns = db.session.scalars(sa.select(Column)).all()
    by_id = {c.id: c for c in columns}

    def path(column: Column) -> str:
        parts = []
        while column is not None:
            parts.append(column.slug)
            column = by_id.get(column.parent_id)
        return "/".join(reversed(parts))

    return {path(c): c for c in columns}


def apply_plan(plan: Plan, *, by=None) -> dict[str, str]:
    """Make the plan's changes (flushes only); returns passwords of accounts it created."""
    passwords: dict[str, str] = {}
    for site_plan in plan.sites:
        if not site_plan.changes:
            continue
        manifest = site_plan.manifest
        tenant = _apply_site(site_plan, by)
        with tenant_context(tenant.id):
            _apply_columns(manifest, site_plan, tenant.id)
        for item in site_plan.members:
            if item.action == Action.UNCHANGED:
                continue
            role, display_name = manifest.members[item.key]
            user = accounts.find_user(item.key)
            if user is None:
                user, password = accounts.create_user({"username": item.key, "display_name": display_name}, by=by)
                passwords[user.username] = password
            accounts.grant(user, tenant.id, role, by=None)
    return passwords


def _apply_site(site_plan: SitePlan, by) -> Tenant:
    manifest = site_plan.manifest
    if site_plan.site.action == Action.CREATE:
        tenant = services.create_tenant(manifest.site, by=by)
    else:
        tenant = services.get_tenant(manifest.slug)
        services.update_tenant(tenant, {k: v for k, v in manifest.site.items() if k != "slug"}, by=by)
    if manifest.settings is not None and (tenant.theme_settings or {}).get(manifest.site["theme"]) != manifest.settings:
        tenant.theme_settings = {**(tenant.theme_settings or {}), manifest.site["theme"]: dict(manifest.settings)}
        db.session.flush()
    return tenant


def _apply_columns(manifest: SiteManifest, site_plan: SitePlan, tenant_id: int) -> None:
    existing = _columns_by_path(tenant_id) if site_plan.site.action != Action.CREATE else {}
    actions = {item.key: item.action for item in site_plan.columns}

    def walk(specs: list[ColumnManifest], parent: Column | None) -> None:
        for spec in specs:
            column = existing.get(spec.path)
            if column is None:
                column = Column(parent_id=parent.id if parent else None, slug=spec.slug)
                db.session.add(column)
            if actions[spec.path] != Action.UNCHANGED:
                for name in COLUMN_FIELDS:
                    setattr(column, name, getattr(spec, name))
                db.session.flush()
            walk(spec.children, column)

    walk(manifest.columns, None)
