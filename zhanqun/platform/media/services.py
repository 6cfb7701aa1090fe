"""The media library's rules: what may be uploaded, how it is stored, found, served and deleted.

Other features use this module's public functions (``store_upload``, ``media_url``,
``open_media``, ``delete_media``, ``human_size``) and register their uses of a file in
:data:`REFERENCE_CHECKS`, so a file in use is never deleted. Everything works in the
current tenant; the services flush, the caller commits.
"""
from __future__ import annotations

import unicodedata
import warnings
from collections.abc import Callable, Collection
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa
from babel import numbers
from flask import current_app
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.extensions import db
from zhanqun.platform.i18n import page_locale
from zhanqun.platform.media import filetypes, storage
from zhanqun.platform.media.metadata import strip_jpeg_metadata
from zhanqun.platform.media.models import Media, MediaKind
from zhanqun.tenants.scoping import TenantScopeError, current_tenant_id

# Each check answers, for one file, a sentence naming where it is used (or None).
# Features append theirs when they are registered, e.g. articles: "Article “…” (body)".
REFERENCE_CHECKS: list[Callable[[Media], str | None]] = []

MAX_NAME_LENGTH = 255
_EXIF_ORIENTATION = 0x0112
_QUARTER_TURNS = {5, 6, 7, 8}
DEFAULT_MAX_UPLOAD_MB = 20


class MediaInUse(Exception):
    """A file cannot be deleted: ``uses`` says where it is used."""

    def __init__(self, media: Media, uses: list[str]):
        super().__init__(f"media {media.id} is in use")
        self.media, self.uses = media, uses


def max_upload_bytes() -> int:
    """The per-file size limit in bytes (``ZHANQUN_MAX_UPLOAD_MB``)."""
    return max_upload_mb() * 1024 * 1024


