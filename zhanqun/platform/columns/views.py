"""Console pages of the column tree (site admins): every URL of the feature in one place."""
from __future__ import annotations

import sqlalchemy as sa
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
from flask_login import current_user
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.columns import services
from zhanqun.platform.columns.models import Column, ColumnKind, UpdateCategory
from zhanqun.platform.columns.schemas import ColumnSchema
from zhanqun.platform.columns.templates_catalog import TEMPLATES
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants.models import Tenant

bp = Blueprint("columns", __name__, subdomain="console", template_folder="templates")


def column_or_404(column_id: int) -> Column:
    """A column of the current site (another site's id is simply not found)."""
    column = db.session.scalar(sa.select(Column).where(Column.id == column_id))
    if column is None:
        abort(404)
    return column


def _audit(action: str, column: Column, **detail) -> None:
    audit.record(action, user=current_user._get_current_object(), tenant_id=g.site.id,
                 column_id=column.id, column=column.name, **detail)


@bp.route("/sites/<slug>/columns")
@site_role_required(Role.SITE_ADMIN)
def index():
    """The column tree with its actions, the template button and the review setting."""
    tenant = db.session.get(Tenant, g.site.id)
    return render_template("columns/index.html", nodes=services.flat_tree(), templates=sorted(TEMPLATES),
                           tenant=tenant)


@bp.route("/sites/<slug>/columns/new", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def create():
    """Add a column (``?parent=<id>`` preselects its parent)."""
    form = request.form if request.method == "POST" else {"parent_id": request.args.get("parent", ""), "visible": "y",
                                                          "page_size": "20"}
    errors = _save(None, form) if request.method == "POST" else {}
    if request.method == "POST" and not errors:
        return redirect(url_for(".index", slug=g.site.slug))
    return _form(None, form, errors)


@bp.route("/sites/<slug>/columns/<int:column_id>/edit", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def edit(column_id: int):
    """Rename, change, hide or move a column."""
    column = column_or_404(column_id)
    if request.method == "POST":
        errors = _save(column, request.form)
        if not errors:
            return redirect(url_for(".index", slug=g.site.slug))
        return _form(column, request.form, errors)
    form = {name: getattr(column, name) for name in services.EDITABLE_FIELDS}
    form.update(parent_id=column.parent_id or "", visible="y" if column.visible else "",
                update_interval_days=column.update_interval_days or "")
    return _form(column, form, {})


def _save(column: Column | None, form) -> dict:
    """Validate and save; returns the per-field errors (empty when it was saved and committed)."""
    try:
        data = ColumnSchema().load(form)
        if column is None:
            column = services.create_column(data)
            _audit("column.create", column)
        else:
            services.update_column(column, data)
            _audit("column.update", column)
    except ValidationError as exc:
        return flatten_errors(exc.messages)
    except services.ColumnError as exc:
        db.session.rollback()
        return {exc.field or "name": [str(exc)]}
    db.session.commit()
    flash(_("The column “%(name)s” has been saved.", name=column.name), "success")
    return {}


def _form(column: Column | None, form, errors: dict):
    own_branch = {n.column.id for n in services.column_tree_branch(column)} if column else set()
    parents = [("", _("(top level)"))] + [
        (node.column.id, "— " * node.depth + node.column.name)
        for node in services.flat_tree() if node.column.id not in own_branch
    ]
    return render_template(
        "columns/form.html", column=column, form=form, errors=errors, parents=parents,
        kinds=[(k.value, kind_label(k)) for k in ColumnKind],
        categories=[(c.value, category_label(c)) for c in UpdateCategory],
    ), (400 if errors else 200)


@bp.route("/sites/<slug>/columns/<int:column_id>/move", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def move(column_id: int):
    """Move a column one place up or down among its siblings (plain buttons, no JavaScript)."""
    column = column_or_404(column_id)
    direction = request.form.get("direction")
    if direction not in ("up", "down"):
        abort(400)
    if services.move_column(column, direction):
        db.session.commit()
    return redirect(url_for(".index", slug=g.site.slug) + f"#column-{column.id}")


@bp.route("/sites/<slug>/columns/<int:column_id>/delete", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def delete(column_id: int):
    """Confirm, then delete an empty column; a column with content says what it holds."""
    column = column_or_404(column_id)
    blockers = services.delete_blockers(column)
    if request.method == "POST" and not blockers:
        name = column.name
        _audit("column.delete", column)
        services.delete_column(column)
        db.session.commit()
        flash(_("The column “%(name)s” has been deleted.", name=name), "success")
        return redirect(url_for(".index", slug=g.site.slug))
    status = 409 if request.method == "POST" else 200
    return render_template("columns/delete.html", column=column, blockers=blockers), status


@bp.route("/sites/<slug>/columns/apply-template", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def apply_template():
    """Fill the site with the columns of a template (adds only what is missing)."""
    name = request.form.get("template", "")
    if name not in TEMPLATES:
        flash(_("Choose one of the listed templates."), "error")
        return redirect(url_for(".index", slug=g.site.slug))
    added = services.apply_column_template(name)
    audit.record("column.apply_template", user=current_user._get_current_object(), tenant_id=g.site.id,
                 template=name, added=len(added))
    db.session.commit()
    flash(_("%(count)s columns have been added.", count=len(added)), "success")
    return redirect(url_for(".index", slug=g.site.slug))


@bp.route("/sites/<slug>/settings/review", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def review_setting():
    """The site's four-eyes rule: the reviewer must not be the author."""
    tenant = db.session.get(Tenant, g.site.id)
    tenant.review_requires_other_person = request.form.get("review_requires_other_person") == "y"
    audit.record("site.review_setting", user=current_user._get_current_object(), tenant_id=g.site.id,
                 review_requires_other_person=tenant.review_requires_other_person)
    db.session.commit()
    flash(_("The review setting has been saved."), "success")
    return redirect(url_for(".index", slug=g.site.slug))


def kind_label(kind) -> str:
    """The translated name of a column kind."""
    return {
        ColumnKind.LIST: _("Article list"),
        ColumnKind.PAGE: _("Single page"),
        ColumnKind.LINK: _("External link"),
        ColumnKind.CATALOGUE: _("Disclosure catalogue"),
        ColumnKind.TOPIC: _("Special topic"),
    }[ColumnKind(kind)]


def category_label(category) -> str:
    """The translated name of an update category, with its default interval."""
    return {
        UpdateCategory.NEWS: _("News (every 14 days)"),
        UpdateCategory.NOTICE: _("Notices and policy documents (every 6 months)"),
        UpdateCategory.OVERVIEW: _("Overview (every year)"),
        UpdateCategory.NONE: _("Not checked"),
    }[UpdateCategory(category)]
