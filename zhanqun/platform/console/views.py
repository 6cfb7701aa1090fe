"""Console pages of the shell: the dashboard, the site switcher, each site's overview."""
from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.console import services
from zhanqun.platform.console.access import site_role_required

bp = Blueprint("console", __name__, subdomain="console", template_folder="templates", static_folder="static",
               static_url_path="/static/console")


@bp.route("/")
@login_required
def dashboard():
    """Every site the user may manage, with their status and member counts."""
    rows = services.dashboard_rows(current_user)
    return render_template("console/dashboard.html", rows=rows, status_counts=services.status_counts(rows))


@bp.route("/switch")
@login_required
def switch_site():
    """The site switcher's target: a plain GET form, so it works without JavaScript."""
    slug = request.args.get("slug", "").strip()
    if not slug:
        return redirect(url_for("console.dashboard"))
    return redirect(url_for("console.site_home", slug=slug))


@bp.route("/sites/<slug>/")
@site_role_required(Role.EDITOR)
def site_home():
    """One site's overview: its addresses, codes and the user's role."""
    return render_template("console/site_home.html", site=g.site)


@bp.route("/robots.txt")
def robots():
    """The console is never indexed."""
    return Response("User-agent: *\nDisallow: /\n", mimetype="text/plain")
