"""The census in the console: every finding for the central office, each site's own for its webmasters."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy.orm import joinedload

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.census import checks, runner, services
from zhanqun.platform.census.models import (
    CensusRun,
    Finding,
    FindingStatus,
    RunStatus,
    Severity,
)
from zhanqun.platform.console.access import platform_admin_required, site_role_required
from zhanqun.platform.console.navigation import platform_menu_item, site_menu_item
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.resolver import hostmap
from zhanqun.tenants.scoping import cross_tenant, tenant_context

bp = Blueprint("census", __name__, subdomain="console", template_folder="templates")
platform_menu_item("census.index", _l("Census"), order=20)
site_menu_item("census.site_findings", _l("Census findings"), Role.EDITOR, order=85)

PER_PAGE = 50
SORTS = {
    "severity": lambda q: q.order_by(Finding.severity.desc(), Tenant.name, Finding.id),
    "site": lambda q: q.order_by(Tenant.name, Finding.severity.desc(), Finding.id),
    # Most overdue first: the earliest deadline; findings without a deadline last.
    "overdue": lambda q: q.order_by(Finding.deadline.is_(None), Finding.deadline, Finding.severity.desc(), Finding.id),
}


@bp.context_processor
def _helpers():
    return {"describe": checks.describe, "check_label": checks.label, "today": _local_today(),
            "hostmap_site": lambda tenant_id: hostmap().site_by_id(tenant_id),
            "status_names": {FindingStatus.OPEN: _("Open"), FindingStatus.FIXED: _("Fixed"), FindingStatus.WAIVED: _("Waived")},
            "severity_names": {Severity.VETO: _("Single veto"), Severity.ORDINARY: _("Ordinary")},
            "run_status_names": {RunStatus.RUNNING: _("running"), RunStatus.DONE: _("finished"), RunStatus.FAILED: _("failed")}}


def _local_today() -> date:
    """Today in the platform's time zone (deadlines are local dates)."""
    return datetime.now(get_timezone()).date()


def _filtered(query, args):
    status = args.get("status", FindingStatus.OPEN.value)
    if status in {s.value for s in FindingStatus}:
        query = query.where(Finding.status == status)
    severity = args.get("severity", "")
    if severity in {s.value for s in Severity}:
        query = query.where(Finding.severity == severity)
    return query, status, severity


@bp.route("/census")
@platform_admin_required
def index():
    """Every site's findings (cross-site), sortable by site, severity and days overdue; the run button."""
    sort = request.args.get("sort", "severity")
    query = sa.select(Finding).join(Finding.tenant).options(joinedload(Finding.tenant))
    query, status, severity = _filtered(query, request.args)
    site = request.args.get("site", "")
    if site:
        query = query.where(Tenant.slug == site)
    query = SORTS.get(sort, SORTS["severity"])(query)
    with cross_tenant():
        page = db.paginate(query, per_page=PER_PAGE, error_out=True)
    latest = db.session.scalar(sa.select(CensusRun).order_by(CensusRun.id.desc()).limit(1))
    return render_template("census/index.html", page=page, sort=sort, status=status, severity=severity, site=site,
                           sites=hostmap().sites(), latest=latest, running=services.running_run())


@bp.route("/census/findings.csv")
@platform_admin_required
def export_csv():
    """The findings list as CSV, with the list's filters (UTF-8 with a byte-order mark for spreadsheets)."""
    query = sa.select(Finding).join(Finding.tenant).options(joinedload(Finding.tenant))
    query, _status, _severity = _filtered(query, request.args)
    if request.args.get("site"):
        query = query.where(Tenant.slug == request.args["site"])
    query = SORTS.get(request.args.get("sort", "severity"), SORTS["severity"])(query)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([_("Site"), _("Severity"), _("Check"), _("Problem"), _("Page"), _("Status"), _("Deadline"),
                     _("Days overdue")])
    today = _local_today()
    with cross_tenant():
        for f in db.session.scalars(query.execution_options(yield_per=500)):
            writer.writerow([f.tenant.name, f.severity.value, checks.label(f.check), checks.describe(f.check, f.params),
                             f.url, f.status.value, f.deadline.isoformat() if f.deadline else "", f.days_overdue(today)])
    return Response(out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=census-findings.csv", "Cache-Control": "no-store"})


@bp.route("/census/run", methods=["POST"])
@platform_admin_required
def start():
    """Start a census in the background; the list page shows its progress."""
    try:
        runner.start_in_background(site_slug=request.form.get("site") or None,
                                   external_links=request.form.get("external") == "1", by=current_user)
    except services.CensusError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("The census has started. You can keep working; this page shows its progress."), "success")
    return redirect(url_for("census.index")), 303


