"""Images of theme settings (logo, banner) live in the site's media library.

The setting stores the image's site-relative address (``/media/<id>/<name>``), which the
media library serves on the site's own hosts. A file a theme setting uses cannot be
deleted from the library (see :func:`theme_uses`).
"""
from __future__ import annotations

from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform.media import services as media
from zhanqun.platform.media.models import MediaKind


class ImageRefused(ValueError):
    """The upload is not an acceptable image; ``str(exc)`` is a translated sentence."""


def store_image(file_storage, by=None) -> str:
    """Add an uploaded image to the current site's media library; returns its address.

    Raises :class:`ImageRefused` with the library's message for anything but an image
    the library accepts (it checks type by content, size, and refuses SVG and polyglots).
    """
    try:
        stored = media.store_upload(file_storage, by=by, kinds={MediaKind.IMAGE})
    except ValidationError as exc:
        messages = exc.messages.get("file") if isinstance(exc.messages, dict) else exc.messages
        raise ImageRefused(" ".join(str(m) for m in (messages or [_("Upload an image.")]))) from None
    return media.media_url(stored)


def theme_uses(item) -> str | None:
    """For the media library: a sentence if a theme setting of the file's site shows it."""
    from zhanqun.tenants.resolver import hostmap

    site = hostmap().site_by_id(item.tenant_id)
    address = media.media_url(item)
    if site is None:
        return None
    for theme, values in site.theme_settings.items():
        for name, value in values.items():
            if value == address:
                return _("Theme “%(theme)s”, setting “%(setting)s”", theme=theme, setting=name)
    return None


def register_media_check() -> None:
    """Make the media library ask the themes before it deletes a file."""
    if theme_uses not in media.REFERENCE_CHECKS:
        media.REFERENCE_CHECKS.append(theme_uses)
