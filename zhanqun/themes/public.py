"""Files every site host serves for its theme: static files and QR codes."""
from __future__ import annotations

import os
import re

from flask import Blueprint, Response, abort, request, send_file

from zhanqun.themes.qr import is_own_path, qr_svg
from zhanqun.themes.rendering import registry

bp = Blueprint("themes", __name__)

IMMUTABLE = "public, max-age=31536000, immutable"
# A file name inside a theme's static folder: relative, forward slashes, no dot segments.
_SEGMENT_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*$")


def static_path(theme_name: str, filename: str) -> str | None:
    """The file ``filename`` names in the theme's static folders (own first, then parents'),
    or ``None``. Only plain relative names are accepted; the resolved file must lie inside the
    static folder, so no spelling of ``..``, absolute path or link leads out of it."""
    theme = registry().get(theme_name)
    parts = filename.split("/")
    if theme is None or not all(_SEGMENT_RE.match(p) for p in parts):
        return None
    for folder in theme.chain:
        root = os.path.realpath(os.path.join(folder, "static"))
        candidate = os.path.realpath(os.path.join(root, *parts))
        if os.path.commonpath([root, candidate]) == root and os.path.isfile(candidate):
            return candidate
    return None


@bp.route("/_themes/<theme>/<fingerprint>/<path:filename>")
def static_file(theme, fingerprint, filename):
    """A theme's static file. With the current fingerprint it is cached for a year;
    an outdated fingerprint (a page from before a deploy) still gets the file, briefly cached."""
    path = static_path(theme, filename)
    if path is None:
        abort(404)
    response = send_file(path, conditional=True, max_age=0)
    current = registry().get(theme).fingerprint == fingerprint
    response.headers["Cache-Control"] = IMMUTABLE if current else "public, max-age=300"
    return response


@bp.route("/_qr.svg")
def qr_code():
    """The QR code of ``u``, a path of this host, as the absolute address on this host."""
    path = request.args.get("u", "")
    if not is_own_path(path):
        abort(404)
    url = request.host_url.rstrip("/") + path
    return Response(qr_svg(url), mimetype="image/svg+xml", headers={"Cache-Control": IMMUTABLE})
