"""Reconciliation: compare every shared source entry with the portal's copy.

- **missing**: shared and published at the source, no visible copy on the portal;
- **stale**: the copy's version is older than the source's;
- **orphaned**: a visible copy whose source entry is gone, unshared or not published.

Repair enqueues the events that fix each difference (a fresh upsert or withdraw with a new
version), so the ordinary delivery path does the work and the outbox stays the one record.
Only the local portal can be compared; a remote portal checks its own side.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa

from zhanqun.platform.catalogue.models import CatalogueEntry
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import PortalCopy
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import cross_tenant, tenant_context


@dataclass
class Report:
    """The differences found, as lists of ``(site slug, entry uid)``."""

    missing: list[tuple[str, str]] = field(default_factory=list)
    stale: list[tuple[str, str]] = field(default_factory=list)
    orphaned: list[tuple[str, str]] = field(default_factory=list)
    checked: int = 0

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


def verify(*, repair: bool = False) -> Report:
    """Compare sources and copies; with ``repair`` enqueue the fixes (flushes, caller commits)."""
    portal = next((s for s in hostmap().sites() if s.is_portal), None)
    report = Report()
    with cross_tenant():
        sources = {
            uid: (tenant_id, version)
            for uid, tenant_id, version in db.session.execute(
                sa.select(CatalogueEntry.uid, CatalogueEntry.tenant_id, CatalogueEntry.version)
                .where(CatalogueEntry.shared.is_(True), CatalogueEntry.status == Status.PUBLISHED)
            )
        }
        copies = {}
        if portal is not None:
            copies = {
                uid: (version, withdrawn, slug)
                for uid, version, withdrawn, slug in db.session.execute(
                    sa.select(PortalCopy.entry_uid, PortalCopy.version, PortalCopy.withdrawn, PortalCopy.source_slug)
                    .where(PortalCopy.tenant_id == portal.id)
                )
            }
    report.checked = len(sources)
    for uid, (tenant_id, version) in sources.items():
        slug = _slug(tenant_id)
        copy = copies.get(uid)
        if copy is None or copy[1]:
            report.missing.append((slug, uid))
        elif copy[0] < version:
            report.stale.append((slug, uid))
    for uid, (version, withdrawn, slug) in copies.items():
        if not withdrawn and uid not in sources:
            report.orphaned.append((slug, uid))
    if repair and not report.clean:
        _repair(report, portal)
    return report


def _slug(tenant_id: int) -> str:
    site = hostmap().site_by_id(tenant_id)
    return site.slug if site else str(tenant_id)


def _repair(report: Report, portal) -> None:
    from zhanqun.platform.catalogue.services import resync

    uids = [uid for _, uid in report.missing + report.stale + report.orphaned]
    with cross_tenant():
        entries = {e.uid: e for e in db.session.scalars(sa.select(CatalogueEntry).where(CatalogueEntry.uid.in_(uids)))}
    for uid in uids:
        entry = entries.get(uid)
        if entry is not None:
            with tenant_context(entry.tenant_id):
                resync(entry)
        else:
            _hide_orphan(portal, uid)
    db.session.flush()


def _hide_orphan(portal, uid: str) -> None:
    """The source entry no longer exists anywhere: nobody can send its withdraw, so hide the copy."""
    with tenant_context(portal.id):
        copy = db.session.scalar(sa.select(PortalCopy).where(PortalCopy.entry_uid == uid))
        copy.withdrawn = True
        copy.version += 1

