"""The platform-wide topic (主题分类) and genre (体裁分类) lists.

Seeded with the usual categories of government information disclosure; a platform admin
adds, renames, reorders and retires terms in the console. A retired term stays on the
entries that use it but is no longer offered.
"""
from __future__ import annotations

import sqlalchemy as sa

from zhanqun.platform.catalogue.models import CatalogueEntry, CatalogueTerm, TermKind
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import cross_tenant

# The State Council's topic classification (政府信息公开主题分类), abridged to what counties use.
DEFAULT_TOPICS = [
    ("01", "综合政务"), ("02", "国民经济管理、国有资产监管"), ("03", "财政、金融、审计"),
    ("04", "国土资源、能源"), ("05", "农业、林业、水利"), ("06", "工业、交通"),
    ("07", "商贸、海关、旅游"), ("08", "市场监管、安全生产监管"), ("09", "城乡建设、环境保护"),
    ("10", "科技、教育"), ("11", "文化、广电、新闻出版"), ("12", "卫生、体育"),
    ("13", "人口与计划生育、妇女儿童工作"), ("14", "劳动、人事、监察"), ("15", "公安、安全、司法"),
    ("16", "民政、扶贫、救灾"), ("17", "民族、宗教"), ("18", "对外事务"), ("19", "其他"),
]
DEFAULT_GENRES = [
    ("01", "公告公示"), ("02", "通知"), ("03", "意见"), ("04", "决定"), ("05", "报告"),
    ("06", "规划"), ("07", "通报"), ("08", "批复"), ("09", "函"), ("10", "命令"),
    ("11", "决议"), ("12", "纪要"), ("13", "计划总结"), ("14", "其他"),
]


class TermInUse(Exception):
    """A term that entries use cannot be deleted (retire it instead)."""


def seed_default_terms() -> int:
    """Add the default topics and genres that are missing; returns how many were added."""
    existing = {(t.kind, t.code) for t in db.session.scalars(sa.select(CatalogueTerm))}
    added = 0
    for kind, defaults in ((TermKind.TOPIC, DEFAULT_TOPICS), (TermKind.GENRE, DEFAULT_GENRES)):
        for position, (code, name) in enumerate(defaults):
            if (kind, code) not in existing:
                db.session.add(CatalogueTerm(kind=kind, code=code, name=name, position=position))
                added += 1
    db.session.flush()
    return added


def terms(kind: TermKind, *, active_only: bool = True) -> list[CatalogueTerm]:
    """The terms of one taxonomy in display order."""
    query = sa.select(CatalogueTerm).where(CatalogueTerm.kind == kind)
    if active_only:
        query = query.where(CatalogueTerm.active.is_(True))
    return list(db.session.scalars(query.order_by(CatalogueTerm.position, CatalogueTerm.id)))


def save_term(data: dict, term: CatalogueTerm | None = None) -> CatalogueTerm:
    """Create or change a term from validated ``data`` (kind, code, name, position, active)."""
    if term is None:
        term = CatalogueTerm(kind=data["kind"])
        db.session.add(term)
    for key in ("code", "name", "position", "active"):
        if key in data:
            setattr(term, key, data[key])
    db.session.flush()
    return term


def delete_term(term: CatalogueTerm) -> None:
    """Delete an unused term; raises :class:`TermInUse` when entries of any site use it."""
    with cross_tenant():
        used = db.session.scalar(sa.select(sa.func.count(CatalogueEntry.id)).where(
            sa.or_(CatalogueEntry.topic_id == term.id, CatalogueEntry.genre_id == term.id)))
    if used:
        raise TermInUse(str(used))
    db.session.delete(term)
    db.session.flush()
