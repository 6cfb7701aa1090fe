"""Account rules: creating and changing users, signing in, passwords, roles on sites.

Services flush; the request or CLI command that called them commits. ``by`` is the acting
user; ``None`` is the command line, which runs with the operator's authority.
"""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from flask_babel import format_timedelta
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy.orm import contains_eager

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.accounts.passwords import (
    generate_password,
    hash_password,
    needs_rehash,
    verify_password,
    waste_time_verifying,
)
from zhanqun.platform.accounts.schemas import (
    NewMemberSchema,
    UserEditSchema,
    UserSchema,
)
from zhanqun.platform.accounts.throttle import signin_throttle
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db


class SigninRefused(Exception):
    """Sign-in did not succeed; ``str(exc)`` is the message to show."""

    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


class PermissionDenied(Exception):
    """The acting user may not do this; ``str(exc)`` says why."""


# Users ------------------------------------------------------------------------------------

def find_user(username: str) -> User | None:
    """The user with ``username`` (case-insensitive), or ``None``."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))


def create_user(data: dict, *, by: User | None = None) -> tuple[User, str | None]:
    """Create a user from form or CLI data; returns the user and the generated password, if any.

    Raises ``ValidationError`` with per-field messages, ``PermissionDenied`` when a
    non-platform admin tries to create a platform admin.
    """
    data = _load_new_user(UserSchema(), data)
    if data["is_platform_admin"] and by is not None and not by.is_platform_admin:
        raise PermissionDenied(_("Only a platform administrator can create another platform administrator."))
    generated = None
    if not data.get("password"):
        generated = data["password"] = generate_password()
    user = User(
        username=data["username"],
        display_name=data["display_name"],
        email=data["email"],
        password_hash=hash_password(data["password"]),
        is_platform_admin=data["is_platform_admin"],
    )
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", user=by, target=user.username, platform_admin=user.is_platform_admin)
    return user, generated


def _load_new_user(schema, data: dict) -> dict:
    """``data`` loaded by ``schema``; a taken username is reported with the other field errors."""
    try:
        loaded, errors = schema.load(data), {}
    except ValidationError as exc:
        loaded, errors = exc.valid_data or {}, dict(exc.messages)
    if loaded.get("username") and find_user(loaded["username"]):
        errors.setdefault("username", []).append(_("This username is already taken."))
    if errors:
        raise ValidationError(errors)
    return loaded


def update_user(user: User, data: dict, *, by: User) -> list[str]:
    """A platform admin changes a user's name, e-mail or platform-admin flag; returns what changed."""
    data = UserEditSchema().load(data)
    if user.id == by.id and not data["is_platform_admin"] and user.is_platform_admin:
        raise PermissionDenied(_("You cannot take away your own platform administrator rights."))
    changed = [field for field, value in data.items() if getattr(user, field) != value]
    for field in changed:
        setattr(user, field, data[field])
    if changed:
        db.session.flush()
        audit.record("user.update", user=by, target=user.username, fields=changed)
    return changed


def user_search_query(text: str = "") -> sa.Select:
    """Users whose username, name or e-mail contains ``text``, by username."""
    query = sa.select(User).order_by(User.username)
    text = text.strip().lower()
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(sa.or_(*(sa.func.lower(column).like(pattern, escape="\\")
                                     for column in (User.username, User.display_name, User.email))))
    return query


# Signing in and passwords -----------------------------------------------------------------

def authenticate(username: str, password: str, address: str) -> User:
    """The user for these credentials, or ``SigninRefused`` with a message to show.

    Failures count per account and per address; past the limit, every attempt is refused
    (even a correct one) until the window passes, and the message says how long.
    """
    throttle = signin_throttle()
    wait = throttle.wait_seconds(username, address)
    if wait:
        audit.record("auth.signin_throttled", username=username[:64])
        raise SigninRefused(
            _("Too many failed sign-in attempts. Try again in %(time)s.",
              time=format_timedelta(timedelta(seconds=wait), threshold=1)),
            throttled=True,
        )
    user = find_user(username)
    if user is None:
        # As slow as a wrong password, so timing does not tell which usernames exist.
        waste_time_verifying(password)
        correct = False
    else:
        correct = verify_password(user.password_hash, password)
    if not correct or not user.is_active:
        throttle.failed(username, address)
        audit.record("auth.signin_failed", user=user, username=username[:64])
        if correct:
            raise SigninRefused(_("This account has been deactivated. Ask your platform administrator."))
        raise SigninRefused(_("Wrong username or password."))
    throttle.clear(username)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    audit.record("auth.signin", user=user)
    return user


def set_password(user: User, password: str, *, by: User | None = None, action: str = "user.password_reset") -> None:
    """Give ``user`` a new password and end every session they have."""
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record(action, user=by or user, target=user.username)


