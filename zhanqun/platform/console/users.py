"""Users (用户管理) for platform admins: find, create, edit, reset passwords, deactivate, roles.

Every URL checks ``platform_admin_required``; everyone else gets 403.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy.orm import selectinload

from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.models import User
from zhanqun.platform.accounts.schemas import SiteRoleSchema
from zhanqun.platform.console.access import acting_user, platform_admin_required
from zhanqun.platform.console.navigation import platform_menu_item
from zhanqun.platform.console.responses import forbidden, password_once
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.platform.templating import role_label
from zhanqun.tenants.resolver import hostmap

bp = Blueprint("users", __name__, subdomain="console", template_folder="templates")
platform_menu_item("users.index", _l("Users"), order=80)

PER_PAGE = 50
CREATE_FIELDS = ("username", "display_name", "email", "is_platform_admin")
EDIT_FIELDS = ("display_name", "email", "is_platform_admin")


def _form_data(names) -> dict:
    """Only the named fields, so a crafted form cannot set anything else (e.g. a password)."""
    return {name: request.form[name] for name in names if name in request.form}


@bp.route("/users")
@platform_admin_required
def index():
    """Every user, searchable by username, name or e-mail."""
    q = request.args.get("q", "").strip()
    query = services.user_search_query(q).options(selectinload(User.memberships))
    page = db.paginate(query, per_page=PER_PAGE, error_out=False)
    return render_template("console/users/index.html", page=page, q=q)


@bp.route("/users/new", methods=["GET", "POST"])
@platform_admin_required
def new():
    """Create a user; the generated password is shown once."""
    errors: dict = {}
    if request.method == "POST":
        try:
            user, password = services.create_user(_form_data(CREATE_FIELDS), by=acting_user())
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            db.session.commit()
            return password_once(user, password, back=url_for("users.show", user_id=user.id), created=True)
    return render_template("console/users/new.html", errors=errors, form=request.form), (400 if errors else 200)


def _show(user: User, *, errors: dict | None = None, role_errors: dict | None = None, status: int = 200):
    roles = sorted(
        ((site, m) for m in user.memberships if (site := hostmap().site_by_id(m.tenant_id)) is not None),
        key=lambda pair: (not pair[0].is_portal, pair[0].slug),
    )
    return render_template(
        "console/users/show.html", user=user, roles=roles, sites=hostmap().sites(), errors=errors or {},
        role_errors=role_errors or {}, form=request.form if (errors or role_errors) else {},
    ), status


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@platform_admin_required
def show(user_id: int):
    """One user: their details (editable), roles on sites, and account actions."""
    user = db.get_or_404(User, user_id)
    if request.method == "POST":
        try:
            changed = services.update_user(user, _form_data(EDIT_FIELDS), by=acting_user())
        except ValidationError as exc:
            return _show(user, errors=flatten_errors(exc.messages), status=400)
        except services.PermissionDenied as exc:
            return forbidden(str(exc))
        db.session.commit()
        if changed:
            flash(_("The details of %(user)s have been saved.", user=user.label), "success")
        else:
            flash(_("Nothing was changed."), "info")
        return redirect(url_for("users.show", user_id=user.id))
    return _show(user)


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
@platform_admin_required
def grant(user_id: int):
    """Give the user a role on a site, or change the role they have there."""
    user = db.get_or_404(User, user_id)
    try:
        data = SiteRoleSchema().load(request.form)
        site = hostmap().site_by_id(data["site_id"])
        if site is None:
            raise ValidationError({"site_id": [_("Choose a site.")]})
        services.grant(user, site.id, data["role"], by=acting_user())
    except ValidationError as exc:
        return _show(user, role_errors=flatten_errors(exc.messages), status=400)
    db.session.commit()
    flash(_("%(user)s is now %(role)s on %(site)s.", user=user.label, role=role_label(data["role"]), site=site.name), "success")
    return redirect(url_for("users.show", user_id=user.id))


@bp.route("/users/<int:user_id>/roles/<int:site_id>/remove", methods=["GET", "POST"])
@platform_admin_required
def revoke(user_id: int, site_id: int):
    """Ask, then take away the user's role on one site."""
    user = db.get_or_404(User, user_id)
    site = hostmap().site_by_id(site_id)
    if site is None or services.membership_of(user, site.id) is None:
        abort(404)
    back = url_for("users.show", user_id=user.id)
    if request.method == "POST":
        services.revoke(user, site.id, by=acting_user())
        db.session.commit()
        flash(_("%(user)s no longer has a role on %(site)s.", user=user.label, site=site.name), "success")
        return redirect(back)
    return render_template(
        "console/confirm.html", title=_("Remove the role of %(user)s on %(site)s?", user=user.label, site=site.name),
        message=_("%(user)s will no longer be able to work on %(site)s. The account stays.", user=user.label, site=site.name),
        button=_("Remove role"), cancel=back, danger=True,
    )


@bp.route("/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@platform_admin_required
def reset_password(user_id: int):
    """Ask, then give the user a new generated password, shown once; their sessions end."""
    user = db.get_or_404(User, user_id)
    back = url_for("users.show", user_id=user.id)
    if request.method == "POST":
        password = services.reset_password(user, by=acting_user())
        db.session.commit()
        return password_once(user, password, back=back, created=False)
    return render_template(
        "console/confirm.html", title=_("Reset the password of %(user)s?", user=user.label),
        message=_("A new password will be generated and shown to you once. The old password stops working and "
                  "%(user)s is signed out everywhere.", user=user.label),
        button=_("Reset password"), cancel=back, danger=True,
    )


@bp.route("/users/<int:user_id>/deactivate", methods=["GET", "POST"])
@platform_admin_required
def deactivate(user_id: int):
    """Ask, then stop the user from signing in; their open sessions end at once."""
    user = db.get_or_404(User, user_id)
    back = url_for("users.show", user_id=user.id)
    if request.method == "POST":
        try:
            services.set_active(user, False, by=acting_user())
        except services.PermissionDenied as exc:
            return forbidden(str(exc))
        db.session.commit()
        flash(_("%(user)s has been deactivated and signed out.", user=user.label), "success")
        return redirect(back)
    return render_template(
        "console/confirm.html", title=_("Deactivate %(user)s?", user=user.label),
        message=_("%(user)s will be signed out at once and can no longer sign in. Their roles and work are kept; "
                  "you can reactivate the account later.", user=user.label),
        button=_("Deactivate"), cancel=back, danger=True,
    )


@bp.route("/users/<int:user_id>/activate", methods=["POST"])
@platform_admin_required
def activate(user_id: int):
    """Let a deactivated user sign in again."""
    user = db.get_or_404(User, user_id)
    services.set_active(user, True, by=acting_user())
    db.session.commit()
    flash(_("%(user)s can sign in again.", user=user.label), "success")
    return redirect(url_for("users.show", user_id=user.id))
