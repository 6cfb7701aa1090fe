"""Queries behind the console shell's pages."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from zhanqun.platform.accounts.models import Membership, User
from zhanqun.platform.accounts.services import manageable_tenant_ids
from zhanqun.platform.extensions import db
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
