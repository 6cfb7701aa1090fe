"""The provisioning console (platform admins): open, edit, suspend, archive, export and delete sites.

Every URL of the feature is here. Views parse the form, call a service, commit once, render.
"""
from __future__ import annotations

import os
import tempfile

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    after_this_request,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from zhanqun.platform.console.access import platform_admin_required
from zhanqun.platform.console.navigation import platform_menu_item
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants import provisioning, services
from zhanqun.tenants.archive import export_site
from zhanqun.tenants.labels import status_label
from zhanqun.tenants.models import Tenant, TenantKind, TenantStatus

bp = Blueprint("tenants", __name__, subdomain="console", template_folder="templates")
platform_menu_item("tenants.index", _l("Sites"), order=10)

PER_PAGE = 50


SITE_FIELDS = ("name", "slug", "kind", "site_code", "org_code", "sponsor", "contact", "icp_number", "police_number",
               "theme", "default_locale")
# Actions that take a site off line ask for confirmation first; the others undo them.
CONFIRMED_ACTIONS = {"suspend", "archive"}
STATUS_ACTIONS = ("suspend", "resume", "archive", "restore")


def _site_or_404(slug: str) -> Tenant:
    tenant = db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        abort(404)
    return tenant


def _site_form(form) -> dict:
    data = {name: form.get(name, "") for name in SITE_FIELDS if name in form}
    data["domains"] = [line.strip() for line in form.get("domains", "").splitlines() if line.strip()]
    return data


def _choices() -> dict:
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.i18n import LANGUAGE_NAMES
    from zhanqun.platform.templating import role_label
    from zhanqun.tenants.labels import kind_label
    from zhanqun.themes.rendering import registry

    return {
        "theme_choices": [(t.name, t.label_for(str(get_locale())) or t.name) for t in registry().selectable()],
        "kind_choices": [(k.value, kind_label(k)) for k in TenantKind],
        "role_choices": [(r.value, role_label(r)) for r in reversed(Role)],
        "locale_choices": list(LANGUAGE_NAMES.items()),
        "template_choices": [("", _("No columns yet"))] + provisioning.column_template_choices(),
    }


@bp.route("/tenants")
@platform_admin_required
def index():
    """Every site, the portal first, with what can be done to each."""
    query = sa.select(Tenant).order_by(Tenant.kind != TenantKind.PORTAL, Tenant.slug)
    status = request.args.get("status", "")
    if status in {s.value for s in TenantStatus}:
        query = query.where(Tenant.status == status)
    page = db.paginate(query, per_page=PER_PAGE, error_out=True)
    return render_template("tenants/index.html", page=page, status=status, statuses=list(TenantStatus))


@bp.route("/tenants/new", methods=["GET", "POST"])
@platform_admin_required
def create():
    """One form: the site, its column template and its first webmasters."""
    errors: dict = {}
    form = request.form if request.method == "POST" else {}
    if request.method == "POST":
        data = _site_form(form)
        data["column_template"] = form.get("column_template", "")
        data["webmasters"] = provisioning.parse_webmaster_rows(form)
        try:
            result = provisioning.provision_site(data, by=current_user)
        except ValidationError as exc:
            db.session.rollback()
            errors = flatten_errors(exc.messages)
        else:
            db.session.commit()
            # The generated passwords are shown on this response only; nothing keeps them.
            return render_template("tenants/created.html", result=result)
    rows = provisioning.parse_webmaster_rows(form)
    return render_template("tenants/form.html", tenant=None, form=form, errors=errors, rows=rows, **_choices()), (
        400 if errors else 200
    )


@bp.route("/tenants/<slug>/edit", methods=["GET", "POST"])
@platform_admin_required
def edit(slug):
    """Change a site's name, codes, footer data, theme and domains (its slug and kind stay)."""
    tenant = _site_or_404(slug)
    errors: dict = {}
    if request.method == "POST":
        form = request.form
        data = {k: v for k, v in _site_form(form).items() if k not in ("slug", "kind")}
        try:
            changed = services.update_tenant(tenant, data, by=current_user)
        except ValidationError as exc:
            db.session.rollback()
            errors = flatten_errors(exc.messages)
        else:
            db.session.commit()
            flash(_("Saved.") if changed else _("Nothing was changed."), "success")
            return redirect(url_for("tenants.index"))
    else:
        form = {name: getattr(tenant, name) for name in SITE_FIELDS}
        form["kind"] = tenant.kind.value
        form["domains"] = "\n".join(d.hostname for d in tenant.domains)
    return render_template("tenants/form.html", tenant=tenant, form=form, errors=errors, rows=[], **_choices()), (
        400 if errors else 200
    )


@bp.route("/tenants/<slug>/<any(suspend, resume, archive, restore):action>", methods=["GET", "POST"])
@platform_admin_required
def change_status(slug, action):
    """Suspend (503), resume, archive (410, data kept) or restore; taking a site off line is confirmed."""
    tenant = _site_or_404(slug)
    if request.method == "GET":
        if action not in CONFIRMED_ACTIONS:
            return redirect(url_for("tenants.index"))
        return render_template("tenants/confirm_status.html", tenant=tenant, action=action)
    try:
        services.change_status(tenant, action, by=current_user)
    except services.TransitionRefused as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("tenants.index")), 303
    db.session.commit()
    flash(_("%(site)s is now %(status)s.", site=tenant.name, status=status_label(tenant.status)), "success")
    return redirect(url_for("tenants.index")), 303


@bp.route("/tenants/<slug>/export", methods=["POST"])
@platform_admin_required
def export(slug):
    """Download the site's archive (data and media); recorded, since deleting requires it.

    Built in a temporary file and streamed; for very large sites the CLI
    (``zhanqun tenants export``) avoids holding a request open meanwhile.
    """
    tenant = _site_or_404(slug)
    name = f"{tenant.slug}-{utcnow():%Y%m%d-%H%M}.zip"
    handle, path = tempfile.mkstemp(prefix=f"zhanqun-{tenant.slug}-", suffix=".zip")
    os.close(handle)
    export_site(tenant, path)
    services.mark_exported(tenant, by=current_user, filename=name)
    db.session.commit()

    @after_this_request
    def _remove(response):
        response.call_on_close(lambda: os.path.exists(path) and os.remove(path))
        return response

    return send_file(path, mimetype="application/zip", as_attachment=True, download_name=name)


@bp.route("/tenants/<slug>/delete", methods=["GET", "POST"])
@platform_admin_required
def delete(slug):
    """Delete an archived, exported site after its slug was typed."""
    tenant = _site_or_404(slug)
    errors: dict = {}
    refused = None
    if tenant.status != TenantStatus.ARCHIVED:
        refused = _("Only an archived site can be deleted. Archive it first.")
    elif tenant.last_exported_at is None:
        refused = _("Export the site before deleting it: its data cannot be recovered otherwise.")
    typed = request.form.get("confirm_slug", "")
    if request.method == "POST" and not refused:
        name = tenant.name
        try:
            services.delete_tenant(tenant, typed, by=current_user)
        except ValidationError as exc:
            db.session.rollback()
            errors = flatten_errors(exc.messages)
        else:
            db.session.commit()
            flash(_("%(site)s and all its data have been deleted.", site=name), "success")
            return redirect(url_for("tenants.index")), 303
    status = 400 if errors or (refused and request.method == "POST") else 200
    return render_template("tenants/delete.html", tenant=tenant, refused=refused, errors=errors, typed=typed), status
