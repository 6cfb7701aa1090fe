"""Validation of tenant input, shared by the console, the CLI and manifests."""
from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates

from zhanqun.platform.i18n import LOCALES
from zhanqun.platform.schemas import FormSchema, TrimmedString
from zhanqun.tenants.models import TenantKind

SLUG_RE = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
HOSTNAME_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
# Hosts the platform itself uses, or that people would mistake for something official.
RESERVED_SLUGS = frozenset(
    {"www", "console", "api", "static", "admin", "mail", "smtp", "ftp", "ns1", "ns2", "cdn", "assets", "media",
     "_themes", "localhost", "portal-admin", "sync", "status"}
)


class EnumField(fields.String):
    """A value of a string enum, with a translated message for anything else."""

    def __init__(self, enum_cls, **kwargs):
        self.enum_cls = enum_cls
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.enum_cls(value)
        except ValueError:
            raise ValidationError(_("Choose one of the listed values.")) from None


def validate_slug(slug: str) -> None:
    """DNS label rules, and no reserved words."""
    if not SLUG_RE.match(slug):
        raise ValidationError(_("Use 1–63 lower-case letters, digits or dashes, not starting or ending with a dash."))
    if slug in RESERVED_SLUGS:
        raise ValidationError(_("“%(slug)s” is reserved by the platform; choose another.", slug=slug))


def validate_hostname(hostname: str) -> None:
    """A fully qualified host name such as ``www.hengshan.gov.cn``."""
    if not HOSTNAME_RE.match(hostname):
        raise ValidationError(_("“%(host)s” is not a valid domain name.", host=hostname))


class Hostname(TrimmedString):
    """A host name, lower-cased."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs).lower().rstrip(".")
        validate_hostname(value)
        return value


class TenantSchema(FormSchema):
    """A site's settings (creating, or with ``partial=True`` editing)."""

    slug = TrimmedString(required=True, validate=validate_slug)
    name = TrimmedString(required=True, validate=validate.Length(min=1, max=200))
    kind = EnumField(TenantKind, load_default=TenantKind.DEPARTMENT)
    site_code = TrimmedString(load_default="", validate=validate.Regexp(r"^[0-9A-Za-z]{0,32}$", error=_l("Use up to 32 letters or digits.")))
    org_code = TrimmedString(load_default="", validate=validate.Regexp(r"^[0-9A-Za-z-]{0,32}$", error=_l("Use up to 32 letters, digits or dashes.")))
    sponsor = TrimmedString(load_default="", validate=validate.Length(max=200))
    contact = TrimmedString(load_default="", validate=validate.Length(max=200))
    icp_number = TrimmedString(load_default="", validate=validate.Length(max=64))
    police_number = TrimmedString(load_default="", validate=validate.Length(max=64))
    theme = TrimmedString(load_default="department", validate=validate.Regexp(r"^[a-z0-9_-]{1,64}$", error=_l("Choose a theme.")))
    default_locale = TrimmedString(load_default="zh_Hans_CN", validate=validate.OneOf(LOCALES, error=_l("Choose a language.")))
    domains = fields.List(Hostname(), load_default=list)

    @validates("slug")
    def _lower(self, value, **kwargs):
        if value != value.lower():
            raise ValidationError(_("Use lower-case letters."))
