"""Read queries of the catalogue: console and public lists, the portal's department catalogue."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from zhanqun.platform.catalogue.models import CatalogueEntry, CatalogueTerm
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import PortalCopy
from zhanqun.platform.workflow.models import Status


def entries(filters: dict, *, public: bool, column_id: int | None = None) -> sa.Select:
    """The current site's entries matching ``filters``, newest first; ``public``: visible ones only."""
    query = sa.select(CatalogueEntry)
    if public:
        query = query.where(CatalogueEntry.status == Status.PUBLISHED, CatalogueEntry.published_at <= utcnow())
    elif filters.get("status"):
        query = query.where(CatalogueEntry.status == filters["status"])
    if column_id is not None:
        query = query.where(CatalogueEntry.column_id == column_id)
    for key, column in (("topic", CatalogueEntry.topic_id), ("genre", CatalogueEntry.genre_id)):
        if filters.get(key):
            term = aliased(CatalogueTerm)
            query = query.where(column.in_(sa.select(term.id).where(term.code == filters[key])))
    if filters.get("year"):
        query = query.where(CatalogueEntry.index_year == filters["year"])
    if filters.get("validity"):
        query = query.where(CatalogueEntry.validity == filters["validity"])
    if filters.get("q"):
        like = f"%{filters['q']}%"
        query = query.where(sa.or_(CatalogueEntry.title.ilike(like), CatalogueEntry.index_number.ilike(like),
                                   CatalogueEntry.document_number.ilike(like)))
    return query.order_by(CatalogueEntry.published_at.desc().nulls_last(), CatalogueEntry.id.desc())


def entry_years(*, public: bool) -> list[int]:
    """The years the current site's entries are numbered under (for the year filter)."""
    query = sa.select(CatalogueEntry.index_year).distinct().order_by(CatalogueEntry.index_year.desc())
    if public:
        query = query.where(CatalogueEntry.status == Status.PUBLISHED)
    return list(db.session.scalars(query))


def _visible_copies():
    return sa.select(PortalCopy).where(PortalCopy.withdrawn.is_(False), PortalCopy.published_at <= utcnow())


def copies(filters: dict) -> sa.Select:
    """The portal's visible copies matching ``filters`` (department = source site code)."""
    query = _visible_copies()
    if filters.get("department"):
        query = query.where(PortalCopy.source_site_code == filters["department"])
    if filters.get("topic"):
        query = query.where(PortalCopy.topic_code == filters["topic"])
    if filters.get("genre"):
        query = query.where(PortalCopy.genre_code == filters["genre"])
    if filters.get("year"):
        query = query.where(PortalCopy.year == filters["year"])
    if filters.get("validity"):
        query = query.where(PortalCopy.validity == str(filters["validity"]))
    if filters.get("q"):
        like = f"%{filters['q']}%"
        query = query.where(sa.or_(PortalCopy.title.ilike(like), PortalCopy.index_number.ilike(like),
                                   PortalCopy.document_number.ilike(like)))
    return query.order_by(PortalCopy.published_at.desc(), PortalCopy.id.desc())


def department_counts() -> list[tuple[str, str, int]]:
    """``(site code, department name, visible entries)`` for the portal, by name."""
    rows = db.session.execute(
        sa.select(PortalCopy.source_site_code, sa.func.max(PortalCopy.source_name), sa.func.count(PortalCopy.id))
        .where(PortalCopy.withdrawn.is_(False), PortalCopy.published_at <= utcnow())
        .group_by(PortalCopy.source_site_code)
    ).all()
    return sorted(((code, name, count) for code, name, count in rows), key=lambda r: r[1])


def copy_years() -> list[int]:
    """The years of the portal's visible copies."""
    return list(db.session.scalars(
        sa.select(PortalCopy.year).where(PortalCopy.withdrawn.is_(False), PortalCopy.year.is_not(None))
        .distinct().order_by(PortalCopy.year.desc())))
