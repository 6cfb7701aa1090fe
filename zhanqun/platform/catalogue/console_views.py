"""Console pages of the catalogue: a site's entries (list, write, review, delete), its
index number pattern, and the platform-wide topic and genre lists. Every URL of the feature."""
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
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.catalogue import index_numbers, queries, services, taxonomy
from zhanqun.platform.catalogue.labels import template_globals
from zhanqun.platform.catalogue.models import (
    ITEM_TYPE,
    CatalogueEntry,
    CatalogueSettings,
    CatalogueTerm,
    TermKind,
)
from zhanqun.platform.catalogue.schemas import (
    EntryFormSchema,
    SettingsSchema,
    TermSchema,
    TransitionSchema,
    lenient_filters,
)
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.console.access import platform_admin_required, site_role_required
from zhanqun.platform.console.navigation import platform_menu_item, site_menu_item
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media
from zhanqun.platform.schemas import flatten_errors
from zhanqun.platform.workflow import services as workflow
from zhanqun.tenants.labels import site_url

bp = Blueprint("catalogue", __name__, subdomain="console", template_folder="templates")
site_menu_item("catalogue.index", _l("Disclosure catalogue"), Role.EDITOR, order=30)
site_menu_item("catalogue.settings", _l("Catalogue settings"), Role.SITE_ADMIN, order=85)
platform_menu_item("catalogue.terms", _l("Catalogue categories"), order=60)

PER_PAGE = 20
MEDIA_CHOICES = 100


@bp.context_processor
def _labels():
    return template_globals()


def entry_or_404(entry_id: int) -> CatalogueEntry:
    """An entry of the current site; another site's id is simply not found."""
    entry = db.session.scalar(sa.select(CatalogueEntry).where(CatalogueEntry.id == entry_id))
    if entry is None:
        abort(404)
    return entry


@bp.route("/sites/<slug>/catalogue/")
@site_role_required(Role.EDITOR)
def index():
    """The site's entries, all statuses, with filters."""
    filters = lenient_filters(request.args)
    page = db.paginate(queries.entries(filters, public=False), page=filters["page"], per_page=PER_PAGE, error_out=False)
    return render_template("catalogue/index.html", page=page, filters=filters, years=queries.entry_years(public=False),
                           topics=taxonomy.terms(TermKind.TOPIC), genres=taxonomy.terms(TermKind.GENRE))