def reset_password(user: User, *, by: User | None) -> str:
    """A platform admin's (or the CLI's) reset: a generated password, to be shown once."""
    password = generate_password()
    set_password(user, password, by=by)
    return password


def change_own_password(user: User, current: str, new: str) -> None:
    """The signed-in user's change; a wrong current password is a field error."""
    if not verify_password(user.password_hash, current):
        raise ValidationError({"current_password": [_("This is not your current password.")]})
    set_password(user, new, by=user, action="user.password_change")


def set_active(user: User, active: bool, *, by: User | None) -> bool:
    """Deactivate (ending every session at once) or reactivate an account; False when unchanged."""
    if by is not None and user.id == by.id and not active:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return False
    user.is_active = active
    user.session_version += 1
    audit.record("user.activate" if active else "user.deactivate", user=by, target=user.username)
    return True


# Roles on sites ---------------------------------------------------------------------------

def role_on(user: User, tenant_id: int) -> Role | None:
    """``user``'s role on a site; platform admins act as site admins everywhere."""
    if not user.is_active:
        return None
    if user.is_platform_admin:
        return Role.SITE_ADMIN
    return db.session.scalar(sa.select(Membership.role).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id))


def manageable_tenant_ids(user: User) -> list[int] | None:
    """Ids of the sites ``user`` has a role on; ``None`` means every site (platform admin)."""
    if user.is_platform_admin:
        return None
    return list(db.session.scalars(sa.select(Membership.tenant_id).where(Membership.user_id == user.id)))


def membership_query(tenant_id: int) -> sa.Select:
    """A site's memberships with their users, by username (for a paginated list)."""
    return (
        sa.select(Membership).join(Membership.user).options(contains_eager(Membership.user))
        .where(Membership.tenant_id == tenant_id).order_by(User.username)
    )


def membership_of(user: User, tenant_id: int) -> Membership | None:
    """``user``'s membership of a site, if any (platform admins need none)."""
    return db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id))


def get_membership(tenant_id: int, membership_id: int) -> Membership | None:
    """The membership ``membership_id`` if it belongs to that site; ids of other sites give ``None``."""
    return db.session.scalar(
        sa.select(Membership).where(Membership.id == membership_id, Membership.tenant_id == tenant_id)
    )


def grant(user: User, tenant_id: int, role: Role, *, by: User | None) -> Membership:
    """Give ``user`` ``role`` on a site (replacing any role they had there).

    ``by`` must be a platform admin or a site admin of that site, and a site admin may not
    change their own role (they would lock themselves out).
    """
    _check_manages_members(by, tenant_id, user)
    role = Role(role)
    membership = membership_of(user, tenant_id)
    previous = membership.role.value if membership else None
    if previous == role.value:
        return membership
    if membership is None:
        membership = Membership(user=user, tenant_id=tenant_id, role=role)
        db.session.add(membership)
    else:
        membership.role = role
    db.session.flush()
    audit.record("membership.grant", user=by, tenant_id=tenant_id, target=user.username, role=role.value, previous=previous)
    return membership


def revoke(user: User, tenant_id: int, *, by: User | None) -> bool:
    """Remove ``user``'s role on a site; False when they had none."""
    _check_manages_members(by, tenant_id, user)
    membership = membership_of(user, tenant_id)
    if membership is None:
        return False
    db.session.delete(membership)
    db.session.flush()
    audit.record("membership.revoke", user=by, tenant_id=tenant_id, target=user.username, role=membership.role.value)
    return True


def add_member(tenant_id: int, username: str, role: Role, *, by: User | None) -> Membership:
    """Give an existing user a role on a site they are not a member of yet."""
    user = find_user(username)
    if user is None:
        raise ValidationError({"username": [_("There is no user with this username. To add a new person, create a new user.")]})
    if membership_of(user, tenant_id) is not None:
        raise ValidationError({"username": [_("This user is already a member of this site; change their role in the list.")]})
    return grant(user, tenant_id, role, by=by)


def create_member(tenant_id: int, data: dict, *, by: User | None) -> tuple[User, str]:
    """Create a new (never platform-admin) user with a role on a site; returns the user and their password.

    ``data`` is the form: username, display name, e-mail and role.
    """
    _check_manages_members(by, tenant_id, None)
    data = _load_new_user(NewMemberSchema(), data)
    user, password = create_user({key: data[key] for key in ("username", "display_name", "email")}, by=by)
    grant(user, tenant_id, data["role"], by=by)
    return user, password


def _check_manages_members(by: User | None, tenant_id: int, target: User | None) -> None:
    if by is None or by.is_platform_admin:
        return
    if role_on(by, tenant_id) != Role.SITE_ADMIN:
        raise PermissionDenied(_("Only a site administrator can change the members of this site."))
    if target is not None and target.id == by.id:
        raise PermissionDenied(_("You cannot change or remove your own role on a site; ask another administrator."))
