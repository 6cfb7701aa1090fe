"""Shared marshmallow pieces: translated error messages and the base schema."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
import re

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields

_MESSAGES = {
    fields.Field: {
        "required": _l("This field is required."),
        "null": _l("This field is required."),
        "validator_failed": _l("This value is not valid."),
    },
    fields.String: {"invalid": _l("Enter text."), "invalid_utf8": _l("Enter text.")},
    fields.Integer: {"invalid": _l("Enter a whole number."), "too_large": _l("This number is too large.")},
    fields.Boolean: {"invalid": _l("Choose yes or no.")},
    fields.Date: {"invalid": _l("Enter a date as YYYY-MM-DD.")},
    fields.DateTime: {"invalid": _l("Enter a date and time.")},
    fields.List: {"invalid": _l("Enter a list.")},
}


def translate_marshmallow_messages() -> None:
    """Replace marshmallow's English field messages with translated lazy strings."""
    for cls, messages in _MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {
        **Schema._default_error_messages,
        "unknown": _l("Unknown field."),
        "type": _l("Invalid input type."),
    }


class StrictSchema(Schema):
    """For API input: unknown fields are refused."""

    class Meta:
        unknown = RAISE


class FormSchema(Schema):
    """For HTML forms: the CSRF token and submit buttons are ignored."""

    class Meta:
        unknown = EXCLUDE


class TrimmedString(fields.String):
    """A string with surrounding white space removed; empty counts as missing when required."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        value = value.strip()
        if value == "" and self.required:
            raise self.make_error("required")
        return value


def flatten_errors(messages: dict) -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{field: [text, ...]}`` for templates and JSON."""
    flat: dict[str, list[str]] = {}
    for field, value in messages.items():
        if isinstance(value, dict):
            for sub, texts in flatten_errors(value).items():
                flat[f"{field}.{sub}"] = texts
        else:
            flat[field] = [str(t) for t in (value if isinstance(value, list) else [value])]
    return flat


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OptionalEmail(TrimmedString):
    """An e-mail address, or empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value and not _EMAIL_RE.match(value):
            raise ValidationError(_l("Enter a valid e-mail address."))
        return value
