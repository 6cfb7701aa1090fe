"""The catalogue's schemas: one family for the console form, the API and the filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, RAISE, Schema, fields, pre_load, validate

from zhanqun.platform.catalogue.models import DisclosureMode, TermKind, Validity
from zhanqun.platform.schemas import TrimmedString
from zhanqun.platform.workflow.models import Status

_LENGTH = _l("This is too long.")
_OPTIONAL = ("topic_id", "genre_id", "column_id", "issued_on", "lock_version")


class EntryInputSchema(Schema):
    """What a person or an API client may set on an entry (the index number is not among it)."""

    class Meta:
        unknown = RAISE

    title = TrimmedString(required=True, validate=validate.Length(max=300, error=_LENGTH))
    publisher = TrimmedString(load_default="", validate=validate.Length(max=200, error=_LENGTH))
    document_number = TrimmedString(load_default="", validate=validate.Length(max=100, error=_LENGTH))
    topic_id = fields.Integer(load_default=None, allow_none=True, error_messages={"invalid": _l("Choose a topic.")})
    genre_id = fields.Integer(load_default=None, allow_none=True, error_messages={"invalid": _l("Choose a genre.")})
    issued_on = fields.Date(format="%Y-%m-%d", load_default=None, allow_none=True)
    validity = fields.Enum(Validity, by_value=True, load_default=Validity.VALID,
                           error_messages={"unknown": _l("Choose one of the listed values.")})
    validity_note = TrimmedString(load_default="", validate=validate.Length(max=300, error=_LENGTH))
    disclosure_mode = fields.Enum(DisclosureMode, by_value=True, load_default=DisclosureMode.ACTIVE,
                                  error_messages={"unknown": _l("Choose one of the listed values.")})
    body = fields.String(load_default="", validate=validate.Length(max=2_000_000, error=_l("The text is too long.")))
    shared = fields.Boolean(load_default=False)
    column_id = fields.Integer(load_default=None, allow_none=True, error_messages={"invalid": _l("Choose a column.")})
    attachment_ids = fields.List(fields.Integer(), load_default=list)


class EntryFormSchema(EntryInputSchema):
    """The console form: empty selects mean "none", an unticked box is ``False``."""

    class Meta:
        unknown = EXCLUDE

    lock_version = fields.Integer(load_default=None, allow_none=True)

    @pre_load
    def _blank_is_none(self, data, **kwargs):
        data = dict(data)
        for key in _OPTIONAL:
            if data.get(key) == "":
                data[key] = None
        data["shared"] = data.get("shared") in ("y", "on", "true", "1")
        return data


class TransitionSchema(Schema):
    """One workflow action on one entry."""

    class Meta:
        unknown = EXCLUDE

    action = fields.String(required=True, validate=validate.OneOf(
        ["submit", "publish", "reject", "withdraw"], error=_l("Choose one of the listed actions.")))
    comment = TrimmedString(load_default="", validate=validate.Length(max=2000, error=_LENGTH))


class FilterSchema(Schema):
    """List filters (query string) shared by console, public pages and the API."""

    class Meta:
        unknown = EXCLUDE

    topic = fields.String(load_default=None, validate=validate.Length(max=16))
    genre = fields.String(load_default=None, validate=validate.Length(max=16))
    year = fields.Integer(load_default=None, validate=validate.Range(min=1900, max=2999, error=_l("Enter a year.")))
    validity = fields.Enum(Validity, by_value=True, load_default=None,
                           error_messages={"unknown": _l("Choose one of the listed values.")})
    status = fields.Enum(Status, by_value=True, load_default=None,
                         error_messages={"unknown": _l("Choose one of the listed values.")})
    department = fields.String(load_default=None, validate=validate.Length(max=32))
    q = TrimmedString(load_default="", validate=validate.Length(max=100, error=_LENGTH))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))


def lenient_filters(args) -> dict:
    """Load filters from a query string, dropping the values that do not validate."""
    schema = FilterSchema()
    data = {k: v for k, v in args.items() if v != ""}
    errors = schema.validate(data)
    return schema.load({k: v for k, v in data.items() if k not in errors})


class TermSchema(Schema):
    """A topic or genre as the platform admin edits it."""

    class Meta:
        unknown = EXCLUDE

    kind = fields.Enum(TermKind, by_value=True, required=True)
    code = TrimmedString(required=True, validate=validate.Regexp(r"^[0-9A-Za-z_-]{1,16}$", error=_l(
        "Use up to 16 letters, digits, - or _.")))
    name = TrimmedString(required=True, validate=validate.Length(max=100, error=_LENGTH))
    position = fields.Integer(load_default=0)
    active = fields.Boolean(load_default=True)

    @pre_load
    def _checkbox(self, data, **kwargs):
        data = dict(data)
        if data.get("term_id"):  # an existing row's form: an unticked box is not sent at all
            data["active"] = data.get("active") in ("y", "on", "true", "1", True)
        elif "active" in data:
            data["active"] = data["active"] in ("y", "on", "true", "1", True)
        if data.get("position") == "":
            data.pop("position")
        return data


class SettingsSchema(Schema):
    """A site's catalogue settings."""

    class Meta:
        unknown = EXCLUDE

    index_pattern = TrimmedString(load_default="", validate=validate.Length(max=100, error=_LENGTH))
