"""What a file really is, decided from its bytes, never from its name or the browser's word.

The allow-list is :data:`FILE_TYPES`. :func:`sniff` recognises each by its signature
(magic bytes; the parts list of an OOXML zip; the streams of an OLE2 compound file).
:func:`looks_like_markup` and :func:`is_polyglot` catch files a browser could be tricked
into running as a web page.
"""
from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
from flask_babel import lazy_gettext as _l

from zhanqun.platform.media.models import MediaKind

# Browsers sniff at most the first 1024 bytes; that is the window a polyglot needs.
SNIFF_BYTES = 1024
# Extensions refused with their own message: they carry scripts a browser would run.
SCRIPTABLE_EXTENSIONS = frozenset({"svg", "svgz", "htm", "html", "xhtml", "shtml", "xht", "xml", "mht", "mhtml", "js"})
# Tags that make a browser treat bytes as a page. Not ``<?xml``: photos carry XMP metadata.
# Short tags such as ``<a `` are left out: they turn up by chance in compressed image data.
_HTML_RE = re.compile(rb"<(?:!doctype|html|head|body|script|svg|iframe|object|embed)", re.IGNORECASE)
_OOXML_MAIN = {
    "docx": b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "xlsx": b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "pptx": b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
}
_CONTENT_TYPES_MAX = 1024 * 1024


@dataclass(frozen=True)
class FileType:
    """One entry of the allow-list. The first extension is the one files are stored with."""

    key: str
    label: object  # a lazy string
    kind: MediaKind
    content_type: str
    extensions: tuple[str, ...]

    @property
    def extension(self) -> str:
        return self.extensions[0]


FILE_TYPES: dict[str, FileType] = {
    t.key: t
    for t in (
        FileType("jpeg", _l("JPEG image"), MediaKind.IMAGE, "image/jpeg", ("jpg", "jpeg")),
        FileType("png", _l("PNG image"), MediaKind.IMAGE, "image/png", ("png",)),
        FileType("gif", _l("GIF image"), MediaKind.IMAGE, "image/gif", ("gif",)),
        FileType("webp", _l("WebP image"), MediaKind.IMAGE, "image/webp", ("webp",)),
        FileType("pdf", _l("PDF document"), MediaKind.DOCUMENT, "application/pdf", ("pdf",)),
        FileType("doc", _l("Word document"), MediaKind.DOCUMENT, "application/msword", ("doc",)),
        FileType("docx", _l("Word document"), MediaKind.DOCUMENT,
                 "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ("docx",)),
        FileType("xls", _l("Excel spreadsheet"), MediaKind.DOCUMENT, "application/vnd.ms-excel", ("xls",)),
        FileType("xlsx", _l("Excel spreadsheet"), MediaKind.DOCUMENT,
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ("xlsx",)),
        FileType("ppt", _l("PowerPoint presentation"), MediaKind.DOCUMENT, "application/vnd.ms-powerpoint", ("ppt",)),
        FileType("pptx", _l("PowerPoint presentation"), MediaKind.DOCUMENT,
                 "application/vnd.openxmlformats-officedocument.presentationml.presentation", ("pptx",)),
        FileType("zip", _l("ZIP archive"), MediaKind.ARCHIVE, "application/zip", ("zip",)),
    )
}
ALLOWED_EXTENSIONS = frozenset(ext for t in FILE_TYPES.values() for ext in t.extensions)
IMAGE_TYPES = tuple(t for t in FILE_TYPES.values() if t.kind == MediaKind.IMAGE)
# Pillow's format names of the images we accept.
_PIL_FORMATS = {"JPEG": "jpeg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def extension_of(filename: str) -> str:
    """The lower-case extension of ``filename`` without the dot, or ``""``."""
    name = filename.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.strip(".") else ""


def looks_like_markup(head: bytes) -> bool:
    """True when the start of a file reads as HTML, SVG or XML (what a browser could run)."""
    text = head.lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n")
    return text.startswith(b"<") or (_HTML_RE.search(head) is not None and _is_mostly_text(head))


def _is_mostly_text(head: bytes) -> bool:
    return bool(head) and sum(b < 9 or 13 < b < 32 for b in head) * 20 < len(head)


def sniff(path: Path) -> FileType | None:
    """The allow-listed type of the file at ``path``, or ``None`` for anything else."""
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    signature = _image_signature(head)
    if signature:
        return _image_type(path, signature)
    if head.startswith(b"%PDF-"):
        return FILE_TYPES["pdf"]
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return _zip_type(path)
    if head.startswith(olefile.MAGIC):
        return _ole_type(path)
    return None


def types_for_extension(extension: str) -> list[FileType]:
    """The allow-listed types a file named ``*.<extension>`` may be."""
    return [t for t in FILE_TYPES.values() if extension in t.extensions]


def _image_signature(head: bytes) -> str | None:
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def _image_type(path: Path, signature: str) -> FileType | None:
    """Ask Pillow too, which parses the header properly (a bare signature is easy to fake)."""
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as im:
                key = _PIL_FORMATS.get(im.format or "")
    except Image.DecompressionBombError:
        # Too many pixels is still an image: the caller refuses it with its own message.
        return FILE_TYPES[signature]
    except (OSError, SyntaxError, ValueError):  # includes UnidentifiedImageError
        return None
    return FILE_TYPES[key] if key == signature else None


def _zip_type(path: Path) -> FileType | None:
    """An Office Open XML document is a zip whose ``[Content_Types].xml`` names its main part."""
    try:
        with zipfile.ZipFile(path) as archive:
            try:
                info = archive.getinfo("[Content_Types].xml")
            except KeyError:
                return FILE_TYPES["zip"]
            if info.file_size > _CONTENT_TYPES_MAX:
                return FILE_TYPES["zip"]
            content_types = archive.read(info)
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, ValueError):
        return None
    for key, main in _OOXML_MAIN.items():
        if main in content_types:
            return FILE_TYPES[key]
    return FILE_TYPES["zip"]


def _ole_type(path: Path) -> FileType | None:
    """Legacy Office files are OLE2 compound files; the stream names tell which program wrote them."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            if ole.exists("WordDocument"):
                return FILE_TYPES["doc"]
            if ole.exists("Workbook") or ole.exists("Book"):
                return FILE_TYPES["xls"]
            if ole.exists("PowerPoint Document"):
                return FILE_TYPES["ppt"]
    except (OSError, ValueError):  # olefile's errors are OSErrors
        return None
    return None


def is_polyglot(path: Path, file_type: FileType) -> bool:
    """True for an image or PDF that is also something else a browser or reader could use.

    Such files (an image with HTML in its first bytes, a GIF with a zip appended) are the
    classic way to smuggle a page or an applet past an upload check.
    """
    if file_type.kind != MediaKind.IMAGE and file_type.key != "pdf":
        return False
    with path.open("rb") as f:
        head = f.read(SNIFF_BYTES)
    if _HTML_RE.search(head):
        return True
    return zipfile.is_zipfile(path)
