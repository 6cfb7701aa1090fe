"""``/api/v1/`` on every site host: every URL of the API in one table.

Reading needs no token and shows what the public sees. Writing needs a token of *this*
site (``Authorization: Bearer zq_…``) with the right scope; a token of another site is
refused exactly like a wrong one. The API is exempt from CSRF (no cookies are read or
set) and answers every error in one shape: ``{"error": {"code", "message", "fields"}}``.
"""
from __future__ import annotations

from functools import wraps

import sqlalchemy as sa
from flask import Blueprint, Flask, g, jsonify, request
from flask_babel import gettext as _
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import HTTPException

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.api import schemas as s
from zhanqun.platform.api.tokens import TokenActor, find_active
from zhanqun.platform.catalogue import queries as catalogue_queries
from zhanqun.platform.catalogue import services as catalogue
from zhanqun.platform.catalogue.models import CatalogueEntry
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import csrf, db
from zhanqun.platform.schemas import flatten_errors
from zhanqun.platform.workflow.models import Status
from zhanqun.platform.workflow.services import Action, WorkflowError
from zhanqun.tenants.labels import site_url

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def init_app(app: Flask) -> None:
    """Register the API without CSRF (token auth, no cookies)."""
    csrf.exempt(bp)
    app.register_blueprint(bp)


