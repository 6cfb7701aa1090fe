"""Public catalogue pages on every site host.

- ``/catalogue/`` – a sub-site's own published entries, filtered by topic, genre, year
  and validity; on the portal, the department catalogue (部门信息公开目录) built from the
  synced copies of every sub-site, filtered by department too, with counts per department.
- ``/catalogue/<uid>/`` – one entry (or, on the portal, one copy) with the standard
  metadata table; a copy links to its source page and says when it was received.
- :func:`render_catalogue_column` – what the public column view (``/c/<path>/``) renders
  for a column of kind ``catalogue``.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, g, request

from zhanqun.platform.catalogue import queries, taxonomy
from zhanqun.platform.catalogue.dates import iso
from zhanqun.platform.catalogue.labels import (
    disclosure_label,
    template_globals,
    validity_label,
)
from zhanqun.platform.catalogue.models import CatalogueEntry, TermKind
from zhanqun.platform.catalogue.schemas import lenient_filters
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.sync.models import PortalCopy
from zhanqun.platform.workflow.models import Status
from zhanqun.themes import render_site_page

bp = Blueprint("catalogue_public", __name__)
PER_PAGE = 20


@bp.route("/catalogue/")
def index():
    """The site's catalogue, or on the portal the department catalogue."""
    return render_catalogue_column(None)


def render_catalogue_column(column, **context) -> str:
    """The catalogue list of the current site, limited to ``column`` when one is given.

    The portal shows the department catalogue whatever the column. ``context`` (``node``,
    ``trail``, …) is passed on to the template for the breadcrumb.
    """
    filters = lenient_filters(request.args)
    common = dict(filters=filters, column=column, topics=taxonomy.terms(TermKind.TOPIC),
                  genres=taxonomy.terms(TermKind.GENRE), **template_globals(), **context)
    if g.site.is_portal:
        page = db.paginate(queries.copies(filters), page=filters["page"], per_page=PER_PAGE, error_out=False)
        return render_site_page("catalogue_portal.html", page=page, departments=queries.department_counts(),
                                years=queries.copy_years(), **common)
    query = queries.entries(filters, public=True, column_id=column.id if column is not None else None)
    page = db.paginate(query, page=filters["page"], per_page=PER_PAGE, error_out=False)
    return render_site_page("catalogue_list.html", page=page, years=queries.entry_years(public=True), **common)


@bp.route("/catalogue/<uuid:uid>/")
def detail(uid):
    """One entry with its metadata table; on the portal, a synced copy."""
    if g.site.is_portal:
        copy = db.session.scalar(sa.select(PortalCopy).where(
            PortalCopy.entry_uid == str(uid), PortalCopy.withdrawn.is_(False), PortalCopy.published_at <= utcnow()))
        if copy is not None:
            return render_site_page("catalogue_entry.html", item=copy, metadata=metadata(copy), copy=copy,
                                    attachments=copy.attachments, **template_globals())
    entry = db.session.scalar(sa.select(CatalogueEntry).where(
        CatalogueEntry.uid == str(uid), CatalogueEntry.status == Status.PUBLISHED, CatalogueEntry.published_at <= utcnow()))
    if entry is None:
        abort(404)
    from zhanqun.platform.media.services import media_url

    attachments = [{"name": a.media.original_name, "url": media_url(a.media)} for a in entry.attachments]
    return render_site_page("catalogue_entry.html", item=entry, metadata=metadata(entry), copy=None,
                            attachments=attachments, **template_globals())


def metadata(item) -> list[tuple[str, str]]:
    """The standard metadata table (索引号, 发布机构, 文号, 主题分类, 体裁分类, 成文日期, 发布日期, 有效性)."""
    from flask_babel import gettext as _

    if isinstance(item, PortalCopy):
        topic, genre = item.topic_name, item.genre_name
    else:
        topic = item.topic.name if item.topic else ""
        genre = item.genre.name if item.genre else ""
    validity = validity_label(item.validity)
    if item.validity_note:
        validity = f"{validity}（{item.validity_note}）"
    return [
        (_("Index number"), item.index_number), (_("Publisher"), item.publisher),
        (_("Document number"), item.document_number), (_("Topic"), topic), (_("Genre"), genre),
        (_("Issued on"), iso(item.issued_on)), (_("Published on"), iso(item.publication_date)),
        (_("Validity"), validity), (_("Disclosure mode"), disclosure_label(item.disclosure_mode)),
    ]