@bp.route("/sites/<slug>/catalogue/new", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def create():
    """A new entry, saved as a draft with its index number."""
    if request.method == "POST":
        return _save(None)
    return _form(None, {"publisher": g.site.name, "shared": "y"}, {})


@bp.route("/sites/<slug>/catalogue/<int:entry_id>/", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def edit(entry_id: int):
    """One entry: its form (if the user may change it), review actions and history."""
    entry = entry_or_404(entry_id)
    if request.method == "POST":
        return _save(entry)
    return _form(entry, _form_values(entry), {})


def _form_values(entry: CatalogueEntry) -> dict:
    values = {k: getattr(entry, k) for k in ("title", "publisher", "document_number", "validity_note", "body", "lock_version")}
    values.update(topic_id=entry.topic_id or "", genre_id=entry.genre_id or "", column_id=entry.column_id or "",
                  issued_on=entry.issued_on.isoformat() if entry.issued_on else "", validity=entry.validity.value,
                  disclosure_mode=entry.disclosure_mode.value, shared="y" if entry.shared else "",
                  attachment_ids=[a.media_id for a in entry.attachments])
    return values


def _save(entry: CatalogueEntry | None):
    form = {**request.form.to_dict(), "attachment_ids": request.form.getlist("attachment_ids")}
    try:
        data = EntryFormSchema().load(form)
        if entry is None:
            entry = services.create_entry(data, user=current_user)
        else:
            if data.pop("lock_version", None) != entry.lock_version:
                return _form(entry, form, {}, stale=True)
            services.update_entry(entry, data, role=g.site_role)
    except ValidationError as exc:
        db.session.rollback()
        return _form(entry, form, flatten_errors(exc.messages))
    except services.EntryError as exc:
        db.session.rollback()
        return _form(entry, form, {"title": [str(exc)]})
    audit.record("catalogue.save", user=current_user, tenant_id=g.site.id, entry_id=entry.id, index_number=entry.index_number)
    db.session.commit()
    flash(_("The entry has been saved."), "success")
    return redirect(url_for(".edit", slug=g.site.slug, entry_id=entry.id))


def _form(entry: CatalogueEntry | None, form: dict, errors: dict, stale: bool = False):
    """The entry page with what the user typed, its errors (400) or the conflict (409)."""
    if entry is not None:
        db.session.rollback()
        entry = entry_or_404(entry.id)
    selected = {int(i) for i in form.get("attachment_ids") or [] if str(i).isdigit()}
    media = db.session.scalars(sa.select(Media).where(sa.or_(
        Media.id.in_(selected), Media.id.in_(sa.select(Media.id).order_by(Media.id.desc()).limit(MEDIA_CHOICES))))
        .order_by(Media.id.desc())).all()
    columns = db.session.scalars(sa.select(Column).where(Column.kind == ColumnKind.CATALOGUE).order_by(Column.position)).all()
    status = 409 if stale else (400 if errors else 200)
    return render_template(
        "catalogue/form.html", entry=entry, form=form, errors=errors, stale=stale, media=media, selected=selected,
        columns=columns, topics=taxonomy.terms(TermKind.TOPIC, active_only=False),
        genres=taxonomy.terms(TermKind.GENRE, active_only=False),
        can_edit=entry is None or services.can_edit(entry, g.site_role),
        actions=workflow.allowed_actions(entry, g.site_role) if entry else [],
        history=workflow.history(ITEM_TYPE, entry.id) if entry else [],
        public_url=site_url(g.site, services.entry_path(entry)) if entry else None,
        site_base=site_url(g.site, "/"),
    ), status


@bp.route("/sites/<slug>/catalogue/<int:entry_id>/transition", methods=["POST"])
@site_role_required(Role.EDITOR)
def transition(entry_id: int):
    """Submit, publish, reject (with a reason) or withdraw, as the user's role allows."""
    entry = entry_or_404(entry_id)
    try:
        data = TransitionSchema().load(request.form)
        if not g.site_role.includes(workflow.RULES[workflow.Action(data["action"])].role):
            abort(403)
        services.change_status(entry, data["action"], user=current_user, role=g.site_role, comment=data["comment"],
                               require_other_reviewer=_four_eyes())
    except ValidationError as exc:
        return _form(entry, _form_values(entry), flatten_errors(exc.messages))
    except services.EntryError as exc:
        db.session.rollback()
        entry = entry_or_404(entry_id)
        return _form(entry, _form_values(entry), {"action": [str(exc)]})
    audit.record(f"catalogue.{data['action']}", user=current_user, tenant_id=g.site.id, entry_id=entry.id,
                 index_number=entry.index_number)
    db.session.commit()
    flash(_("Done: the entry is now “%(status)s”.", status=workflow.status_label(entry.status)), "success")
    return redirect(url_for(".edit", slug=g.site.slug, entry_id=entry.id))


def _four_eyes() -> bool:
    from zhanqun.tenants.models import Tenant

    return bool(db.session.scalar(sa.select(Tenant.review_requires_other_person).where(Tenant.id == g.site.id)))


@bp.route("/sites/<slug>/catalogue/<int:entry_id>/delete", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def delete(entry_id: int):
    """Ask, then delete; the portal's copy is withdrawn."""
    entry = entry_or_404(entry_id)
    if request.method == "GET":
        return render_template("catalogue/delete.html", entry=entry)
    try:
        services.delete_entry(entry, role=g.site_role)
    except services.EntryError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".edit", slug=g.site.slug, entry_id=entry_id))
    audit.record("catalogue.delete", user=current_user, tenant_id=g.site.id, entry_id=entry_id,
                 index_number=entry.index_number)
    db.session.commit()
    flash(_("The entry has been deleted."), "success")
    return redirect(url_for(".index", slug=g.site.slug))


@bp.route("/sites/<slug>/catalogue/settings", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def settings():
    """The site's index number pattern (empty: the platform default)."""
    row = db.session.scalar(sa.select(CatalogueSettings))
    errors = {}
    form = {"index_pattern": row.index_pattern if row else ""}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            data = SettingsSchema().load(form)
            if data["index_pattern"]:
                try:
                    index_numbers.validate_pattern(data["index_pattern"])
                except ValueError as exc:
                    raise ValidationError({"index_pattern": [str(exc)]}) from None
            if row is None:
                row = CatalogueSettings()
                db.session.add(row)
            row.index_pattern = data["index_pattern"]
            audit.record("catalogue.settings", user=current_user, tenant_id=g.site.id, index_pattern=row.index_pattern)
            db.session.commit()
            flash(_("The settings have been saved."), "success")
            return redirect(url_for(".settings", slug=g.site.slug))
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
    return render_template("catalogue/settings.html", form=form, errors=errors,
                           default_pattern=index_numbers.DEFAULT_PATTERN), 400 if errors else 200


@bp.route("/catalogue/categories", methods=["GET", "POST"])
@platform_admin_required
def terms():
    """The topic and genre lists: add, rename, reorder, retire, delete unused."""
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form.to_dict()
        term = db.session.get(CatalogueTerm, request.form.get("term_id", type=int) or 0)
        try:
            if request.form.get("delete") and term is not None:
                taxonomy.delete_term(term)
            else:
                taxonomy.save_term(TermSchema().load(form), term)
            audit.record("catalogue.terms", user=current_user, **{k: v for k, v in form.items() if k != "csrf_token"})
            db.session.commit()
            flash(_("The categories have been saved."), "success")
            return redirect(url_for(".terms"))
        except ValidationError as exc:
            db.session.rollback()
            errors = flatten_errors(exc.messages)
        except taxonomy.TermInUse:
            db.session.rollback()
            errors = {"name": [_("Entries use this category; retire it instead of deleting it.")]}
        except sa.exc.IntegrityError:
            db.session.rollback()
            errors = {"code": [_("This code or name is already used in this list.")]}
    return render_template("catalogue/terms.html", topics=taxonomy.terms(TermKind.TOPIC, active_only=False),
                           genres=taxonomy.terms(TermKind.GENRE, active_only=False), errors=errors, form=form,
                           TermKind=TermKind), 400 if errors else 200