def max_upload_mb() -> int:
    """The per-file size limit in megabytes."""
    return int(current_app.config.get("ZHANQUN_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB))


def allowed_types_text() -> str:
    """The allow-list in words, for help texts and messages."""
    return _("JPG, PNG, GIF or WebP images; PDF; Word, Excel or PowerPoint documents; ZIP archives")


def too_large_message() -> str:
    """What a user is told when a file is over the limit."""
    return _("The file is larger than the limit of %(limit)s MB per file.", limit=max_upload_mb())


def store_upload(file_storage, *, by=None, alt_text: str = "", kinds: Collection[MediaKind] | None = None) -> Media:
    """Validate an uploaded file and add it to the current site's library.

    ``file_storage`` is a Werkzeug ``FileStorage`` (``request.files[...]``); ``by`` the
    uploading user; ``kinds`` optionally restricts what is accepted (the editor's image
    upload passes ``{MediaKind.IMAGE}``). The same content uploaded again returns the
    existing record. Raises ``ValidationError({"file": [message]})`` with a translated
    message when the file is refused; nothing is stored then.
    """
    tenant_id = current_tenant_id()
    if tenant_id is None:
        raise TenantScopeError("store_upload needs a current tenant")
    original_name = clean_filename(getattr(file_storage, "filename", None) or "")
    if file_storage is None or not original_name:
        raise _refuse(_("Choose a file to upload."))
    alt_text = alt_text.strip()
    if len(alt_text) > MAX_NAME_LENGTH:
        raise ValidationError({"alt_text": [_("At most {max} characters.").format(max=MAX_NAME_LENGTH)]})
    extension = filetypes.extension_of(original_name)
    _check_extension(extension, kinds)
    try:
        tmp_path, sha256, size = storage.spool(file_storage.stream, max_upload_bytes())
    except storage.TooLarge:
        raise _refuse(too_large_message()) from None
    try:
        file_type, width, height = _check_content(tmp_path, size, extension, kinds)
        if file_type.key == "jpeg" and (cleaned := strip_jpeg_metadata(tmp_path)):
            sha256, size = cleaned
        existing = db.session.scalar(sa.select(Media).where(Media.sha256 == sha256))
        if existing is not None:
            if alt_text and existing.is_image and not existing.alt_text:
                existing.alt_text = alt_text
            return existing
        stored_name = f"{sha256}.{file_type.extension}"
        path = storage.keep(tmp_path, tenant_id, stored_name)
        has_thumbnail = _thumbnail(path, file_type, tenant_id, sha256)
    finally:
        tmp_path.unlink(missing_ok=True)
    media = Media(
        tenant_id=tenant_id, original_name=original_name, stored_name=stored_name, content_type=file_type.content_type,
        size=size, sha256=sha256, kind=file_type.kind, width=width, height=height, has_thumbnail=has_thumbnail,
        uploaded_by_id=by.id if by is not None else None,
        alt_text=alt_text if file_type.kind == MediaKind.IMAGE else "",
    )
    try:
        # Two uploads of the same bytes at once: the second finds the first's row instead of failing.
        with db.session.begin_nested():
            db.session.add(media)
    except sa.exc.IntegrityError:
        return db.session.scalar(sa.select(Media).where(Media.sha256 == sha256))
    audit.record("media.upload", user=by, tenant_id=tenant_id, media_id=media.id, name=original_name, size=size)
    return media


def clean_filename(name: str) -> str:
    """The file name a person gave, without any folder, control characters or excess length."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in unicodedata.normalize("NFC", name) if unicodedata.category(ch)[0] != "C").strip(" .")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: MAX_NAME_LENGTH - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else name[:MAX_NAME_LENGTH]
    return name


def _refuse(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _scriptable_message() -> str:
    return _("SVG images and web pages (HTML) cannot be uploaded: they can contain scripts that would run on the site. "
             "Save the picture as PNG or JPG, or the page as PDF.")


def _check_extension(extension: str, kinds) -> None:
    if extension in filetypes.SCRIPTABLE_EXTENSIONS:
        raise _refuse(_scriptable_message())
    if not extension:
        raise _refuse(_("The file name has no extension such as .jpg or .pdf. Allowed are: %(types)s.",
                        types=allowed_types_text()))
    if extension not in filetypes.ALLOWED_EXTENSIONS:
        raise _refuse(_("Files of type .%(ext)s cannot be uploaded. Allowed are: %(types)s.",
                        ext=extension, types=allowed_types_text()))
    if kinds is not None and not any(t.kind in kinds for t in filetypes.types_for_extension(extension)):
        raise _refuse(_kinds_message(kinds))


def _kinds_message(kinds) -> str:
    if set(kinds) == {MediaKind.IMAGE}:
        return _("Choose an image: JPG, PNG, GIF or WebP.")
    return _("This kind of file cannot be used here.")


def _check_content(path: Path, size: int, extension: str, kinds) -> tuple[filetypes.FileType, int | None, int | None]:
    """The file's real type and, for images, its size in pixels; refuses anything doubtful."""
    if size == 0:
        raise _refuse(_("The file is empty."))
    with path.open("rb") as f:
        head = f.read(filetypes.SNIFF_BYTES)
    file_type = filetypes.sniff(path)
    if file_type is None:
        if filetypes.looks_like_markup(head):
            raise _refuse(_scriptable_message())
        raise _refuse(_("The content of this file is not one of the allowed types (%(types)s), although its name ends "
                        "in .%(ext)s. It may be damaged, or a different kind of file that was renamed.",
                        types=allowed_types_text(), ext=extension))
    if extension not in file_type.extensions:
        raise _refuse(_("The content of this file is of the type “%(type)s”, but its name ends in .%(ext)s. "
                        "Rename it to .%(right)s, or choose the right file.", type=file_type.label, ext=extension,
                        right=file_type.extension))
    if kinds is not None and file_type.kind not in kinds:
        raise _refuse(_kinds_message(kinds))
    if filetypes.is_polyglot(path, file_type):
        raise _refuse(_("This %(type)s has other content hidden inside it, which is not allowed. Save it again from "
                        "an image editor or PDF reader, then upload the new copy.", type=file_type.label))
    if file_type.kind != MediaKind.IMAGE:
        return file_type, None, None
    width, height = _image_size(path)
    return file_type, width, height


def _image_size(path: Path) -> tuple[int, int]:
    """Width and height, refusing decompression bombs and images that do not decode."""
    from PIL import Image

    limit = Image.MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                width, height = im.size
                if im.getexif().get(_EXIF_ORIENTATION) in _QUARTER_TURNS:  # shown rotated by browsers
                    width, height = height, width
                im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(_("The image has too many pixels to be processed safely (at most %(limit)s million). "
                        "Make it smaller in an image editor and upload it again.",
                        limit=format_decimal(limit // 1_000_000))) from None
    except (OSError, SyntaxError, ValueError):
        raise _refuse(_("The image is damaged and cannot be read. Save it again and upload the new copy.")) from None
    return width, height


def _thumbnail(path: Path, file_type: filetypes.FileType, tenant_id: int, sha256: str) -> bool:
    if file_type.kind != MediaKind.IMAGE:
        return False
    target = storage.media_root() / storage.relative_path(tenant_id, storage.thumbnail_name(sha256, file_type.key))
    try:
        storage.make_thumbnail(path, file_type.key, target)
    except (OSError, ValueError) as exc:
        # The original decoded already; a thumbnail failure must not lose the upload.
        current_app.logger.warning("no thumbnail for %s: %s", path.name, exc)
        return False
    return True


def _image_key(media: Media) -> str:
    return next(t.key for t in filetypes.IMAGE_TYPES if t.content_type == media.content_type)


def _thumbnail_stored_name(media: Media) -> str:
    return storage.thumbnail_name(media.sha256, _image_key(media))


def thumbnail_content_type(media: Media) -> str:
    """The Content-Type of ``media``'s thumbnail."""
    return storage.THUMBNAIL_FORMATS[_image_key(media)][2]


def media_url(media: Media, *, thumbnail: bool = False) -> str:
    """The site-relative address of a file (or of its thumbnail, when it has one).

    Relative on purpose: an article body stores it, and it works on every host of the site.
    """
    if thumbnail and media.has_thumbnail:
        return f"/media/{media.id}/thumb/{_thumbnail_stored_name(media)}"
    return f"/media/{media.id}/{media.stored_name}"


def media_path(media: Media, *, thumbnail: bool = False) -> Path:
    """Where the file (or its thumbnail) is on disk."""
    name = _thumbnail_stored_name(media) if thumbnail else media.stored_name
    return storage.media_root() / storage.relative_path(media.tenant_id, name)


def open_media(media: Media, *, thumbnail: bool = False) -> BinaryIO:
    """The stored bytes of ``media``, opened for reading (the caller closes it)."""
    return media_path(media, thumbnail=thumbnail).open("rb")


def get_media(media_id: int) -> Media | None:
    """A file of the current site by id, or ``None`` (also for another site's id)."""
    return db.session.get(Media, media_id)


def media_uses(media: Media) -> list[str]:
    """Where ``media`` is used, as sentences from the registered :data:`REFERENCE_CHECKS`."""
    return [use for check in REFERENCE_CHECKS if (use := check(media))]


def delete_media(media: Media, *, by=None) -> None:
    """Delete a file that nothing uses; its bytes go once the deletion commits.

    Raises :class:`MediaInUse` naming the uses otherwise.
    """
    uses = media_uses(media)
    if uses:
        raise MediaInUse(media, uses)
    paths = [media_path(media)]
    if media.has_thumbnail:
        paths.append(media_path(media, thumbnail=True))
    audit.record("media.delete", user=by, tenant_id=media.tenant_id, media_id=media.id, name=media.original_name)
    db.session.delete(media)
    db.session.flush()
    storage.unlink_after_commit(db.session(), *paths)


def may_delete(media: Media, user, role) -> bool:
    """Editors may delete what they uploaded; reviewers and site admins anything of their site."""
    from zhanqun.platform.accounts.models import Role

    return role.includes(Role.REVIEWER) or (user is not None and media.uploaded_by_id == user.id)


def update_alt_text(media: Media, alt_text: str) -> None:
    """Set the text that describes an image to people who cannot see it."""
    media.alt_text = alt_text
    db.session.flush()


def search_query(name: str = "", *, kind: MediaKind | str | None = None):
    """The library's listing, newest first, optionally filtered by kind and a part of the file name."""
    query = sa.select(Media).options(sa.orm.joinedload(Media.uploaded_by)).order_by(Media.created_at.desc(), Media.id.desc())
    if name:
        escaped = name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Media.original_name.ilike(f"%{escaped}%", escape="\\"))
    if kind:
        query = query.where(Media.kind == MediaKind(kind))
    return query


def accept_attribute() -> str:
    """The ``accept`` attribute of a file input: the allowed extensions (a hint; the server decides)."""
    return ",".join(f".{ext}" for ext in sorted(filetypes.ALLOWED_EXTENSIONS))


def type_label(media: Media) -> str:
    """What kind of file this is, in words (``PDF document``, ``Word document``…)."""
    for file_type in filetypes.FILE_TYPES.values():
        if file_type.content_type == media.content_type:
            return str(file_type.label)
    return media.content_type


# Parsed once: Babel parses a pattern given as a string on every call.
_SIZE_PATTERN = numbers.parse_pattern("#,##0.#")


def human_size(n: int) -> str:
    """A byte count for people: ``532 bytes``, ``48.2 KB``, ``3.1 MB`` (numbers formatted for the locale).

    Babel is called directly with the page's locale: Flask-Babel's ``format_decimal`` looks
    the locale up again on every call (an article page lists its files).
    """
    locale = page_locale()
    if n < 1024:
        return ngettext("%(size)s byte", "%(size)s bytes", n, size=numbers.format_decimal(n, locale=locale))
    value, unit = n / 1024, "KB"
    for bigger in ("MB", "GB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{numbers.format_decimal(value, format=_SIZE_PATTERN, locale=locale)} {unit}"
