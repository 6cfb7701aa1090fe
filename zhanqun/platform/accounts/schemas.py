"""Validation of account input, shared by the console forms and the CLI."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate, validates_schema

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.accounts.passwords import MIN_LENGTH
from zhanqun.platform.schemas import N_, FormSchema, OptionalEmail, TrimmedString

USERNAME_RE = r"^[A-Za-z0-9][A-Za-z0-9_.-]{1,62}[A-Za-z0-9]$"


def _password_field(**kwargs) -> fields.String:
    return fields.String(
        validate=validate.Length(min=MIN_LENGTH, max=200, error=_l("Use at least %(n)s characters.", n=MIN_LENGTH)),
        **kwargs,
    )


def _username_field() -> TrimmedString:
    return TrimmedString(
        required=True,
        validate=validate.Regexp(
            USERNAME_RE,
            error=_l("Use 3–64 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit."),
        ),
    )


def _display_name_field() -> TrimmedString:
    return TrimmedString(load_default="", validate=validate.Length(max=100, error=_l("Use at most %(n)s characters.", n=100)))


class UserSchema(FormSchema):
    """A new user."""

    username = _username_field()
    display_name = _display_name_field()
    email = OptionalEmail(load_default="")
    password = _password_field(load_default=None)
    is_platform_admin = fields.Boolean(load_default=False)


class UserEditSchema(FormSchema):
    """A platform admin's changes to a user (the username stays)."""

    display_name = _display_name_field()
    email = OptionalEmail(load_default="")
    is_platform_admin = fields.Boolean(load_default=False)


class RoleField(fields.String):
    """A role name (``editor``, ``reviewer``, ``site_admin``); nothing above site admin exists."""

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        try:
            return Role(value)
        except ValueError:
            raise ValidationError(_("Choose a role.")) from None


class RoleSchema(FormSchema):
    """A role on the current site."""

    role = RoleField(required=True)


class SiteRoleSchema(RoleSchema):
    """A role on a chosen site (the platform admin's user page)."""

    site_id = fields.Integer(required=True, error_messages={"invalid": N_("Choose a site.")})


class MemberSchema(RoleSchema):
    """Adding an existing user to a site by username."""

    username = TrimmedString(required=True, validate=validate.Length(max=64, error=_l("Enter a valid username.")))


class NewMemberSchema(RoleSchema):
    """Creating a new user as a member of a site."""

    username = _username_field()
    display_name = _display_name_field()
    email = OptionalEmail(load_default="")


class ChangePasswordSchema(FormSchema):
    """The signed-in user's own password change."""

    current_password = fields.String(required=True)
    new_password = _password_field(required=True)
    confirm_password = fields.String(required=True)

    @validates_schema
    def _confirmed(self, data, **kwargs):
        if data.get("new_password") != data.get("confirm_password"):
            raise ValidationError(_("The two new passwords differ."), field_name="confirm_password")
