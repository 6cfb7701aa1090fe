"""Validation of the article form, the list filters and workflow actions."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import ClassVar

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from zhanqun.platform.columns.schemas import OptionalInteger
from zhanqun.platform.schemas import FormSchema, TrimmedString
from zhanqun.platform.workflow.models import Status
from zhanqun.platform.workflow.services import Action

_LENGTH = _l("At most {max} characters.")


class LocalDateTime(fields.Field):
    """A ``datetime-local`` form value in the site's time zone, returned in UTC; empty is ``None``."""

    default_error_messages: ClassVar[dict] = {"invalid": _l("Enter a date and time, e.g. 2026-05-01 09:30.")}

    def _deserialize(self, value, attr, data, **kwargs):
        if value is None or not str(value).strip():
            return None
        text = str(value).strip().replace(" ", "T")
        for pattern in ("%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                naive = datetime.strptime(text, pattern)
            except ValueError:
                continue
            return local_to_utc(naive)
        raise self.make_error("invalid")


def local_to_utc(naive: datetime) -> datetime:
    """A wall-clock time of the site's time zone as an aware UTC datetime."""

    zone = get_timezone()
    aware = zone.localize(naive) if hasattr(zone, "localize") else naive.replace(tzinfo=zone)
    return aware.astimezone(UTC)


def utc_to_local_input(value: datetime | None) -> str:
    """An aware datetime as the ``datetime-local`` value the form shows."""
    if value is None:
        return ""
    return value.astimezone(get_timezone()).strftime("%Y-%m-%dT%H:%M")


class ArticleTextSchema(Schema):
    """An article's text fields and their limits: shared by the console form and the API."""

    title = TrimmedString(required=True, validate=validate.Length(max=300, error=_LENGTH))
    subtitle = TrimmedString(load_default="", validate=validate.Length(max=300, error=_LENGTH))
    summary = TrimmedString(load_default="", validate=validate.Length(max=1000, error=_LENGTH))
    body = fields.String(load_default="", validate=validate.Length(max=2_000_000, error=_l("The text is too long.")))
    source = TrimmedString(load_default="", validate=validate.Length(max=200, error=_LENGTH))
    author = TrimmedString(load_default="", validate=validate.Length(max=100, error=_LENGTH))


class ArticleSchema(FormSchema, ArticleTextSchema):
    """The new/edit article form (attachments come as repeated ``attachment_ids`` fields)."""

    published_at = LocalDateTime(load_default=None, allow_none=True)
    column_id = fields.Integer(required=True, error_messages={"invalid": _l("Choose a column."),
                                                              "required": _l("Choose a column.")})
    cover_media_id = OptionalInteger(load_default=None, allow_none=True)
    attachment_ids = fields.List(fields.Integer(), load_default=list)
    lock_version = OptionalInteger(load_default=None, allow_none=True)


class ListFilterSchema(FormSchema):
    """The article list's filters (query string); bad values are dropped, not errors."""

    status = fields.Enum(Status, by_value=True, load_default=None)
    column = OptionalInteger(load_default=None)
    author = OptionalInteger(load_default=None)
    q = TrimmedString(load_default="", validate=validate.Length(max=100))
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


class TransitionSchema(FormSchema):
    """One workflow action on one article."""

    action = fields.Enum(Action, by_value=True, required=True,
                         error_messages={"unknown": _l("Choose one of the listed actions.")})
    comment = TrimmedString(load_default="", validate=validate.Length(max=2000, error=_LENGTH))
    publish_at = LocalDateTime(load_default=None, allow_none=True)
