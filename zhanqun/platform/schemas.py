"""Shared marshmallow pieces: translated error messages and the base schema."""
from __future__ import annotations

import re

from flask_babel import gettext
from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields


def N_(message: str) -> str:
    """Mark a message for extraction; it is translated when shown (see :func:`flatten_errors`).

    marshmallow needs plain ``str`` messages: it would iterate a lazy string into characters.
    For the same reason validators raise ``ValidationError(_("..."))`` (translated at once),
    never with a lazy string.
    """
    return message


_MESSAGES = {
    fields.Field: {
        "required": N_("This field is required."),
        "null": N_("This field is required."),
        "validator_failed": N_("This value is not valid."),
    },
    fields.String: {"invalid": N_("Enter text."), "invalid_utf8": N_("Enter text.")},
    fields.Integer: {"invalid": N_("Enter a whole number."), "too_large": N_("This number is too large.")},
    fields.Boolean: {"invalid": N_("Choose yes or no.")},
    fields.Date: {"invalid": N_("Enter a date as YYYY-MM-DD.")},
    fields.DateTime: {"invalid": N_("Enter a date and time.")},
    fields.List: {"invalid": N_("Enter a list.")},
}


def translate_marshmallow_messages() -> None:
    """Replace marshmallow's English field messages with ours (translated when shown)."""
    for cls, messages in _MESSAGES.items():
        cls.default_error_messages = {**cls.default_error_messages, **messages}
    Schema._default_error_messages = {
        **Schema._default_error_messages,
        "unknown": N_("Unknown field."),
        "type": N_("Invalid input type."),
    }


# Field instances copy their messages when created: translate before any schema module
# defines its fields, whichever module is imported first.
translate_marshmallow_messages()


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
            texts = value if isinstance(value, (list, tuple)) else [value]
            flat[field] = [gettext(str(t)) for t in texts]
    return flat


_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class OptionalEmail(TrimmedString):
    """An e-mail address, or empty."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if value and not _EMAIL_RE.match(value):
            raise ValidationError(gettext("Enter a valid e-mail address."))
        return value
