"""``zhanqun users …``: accounts and roles from the command line.

The commands run with the operator's authority (``by=None``) and call the same services as
the console. Expected mistakes (unknown user or site, bad role, taken username) end with a
one-line ``Error: …`` and exit status 1.
"""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.cli_support import ExpectedError, command_errors, echo_json
from zhanqun.platform.extensions import db
from zhanqun.tenants.services import UnknownTenant, get_tenant

ROLE_NAMES = "|".join(role.value for role in Role)


class UnknownUser(ExpectedError):
    """No user has that username."""


class UnknownRole(ExpectedError):
    """The role is not one of ours."""


def _user(username: str) -> User:
    user = services.find_user(username)
    if user is None:
        raise UnknownUser(_("There is no user named “%(name)s”.", name=username))
    return user


def _role(name: str) -> Role:
    # Checked here rather than by click.Choice, whose usage error spans several lines.
    try:
        return Role(name.strip().lower())
    except ValueError:
        raise UnknownRole(_("“%(role)s” is not a role; use one of %(roles)s.", role=name, roles=ROLE_NAMES)) from None


@click.group()
def users():
    """Create users and give them roles on sites."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name, e.g. 王敏")
@click.option("--email", default="")
@click.option("--platform-admin", is_flag=True, help="Can manage every site and user")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one")
@command_errors()
def create(username, display_name, email, platform_admin, password_stdin):
    """Create a user; prints the generated password once."""
    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    user, generated = services.create_user(
        {"username": username, "display_name": display_name, "email": email, "password": password,
         "is_platform_admin": platform_admin}
    )
    click.echo(f"Created user {user.username}" + (" (platform admin)" if user.is_platform_admin else ""))
    if generated:
        click.echo(f"Password: {generated}")


@users.command("grant")
@click.argument("username")
@click.argument("slug")
@click.argument("role", metavar=f"{{{ROLE_NAMES}}}")
@command_errors(UnknownTenant)
def grant(username, slug, role):
    """Give USERNAME the ROLE on the site SLUG (replacing any role there)."""
    role = _role(role)
    user, tenant = _user(username), get_tenant(slug)
    services.grant(user, tenant.id, role, by=None)
    click.echo(f"{user.username} is now {role.value} on {tenant.slug}")


@users.command("revoke")
@click.argument("username")
@click.argument("slug")
@command_errors(UnknownTenant)
def revoke(username, slug):
    """Remove USERNAME's role on the site SLUG."""
    user, tenant = _user(username), get_tenant(slug)
    if services.revoke(user, tenant.id, by=None):
        click.echo(f"{user.username} no longer has a role on {tenant.slug}")
    else:
        click.echo(f"{user.username} had no role on {tenant.slug}")


@users.command("reset-password")
@click.argument("username")
@command_errors()
def reset_password(username):
    """Give USERNAME a new generated password (ends their sessions)."""
    user = _user(username)
    password = services.reset_password(user, by=None)
    click.echo(f"New password for {user.username}: {password}")


@users.command("deactivate")
@click.argument("username")
@command_errors()
def deactivate(username):
    """Stop USERNAME from signing in; their open sessions end at once."""
    user = _user(username)
    changed = services.set_active(user, False, by=None)
    click.echo(f"{user.username} is deactivated" + ("" if changed else " (already was)"))


@users.command("activate")
@click.argument("username")
@command_errors()
def activate(username):
    """Let a deactivated USERNAME sign in again."""
    user = _user(username)
    changed = services.set_active(user, True, by=None)
    click.echo(f"{user.username} is active" + ("" if changed else " (already was)"))


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list")
@command_errors()
def list_(as_json):
    """List users with their roles."""
    query = sa.select(User).order_by(User.username).options(selectinload(User.memberships).selectinload(Membership.tenant))
    rows = [
        {
            "username": user.username,
            "display_name": user.display_name,
            "email": user.email,
            "platform_admin": user.is_platform_admin,
            "active": user.is_active,
            "roles": {m.tenant.slug: m.role.value for m in user.memberships},
        }
        for user in db.session.scalars(query)
    ]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No users yet. Create one with `zhanqun users create USERNAME --platform-admin`.")
        return
    for row in rows:
        roles = ", ".join(f"{slug}:{role}" for slug, role in sorted(row["roles"].items()))
        flags = " ".join(flag for flag, on in (("admin", row["platform_admin"]), ("inactive", not row["active"])) if on)
        click.echo(f"{row['username']:<20} {flags:<15} {roles}")
