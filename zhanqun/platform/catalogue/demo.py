"""Demo catalogue entries of the demo county, shared with the portal.

``load_demo_catalogue(sites)`` is called by ``zhanqun demo`` inside its transaction. The
entries' outbox events are delivered right after that commit (the embedded default; the
process waits for the delivery before it exits), so the portal's department catalogue is
filled when the demo starts.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.catalogue import services
from zhanqun.platform.catalogue.models import (
    CatalogueEntry,
    CatalogueTerm,
    TermKind,
    Validity,
)
from zhanqun.platform.catalogue.taxonomy import seed_default_terms
from zhanqun.platform.extensions import db
from zhanqun.tenants.models import TenantKind
from zhanqun.tenants.scoping import tenant_context

# (title, document number, topic code, genre code, issued on, validity, shared)
ENTRIES = {
    "jkxj": [
        ("衡山县2024年工业和信息化工作要点", "衡经信发〔2024〕3号", "06", "13", date(2024, 2, 20), Validity.VALID, True),
        ("关于开展2024年度中小企业梯度培育工作的通知", "衡经信发〔2024〕11号", "06", "02", date(2024, 4, 8), Validity.VALID, True),
        ("衡山县工业园区管理暂行办法", "衡经信发〔2019〕5号", "06", "14", date(2019, 6, 1), Validity.REPEALED, True),
    ],
    "jyj": [
        ("关于做好2024年秋季学期开学工作的通知", "衡教发〔2024〕21号", "10", "02", date(2024, 8, 20), Validity.VALID, True),
        ("衡山县2024年义务教育招生入学工作方案", "衡教发〔2024〕15号", "10", "01", date(2024, 6, 3), Validity.VALID, True),
        ("衡山县教育局2023年政府信息公开工作年度报告", "", "01", "05", date(2024, 1, 25), Validity.VALID, True),
    ],
    "czj": [
        ("衡山县2024年县级部门预算公开", "", "03", "01", date(2024, 2, 5), Validity.VALID, True),
        ("衡山县财政专项资金管理办法", "衡财发〔2021〕8号", "03", "14", date(2021, 9, 10), Validity.EXPIRED, True),
    ],
    "rsj": [
        ("衡山县2024年公开招聘事业单位工作人员公告", "", "14", "01", date(2024, 5, 12), Validity.VALID, True),
        ("关于做好2024年高校毕业生就业创业工作的意见", "衡人社发〔2024〕6号", "14", "03", date(2024, 3, 18), Validity.VALID, True),
    ],
    "hbj": [
        ("衡山县2023年生态环境状况公报", "", "09", "07", date(2024, 6, 5), Validity.VALID, True),
        ("衡山县环保局内部值班安排", "", "01", "02", date(2024, 7, 1), Validity.VALID, False),
    ],
}


def load_demo_catalogue(sites: dict) -> int:
    """Create the demo entries the sites lack (idempotent); returns how many were created.

    ``sites`` maps slug → Tenant. Flushes; the caller commits.
    """
    seed_default_terms()
    terms = {(t.kind, t.code): t.id for t in db.session.scalars(sa.select(CatalogueTerm))}
    publisher = _publisher()
    created = 0
    for slug, specs in ENTRIES.items():
        tenant = sites.get(slug)
        if tenant is None or tenant.kind != TenantKind.DEPARTMENT:
            continue
        with tenant_context(tenant.id):
            existing = set(db.session.scalars(sa.select(CatalogueEntry.title)))
            for title, number, topic, genre, issued, validity, shared in specs:
                if title in existing:
                    continue
                entry = services.create_entry({
                    "title": title, "publisher": tenant.name, "document_number": number,
                    "topic_id": terms[TermKind.TOPIC, topic], "genre_id": terms[TermKind.GENRE, genre],
                    "issued_on": issued, "validity": validity, "shared": shared,
                    "validity_note": "已被新文件替代" if validity != Validity.VALID else "",
                    "body": f"<p>{title}。</p><p>详见附件或联系{tenant.name}办公室。</p>",
                }, user=publisher)
                services.change_status(entry, "publish", user=publisher, role=Role.SITE_ADMIN)
                created += 1
    db.session.flush()
    return created


def _publisher():
    """The demo's platform admin publishes the entries (every demo has one)."""
    from zhanqun.platform.accounts.models import User

    return db.session.scalar(sa.select(User).where(User.is_platform_admin.is_(True)).order_by(User.id))
