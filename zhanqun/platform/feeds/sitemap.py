"""XML sitemaps (sitemaps.org protocol 0.9)."""
from __future__ import annotations

from datetime import datetime
from xml.etree import ElementTree as ET

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# The protocol's limit per file. A site with more addresses (a portal after many years)
# gets a sitemap index pointing at numbered parts of at most this many.
MAX_URLS = 50_000


def sitemap_document(urls: list[tuple[str, datetime | None]]) -> bytes:
    """The serialized ``<urlset>`` for ``(absolute url, last modified)`` pairs."""
    return _document("urlset", "url", urls)


def sitemap_index_document(parts: list[tuple[str, datetime | None]]) -> bytes:
    """The serialized ``<sitemapindex>`` for ``(absolute url of a part, last modified)`` pairs."""
    return _document("sitemapindex", "sitemap", parts)


def _document(root_tag: str, item_tag: str, items: list[tuple[str, datetime | None]]) -> bytes:
    ET.register_namespace("", NS)
    root = ET.Element(f"{{{NS}}}{root_tag}")
    for loc, lastmod in items:
        item = ET.SubElement(root, f"{{{NS}}}{item_tag}")
        ET.SubElement(item, f"{{{NS}}}loc").text = loc
        if lastmod is not None:
            ET.SubElement(item, f"{{{NS}}}lastmod").text = lastmod.isoformat(timespec="seconds")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)
