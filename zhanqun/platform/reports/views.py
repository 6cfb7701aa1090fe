"""The dashboard pages and their CSV exports. Platform admins see every site, others their own."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, g, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.accounts.services import manageable_tenant_ids
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.console.navigation import platform_menu_item, site_menu_item
from zhanqun.platform.reports import queries
from zhanqun.tenants.resolver import hostmap

bp = Blueprint("reports", __name__, subdomain="console", template_folder="templates", static_folder="static",
               static_url_path="/static/reports")
platform_menu_item("reports.dashboard", _l("Reports"), order=30)
site_menu_item("reports.site_dashboard", _l("Reports"), Role.EDITOR, order=90)


def _my_sites():
    allowed = manageable_tenant_ids(current_user)
    return [s for s in hostmap().sites() if allowed is None or s.id in allowed]


def _context(sites) -> dict:
    series = queries.publications_per_day(sites)
    portal = next((s for s in sites if s.is_portal), None)
    target = queries.portal_target()
    portal_days = series.values.get(portal.slug, []) if portal else []
    last_week = portal_days[-7:]
    findings = queries.findings_over_time(sites)
    return {
        "rows": queries.site_rows(sites),
        "publications": series,
        "findings": findings,
        "chart_data": {
            "dates": [d.isoformat() for d in series.dates], "publications": series.values,
            "portal": portal.slug if portal else None, "target": target,
            "findingDates": [d.isoformat(sep=" ", timespec="minutes") for d in findings.dates], "findings": findings.values,
            "names": {s.slug: s.name for s in sites},
            "labels": {"open": _("Open findings"), "veto": _("Single-veto findings"), "target": _("Portal target")},
        },
        "portal": portal,
        "target": target,
        "portal_average": round(sum(last_week) / len(last_week), 1) if last_week else 0,
        "portal_today": portal_days[-1] if portal_days else 0,
    }


@bp.route("/reports")
@login_required
def dashboard():
    """Every site the user may manage (all of them for platform admins)."""
    sites = _my_sites()
    return render_template("reports/dashboard.html", csv_args={}, **_context(sites))


@bp.route("/sites/<slug>/report")
@site_role_required(Role.EDITOR)
def site_dashboard(slug=None):
    """The same dashboard for one site."""
    return render_template("reports/dashboard.html", csv_args={"site": g.site.slug}, **_context([g.site]))


@bp.route("/reports/<any(sites, publications, findings, portal):table>.csv")
@login_required
def export_csv(table):
    """One dashboard table as CSV (UTF-8 with a byte-order mark, so spreadsheet programs read the Chinese)."""
    sites = _my_sites()
    only = request.args.get("site")
    if only:
        sites = [s for s in sites if s.slug == only]
        if not sites:
            abort(404)
    data = _context(sites)
    header, rows = CSV_TABLES[table](data)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={table}.csv", "Cache-Control": "no-store"})


def _sites_table(data):
    header = [_("Site"), _("Slug"), _("Last update"), _("Articles this week"), _("Articles this month"),
              _("Catalogue entries"), _("Open findings"), _("Single-veto findings"), _("Sync")]
    rows = [[r.site.name, r.site.slug, r.last_update.isoformat() if r.last_update else "", r.week, r.month, r.entries,
             r.open_findings, r.veto_findings, r.sync_health] for r in data["rows"]]
    return header, rows


def _publications_table(data):
    series = data["publications"]
    slugs = list(series.values)
    return [_("Date"), *slugs], [[d.isoformat(), *(series.values[s][i] for s in slugs)] for i, d in enumerate(series.dates)]


def _findings_table(data):
    series = data["findings"]
    return [_("Date"), _("Open findings"), _("Single-veto findings")], [
        [d.isoformat(sep=" ", timespec="minutes"), series.values["open"][i], series.values["veto"][i]]
        for i, d in enumerate(series.dates)]


def _portal_table(data):
    portal = data["portal"]
    if portal is None:
        return [_("Date"), _("Updates"), _("Target")], []
    series = data["publications"]
    return [_("Date"), _("Updates"), _("Target")], [
        [d.isoformat(), series.values[portal.slug][i], data["target"]] for i, d in enumerate(series.dates)]


CSV_TABLES = {"sites": _sites_table, "publications": _publications_table, "findings": _findings_table,
              "portal": _portal_table}
