"""Atom 1.0 documents (RFC 4287), built with the standard library's XML writer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET

NS = "http://www.w3.org/2005/Atom"
XML_NS = "http://www.w3.org/XML/1998/namespace"


@dataclass(frozen=True)
class Entry:
    """One entry: an article as a feed reader sees it."""

    id: str
    title: str
    url: str
    published: datetime
    updated: datetime
    author: str = ""
    summary: str = ""
    content_html: str = ""


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _text(parent: ET.Element, tag: str, text: str, **attrs) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{tag}", attrs)
    element.text = text
    return element


def _link(parent: ET.Element, href: str, rel: str = "alternate", type_: str | None = None) -> None:
    attrs = {"rel": rel, "href": href}
    if type_:
        attrs["type"] = type_
    ET.SubElement(parent, f"{{{NS}}}link", attrs)


def feed_document(*, feed_id: str, title: str, self_url: str, alternate_url: str, base_url: str,
                  author: str, updated: datetime, entries: list[Entry], subtitle: str = "") -> bytes:
    """The serialized feed. ``author`` names the site; entries without their own author inherit it.

    Article bodies go in as escaped HTML (``type="html"``); ``xml:base`` lets readers resolve
    the relative links and images inside them.
    """
    ET.register_namespace("", NS)
    feed = ET.Element(f"{{{NS}}}feed", {f"{{{XML_NS}}}base": base_url})
    _text(feed, "id", feed_id)
    _text(feed, "title", title)
    if subtitle:
        _text(feed, "subtitle", subtitle)
    _text(feed, "updated", _stamp(updated))
    _link(feed, self_url, rel="self", type_="application/atom+xml")
    _link(feed, alternate_url, type_="text/html")
    _text(ET.SubElement(feed, f"{{{NS}}}author"), "name", author)
    _text(feed, "generator", "zhanqun")
    for entry in entries:
        element = ET.SubElement(feed, f"{{{NS}}}entry")
        _text(element, "id", entry.id)
        _text(element, "title", entry.title)
        _link(element, entry.url, type_="text/html")
        _text(element, "published", _stamp(entry.published))
        _text(element, "updated", _stamp(entry.updated))
        if entry.author:
            _text(ET.SubElement(element, f"{{{NS}}}author"), "name", entry.author)
        if entry.summary:
            _text(element, "summary", entry.summary)
        if entry.content_html:
            _text(element, "content", entry.content_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
