"""``zhanqun census run``: the census from the command line, with a progress bar and a summary."""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa

from zhanqun.platform.census import checks, services
from zhanqun.platform.census.models import Finding, FindingStatus
from zhanqun.platform.cli_support import command_errors, echo_json
from zhanqun.platform.extensions import db
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import cross_tenant


@click.group()
def census():
    """The website census (网站普查): broken links, stale and empty columns, missing elements."""


@census.command("run")
@click.option("--site", "site_slug", default=None, help="Check only this site (default: every active site)")
@click.option("--external", is_flag=True, help="Also check external links (needs network; answers cached for a day)")
@click.option("--json", "as_json", is_flag=True, help="Print the summary and the open findings as JSON")
@command_errors(services.CensusError)
def run(site_slug, external, as_json):
    """Run the census now and print what it found."""
    run = services.create_run(site_slug=site_slug, external_links=external)
    total = run.sites_total
    state = {"pages": 0, "sites": 0}

    with click.progressbar(length=total, label="Census", file=sys.stderr) as bar:
        def progress(event, data):
            if event == "page":
                state["pages"] += data["n"]
            elif event == "site":
                if state["sites"]:
                    bar.update(1)
                state["sites"] += 1
                bar.label = f"Census: {data['slug']}"

        result = services.execute_run(run, progress=progress)
        bar.update(1)
    if as_json:
        echo_json(_as_json(result))
        return
    seconds = max(result.seconds, 0.001)
    click.echo(f"Checked {len(result.outcomes)} site(s), {result.pages} pages in {result.seconds:.1f} s "
               f"({result.pages / seconds:.1f} pages/s).")
    for o in result.outcomes:
        note = " (page limit reached)" if o.truncated else ""
        click.echo(f"  {o.slug:<16} {o.pages:>5} pages  {o.open:>4} open ({o.veto} single veto)  "
                   f"{o.new} new, {o.reopened} re-opened, {o.closed} fixed{note}")
    summary = result.run.summary
    click.echo(f"Open findings on the platform: {summary['open']} ({summary['veto']} single veto).")


def _as_json(result) -> dict:
    slugs = {o.slug for o in result.outcomes}
    ids = {hostmap().site_by_slug(s).id: s for s in slugs}
    with cross_tenant():
        findings = db.session.scalars(
            sa.select(Finding).where(Finding.tenant_id.in_(list(ids)), Finding.status == FindingStatus.OPEN)
            .order_by(Finding.tenant_id, Finding.severity.desc(), Finding.id)
        ).all()
        return {
            "run": result.run.id, "seconds": round(result.seconds, 2), "pages": result.pages,
            "summary": result.run.summary,
            "sites": [o.__dict__ for o in result.outcomes],
            "findings": [
                {"site": ids[f.tenant_id], "check": f.check, "severity": f.severity.value, "url": f.url,
                 "problem": checks.describe(f.check, f.params), "deadline": f.deadline, "first_seen_at": f.first_seen_at}
                for f in findings
            ],
        }
