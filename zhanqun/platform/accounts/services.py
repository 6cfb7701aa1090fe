"""Account rules: creating users, signing in, passwords, roles on sites.

Services flush; the request or CLI command that called them commits.
"""
from __future__ import annotations

import sqlalchemy as sa
from datetime import timedelta

from flask_babel import format_timedelta, gettext as _
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.accounts.passwords import generate_password, hash_password, needs_rehash, verify_password
from zhanqun.platform.accounts.schemas import UserSchema
from zhanqun.platform.accounts.throttle import signin_throttle
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db


class SigninRefused(Exception):
    """Sign-in did not succeed; ``str(exc)`` is the message to show."""

    def __init__(self, message: str, *, throttled: bool = False):
        super().__init__(message)
        self.throttled = throttled


class PermissionDenied(Exception):
    """The acting user may not do this."""


def find_user(username: str) -> User | None:
    """The user with ``username`` (case-insensitive), or ``None``."""
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.username) == username.strip().lower()))


def create_user(data: dict, *, by: User | None = None) -> tuple[User, str | None]:
    """Create a user from form or CLI data; returns the user and the generated password, if any.

    Raises ``ValidationError`` with per-field messages.
    """
    data = UserSchema().load(data)
    if find_user(data["username"]):
        raise ValidationError({"username": [_("This username is already taken.")]})
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
            _("Too many failed sign-in attempts. Try again in %(time)s.", time=format_timedelta(timedelta(seconds=wait), threshold=1)),
            throttled=True,
        )
    user = find_user(username)
    if user is None or not verify_password(user.password_hash, password) or not user.is_active:
        throttle.failed(username, address)
        audit.record("auth.signin_failed", user=user, username=username[:64])
        if user is not None and not user.is_active and verify_password(user.password_hash, password):
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


def reset_password(user: User, *, by: User) -> str:
    """A platform admin's reset: a generated password, shown once."""
    password = generate_password()
    set_password(user, password, by=by)
    return password


def change_own_password(user: User, current: str, new: str) -> None:
    """The signed-in user's change; wrong current password is a field error."""
    if not verify_password(user.password_hash, current):
        raise ValidationError({"current_password": [_("This is not your current password.")]})
    set_password(user, new, by=user, action="user.password_change")


def set_active(user: User, active: bool, *, by: User) -> None:
    """Deactivate (ending every session at once) or reactivate an account."""
    if user.id == by.id and not active:
        raise PermissionDenied(_("You cannot deactivate your own account."))
    if user.is_active == active:
        return
    user.is_active = active
    user.session_version += 1
    audit.record("user.activate" if active else "user.deactivate", user=by, target=user.username)


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


def grant(user: User, tenant_id: int, role: Role, *, by: User | None) -> Membership:
    """Give ``user`` ``role`` on a site (replacing any role they had there).

    ``by`` must be a platform admin or a site admin of that site; ``None`` is the CLI,
    which runs with the operator's authority.
    """
    _check_manages_members(by, tenant_id)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id)
    )
    previous = membership.role.value if membership else None
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
    _check_manages_members(by, tenant_id)
    membership = db.session.scalar(
        sa.select(Membership).where(Membership.user_id == user.id, Membership.tenant_id == tenant_id)
    )
    if membership is None:
        return False
    if by is not None and by.id == user.id and not by.is_platform_admin:
        raise PermissionDenied(_("You cannot remove yourself from a site."))
    db.session.delete(membership)
    audit.record("membership.revoke", user=by, tenant_id=tenant_id, target=user.username, role=membership.role.value)
    return True


def _check_manages_members(by: User | None, tenant_id: int) -> None:
    if by is None:
        return
    if role_on(by, tenant_id) != Role.SITE_ADMIN:
        raise PermissionDenied(_("Only a site administrator can change the members of this site."))
