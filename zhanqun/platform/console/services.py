"""Queries behind the console shell's pages."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa

from zhanqun.platform.accounts.models import Membership, User
from zhanqun.platform.accounts.services import manageable_tenant_ids
from zhanqun.platform.extensions import db
from zhanqun.tenants.models import TenantStatus
from zhanqun.tenants.resolver import Site, hostmap


@dataclass(frozen=True)
class DashboardRow:
    """One site on the dashboard."""

    site: Site
    members: int


def dashboard_rows(user: User) -> list[DashboardRow]:
    """The sites ``user`` manages with their member counts, in two queries whatever their number."""
    allowed = manageable_tenant_ids(user)
    sites = [s for s in hostmap().sites() if allowed is None or s.id in allowed]
    counts = dict(
        db.session.execute(
            sa.select(Membership.tenant_id, sa.func.count()).where(Membership.tenant_id.in_([s.id for s in sites]))
            .group_by(Membership.tenant_id)
        ).all()
    )
    return [DashboardRow(site=s, members=counts.get(s.id, 0)) for s in sites]


def status_counts(rows: list[DashboardRow]) -> list[tuple[TenantStatus, int]]:
    """How many of the listed sites are active, suspended, archived (statuses with none left out)."""
    counts = Counter(row.site.status for row in rows)
    return [(status, counts[status]) for status in TenantStatus if counts[status]]