class ApiError(Exception):
    """An error answered as JSON with ``status``."""

    def __init__(self, status: int, message: str, fields: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.fields = status, message, fields


def error_response(status: int, message: str, fields: dict | None = None):
    body = {"error": {"code": status, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return jsonify(body), status


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return error_response(exc.status, exc.message, exc.fields)


@bp.errorhandler(ValidationError)
def _validation_error(exc: ValidationError):
    db.session.rollback()
    return error_response(422, _("The input is not valid."), flatten_errors(exc.messages))


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    from zhanqun.platform.errors import render_error

    return render_error(exc.code)


@bp.after_request
def _no_cookies(response):
    # Nothing of the API may set a cookie, whatever an extension did to the session.
    response.headers.remove("Set-Cookie")
    response.headers.setdefault("Cache-Control", "no-store" if request.method != "GET" else "public, max-age=60")
    return response


# Helpers -----------------------------------------------------------------------------------------

def load(schema: Schema, data) -> dict:
    """Validate ``data`` (a JSON object or query arguments) or raise 422."""
    if data is None or not isinstance(data, dict):
        raise ApiError(422, _("Send a JSON object."), {"_schema": [_("Send a JSON object.")]})
    return schema.load(data)


def json_body() -> dict:
    return request.get_json(silent=True)


def page_of(query, args: dict, item_schema: Schema) -> dict:
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    return {"items": item_schema.dump(page.items, many=True), "page": page.page, "per_page": page.per_page,
            "total": page.total, "pages": page.pages}


def token_required(scope: str):
    """The request carries an unrevoked token of this site with ``scope``; sets ``g.token``."""

    def decorator(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            header = request.headers.get("Authorization", "")
            token = find_active(header[7:].strip()) if header.startswith("Bearer ") else None
            # Another site's token is refused exactly like an unknown one: nothing is revealed.
            if token is None or token.tenant_id != g.site.id:
                raise ApiError(401, _("A valid API token of this site is required."))
            if scope not in token.scope_set:
                raise ApiError(403, _("This token may not do this (it lacks the “%(scope)s” scope).", scope=scope))
            token.last_used_at = utcnow()
            g.token = token
            g.actor = TokenActor(token.id, token.name)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def role() -> Role:
    """Tokens write as editors; with the publish scope, as reviewers."""
    return Role.REVIEWER if "publish" in g.token.scope_set else Role.EDITOR


def commit_and(payload, status: int = 200):
    db.session.commit()
    return jsonify(payload), status


# Index and columns --------------------------------------------------------------------------------

@bp.route("/")
def index():
    """What this API offers on this site."""
    links = {"columns": "/api/v1/columns", "articles": "/api/v1/articles", "catalogue": "/api/v1/catalogue",
             "openapi": "/api/v1/openapi.json"}
    if g.site.is_portal:
        links["portal_catalogue"] = "/api/v1/portal/catalogue"
    return jsonify({"site": {"name": g.site.name, "site_code": g.site.site_code}, "links": links})


@bp.route("/columns")
def columns():
    """The site's visible columns."""
    from zhanqun.platform.columns.models import Column

    rows = db.session.scalars(sa.select(Column).where(Column.visible.is_(True)).order_by(Column.parent_id, Column.position))
    return jsonify({"items": s.ColumnOut(many=True).dump(rows)})


# Articles -----------------------------------------------------------------------------------------

def _article_out(article) -> dict:
    data = s.ArticleOut().dump(article)
    data["url"] = site_url(g.site, f"/a/{article.id}.html")
    return data


def _article_or_404(article_id: int, *, visible: bool):
    from zhanqun.platform.articles.models import Article
    from zhanqun.platform.articles.queries import visible_articles

    query = visible_articles() if visible else sa.select(Article)
    article = db.session.scalar(query.where(Article.id == article_id))
    if article is None:
        raise ApiError(404, _("Not found."))
    return article


@bp.route("/articles")
def articles():
    """Published articles, newest first; ``column`` limits to one column."""
    from zhanqun.platform.articles.queries import visible_articles

    args = load(s.ArticleListArgs(), request.args.to_dict())
    query = visible_articles([args["column"]] if args["column"] else None)
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    return jsonify({"items": [_article_out(a) for a in page.items], "page": page.page, "per_page": page.per_page,
                    "total": page.total, "pages": page.pages})


@bp.route("/articles/<int:article_id>")
def article(article_id: int):
    """One published article."""
    return jsonify(_article_out(_article_or_404(article_id, visible=True)))


@bp.route("/articles", methods=["POST"])
@token_required("articles:write")
def create_article():
    """Create an article draft."""
    from zhanqun.platform.articles import services as articles

    data = load(s.ArticleIn(), json_body())
    try:
        article = articles.save_article(None, data, user=g.actor)
    except articles.ArticleError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from None
    audit.record("api.article.create", user=g.actor, tenant_id=g.site.id, article_id=article.id)
    return commit_and(_article_out(article), 201)


@bp.route("/articles/<int:article_id>", methods=["PATCH"])
@token_required("articles:write")
def update_article(article_id: int):
    """Change fields of an article the token may change."""
    from zhanqun.platform.articles import services as articles

    article = _article_or_404(article_id, visible=False)
    if not articles.can_edit(article, role()):
        raise ApiError(403, _("Only a token with the publish scope may change a published article."))
    changes = load(s.ArticleIn(partial=True), json_body())
    data = {**articles.article_data(article), "column_id": article.column_id, **changes}
    try:
        articles.save_article(article, data, user=g.actor, expected_version=article.lock_version)
    except articles.ArticleError as exc:
        raise ValidationError({exc.field: [str(exc)]}) from None
    return commit_and(_article_out(article))


@bp.route("/articles/<int:article_id>/publish", methods=["POST"])
@token_required("publish")
def publish_article(article_id: int):
    """Publish an article now."""
    from zhanqun.platform.articles import services as articles

    article = _article_or_404(article_id, visible=False)
    try:
        articles.transition(article, Action.PUBLISH, user=g.actor, role=Role.REVIEWER)
    except WorkflowError as exc:
        raise ApiError(409, str(exc)) from None
    return commit_and(_article_out(article))


# Catalogue ----------------------------------------------------------------------------------------

def _entry_out(entry: CatalogueEntry) -> dict:
    from zhanqun.platform.media.services import media_url

    data = s.EntryOut().dump(entry)
    data["url"] = site_url(g.site, catalogue.entry_path(entry))
    data["attachments"] = [{"name": a.media.original_name, "url": site_url(g.site, media_url(a.media))} for a in entry.attachments]
    return data


def _entry_or_404(uid: str, *, visible: bool) -> CatalogueEntry:
    query = sa.select(CatalogueEntry).where(CatalogueEntry.uid == str(uid))
    if visible:
        query = query.where(CatalogueEntry.status == Status.PUBLISHED, CatalogueEntry.published_at <= utcnow())
    entry = db.session.scalar(query)
    if entry is None:
        raise ApiError(404, _("Not found."))
    return entry


@bp.route("/catalogue")
def entries():
    """This site's published catalogue entries, with filters."""
    args = load(s.CatalogueListArgs(), request.args.to_dict())
    page = db.paginate(catalogue_queries.entries(args, public=True), page=args["page"], per_page=args["per_page"],
                       error_out=False)
    return jsonify({"items": [_entry_out(e) for e in page.items], "page": page.page, "per_page": page.per_page,
                    "total": page.total, "pages": page.pages})


@bp.route("/catalogue/<uuid:uid>")
def entry(uid):
    """One published entry."""
    return jsonify(_entry_out(_entry_or_404(uid, visible=True)))


@bp.route("/catalogue", methods=["POST"])
@token_required("catalogue:write")
def create_entry():
    """Create a catalogue entry draft; it gets its index number at once."""
    data = load(s.EntryIn(), json_body())
    entry = catalogue.create_entry(data, user=None)
    audit.record("api.catalogue.create", user=g.actor, tenant_id=g.site.id, entry_id=entry.id, index_number=entry.index_number)
    return commit_and(_entry_out(entry), 201)


@bp.route("/catalogue/<uuid:uid>", methods=["PATCH"])
@token_required("catalogue:write")
def update_entry(uid):
    """Change fields of an entry (the index number never changes)."""
    entry = _entry_or_404(uid, visible=False)
    data = load(s.EntryIn(partial=True), json_body())
    try:
        catalogue.update_entry(entry, data, role=role())
    except catalogue.EntryError as exc:
        raise ApiError(403, str(exc)) from None
    return commit_and(_entry_out(entry))


@bp.route("/catalogue/<uuid:uid>/publish", methods=["POST"])
@token_required("publish")
def publish_entry(uid):
    """Publish an entry now (and send it to the portal if it is shared)."""
    entry = _entry_or_404(uid, visible=False)
    try:
        catalogue.change_status(entry, "publish", user=g.actor, role=Role.REVIEWER)
    except catalogue.EntryError as exc:
        raise ApiError(409, str(exc)) from None
    audit.record("api.catalogue.publish", user=g.actor, tenant_id=g.site.id, entry_id=entry.id)
    return commit_and(_entry_out(entry))


@bp.route("/portal/catalogue")
def portal_catalogue():
    """The portal's aggregated catalogue of every department (portal host only)."""
    if not g.site.is_portal:
        raise ApiError(404, _("Not found."))
    args = load(s.PortalCatalogueArgs(), request.args.to_dict())
    return jsonify(page_of(catalogue_queries.copies(args), args, s.CopyOut()))


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3 description of this API, generated from the schemas."""
    from zhanqun.platform.api.openapi import spec_dict

    return jsonify(spec_dict())
