"""Input of the media library's console pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import fields, validate

from zhanqun.platform.schemas import FormSchema, TrimmedString


class LibraryArgs(FormSchema):
    """The library listing's query string: a part of a file name, the kind, and the page."""

    q = TrimmedString(load_default="", validate=validate.Length(max=100, error=_l("At most {max} characters.")))
    kind = fields.String(load_default="", validate=validate.OneOf(["", "image", "document", "archive"],
                                                                    error=_l("Choose one of the listed kinds.")))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, error=_l("Enter a page number of 1 or more.")))


class AltTextForm(FormSchema):
    """The description of an image for people who cannot see it."""

    alt_text = TrimmedString(load_default="", validate=validate.Length(max=255, error=_l("At most {max} characters.")))
