"""Validation of the column form."""
from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from zhanqun.platform.columns.models import ColumnKind, UpdateCategory
from zhanqun.platform.schemas import FormSchema, TrimmedString

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
LINK_RE = re.compile(r"^(https?://[^\s]+|/[^\s]*)$")


class OptionalInteger(fields.Integer):
    """A whole number, or ``None`` when the form field is left empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            return None
        return super()._deserialize(value, attr, data, **kwargs)

    def _validate(self, value):
        if value is not None:
            super()._validate(value)


class ColumnSchema(FormSchema):
    """The add/edit column form."""

    name = TrimmedString(required=True, validate=validate.Length(max=100, error=_l("At most {max} characters.")))
    slug = TrimmedString(required=True, validate=validate.Regexp(
        SLUG_RE, error=_l("Use lower-case letters, digits and hyphens (at most 63), e.g. news or policy-files.")))
    parent_id = OptionalInteger(load_default=None, allow_none=True)
    kind = fields.Enum(ColumnKind, by_value=True, load_default=ColumnKind.LIST,
                       error_messages={"unknown": _l("Choose one of the listed kinds.")})
    visible = fields.Boolean(load_default=False)
    description = TrimmedString(load_default="", validate=validate.Length(max=2000, error=_l("At most {max} characters.")))
    update_category = fields.Enum(UpdateCategory, by_value=True, load_default=UpdateCategory.NONE,
                                  error_messages={"unknown": _l("Choose one of the listed categories.")})
    update_interval_days = OptionalInteger(load_default=None, allow_none=True, validate=validate.Range(
        min=1, max=3650, error=_l("Enter a number of days between {min} and {max}.")))
    page_size = fields.Integer(load_default=20, validate=validate.Range(
        min=1, max=100, error=_l("Enter a number between {min} and {max}.")))
    body = fields.String(load_default="")
    link_url = TrimmedString(load_default="", validate=validate.Length(max=500, error=_l("At most {max} characters.")))

    @validates_schema
    def _link_needs_url(self, data, **kwargs):
        if data.get("kind") == ColumnKind.LINK:
            if not data.get("link_url"):
                raise ValidationError(_l("A link column needs the address it points to."), "link_url")
            if not LINK_RE.match(data["link_url"]):
                raise ValidationError(_l("Enter an address starting with http://, https:// or /."), "link_url")
