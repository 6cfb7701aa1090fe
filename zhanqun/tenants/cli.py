"""``zhanqun tenants …``: provisioning from the command line."""
from __future__ import annotations

import sys

import click

from zhanqun.platform.cli_support import command_errors, echo_json
from zhanqun.tenants import services
from zhanqun.tenants.archive import ArchiveError
from zhanqun.tenants.labels import kind_label, status_label
from zhanqun.tenants.manifests import ManifestError
from zhanqun.tenants.resolver import site_hostnames

_EXPECTED = (services.UnknownTenant, services.TransitionRefused)


@click.group()
def tenants():
    """Create, list and change sites (站点)."""


def _as_dict(tenant) -> dict:
    from flask import current_app

    return {
        "slug": tenant.slug,
        "name": tenant.name,
        "kind": tenant.kind.value,
        "status": tenant.status.value,
        "theme": tenant.theme,
        "hostnames": list(site_hostnames(tenant, current_app.config["ZHANQUN_DOMAIN"])),
        "site_code": tenant.site_code,
        "org_code": tenant.org_code,
        "sponsor": tenant.sponsor,
        "contact": tenant.contact,
        "icp_number": tenant.icp_number,
        "police_number": tenant.police_number,
        "default_locale": tenant.default_locale,
    }


@tenants.command("create")
@click.argument("slug")
@click.option("--name", required=True, help="Full name, e.g. 衡山县经济科技和信息化局")
@click.option("--kind", type=click.Choice(["portal", "department"]), default="department", show_default=True)
@click.option("--site-code", default="", help="网站标识码")
@click.option("--org-code", default="", help="Organisation code used in index numbers")
@click.option("--sponsor", default="", help="主办单位")
@click.option("--contact", default="", help="Contact shown in the footer")
@click.option("--icp-number", default="", help="ICP filing number")
@click.option("--police-number", default="", help="Public-security filing number")
@click.option("--theme", default=None, help="Theme name (portal sites default to 'portal')")
@click.option("--domain", "domains", multiple=True, help="A custom domain; repeat for several")
@command_errors(*_EXPECTED)
def create(slug, name, kind, site_code, org_code, sponsor, contact, icp_number, police_number, theme, domains):
    """Create a site with the given SLUG (its subdomain)."""
    data = dict(slug=slug, name=name, kind=kind, site_code=site_code, org_code=org_code, sponsor=sponsor,
                contact=contact, icp_number=icp_number, police_number=police_number, domains=list(domains),
                theme=theme or ("portal" if kind == "portal" else "department"))
    tenant = services.create_tenant(data)
    click.echo(f"Created {tenant.slug}: {tenant.name}")


@tenants.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list")
@command_errors()
def list_(as_json):
    """List every site."""
    rows = [_as_dict(t) for t in services.list_tenants()]
    if as_json:
        echo_json(rows)
        return
    if not rows:
        click.echo("No sites yet. Create one with `zhanqun tenants create` or load the demo with `zhanqun demo`.")
        return
    for row in rows:
        click.echo(f"{row['slug']:<16} {row['status']:<10} {row['kind']:<11} {row['hostnames'][0]:<28} {row['name']}")


@tenants.command("show")
@click.argument("slug")
@click.option("--json", "as_json", is_flag=True, help="Print JSON")
@command_errors(*_EXPECTED)
def show(slug, as_json):
    """Show one site's settings."""
    data = _as_dict(services.get_tenant(slug))
    if as_json:
        echo_json(data)
        return
    for key, value in data.items():
        if key == "kind":
            value = f"{value} ({kind_label(value)})"
        elif key == "status":
            value = f"{value} ({status_label(value)})"
        elif isinstance(value, list):
            value = ", ".join(value)
        click.echo(f"{key:<15} {value}")


def _status_command(action: str, help_text: str):
    @click.argument("slug")
    @command_errors(*_EXPECTED)
    def command(slug):
        tenant = services.get_tenant(slug)
        services.change_status(tenant, action)
        click.echo(f"{tenant.slug}: {tenant.status.value}")

    command.__doc__ = help_text
    return tenants.command(action)(command)


_status_command("suspend", "Suspend a site: its pages answer 503 (maintenance) until resumed.")
_status_command("resume", "Resume a suspended site.")
_status_command("archive", "Archive a site: its pages answer 410; its data is kept.")
_status_command("restore", "Restore an archived site.")


@tenants.command("apply")
@click.argument("target", type=click.Path(exists=True))
@click.option("--yes", is_flag=True, help="Apply the plan; without it, only print it")
@command_errors(ManifestError)
def apply(target, yes):
    """Create or update the sites described by TOML manifests (a file or a folder of them).

    Prints the plan first: + create, ~ update (with the fields), = unchanged. Sites, columns
    and members that the manifests do not mention are left alone.
    """
    from zhanqun.tenants.manifest_plan import apply_plan, make_plan
    from zhanqun.tenants.manifests import load_manifests

    plan = make_plan(load_manifests(target))
    for line in plan.lines():
        click.echo(line)
    if not plan.changes:
        click.echo("No changes.")
        return
    if not yes:
        click.echo("Nothing changed yet: run again with --yes to apply this plan.")
        return
    passwords = apply_plan(plan)
    click.echo("Applied.")
    for username, password in passwords.items():
        click.echo(f"New account {username}, password (shown once): {password}")


@tenants.command("export")
@click.argument("slug")
@click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False, writable=True),
              help="The archive to write (.zip)")
@command_errors(*_EXPECTED)
def export(slug, output):
    """Write one site's data and media to a zip archive."""
    from zhanqun.tenants.archive import export_plan, export_site

    tenant = services.get_tenant(slug)
    steps = export_plan(tenant)
    total = sum(n for _, n in steps) + 1
    with click.progressbar(length=total, label=f"Exporting {slug}", file=sys.stderr) as bar:
        counts = export_site(tenant, output, progress=lambda step, n: bar.update(n))
        bar.update(1)
    services.mark_exported(tenant, filename=output)
    rows = sum(counts.values())
    click.echo(f"Exported {tenant.slug} to {output}: {rows} rows in {len([c for c in counts.values() if c])} tables.")


@tenants.command("import")
@click.argument("archive_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--slug", default=None, help="Import under this slug instead of the archive's")
@click.option("--replace", is_flag=True, help="Delete an existing site with that slug first")
@command_errors(*_EXPECTED, ArchiveError)
def import_(archive_file, slug, replace):
    """Load a site archive written by `zhanqun tenants export`, into this or another platform."""
    from zhanqun.tenants.archive import import_site, read_header

    header = read_header(archive_file)
    total = sum(header["tables"].values()) + header["files"]
    with click.progressbar(length=max(total, 1), label="Importing", file=sys.stderr) as bar:
        report = import_site(archive_file, slug=slug, replace=replace, progress=lambda step, n: bar.update(n))
    click.echo(f"Imported {report.tenant.slug}: {sum(report.rows.values())} rows, {report.files} files.")
    if report.skipped_members:
        click.echo("Members not added (no such user here): " + ", ".join(report.skipped_members))
    if report.dropped_domains:
        click.echo("Domains left out (they serve another site here): " + ", ".join(report.dropped_domains))
