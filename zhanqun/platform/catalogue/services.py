"""The rules of catalogue entries. Services flush; the view or command commits once.

Every change of an entry that the portal must know about raises ``version`` and, in the
same transaction, writes an outbox event (:mod:`zhanqun.platform.sync.outbox`): an upsert
while the entry is shared and published, a withdraw when it stops being either (or is
deleted) after the portal had it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform.accounts.models import Role, User
from zhanqun.platform.catalogue.dates import iso, local_date
from zhanqun.platform.catalogue.index_numbers import insert_numbered
from zhanqun.platform.catalogue.models import (
    ITEM_TYPE,
    CatalogueAttachment,
    CatalogueEntry,
    CatalogueTerm,
    TermKind,
)
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media
from zhanqun.platform.sanitize import sanitize_html
from zhanqun.platform.sync import outbox
from zhanqun.platform.sync.models import Operation
from zhanqun.platform.workflow import services as workflow
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.labels import site_url
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import current_tenant_id

CONTENT_FIELDS = (
    "title", "publisher", "document_number", "issued_on", "validity", "validity_note", "disclosure_mode", "shared",
)


class EntryError(Exception):
    """An action on an entry is not allowed; ``str(exc)`` says why."""


def current_site():
    """The current tenant as a :class:`~zhanqun.tenants.resolver.Site` snapshot."""
    return hostmap().site_by_id(current_tenant_id())


def create_entry(data: dict, *, user: User | None) -> CatalogueEntry:
    """Create a draft from validated ``data``; it gets its index number at once."""
    entry = CatalogueEntry(created_by_id=user.id if user else None, status=Status.DRAFT, version=1)
    _assign(entry, data)
    year = (entry.issued_on or local_date(utcnow())).year
    insert_numbered(entry, site=current_site(), year=year)
    _set_attachments(entry, data.get("attachment_ids"))
    db.session.flush()
    return entry


def can_edit(entry: CatalogueEntry, role: Role) -> bool:
    """Editors change what is not public yet; a published entry needs a reviewer."""
    if entry.status in (Status.PUBLISHED, Status.SUBMITTED):
        return role.includes(Role.REVIEWER)
    return role.includes(Role.EDITOR)


def update_entry(entry: CatalogueEntry, data: dict, *, role: Role) -> CatalogueEntry:
    """Change ``entry`` from validated ``data``. The index number never changes."""
    if not can_edit(entry, role):
        raise EntryError(_("Only a reviewer may change an entry that is published or awaiting review."))
    _assign(entry, data)
    if "attachment_ids" in data:
        _set_attachments(entry, data["attachment_ids"])
    _changed(entry)
    return entry


def change_status(entry: CatalogueEntry, action: str, *, user: User, role: Role, comment: str = "",
                  require_other_reviewer: bool = False):
    """Move ``entry`` through review (submit, publish, reject, withdraw) and tell the portal."""
    try:
        transition = workflow.apply(entry, workflow.Action(action), user=user, role=role, item_type=ITEM_TYPE, comment=comment,
                                    require_other_reviewer=require_other_reviewer)
    except ValueError:
        raise EntryError(_("This action is not allowed here.")) from None
    except workflow.WorkflowError as exc:
        raise EntryError(str(exc)) from None
    _changed(entry)
    return transition


def delete_entry(entry: CatalogueEntry, *, role: Role) -> None:
    """Delete ``entry``; a published one only by a reviewer. The portal copy is withdrawn."""
    if not can_edit(entry, role):
        raise EntryError(_("Only a reviewer may delete an entry that is published or awaiting review."))
    if entry.on_portal:
        entry.version += 1
        outbox.enqueue(entry.uid, entry.version, Operation.WITHDRAW, withdraw_payload(entry))
    db.session.delete(entry)
    db.session.flush()


def resync(entry: CatalogueEntry) -> None:
    """Send the entry's current state to the portal again (used by ``sync verify --repair``)."""
    entry.on_portal = entry.on_portal or (entry.shared and entry.status == Status.PUBLISHED)
    _changed(entry, force=True)


