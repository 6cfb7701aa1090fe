"""A site's members (成员): site admins and platform admins add, change and remove them.

Every URL is under ``/sites/<slug>/members`` and checked by ``site_role_required``; a
membership id from another site answers 404, whoever asks.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import Membership, Role
from zhanqun.platform.accounts.schemas import MemberSchema, RoleSchema
from zhanqun.platform.console.access import acting_user, site_role_required
from zhanqun.platform.console.navigation import site_menu_item
from zhanqun.platform.console.responses import forbidden, password_once
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.platform.templating import role_label

bp = Blueprint("members", __name__, subdomain="console", template_folder="templates")
site_menu_item("members.index", _l("Members"), Role.SITE_ADMIN, order=80)

PER_PAGE = 50


def _membership_or_404(membership_id: int) -> Membership:
    membership = services.get_membership(g.site.id, membership_id)
    if membership is None:
        abort(404)
    return membership


def _list(errors: dict | None = None, status: int = 200):
    page = db.paginate(services.membership_query(g.site.id), per_page=PER_PAGE, error_out=False)
    return render_template("console/members/index.html", page=page, errors=errors or {}), status


@bp.route("/sites/<slug>/members")
@site_role_required(Role.SITE_ADMIN)
def index():
    """The site's members with their roles."""
    return _list()


@bp.route("/sites/<slug>/members/add", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def add():
    """Give an existing user a role on this site."""
    errors: dict = {}
    if request.method == "POST":
        try:
            data = MemberSchema().load(request.form)
            membership = services.add_member(g.site.id, data["username"], data["role"], by=acting_user())
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        except services.PermissionDenied as exc:
            return forbidden(str(exc))
        else:
            db.session.commit()
            flash(_("%(user)s is now a member of this site.", user=membership.user.label), "success")
            return redirect(url_for("members.index", slug=g.site.slug))
    return render_template("console/members/add.html", errors=errors, form=request.form), (400 if errors else 200)


@bp.route("/sites/<slug>/members/new", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def new():
    """Create a new user who is a member of this site; their password is shown once."""
    errors: dict = {}
    if request.method == "POST":
        try:
            user, password = services.create_member(g.site.id, request.form, by=acting_user())
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        except services.PermissionDenied as exc:
            return forbidden(str(exc))
        else:
            db.session.commit()
            return password_once(user, password, back=url_for("members.index", slug=g.site.slug), created=True)
    return render_template("console/members/new.html", errors=errors, form=request.form), (400 if errors else 200)


@bp.route("/sites/<slug>/members/<int:membership_id>/role", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def change_role(membership_id: int):
    """Change one member's role on this site."""
    membership = _membership_or_404(membership_id)
    try:
        role = RoleSchema().load(request.form)["role"]
        services.grant(membership.user, g.site.id, role, by=acting_user())
    except ValidationError as exc:
        return _list(flatten_errors(exc.messages), 400)
    except services.PermissionDenied as exc:
        return forbidden(str(exc))
    db.session.commit()
    flash(_("%(user)s is now %(role)s on this site.", user=membership.user.label, role=role_label(role)), "success")
    return redirect(url_for("members.index", slug=g.site.slug))


@bp.route("/sites/<slug>/members/<int:membership_id>/remove", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def remove(membership_id: int):
    """Ask, then take away a member's role on this site (their account stays)."""
    membership = _membership_or_404(membership_id)
    user = membership.user
    if request.method == "POST":
        try:
            services.revoke(user, g.site.id, by=acting_user())
        except services.PermissionDenied as exc:
            return forbidden(str(exc))
        db.session.commit()
        flash(_("%(user)s is no longer a member of this site.", user=user.label), "success")
        return redirect(url_for("members.index", slug=g.site.slug))
    return render_template(
        "console/confirm.html",
        title=_("Remove %(user)s from this site?", user=user.label),
        message=_("%(user)s will no longer be able to work on %(site)s. Their account and their work stay; "
                  "you can add them again later.", user=user.label, site=g.site.name),
        button=_("Remove from site"), cancel=url_for("members.index", slug=g.site.slug), danger=True,
    )
