"""``zhanqun demo``: load the demo county, idempotently, and say how to open it."""
from __future__ import annotations

import os

import click
from flask import Flask, current_app

from zhanqun.platform.accounts import services as accounts
from zhanqun.platform.accounts.passwords import generate_password
from zhanqun.platform.cli_support import command_errors
from zhanqun.platform.demo.data import DEMO_PASSWORD_FILE, USERS
from zhanqun.platform.extensions import db
from zhanqun.tenants import services as tenants
from zhanqun.tenants.manifest_plan import Action, apply_plan, make_plan
from zhanqun.tenants.manifests import (
    ManifestError,
    demo_manifest_folder,
    load_manifests,
)


def init_app(app: Flask) -> None:
    """Register the ``demo`` command."""
    app.cli.add_command(demo)


def demo_password() -> str:
    """The demo accounts' password: generated once per instance, then reused."""
    path = os.path.join(current_app.instance_path, DEMO_PASSWORD_FILE)
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    password = generate_password()
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(password)
    os.chmod(path, 0o600)
    return password


def load_demo() -> dict:
    """Create what the demo county lacks; returns counts of what was created.

    The accounts come from ``data.USERS`` (with the instance's demo password); the sites,
    their columns and their members from the demo manifests (``tenants/`` in a checkout,
    else the copy packaged in ``zhanqun/tenants/demo_manifests``).
    """
    created = {"sites": 0, "users": 0}
    password = demo_password()
    for username, display_name, platform_admin, _roles in USERS:
        if accounts.find_user(username) is None:
            accounts.create_user(
                {"username": username, "display_name": display_name, "password": password, "is_platform_admin": platform_admin}
            )
            created["users"] += 1
    plan = make_plan(load_manifests(str(demo_manifest_folder())))
    created["sites"] = sum(1 for site in plan.sites if site.site.action == Action.CREATE)
    apply_plan(plan)
    # Content and catalogue services read the sites from the host map, which sees committed
    # sites only: the sites and accounts are one step, their content the next.
    db.session.commit()
    from zhanqun.platform.catalogue.demo import load_demo_catalogue
    from zhanqun.platform.demo import content

    sites = {t.slug: t for t in tenants.list_tenants()}
    content.load(sites)
    load_demo_catalogue(sites)
    return created


@click.command("demo")
@click.option("--port", envvar="PORT", default=5000, show_default=True, help="Port shown in the printed addresses")
@command_errors(ManifestError)
def demo(port):
    """Load the demo county (衡山县) and print every site's address and the sign-in."""
    created = load_demo()
    db.session.commit()
    domain = current_app.config["ZHANQUN_DOMAIN"]
    click.echo(f"Demo county ready ({created['sites']} sites and {created['users']} users created now).")
    click.echo("")
    click.echo("Sites:")
    from zhanqun.tenants.resolver import site_hostnames

    for tenant in tenants.list_tenants():
        host = site_hostnames(tenant, domain)[0]
        click.echo(f"  http://{host}:{port}/  {tenant.name}")
    click.echo("")
    click.echo(f"Console: http://console.{domain}:{port}/")
    click.echo(f"  platform admin: admin / {demo_password()}")
    click.echo(f"  department webmaster: jkxj-admin / {demo_password()} (also jkxj-editor, jkxj-reviewer)")
