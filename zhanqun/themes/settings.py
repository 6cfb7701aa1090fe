"""A theme's declared settings: checking values, and the values a page is rendered with.

Values are stored per site and per theme in ``Tenant.theme_settings``
(``{"portal": {"primary_colour": "#b5121b"}, ...}``), so switching to another theme and back
keeps what was filled in. Every value is checked again when read: a value that no longer
fits the declaration (the theme changed) falls back to the declared default, so nothing
unchecked ever reaches a page's CSS or HTML.
"""
from __future__ import annotations

import functools
import re

from flask_babel import gettext as _

COLOUR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")
# Theme images are served by the platform itself: a site-relative path, never another host.
IMAGE_PATH_RE = re.compile(r"^/(?!/)[A-Za-z0-9_./-]{1,300}$")
MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@functools.lru_cache(maxsize=256)
def shade(colour: str, amount: float = 0.22) -> str:
    """``colour`` darkened towards black by ``amount`` (for hover and navigation bars; every
    page's CSS asks for the same few, so the results are kept)."""
    channels = [round(int(colour[i:i + 2], 16) * (1 - amount)) for i in (1, 3, 5)]
    return "#" + "".join(f"{c:02x}" for c in channels)


def _flaw(setting, value) -> str | None:
    """What is wrong with ``value`` for ``setting`` as a short key, or ``None`` if it fits."""
    kind = setting.type
    if kind == "colour":
        if not isinstance(value, str) or not COLOUR_RE.match(value):
            return "colour"
        if setting.contrast_with and contrast_ratio(value, setting.contrast_with) < MIN_CONTRAST:
            return "contrast"
    elif kind == "image":
        if value is not None and (not isinstance(value, str) or not IMAGE_PATH_RE.match(value) or ".." in value):
            return "image"
    elif kind == "choice":
        if value not in [v for v, _label in setting.choices]:
            return "choice"
    elif kind == "text":
        if not isinstance(value, str):
            return "text"
        if len(value) > setting.max_length:
            return "length"
    elif kind == "boolean" and not isinstance(value, bool):
        return "boolean"
    return None


def _fits(setting, value) -> bool:
    return _flaw(setting, value) is None


def _problem(setting, value) -> str | None:
    """Why ``value`` does not fit ``setting`` (a translated sentence), or ``None``."""
    flaw = _flaw(setting, value)
    if flaw == "contrast":
        return _("This colour is too light or too dark for legible text (contrast %(ratio).1f:1, at least 4.5:1 needed).",
                 ratio=contrast_ratio(value, setting.contrast_with))
    if flaw == "length":
        return _("Use at most %(max)d characters.", max=setting.max_length)
    messages = {
        "colour": lambda: _("Enter a colour as # followed by six hexadecimal digits, e.g. #b5121b."),
        "image": lambda: _("Upload an image."),
        "choice": lambda: _("Choose one of the listed values."),
        "text": lambda: _("Enter text."),
        "boolean": lambda: _("Choose yes or no."),
    }
    return messages[flaw]() if flaw else None


def check_default(setting) -> str | None:
    """For the registry: why a declaration is unusable (plain English, for the log), or ``None``."""
    if setting.contrast_with is not None and (setting.type != "colour" or not COLOUR_RE.match(str(setting.contrast_with))):
        return "contrast_with is for colour settings and must be a colour like #ffffff"
    if setting.type == "image":
        return None if setting.default is None else "an image setting has no default"
    if not _fits(setting, setting.default):
        return f"the default {setting.default!r} is not a valid {setting.type} value"
    return None


def effective_settings(theme, stored) -> dict:
    """The values a page of ``theme`` is rendered with: stored ones that still fit, else defaults."""
    own = (stored or {}).get(theme.name) or {}
    values = {}
    for name, setting in theme.settings.items():
        value = own.get(name, setting.default)
        values[name] = value if _fits(setting, value) else setting.default
    return values


def parse_form(theme, form, current: dict) -> tuple[dict, dict[str, list[str]]]:
    """Read a settings form (not the image uploads) into values, with per-field messages.

    ``current`` holds the effective values, kept for image settings unless "remove" is ticked.
    """
    values: dict = {}
    errors: dict[str, list[str]] = {}
    for name, setting in theme.settings.items():
        if setting.type == "image":
            values[name] = None if form.get(f"{name}__remove") else current.get(name)
            continue
        if setting.type == "boolean":
            value = form.get(name) in ("1", "on", "true", "yes")
        elif setting.type == "colour":
            value = (form.get(name) or "").strip().lower()
        elif setting.type == "text":
            value = (form.get(name) or "").strip()
        else:
            value = form.get(name)
        problem = _problem(setting, value)
        if problem:
            errors[name] = [problem]
        values[name] = value
    return values, errors
