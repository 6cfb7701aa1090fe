"""Shared helpers of the catalogue, sync and API tests (not a test module itself)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.catalogue import services
from zhanqun.platform.catalogue.models import CatalogueEntry, CatalogueTerm, TermKind
from zhanqun.platform.catalogue.taxonomy import seed_default_terms
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import PortalCopy
from zhanqun.tenants.scoping import cross_tenant, tenant_context


def county(make_site, make_user):
    """A portal and two departments with their own codes, the default terms, and a reviewer."""
    portal = make_site("portal", name="示范县人民政府", kind="portal", site_code="4304230001", org_code="006939001")
    jyj = make_site("jyj", name="示范县教育局", site_code="4304230002", org_code="006939002")
    wjj = make_site("wjj", name="示范县卫生健康局", site_code="4304230003", org_code="006939003")
    seed_default_terms()
    db.session.commit()
    reviewer = make_user("shen", roles={jyj.id: "reviewer", wjj.id: "reviewer"})
    return portal, jyj, wjj, reviewer


def term(kind: TermKind, code: str) -> CatalogueTerm:
    return db.session.scalar(sa.select(CatalogueTerm).where(CatalogueTerm.kind == kind, CatalogueTerm.code == code))


def entry_data(**fields) -> dict:
    data = {
        "title": "关于做好2024年秋季学期开学工作的通知", "publisher": "示范县教育局", "document_number": "示教发〔2024〕12号",
        "topic_id": term(TermKind.TOPIC, "10").id, "genre_id": term(TermKind.GENRE, "02").id,
        "issued_on": date(2024, 8, 20), "body": "<p>各学校：</p><script>alert(1)</script>", "shared": True,
    }
    data.update(fields)
    return data


def make_entry(site, user, *, publish: bool = True, commit: bool = True, **fields) -> CatalogueEntry:
    """Create (and by default publish) an entry on ``site`` as ``user``; commits."""
    with tenant_context(site.id):
        entry = services.create_entry(entry_data(**fields), user=user)
        if publish:
            services.change_status(entry, "publish", user=user, role=Role.REVIEWER)
        if commit:
            db.session.commit()
            db.session.refresh(entry)
        return entry


def act(entry, action: str, user, **kwargs):
    with tenant_context(entry.tenant_id):
        services.change_status(entry, action, user=user, role=Role.REVIEWER, **kwargs)
        db.session.commit()
        db.session.refresh(entry)


def edit(entry, user=None, **data):
    with tenant_context(entry.tenant_id):
        services.update_entry(entry, data, role=Role.REVIEWER)
        db.session.commit()
        db.session.refresh(entry)


def copies() -> dict[str, PortalCopy]:
    """Every portal copy by entry uid (fresh from the database)."""
    db.session.commit()  # a new snapshot: other threads may have written
    with cross_tenant():
        fresh = sa.select(PortalCopy).execution_options(populate_existing=True)  # no stale identity-map copy
        return {c.entry_uid: c for c in db.session.scalars(fresh)}
