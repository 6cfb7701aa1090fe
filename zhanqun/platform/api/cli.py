"""``zhanqun tokens create|list|revoke``: a site's API tokens from the command line."""
from __future__ import annotations

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from zhanqun.platform import audit
from zhanqun.platform.api import tokens as service
from zhanqun.platform.api.models import ApiToken
from zhanqun.platform.cli_support import ExpectedError, command_errors
from zhanqun.platform.extensions import db
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import tenant_context


def _site(slug: str):
    site = hostmap().site_by_slug(slug)
    if site is None:
        raise ExpectedError(f"no site with slug {slug!r}")
    return site


@click.group()
def tokens():
    """API tokens of a site (for programs that write through /api/v1/)."""


@tokens.command("create")
@click.option("--site", "slug", required=True, help="The site's slug.")
@click.option("--scope", required=True, help=f"Comma-separated: {', '.join(service.SCOPES)}.")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@with_appcontext
@command_errors()
def create(slug, scope, name):
    """Create a token and print it once: it cannot be shown again."""
    site = _site(slug)
    with tenant_context(site.id):
        token, text = service.create_token(name, scope)
        audit.record("api.token.create", tenant_id=site.id, token_id=token.id, name=name, scopes=token.scopes)
    click.echo(text)
    click.echo(f"token #{token.id} for {site.slug} with scopes {token.scopes}; store it now, it is not shown again", err=True)


@tokens.command("list")
@click.option("--site", "slug", required=True)
@with_appcontext
@command_errors()
def list_(slug):
    """The site's tokens (never the token text)."""
    site = _site(slug)
    with tenant_context(site.id):
        for t in service.list_tokens():
            state = "revoked" if t.revoked_at else "active"
            click.echo(f"{t.id}\t{t.prefix}…\t{t.name}\t{t.scopes}\t{state}\tlast used {t.last_used_at or 'never'}")


@tokens.command("revoke")
@click.option("--site", "slug", required=True)
@click.argument("token_id", type=int)
@with_appcontext
@command_errors()
def revoke(slug, token_id):
    """Revoke TOKEN_ID of the site at once."""
    site = _site(slug)
    with tenant_context(site.id):
        token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id))
        if token is None:
            raise ExpectedError(f"site {slug} has no token #{token_id}")
        service.revoke(token)
        audit.record("api.token.revoke", tenant_id=site.id, token_id=token.id)
    click.echo(f"token #{token_id} revoked")
