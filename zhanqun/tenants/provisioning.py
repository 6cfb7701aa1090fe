"""Opening a site in one step: the site, its column tree from a template, its first webmasters.

The console's "new site" form calls :func:`provision_site`. Every part is validated before
anything is written, and every error comes back at once as per-field messages. The service
flushes; the view commits.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates, validates_schema

from zhanqun.platform.accounts import services as accounts
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.accounts.schemas import USERNAME_RE
from zhanqun.platform.schemas import FormSchema, TrimmedString
from zhanqun.tenants import services
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import tenant_context

#: Readable names of the column templates; a template added later shows its own name.
TEMPLATE_LABELS = {
    "department-standard": _l("Department site (standard columns)"),
    "township-standard": _l("Township site (standard columns)"),
    "portal-standard": _l("Portal (standard columns)"),
}
#: How many webmaster rows the form offers; more are added later under the site's members.
WEBMASTER_ROWS = 3


class WebmasterSchema(FormSchema):
    """One of a new site's first webmasters: an existing or new username and a role."""

    username = TrimmedString(load_default="", validate=validate.Regexp(
        f"{USERNAME_RE}|^$",
        error=_l("Use 3–64 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit."),
    ))
    role = TrimmedString(load_default=Role.SITE_ADMIN.value, validate=validate.OneOf(
        [r.value for r in Role], error=_l("Choose a role.")))


class ProvisionSchema(FormSchema):
    """The parts of the "new site" form that are not the site's own settings."""

    column_template = TrimmedString(load_default="")
    webmasters = fields.List(fields.Nested(WebmasterSchema), load_default=list)

    @validates("column_template")
    def _known_template(self, value, **kwargs):
        if value and value not in dict(column_template_choices()):
            raise ValidationError(_("Choose one of the listed column templates."))

    @validates_schema
    def _distinct_usernames(self, data, **kwargs):
        seen: set[str] = set()
        for index, row in enumerate(data.get("webmasters", [])):
            name = row["username"].lower()
            if name and name in seen:
                raise ValidationError({"webmasters": {index: {"username": [_("This person is listed twice.")]}}})
            seen.add(name)


@dataclass
class Provisioned:
    """What :func:`provision_site` made; ``new_passwords`` are shown once and never stored."""

    tenant: Tenant
    columns: int = 0
    new_passwords: dict[str, str] = field(default_factory=dict)
    granted: list[tuple[str, Role]] = field(default_factory=list)


def column_template_choices() -> list[tuple[str, str]]:
    """``(name, label)`` of the column templates a new site can start from."""
    from zhanqun.platform.columns.templates_catalog import TEMPLATES

    return [(name, str(TEMPLATE_LABELS.get(name, name))) for name in TEMPLATES]


def provision_site(form: dict, *, by) -> Provisioned:
    """Create a site with its column template and first webmasters, or raise ``ValidationError``.

    ``form`` holds the site's settings (see ``TenantSchema``) plus ``column_template`` and
    ``webmasters`` (a list of ``{"username", "role"}``). Usernames that do not exist yet
    become new accounts with a generated password.
    """
    errors: dict = {}
    extra: dict = {}
    try:
        extra = ProvisionSchema().load({k: form[k] for k in ("column_template", "webmasters") if k in form})
    except ValidationError as exc:
        errors.update(exc.messages)
    template = extra.get("column_template", "")
    site_data = {k: v for k, v in form.items() if k not in ("column_template", "webmasters")}
    tenant = None
    try:
        tenant = services.create_tenant(site_data, by=by)
    except ValidationError as exc:
        errors.update(exc.messages)
    if errors:
        raise ValidationError(errors)

    result = Provisioned(tenant=tenant)
    if template:
        from zhanqun.platform.columns.services import apply_column_template

        with tenant_context(tenant.id):
            result.columns = len(apply_column_template(template))
    for row in extra.get("webmasters", []):
        if not row["username"]:
            continue
        user = accounts.find_user(row["username"])
        if user is None:
            user, password = accounts.create_user({"username": row["username"]}, by=by)
            result.new_passwords[user.username] = password
        role = Role(row["role"])
        accounts.grant(user, tenant.id, role, by=by)
        result.granted.append((user.username, role))
    return result


def parse_webmaster_rows(form) -> list[dict]:
    """The webmaster rows of the console form (``webmasters.<n>.username`` / ``.role``)."""
    return [
        {"username": form.get(f"webmasters.{i}.username", ""), "role": form.get(f"webmasters.{i}.role", Role.SITE_ADMIN.value)}
        for i in range(WEBMASTER_ROWS)
    ]
