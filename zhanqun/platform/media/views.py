"""Every URL of the media library.

Console (editors and up): ``/sites/<slug>/media`` lists, searches and uploads;
``/sites/<slug>/media/<id>`` shows one file; ``…/delete`` asks, then deletes;
``/sites/<slug>/media/upload.json`` is the article editor's image upload.
Public, on the site's own hosts: ``/media/<id>/<name>`` and ``/media/<id>/thumb/<name>``.
"""
from __future__ import annotations

import unicodedata
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.config import UPLOAD_FILES_PER_REQUEST
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.console.navigation import site_menu_item
from zhanqun.platform.errors import render_error, wants_json
from zhanqun.platform.extensions import db
from zhanqun.platform.media import services
from zhanqun.platform.media.models import MediaKind
from zhanqun.platform.media.schemas import AltTextForm, LibraryArgs
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants.labels import site_url

bp = Blueprint("media", __name__, subdomain="console", template_folder="templates", static_folder="static",
               static_url_path="/static/media")
public_bp = Blueprint("media_public", __name__)
site_menu_item("media.library", _l("Media library"), Role.EDITOR, order=40)

PER_PAGE = 24
# Content-addressed names never change meaning: browsers and proxies may keep them for a year.
ONE_YEAR = 365 * 24 * 3600
MEDIA_CSP = "default-src 'none'; sandbox"


# Console ----------------------------------------------------------------------------------

@bp.get("/sites/<slug>/media")
@site_role_required(Role.EDITOR)
def library():
    """The site's files, newest first, with the upload form."""
    return _render_library()


@bp.post("/sites/<slug>/media")
@site_role_required(Role.EDITOR)
def upload():
    """Upload one or more files; each is accepted or refused on its own."""
    files = [f for f in request.files.getlist("files") if f and f.filename]
    if not files:
        return _render_library(form_error=_("Choose one or more files to upload.")), 400
    if len(files) > UPLOAD_FILES_PER_REQUEST:
        return _render_library(form_error=_("Upload at most %(num)s files at a time.", num=UPLOAD_FILES_PER_REQUEST)), 400
    uploaded, refused = [], []
    for file in files:
        try:
            uploaded.append(services.store_upload(file, by=current_user))
        except ValidationError as exc:
            refused.append((services.clean_filename(file.filename), flatten_errors(exc.messages)["file"]))
    db.session.commit()
    if not refused:
        flash(ngettext("Uploaded %(num)s file: %(names)s", "Uploaded %(num)s files: %(names)s", len(uploaded),
                       names="、".join(m.original_name for m in uploaded)), "success")
        return redirect(url_for("media.library", slug=g.site.slug))
    return _render_library(uploaded=uploaded, refused=refused), 400


@bp.post("/sites/<slug>/media/upload.json")
@site_role_required(Role.EDITOR)
def upload_json():
    """One file from the article editor (TinyMCE's ``images_upload_handler`` convention).

    Send the file as ``file`` and the CSRF token in the ``X-CSRFToken`` header; ``?kind=image``
    accepts images only. Answers ``{"location": url, "id": …}`` or ``{"error": {…}}`` with 400.
    """
    kinds = {MediaKind.IMAGE} if request.args.get("kind") == "image" else None
    try:
        media = services.store_upload(request.files.get("file"), by=current_user,
                                      alt_text=request.form.get("alt_text", ""), kinds=kinds)
    except ValidationError as exc:
        fields = flatten_errors(exc.messages)
        message = next(iter(fields.values()))[0]
        return {"error": {"code": 400, "message": message, "fields": fields}}, 400
    db.session.commit()
    location = services.media_url(media)
    return {
        "location": location, "url": site_url(g.site, location), "id": media.id, "name": media.original_name,
        "kind": media.kind.value, "content_type": media.content_type, "size": media.size,
        "size_label": services.human_size(media.size), "width": media.width, "height": media.height,
        "thumbnail": services.media_url(media, thumbnail=True),
    }


@bp.get("/sites/<slug>/media/<int:media_id>")
@site_role_required(Role.EDITOR)
def detail(media_id: int):
    """One file: preview, addresses, facts, where it is used, its description."""
    media = _load(media_id)
    return _render_detail(media)


@bp.post("/sites/<slug>/media/<int:media_id>/alt")
@site_role_required(Role.EDITOR)
def update_alt(media_id: int):
    """Change an image's description (alt text)."""
    media = _load(media_id)
    if not media.is_image:
        abort(404)
    try:
        data = AltTextForm().load(request.form)
    except ValidationError as exc:
        return _render_detail(media, errors=flatten_errors(exc.messages), alt_text=request.form.get("alt_text", "")), 400
    services.update_alt_text(media, data["alt_text"])
    db.session.commit()
    flash(_("The description was saved."), "success")
    return redirect(url_for("media.detail", slug=g.site.slug, media_id=media.id))