def _changed(entry: CatalogueEntry, force: bool = False) -> None:
    """Raise the version and write the outbox event the change calls for."""
    entry.version += 1
    if entry.shared and entry.status == Status.PUBLISHED:
        entry.on_portal = True
        outbox.enqueue(entry.uid, entry.version, Operation.UPSERT, portal_payload(entry))
    elif entry.on_portal or force:
        entry.on_portal = False
        outbox.enqueue(entry.uid, entry.version, Operation.WITHDRAW, withdraw_payload(entry))
    db.session.flush()


def _assign(entry: CatalogueEntry, data: dict) -> None:
    for key in CONTENT_FIELDS:
        if key in data:
            setattr(entry, key, data[key])
    if "body" in data:
        entry.body = sanitize_html(data["body"])
    errors: dict[str, list[str]] = {}
    for key, kind in (("topic_id", TermKind.TOPIC), ("genre_id", TermKind.GENRE)):
        if key in data:
            term_id = data[key]
            term = db.session.get(CatalogueTerm, term_id) if term_id else None
            # A retired term may stay on the entries that already use it.
            if term_id and (term is None or term.kind != kind or (not term.active and getattr(entry, key) != term_id)):
                errors[key] = [_("Choose one of the listed categories.")]
            else:
                setattr(entry, key, term_id)
                setattr(entry, key.removesuffix("_id"), term)
    if "column_id" in data:
        column = db.session.get(Column, data["column_id"]) if data["column_id"] else None
        if data["column_id"] and (column is None or column.kind != ColumnKind.CATALOGUE):
            errors["column_id"] = [_("Choose a catalogue column of this site.")]
        else:
            entry.column_id = column.id if column else None
    if errors:
        raise ValidationError(errors)


def _set_attachments(entry: CatalogueEntry, media_ids: list[int] | None) -> None:
    if media_ids is None:
        return
    media = {m.id: m for m in db.session.scalars(sa.select(Media).where(Media.id.in_(media_ids)))}
    if set(media_ids) - set(media):
        # Another site's files look exactly like missing ones.
        raise ValidationError({"attachment_ids": [_("Choose files from this site's media library.")]})
    entry.attachments = [CatalogueAttachment(media_id=mid, media=media[mid], position=i) for i, mid in enumerate(dict.fromkeys(media_ids))]


def entry_path(entry) -> str:
    """The public path of an entry on its own site (stable: built from the uid)."""
    return f"/catalogue/{entry.uid}/"


def portal_payload(entry: CatalogueEntry) -> dict:
    """What the portal needs to show its copy of ``entry``: all metadata, body and links."""
    from zhanqun.platform.media.services import media_url

    site = hostmap().site_by_id(entry.tenant_id)
    return {
        "uid": entry.uid,
        "version": entry.version,
        "index_number": entry.index_number,
        "title": entry.title,
        "publisher": entry.publisher,
        "document_number": entry.document_number,
        "topic": {"code": entry.topic.code, "name": entry.topic.name} if entry.topic else None,
        "genre": {"code": entry.genre.code, "name": entry.genre.name} if entry.genre else None,
        "issued_on": iso(entry.issued_on),
        "year": entry.index_year,
        "published_at": entry.published_at.isoformat() if entry.published_at else "",
        "validity": str(entry.validity),
        "validity_note": entry.validity_note,
        "disclosure_mode": str(entry.disclosure_mode),
        "body": entry.body,
        "attachments": [
            {"name": a.media.original_name, "url": site_url(site, media_url(a.media))} for a in entry.attachments
        ],
        "source": _source(site, entry),
    }


def withdraw_payload(entry: CatalogueEntry) -> dict:
    """The little a withdraw needs: which entry, from where."""
    site = hostmap().site_by_id(entry.tenant_id)
    return {"uid": entry.uid, "version": entry.version, "source": _source(site, entry)}


def _source(site, entry) -> dict:
    return {"site_code": site.site_code or site.slug, "slug": site.slug, "name": site.name,
            "url": site_url(site, entry_path(entry))}