@bp.route("/census/progress")
@platform_admin_required
def progress():
    """The latest run's progress, for the list page's script."""
    run = db.session.scalar(sa.select(CensusRun).order_by(CensusRun.id.desc()).limit(1))
    if run is None:
        return jsonify(running=False)
    return jsonify(running=run.status == RunStatus.RUNNING, status=run.status.value, sites_done=run.sites_done,
                   sites_total=run.sites_total, pages=run.pages, current_site=run.current_site)


def _admin_finding(finding_id: int) -> Finding:
    with cross_tenant():
        finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    return finding


@bp.route("/census/findings/<int:finding_id>/deadline", methods=["POST"])
@platform_admin_required
def deadline(finding_id):
    """Set (or clear) one finding's rectification deadline."""
    finding = _admin_finding(finding_id)
    return _set_deadline([finding], finding.tenant_id)


@bp.route("/census/sites/<slug>/deadline", methods=["POST"])
@platform_admin_required
def site_deadline(slug):
    """Set the rectification deadline of every open finding of one site."""
    site = hostmap().site_by_slug(slug) or abort(404)
    with tenant_context(site.id):
        findings = list(db.session.scalars(sa.select(Finding).where(Finding.status == FindingStatus.OPEN)))
    return _set_deadline(findings, site.id)


def _set_deadline(findings: list[Finding], tenant_id: int):
    raw = request.form.get("deadline", "").strip()
    try:
        when = date.fromisoformat(raw) if raw else None
    except ValueError:
        flash(_("Enter a date as YYYY-MM-DD."), "error")
        return redirect(request.referrer or url_for("census.index")), 303
    with tenant_context(tenant_id):
        n = services.set_deadline(findings, when, by=current_user)
        db.session.commit()
    flash(_("Deadline set for %(n)s finding(s).", n=n), "success")
    return redirect(request.referrer or url_for("census.index")), 303


@bp.route("/census/findings/<int:finding_id>/waive", methods=["GET", "POST"])
@platform_admin_required
def waive(finding_id):
    """Waive a finding with a reason (the central office's decision)."""
    finding = _admin_finding(finding_id)
    errors: dict = {}
    reason = request.form.get("reason", "")
    with tenant_context(finding.tenant_id):
        if request.method == "POST":
            try:
                services.waive(finding, reason, by=current_user)
            except ValidationError as exc:
                errors = flatten_errors(exc.messages)
            else:
                db.session.commit()
                flash(_("The finding is waived."), "success")
                return redirect(url_for("census.index")), 303
        return render_template("census/waive.html", finding=finding, reason=reason, errors=errors), (400 if errors else 200)


@bp.route("/census/findings/<int:finding_id>/reopen", methods=["POST"])
@platform_admin_required
def reopen(finding_id):
    """Re-open a waived or fixed finding."""
    finding = _admin_finding(finding_id)
    with tenant_context(finding.tenant_id):
        services.reopen(finding, by=current_user)
        db.session.commit()
    flash(_("The finding is open again."), "success")
    return redirect(request.referrer or url_for("census.index")), 303


@bp.route("/sites/<slug>/census")
@site_role_required(Role.EDITOR)
def site_findings(slug=None):
    """This site's findings only (the ORM's tenant scoping applies)."""
    query, status, severity = _filtered(sa.select(Finding), request.args)
    query = SORTS["overdue"](query) if request.args.get("sort") == "overdue" else query.order_by(
        Finding.severity.desc(), Finding.id)
    page = db.paginate(query, per_page=PER_PAGE, error_out=True)
    return render_template("census/site.html", page=page, status=status, severity=severity, site=g.site,
                           can_act=g.site_role.includes(Role.SITE_ADMIN))


@bp.route("/sites/<slug>/census/<int:finding_id>/fixed", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def mark_fixed(finding_id, slug=None):
    """The webmaster reports a finding fixed; the next census confirms or re-opens it."""
    finding = db.session.get(Finding, finding_id)
    if finding is None:
        abort(404)
    try:
        services.mark_fixed(finding, by=current_user)
    except services.CensusError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(_("Marked fixed. The next census checks it again."), "success")
    return redirect(url_for("census.site_findings", slug=g.site.slug)), 303