@bp.route("/sites/<slug>/media/<int:media_id>/delete", methods=["GET", "POST"])
@site_role_required(Role.EDITOR)
def delete(media_id: int):
    """Ask before deleting; refuse while the file is used, saying where."""
    media = _load(media_id)
    if not services.may_delete(media, current_user, g.site_role):
        abort(403)
    if request.method == "GET":
        return render_template("media/delete.html", media=media, uses=services.media_uses(media))
    name = media.original_name
    try:
        services.delete_media(media, by=current_user)
    except services.MediaInUse as exc:
        return render_template("media/delete.html", media=media, uses=exc.uses), 409
    db.session.commit()
    flash(_("“%(name)s” was deleted.", name=name), "success")
    return redirect(url_for("media.library", slug=g.site.slug))


def _load(media_id: int):
    media = services.get_media(media_id)
    if media is None:
        abort(404)
    return media


def _render_library(*, form_error: str | None = None, uploaded=(), refused=()):
    try:
        args = LibraryArgs().load(request.args)
        errors = {}
    except ValidationError as exc:
        args, errors = {"q": "", "kind": "", "page": 1}, flatten_errors(exc.messages)
    query = services.search_query(args["q"], kind=args["kind"] or None)
    page = db.paginate(query, page=args["page"], per_page=PER_PAGE, error_out=False)
    return render_template(
        "media/library.html", page=page, args=args, errors=errors, form_error=form_error, uploaded=uploaded,
        refused=refused, limit_mb=services.max_upload_mb(), files_per_request=UPLOAD_FILES_PER_REQUEST,
        allowed_types=services.allowed_types_text(), accept=services.accept_attribute(),
    )


def _render_detail(media, *, errors=None, alt_text=None):
    return render_template(
        "media/detail.html", media=media, uses=services.media_uses(media), errors=errors or {},
        alt_text=media.alt_text if alt_text is None else alt_text,
        public_url=site_url(g.site, services.media_url(media)),
        may_delete=services.may_delete(media, current_user, g.site_role),
    )


@bp.errorhandler(CSRFError)
@bp.errorhandler(403)
@bp.errorhandler(404)
def _console_error(exc: HTTPException):
    """The JSON upload answers its errors in JSON; the pages as everywhere else in the console."""
    if request.endpoint != "media.upload_json":
        return render_error(exc.code)
    messages = {
        400: _("Your session has expired. Reload the page and try again."),
        403: _("You do not have permission to do this."),
        404: _("The page you asked for does not exist."),
    }
    return {"error": {"code": exc.code, "message": messages[exc.code]}}, exc.code


def request_too_large(exc):
    """413 for any upload over the request limit, naming the per-file limit."""
    message = _("The upload is too large: each file may have at most %(limit)s MB, and one upload at most "
                "%(num)s files.", limit=services.max_upload_mb(), num=UPLOAD_FILES_PER_REQUEST)
    if wants_json() or request.path.endswith(".json"):
        return {"error": {"code": 413, "message": message}}, 413
    return render_error(413, message)


# Public ------------------------------------------------------------------------------------

@public_bp.get("/media/<int:media_id>/<name>")
def file(media_id: int, name: str):
    """A file of this site, as uploaded."""
    return _serve(media_id, name, thumbnail=False)


@public_bp.get("/media/<int:media_id>/thumb/<name>")
def thumbnail(media_id: int, name: str):
    """An image's thumbnail (re-encoded, without the original's metadata)."""
    return _serve(media_id, name, thumbnail=True)


def _serve(media_id: int, name: str, *, thumbnail: bool):
    """Send a stored file with headers that make the browser treat it as exactly what we checked.

    The media id is looked up in the current site only: another site's id is a 404.
    """
    media = services.get_media(media_id)
    if media is None or (thumbnail and not media.has_thumbnail):
        abort(404)
    if services.media_url(media, thumbnail=thumbnail).rsplit("/", 1)[-1] != name:
        abort(404)
    path = services.media_path(media, thumbnail=thumbnail)
    if not path.is_file():
        current_app.logger.error("media %s of tenant %s is missing on disk: %s", media.id, media.tenant_id, path)
        abort(404)
    response = send_file(
        path,
        mimetype=services.thumbnail_content_type(media) if thumbnail else media.content_type,
        conditional=True,
        etag=media.sha256 + ("-thumb" if thumbnail else ""),
        last_modified=media.created_at,
        max_age=ONE_YEAR,
    )
    response.cache_control.public = True
    response.cache_control.immutable = True
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = MEDIA_CSP
    response.headers["Content-Disposition"] = content_disposition(media)
    return response


def content_disposition(media) -> str:
    """``inline`` for images, ``attachment`` for the rest, always with the UTF-8 name (RFC 6266).

    The plain ``filename`` is an ASCII fallback for old clients; Chinese names survive in ``filename*``.
    """
    ascii_name = unicodedata.normalize("NFKD", media.original_name).encode("ascii", "ignore").decode("ascii")
    ascii_name = "".join(ch for ch in ascii_name if ch not in '"\\;' and ch.isprintable()).strip()
    if not ascii_name.rsplit(".", 1)[0].strip():
        ascii_name = f"{media.id}.{media.extension}"
    utf8_name = quote(media.original_name, safe="!#$&+^`|~")
    disposition = "inline" if media.is_image else "attachment"
    return f'{disposition}; filename="{ascii_name}"; filename*=UTF-8\'\'{utf8_name}'
