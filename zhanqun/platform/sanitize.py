"""The one HTML sanitiser every rich-text body (articles, single-page columns, …) goes through.

It is an allow-list, applied by nh3 (the Python binding of the Rust ``ammonia`` library)
on the server before anything is stored; what the editor in the browser did is never trusted.

Decisions, so the next maintainer need not rediscover them:

- **Kept:** paragraphs, headings h2–h6 (h1 is the page title), lists, tables (with
  ``colspan``/``rowspan``), links, images, quotes, ``pre``/``code``, emphasis. ``h1`` becomes
  its text.
- **Removed with their content:** ``script``, ``style``, ``template``, ``iframe``,
  ``object``, ``embed``, ``form``-likes and ``noscript``. **Removed, content kept:** every other
  tag (``span``, ``div``, ``font``, Word's ``o:p`` …), so pasted text survives as plain text.
- **iframes:** all dropped, including video hosts: a county site embeds video as a link or
  as an uploaded file, and allowing any foreign frame would let one compromised host put
  content on a government page.
- **URLs:** ``http``, ``https``, ``mailto``, ``tel`` and relative URLs. ``javascript:``,
  ``vbscript:`` and **``data:`` (images included)** are removed: pasted inline images would
  bloat the database and bypass the media library's checks; the editor uploads them instead.
- **Attributes:** no event handlers, ids, classes or ``style`` except a tiny subset on
  block elements: ``text-align`` (left/right/center/justify) and ``text-indent`` in ``em`` —
  what a government article's first-line indent (首行缩进两字) needs. Every other
  declaration, ``expression()`` and ``url()`` included, is dropped. ``width``/``height`` on
  images and ``colspan``/``rowspan`` must be plain numbers.
- **Links:** every link gets ``rel="noopener noreferrer"`` (so those opened with
  ``target="_blank"`` cannot reach back into the page); ``target`` may only be ``_blank``.
- Comments (Word's conditional comments among them) are removed.
"""
from __future__ import annotations

import html as htmllib
import re

import nh3

BLOCK_TAGS = {"p", "h2", "h3", "h4", "h5", "h6", "blockquote", "td", "th", "li"}
TAGS = BLOCK_TAGS | {
    "br", "hr", "strong", "b", "em", "i", "u", "s", "sub", "sup", "pre", "code",
    "ul", "ol", "dl", "dt", "dd",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "colgroup", "col",
    "a", "img", "figure", "figcaption",
}
# Tags whose text is dropped too, not only the tag.
CLEAN_CONTENT_TAGS = {"script", "style", "template", "iframe", "object", "embed", "noscript", "select", "textarea",
                      "title", "xmp", "noembed", "noframes", "frameset", "applet", "math", "svg"}
ATTRIBUTES = {
    "a": {"href", "title", "target"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "ol": {"start"},
    "col": {"span"},
    "colgroup": {"span"},
    **{tag: {"style"} for tag in BLOCK_TAGS if tag not in {"td", "th"}},
}
ATTRIBUTES["td"] |= {"style"}
ATTRIBUTES["th"] |= {"style"}
URL_SCHEMES = {"http", "https", "mailto", "tel"}

_NUMBER = re.compile(r"^\d{1,4}$")
_SAFE_DECLARATIONS = {
    "text-align": re.compile(r"^(left|right|center|justify)$"),
    "text-indent": re.compile(r"^\d{1,2}(\.\d{1,2})?em$"),
}
# ammonia already refuses these schemes; this also refuses relative-looking URLs that hide one
# behind quotes, backticks or control characters (old browsers' parsing quirks).
_URL_NOISE = re.compile(r"[\s\x00-\x1f`'\"\\]")
_SCRIPT_URL = re.compile(r"(java|vb|live)script:|data:", re.IGNORECASE)
_NUMERIC = {"width", "height", "colspan", "rowspan", "start", "span"}


def _filter_attribute(tag: str, name: str, value: str) -> str | None:
    if name == "style":
        return _safe_style(value)
    if name in ("href", "src"):
        return None if _SCRIPT_URL.search(_URL_NOISE.sub("", value)) else value
    if name in _NUMERIC:
        return value if _NUMBER.match(value.strip()) else None
    if name == "target":
        return "_blank" if value.strip().lower() == "_blank" else None
    if name == "scope":
        return value if value in {"row", "col", "rowgroup", "colgroup"} else None
    return value


def _safe_style(value: str) -> str | None:
    kept = []
    for declaration in value.split(";"):
        prop, sep, val = declaration.partition(":")
        prop, val = prop.strip().lower(), val.strip().lower()
        pattern = _SAFE_DECLARATIONS.get(prop)
        if sep and pattern and pattern.match(val):
            kept.append(f"{prop}: {val}")
    return "; ".join(kept) + ";" if kept else None


_cleaner = nh3.Cleaner(
    tags=TAGS,
    clean_content_tags=CLEAN_CONTENT_TAGS,
    attributes=ATTRIBUTES,
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel="noopener noreferrer",
    url_schemes=URL_SCHEMES,
)


def sanitize_html(html: str | None) -> str:
    """``html`` reduced to the allow-list above; safe to render with ``|safe``."""
    if not html:
        return ""
    return _cleaner.clean(html).strip()


_BLOCK_END = re.compile(r"<br\s*/?>|</(p|h[1-6]|li|tr|td|th|blockquote|pre|dt|dd|caption|figcaption)>", re.IGNORECASE)


def plain_text(html: str | None) -> str:
    """The text of an HTML fragment, one line per block, tags removed (for diffs and summaries)."""
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n", html or "")
    text = htmllib.unescape(nh3.clean(marked, tags=set(), clean_content_tags=CLEAN_CONTENT_TAGS))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)
