"""Which database tables hold a tenant's data, found from the models themselves.

Export, import and deletion work over *every* table that has a ``tenant_id`` column, in
foreign-key dependency order, so a model added next year is included without touching
this package. The few platform tables that carry a ``tenant_id`` but are not the site's
own data are listed in :data:`NOT_SITE_DATA`.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event

from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import TenantSession

_DISCARD_KEY = "zhanqun_discard_site_files"

#: Tables with a ``tenant_id`` that are not exported, imported or purged as site data:
#: the tenant row and its domains are handled explicitly; the audit log is the platform's
#: record of who did what and outlives the site (its ``tenant_id`` is set to NULL on delete);
#: memberships are exported separately, by username, because users are platform-wide; the
#: sync outbox is a delivery queue of this platform (its message ids are unique platform-wide),
#: not content: the entries it would deliver are exported with the catalogue; API tokens are
#: credentials issued by this platform: after a move the site's integrations get new ones.
NOT_SITE_DATA = frozenset({"tenant", "tenant_domain", "audit_event", "membership", "sync_outbox_event", "api_token"})


def site_tables() -> list[sa.Table]:
    """Every table holding a tenant's own rows, parents before children."""
    return [t for t in db.metadata.sorted_tables if "tenant_id" in t.c and t.name not in NOT_SITE_DATA]


def self_references(table: sa.Table) -> list[sa.Column]:
    """Nullable columns of ``table`` that point at another row of the same table (a tree's parent)."""
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table and fk.parent.nullable]


def purge_site_rows(connection: sa.Connection, tenant_id: int) -> dict[str, int]:
    """Delete every row of the site's own data, children first; returns counts per table.

    Raw Core statements, filtered by ``tenant_id`` here, because the ORM's tenant scoping
    does not cover them (see ``zhanqun.tenants.scoping``).
    """
    counts: dict[str, int] = {}
    for table in reversed(site_tables()):
        for column in self_references(table):
            # Trees reference their own rows; cut the links first so the order of deletion
            # inside one statement cannot trip a RESTRICT constraint.
            connection.execute(sa.update(table).where(table.c.tenant_id == tenant_id).values({column.name: None}))
        result = connection.execute(sa.delete(table).where(table.c.tenant_id == tenant_id))
        counts[table.name] = result.rowcount
    return counts


def media_folder(tenant_id: int) -> Path:
    """The folder holding a site's uploaded files (see ``zhanqun.platform.media.storage``)."""
    return Path(current_app.instance_path) / "media" / str(tenant_id)


def discard_files_after_commit(tenant_id: int) -> None:
    """Remove a deleted site's files once (and only if) the deletion commits."""
    db.session().info.setdefault(_DISCARD_KEY, []).append(media_folder(tenant_id))


@event.listens_for(TenantSession, "after_commit")
def _discard_committed(session) -> None:
    for folder in session.info.pop(_DISCARD_KEY, []):
        shutil.rmtree(folder, ignore_errors=True)


@event.listens_for(TenantSession, "after_rollback")
def _keep_on_rollback(session) -> None:
    session.info.pop(_DISCARD_KEY, None)
