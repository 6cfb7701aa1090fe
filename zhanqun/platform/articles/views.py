"""Console pages of articles: list, write, review, history, preview. Every URL of the feature."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role, User
from zhanqun.platform.articles import diffs, queries, services
from zhanqun.platform.articles.models import Article, ArticleRevision
from zhanqun.platform.articles.schemas import (
    ArticleSchema,
    ListFilterSchema,
    TransitionSchema,
    utc_to_local_input,
)
from zhanqun.platform.columns.services import flat_tree
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media, MediaKind
from zhanqun.platform.media.services import media_url
from zhanqun.platform.schemas import flatten_errors
from zhanqun.platform.workflow import services as workflow
from zhanqun.tenants.labels import site_url

bp = Blueprint("articles", __name__, subdomain="console", template_folder="templates", static_folder="static",
               static_url_path="/static/articles")

PER_PAGE = 20
MEDIA_CHOICES = 100
DIFF_LABELS = {"title": _l("Title"), "subtitle": _l("Subtitle"), "summary": _l("Summary"), "body": _l("Text"),
               "source": _l("Source"), "author": _l("Author")}


def article_or_404(article_id: int) -> Article:
    """An article of the current site; another site's id is not found, whatever the user guesses."""
    article = db.session.scalar(sa.select(Article).where(Article.id == article_id))
    if article is None:
        abort(404)
    return article


def _user() -> User:
    return current_user._get_current_object()


# List and bulk actions -----------------------------------------------------------------------

@bp.route("/sites/<slug>/articles")
@site_role_required(Role.EDITOR)
def index():
    """The site's articles with filters, title search, counts per status and bulk actions."""
    filters = _lenient(ListFilterSchema(), request.args)
    page = db.paginate(queries.console_list(filters), page=filters["page"], per_page=PER_PAGE, error_out=False)
    authors = db.session.scalars(sa.select(User).where(
        User.id.in_(sa.select(Article.created_by_id).distinct())).order_by(User.username)).all()
    bulk_actions = [a for a in workflow.Action if a != workflow.Action.REJECT and g.site_role.includes(workflow.RULES[a].role)]
    return render_template("articles/index.html", page=page, filters=filters, counts=queries.status_counts(),
                           columns=flat_tree(), authors=authors, bulk_actions=bulk_actions)


def _lenient(schema, args) -> dict:
    """Load query arguments, dropping the ones that do not validate (a filter is not a form)."""
    data = args.to_dict()
    while True:
        try:
            return schema.load(data)
        except ValidationError as exc:
            bad = set(exc.messages)
            if not bad & set(data):
                raise
            data = {k: v for k, v in data.items() if k not in bad}


@bp.route("/sites/<slug>/articles/bulk", methods=["POST"])
@site_role_required(Role.EDITOR)
def bulk():
    """Submit, publish or withdraw the ticked articles; each refusal is reported by title."""
    try:
        action = workflow.Action(request.form.get("action", ""))
    except ValueError:
        abort(400)
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    if action == workflow.Action.REJECT or not ids:
        flash(_("Tick the articles and choose an action."), "error")
        return redirect(url_for(".index", slug=g.site.slug))
    result = services.bulk_transition(ids, action, user=_user(), role=g.site_role)
    return _bulk_done(result)


@bp.route("/sites/<slug>/articles/bulk-move", methods=["POST"])
@site_role_required(Role.EDITOR)
def bulk_move():
    """Move the ticked articles to another column (how a column is emptied before deletion)."""
    ids = [int(i) for i in request.form.getlist("ids") if i.isdigit()]
    column_id = request.form.get("column_id", "")
    if not ids or not column_id.isdigit():
        flash(_("Tick the articles and choose the column to move them to."), "error")
        return redirect(url_for(".index", slug=g.site.slug))
    try:
        result = services.bulk_move(ids, int(column_id), user=_user(), role=g.site_role)
    except services.ArticleError as exc:
        flash(str(exc), "error")
        return redirect(url_for(".index", slug=g.site.slug))
    return _bulk_done(result)


def _bulk_done(result: services.BulkResult):
    db.session.commit()
    if result.done:
        flash(ngettext("%(num)s article done.", "%(num)s articles done.", len(result.done)), "success")
    for article, reason in result.failed:
        flash(_("“%(title)s”: %(reason)s", title=article.title, reason=reason), "error")
    return redirect(request.form.get("next") if _is_local(request.form.get("next")) else url_for(".index", slug=g.site.slug))


