"""``zhanqun users …``: accounts and roles from the command line."""
from __future__ import annotations

import click
import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from flask_babel import gettext as _

from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.cli_support import ExpectedError, command_errors, echo_json
from zhanqun.platform.extensions import db
from zhanqun.tenants.services import UnknownTenant, get_tenant


class UnknownUser(ExpectedError):
    """No user has that username."""


def _user(username: str) -> User:
    user = services.find_user(username)
    if user is None:
        raise UnknownUser(_("There is no user named “%(name)s”.", name=username))
    return user


@click.group()
def users():
    """Create users and give them roles on sites."""


@users.command("create")
@click.argument("username")
@click.option("--name", "display_name", default="", help="Display name, e.g. 王敏")
@click.option("--email", default="")
@click.option("--platform-admin", is_flag=True, help="Can manage every site and user")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of generating one")
@command_errors(UnknownUser)
def create(username, display_name, email, platform_admin, password_stdin):
    """Create a user; prints the generated password once."""
    password = click.get_text_stream("stdin").readline().rstrip("\n") if password_stdin else None
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
@click.argument("role", type=click.Choice([r.value for r in Role]))
@command_errors(UnknownUser, UnknownTenant)
def grant(username, slug, role):
    """Give USERNAME the ROLE on the site SLUG (replacing any role there)."""
    user, tenant = _user(username), get_tenant(slug)
    services.grant(user, tenant.id, Role(role), by=None)
    click.echo(f"{user.username} is now {role} on {tenant.slug}")


@users.command("revoke")
@click.argument("username")
@click.argument("slug")
@command_errors(UnknownUser, UnknownTenant)
def revoke(username, slug):
    """Remove USERNAME's role on the site SLUG."""
    user, tenant = _user(username), get_tenant(slug)
    if services.revoke(user, tenant.id, by=None):
        click.echo(f"{user.username} no longer has a role on {tenant.slug}")
    else:
        click.echo(f"{user.username} had no role on {tenant.slug}")


@users.command("reset-password")
@click.argument("username")
@command_errors(UnknownUser)
def reset_password(username):
    """Give USERNAME a new generated password (ends their sessions)."""
    user = _user(username)
    password = services.generate_password()
    services.set_password(user, password)
    click.echo(f"New password for {user.username}: {password}")


@users.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list")
@command_errors()
def list_(as_json):
    """List users with their roles."""
    rows = []
    for user in db.session.scalars(sa.select(User).order_by(User.username).options(selectinload(User.memberships).selectinload(Membership.tenant))):
        rows.append({
            "username": user.username,
            "display_name": user.display_name,
            "platform_admin": user.is_platform_admin,
            "active": user.is_active,
            "roles": {m.tenant.slug: m.role.value for m in user.memberships},
        })
    if as_json:
        echo_json(rows)
        return
    for row in rows:
        roles = ", ".join(f"{slug}:{role}" for slug, role in sorted(row["roles"].items()))
        flags = ("admin " if row["platform_admin"] else "") + ("" if row["active"] else "inactive")
        click.echo(f"{row['username']:<20} {flags:<15} {roles}")
