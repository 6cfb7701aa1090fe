"""Where media bytes live: ``<instance>/media/<tenant_id>/<hash[:2]>/<hash>.<ext>``.

Files are named by their SHA-256, so a name never changes meaning and can be cached
forever. A deleted record's file is removed only after the deletion commits.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event

from zhanqun.tenants.scoping import TenantSession

CHUNK = 64 * 1024
THUMBNAIL_BOX = (480, 480)
# Thumbnails keep the original's format where browsers show it everywhere; an animated
# GIF becomes a still PNG of its first frame.
THUMBNAIL_FORMATS = {"jpeg": ("JPEG", "jpg", "image/jpeg"), "png": ("PNG", "png", "image/png"),
                     "gif": ("PNG", "png", "image/png"), "webp": ("WEBP", "webp", "image/webp")}
_UNLINK_KEY = "zhanqun_media_unlink"


class TooLarge(Exception):
    """The upload passed the size limit while it was being read."""


def media_root() -> Path:
    """The folder holding every site's media."""
    return Path(current_app.instance_path) / "media"


def relative_path(tenant_id: int, stored_name: str) -> Path:
    """A stored file's path below :func:`media_root`."""
    return Path(str(tenant_id)) / stored_name[:2] / stored_name


def thumbnail_name(sha256: str, file_type_key: str) -> str:
    """The stored name of an image's thumbnail."""
    return f"{sha256}.thumb.{THUMBNAIL_FORMATS[file_type_key][1]}"


def spool(stream: BinaryIO, limit: int) -> tuple[Path, str, int]:
    """Copy ``stream`` to a temporary file beside the media, hashing as it goes.

    Returns (path, sha256 hex, size). Raises :class:`TooLarge` past ``limit`` bytes; the
    temporary file is removed then, and must be removed by the caller otherwise.
    """
    tmp_dir = media_root() / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise TooLarge()
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest.hexdigest(), size


def keep(tmp_path: Path, tenant_id: int, stored_name: str) -> Path:
    """Move a spooled file to its content-addressed place (idempotent: same name, same bytes)."""
    target = media_root() / relative_path(tenant_id, stored_name)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(tmp_path, target)
    target.chmod(0o644)
    return target


def make_thumbnail(source: Path, file_type_key: str, target: Path) -> None:
    """Write a re-encoded, metadata-free thumbnail of the image at ``source``.

    Raises ``OSError`` (or Pillow's errors) when the image cannot be decoded.
    """
    from PIL import Image, ImageOps

    pil_format = THUMBNAIL_FORMATS[file_type_key][0]
    with Image.open(source) as im:
        im.seek(0)
        frame = ImageOps.exif_transpose(im)
        frame.thumbnail(THUMBNAIL_BOX)
        if pil_format == "JPEG" and frame.mode not in ("RGB", "L"):
            frame = frame.convert("RGB")
        elif pil_format == "PNG" and frame.mode not in ("RGB", "RGBA", "L", "LA", "P", "1"):
            frame = frame.convert("RGBA")
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".part")
        # No exif=, icc_profile= or pnginfo= arguments: nothing of the original's metadata is copied.
        frame.save(tmp, format=pil_format)
        os.replace(tmp, target)


def unlink_after_commit(session, *paths: Path) -> None:
    """Remove ``paths`` once ``session`` commits (never if it rolls back)."""
    session.info.setdefault(_UNLINK_KEY, []).extend(paths)


@event.listens_for(TenantSession, "after_commit")
def _unlink_committed(session) -> None:
    if session.in_nested_transaction():  # a released savepoint, not the commit
        return
    for path in session.info.pop(_UNLINK_KEY, []):
        path.unlink(missing_ok=True)


@event.listens_for(TenantSession, "after_rollback")
def _forget_unlinks(session) -> None:
    session.info.pop(_UNLINK_KEY, None)