def _is_local(target: str | None) -> bool:
    return bool(target) and target.startswith("/") and not target.startswith("//") and "\\" not in target


@bp.route("/sites/<slug>/articles/<int:article_id>/delete", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def delete(article_id: int):
    """Ask, then delete an article and its revisions (published ones must be withdrawn first)."""
    article = article_or_404(article_id)
    if not services.can_delete(article, g.site_role):
        flash(_("A published article must be withdrawn before it is deleted; under review, only a reviewer can."), "error")
        return redirect(url_for(".detail", slug=g.site.slug, article_id=article.id))
    if request.method == "POST":
        title = article.title
        services.delete_article(article, user=_user(), role=g.site_role)
        db.session.commit()
        flash(_("The article “%(title)s” has been deleted.", title=title), "success")
        return redirect(url_for(".index", slug=g.site.slug))
    return render_template("articles/delete.html", article=article)


# Writing ----------------------------------------------------------------------------------------

@bp.route("/sites/<slug>/articles/new", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def create():
    """Write a new article (saved as a draft)."""
    if request.method == "POST":
        return _save(None)
    return _form(None, {"column_id": request.args.get("column", "")}, {})


@bp.route("/sites/<slug>/articles/<int:article_id>/edit", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def edit(article_id: int):
    """Change an article; a save based on an outdated version is refused, the text kept."""
    article = article_or_404(article_id)
    if not services.can_edit(article, g.site_role):
        flash(_("This article is being reviewed or is published; only a reviewer can change it now."), "error")
        return redirect(url_for(".detail", slug=g.site.slug, article_id=article.id))
    if request.method == "POST":
        return _save(article)
    form = services.article_data(article)
    form.update(published_at=utc_to_local_input(article.published_at), lock_version=article.lock_version,
                cover_media_id=article.cover_media_id or "")
    return _form(article, form, {})


def _save(article: Article | None):
    form = {**request.form.to_dict(), "attachment_ids": request.form.getlist("attachment_ids")}
    try:
        data = ArticleSchema().load(form)
        article = services.save_article(article, data, user=_user(), expected_version=data.get("lock_version"))
    except ValidationError as exc:
        return _form(article, form, flatten_errors(exc.messages))
    except services.ArticleError as exc:
        db.session.rollback()
        return _form(article, form, {exc.field: [str(exc)]})
    except services.StaleArticle:
        db.session.rollback()
        return _form(article, form, {}, stale=True)
    audit.record("article.save", user=_user(), tenant_id=g.site.id, article_id=article.id, title=article.title)
    db.session.commit()
    flash(_("The article has been saved."), "success")
    return redirect(url_for(".detail", slug=g.site.slug, article_id=article.id))


def _form(article: Article | None, form: dict, errors: dict, stale: bool = False):
    """The article form, with what the user typed and the errors (400) or the conflict (409)."""
    if article is not None and stale:
        article = article_or_404(article.id)
    selected = {int(i) for i in form.get("attachment_ids") or [] if str(i).isdigit()}
    media = db.session.scalars(sa.select(Media).where(
        sa.or_(Media.id.in_(selected), Media.id.in_(sa.select(Media.id).order_by(Media.id.desc()).limit(MEDIA_CHOICES))))
        .order_by(Media.id.desc())).all()
    columns = [n for n in flat_tree()]
    status = 409 if stale else (400 if errors else 200)
    return render_template(
        "articles/form.html", article=article, form=form, errors=errors, stale=stale, columns=columns,
        images=[m for m in media if m.kind == MediaKind.IMAGE], media=media, selected_attachments=selected,
        site_base=site_url(g.site, "/"),
    ), status


@bp.route("/sites/<slug>/articles/image-list.json")
@site_role_required(Role.EDITOR)
def image_list():
    """The site's newest images for the editor's image dialog (TinyMCE ``image_list``)."""
    images = db.session.scalars(sa.select(Media).where(Media.kind == MediaKind.IMAGE)
                                .order_by(Media.id.desc()).limit(MEDIA_CHOICES)).all()
    return jsonify([{"title": m.original_name, "value": media_url(m)} for m in images])


# One article: review, history, revisions, preview ------------------------------------------------

@bp.route("/sites/<slug>/articles/<int:article_id>")
@site_role_required(Role.EDITOR)
def detail(article_id: int):
    """The article's state, the actions the user may take, and its transition history."""
    article = article_or_404(article_id)
    return render_template("articles/detail.html", article=article,
                           actions=workflow.allowed_actions(article, g.site_role),
                           can_edit=services.can_edit(article, g.site_role),
                           can_delete=services.can_delete(article, g.site_role),
                           history=workflow.history(services.ITEM_TYPE, article.id),
                           public_url=site_url(g.site, f"/a/{article.id}.html"), errors={}, form={})


@bp.route("/sites/<slug>/articles/<int:article_id>/transition", methods=["POST"])
@site_role_required(Role.EDITOR)
def transition(article_id: int):
    """Submit, publish (now or at a time), reject with a reason, or withdraw; refused as the rules say."""
    article = article_or_404(article_id)
    try:
        data = TransitionSchema().load(request.form)
        if not g.site_role.includes(workflow.RULES[data["action"]].role):
            abort(403)
        services.transition(article, data["action"], user=_user(), role=g.site_role,
                            comment=data["comment"], publish_at=data["publish_at"])
    except ValidationError as exc:
        return _detail_error(article, flatten_errors(exc.messages))
    except workflow.WorkflowError as exc:
        db.session.rollback()
        return _detail_error(article, {"action": [str(exc)]})
    db.session.commit()
    flash(_("Done: the article is now “%(status)s”.", status=workflow.status_label(article.status)), "success")
    return redirect(url_for(".detail", slug=g.site.slug, article_id=article.id))


def _detail_error(article: Article, errors: dict, status: int = 400):
    article = article_or_404(article.id)
    return render_template("articles/detail.html", article=article,
                           actions=workflow.allowed_actions(article, g.site_role),
                           can_edit=services.can_edit(article, g.site_role),
                           can_delete=services.can_delete(article, g.site_role),
                           history=workflow.history(services.ITEM_TYPE, article.id),
                           public_url=site_url(g.site, f"/a/{article.id}.html"),
                           errors=errors, form=request.form), status


@bp.route("/sites/<slug>/articles/<int:article_id>/revisions")
@site_role_required(Role.EDITOR)
def revisions(article_id: int):
    """Every saved revision; ``?number=N`` shows what revision N changed against the one before."""
    article = article_or_404(article_id)
    revs = db.session.scalars(sa.select(ArticleRevision).where(ArticleRevision.article_id == article.id)
                              .options(sa.orm.joinedload(ArticleRevision.created_by))
                              .order_by(ArticleRevision.number.desc())).all()
    if not revs:
        abort(404)
    by_number = {r.number: r for r in revs}
    number = request.args.get("number", type=int) or revs[0].number
    shown = by_number.get(number) or abort(404)
    changes = diffs.revision_diff(by_number.get(number - 1), shown, {k: str(v) for k, v in DIFF_LABELS.items()})
    return render_template("articles/revisions.html", article=article, revisions=revs, shown=shown, changes=changes,
                           can_edit=services.can_edit(article, g.site_role))


@bp.route("/sites/<slug>/articles/<int:article_id>/revisions/<int:number>/restore", methods=["POST"])
@site_role_required(Role.EDITOR)
def restore(article_id: int, number: int):
    """Make an older revision current again (as a new revision; nothing is lost)."""
    article = article_or_404(article_id)
    if not services.can_edit(article, g.site_role):
        abort(403)
    revision = db.session.scalar(sa.select(ArticleRevision).where(
        ArticleRevision.article_id == article.id, ArticleRevision.number == number)) or abort(404)
    try:
        services.restore_revision(article, revision, user=_user())
    except services.StaleArticle:
        db.session.rollback()
        flash(_("Someone else saved this article meanwhile. Look at the current version and try again."), "error")
        return redirect(url_for(".revisions", slug=g.site.slug, article_id=article_id))
    db.session.commit()
    flash(_("Revision %(number)s has been restored as a new revision.", number=number), "success")
    return redirect(url_for(".revisions", slug=g.site.slug, article_id=article.id))


@bp.route("/sites/<slug>/articles/<int:article_id>/preview")
@site_role_required(Role.EDITOR)
def preview(article_id: int):
    """The article exactly as the public will see it, in the site's theme, whatever its status."""
    from zhanqun.platform.articles.preview import render_preview

    article = article_or_404(article_id)
    response = render_preview(article)
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "private, no-store"
    return response
