"""Crawling a site's public pages through the app itself: no network, no running server.

Every page is requested with the app's test client and the site's own Host header, so
the census sees exactly what a visitor sees (theme, footer, links) without a socket.
Requests run in a fresh ``contextvars`` context, each inside its own app context (and so
its own database session), as a real request would, instead of borrowing the caller's.
"""
from __future__ import annotations

import contextvars
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlsplit
from xml.etree import ElementTree

from flask import Flask

from zhanqun.tenants.resolver import Site, normalise_host

BROKEN = 400  # a status at or above this is a broken link
# Paths that look like files are checked with HEAD, not downloaded or parsed.
FILE_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".jpg", ".jpeg", ".png",
                 ".gif", ".webp", ".svg", ".txt", ".xml", ".csv", ".ico", ".css", ".js")
SKIPPED_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "#")
# Query parameters that change how a page looks (the accessible view, the language), not what
# it holds: dropped, so every page is crawled once and not once per variant.
PRESENTATION_PARAMS = frozenset({"a11y", "lang", "preview"})


@dataclass
class PageReport:
    """What one crawled HTML page showed."""

    path: str
    title: str = ""
    images_without_alt: list[str] = field(default_factory=list)


@dataclass
class BrokenLink:
    """An internal address that answered an error, where it was first linked, and how often."""

    target: str
    status: int
    first_page: str
    is_resource: bool  # an image or file rather than a page
    pages: int = 1


@dataclass
class CrawlResult:
    """Everything one site's crawl found."""

    pages: list[PageReport] = field(default_factory=list)
    broken: dict[str, BrokenLink] = field(default_factory=dict)
    external: dict[str, str] = field(default_factory=dict)  # url → first page linking it
    home_html: str = ""
    home_status: int = 0
    truncated: bool = False


class _PageParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.resources: list[str] = []
        self.images_without_alt: list[str] = []
        self.title_parts: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(values["href"])
        elif tag == "img":
            if values.get("src"):
                self.resources.append(values["src"])
            # An empty alt="" is a deliberate decorative image; a missing alt is the fault.
            if values.get("alt") is None:
                self.images_without_alt.append(values.get("src") or "")
        elif tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title_parts.append(data)


def crawl_site(app: Flask, site: Site, *, max_pages: int = 5000, on_page: Callable[[int], None] | None = None) -> CrawlResult:
    """Crawl every public page of ``site`` reachable from its home page (call inside an app context)."""
    platform_hosts = frozenset(h for s in app.extensions["zhanqun_hostmap"].sites() for h in s.hostnames)
    return contextvars.Context().run(_Crawl(app, site, max_pages, on_page, platform_hosts).run)


class _Crawl:
    def __init__(self, app: Flask, site: Site, max_pages: int, on_page, platform_hosts: frozenset[str]):
        self.app = app
        self.site = site
        self.host = site.primary_host
        self.own_hosts = set(site.hostnames)
        self.client = app.test_client(use_cookies=False)
        self.max_pages = max_pages
        self.on_page = on_page or (lambda n: None)
        # Every host of the platform, taken before the crawl: links to them are checked
        # through the app rather than over the network.
        self.platform_hosts = platform_hosts
        self.result = CrawlResult()
        self.status_of: dict[tuple[str, str], int] = {}
        # Pages linked from somewhere, with the pages linking them; checked when the crawl ends.
        self.pending: dict[str, list[str]] = {}

    def run(self) -> CrawlResult:
        # The sitemap names pages no menu links to (articles of hidden columns, old pages).
        queue: deque[str] = deque(["/", *self._sitemap_paths()])
        seen = set(queue)
        while queue:
            path = queue.popleft()
            if len(self.result.pages) >= self.max_pages:
                self.result.truncated = True
                break
            response = self._request("GET", self.host, path)
            self.status_of[(self.host, path)] = response.status_code
            if path == "/":
                self.result.home_status = response.status_code
            if response.status_code >= BROKEN or response.mimetype != "text/html":
                response.close()
                continue
            html = response.get_data(as_text=True)
            response.close()
            if path == "/":
                self.result.home_html = html
            parser = _PageParser()
            parser.feed(html)
            self.result.pages.append(PageReport(path, " ".join("".join(parser.title_parts).split()), parser.images_without_alt))
            self.on_page(1)
            for href in parser.links:
                target = self._classify(path, href)
                if target is None:
                    continue
                host, target_path = target
                if host is None:
                    self.result.external.setdefault(target_path, path)
                elif host == self.host and not _looks_like_file(target_path):
                    if target_path not in seen:
                        seen.add(target_path)
                        queue.append(target_path)
                    self.pending.setdefault(target_path, []).append(path)
                else:
                    self._check(host, target_path, path, is_resource=True)
            for src in parser.resources:
                target = self._classify(path, src)
                if target is not None and target[0] is not None:
                    self._check(target[0], target[1], path, is_resource=True)
        self._resolve_pending()
        return self.result

    def _sitemap_paths(self) -> list[str]:
        """The site's own paths listed in its sitemap (following one level of sitemap index)."""
        paths: list[str] = []
        documents, read = deque(["/sitemap.xml"]), 0
        while documents and read < 100 and len(paths) < self.max_pages:
            response = self._request("GET", self.host, documents.popleft())
            read += 1
            body = response.get_data()
            response.close()
            if response.status_code != 200:
                continue
            try:
                root = ElementTree.fromstring(body)
            except ElementTree.ParseError:
                continue
            is_index = root.tag.endswith("sitemapindex")
            for loc in root.iter():
                if not loc.tag.endswith("loc") or not loc.text:
                    continue
                url = urlsplit(loc.text.strip())
                if url.hostname not in self.own_hosts:
                    continue
                path = url.path + (f"?{url.query}" if url.query else "")
                (documents if is_index else paths).append(path)
        return [p for p in paths if p != "/"]

    def _request(self, method: str, host: str, path: str):
        with self.app.app_context():
            response = self.client.open(path, method=method, headers={"Host": host}, follow_redirects=True)
            # Read the body while the request's context is alive; the caller only inspects it.
            response.get_data()
            return response

    def _classify(self, page: str, href: str) -> tuple[str | None, str] | None:
        """``(host, path)`` for an address on the platform, ``(None, url)`` for an external one."""
        href = href.strip()
        if not href or href.lower().startswith(SKIPPED_SCHEMES):
            return None
        url, _fragment = urldefrag(urljoin(f"http://{self.host}{page}", href))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return None
        host = normalise_host(parts.netloc)
        query = urlencode(sorted({k: v for k, v in parse_qsl(parts.query) if k not in PRESENTATION_PARAMS}.items()))
        path = (parts.path or "/") + (f"?{query}" if query else "")
        if host in self.own_hosts:
            return self.host, path
        if host in self.platform_hosts:
            return host, path  # another site of this platform: checked through the app too
        return None, url

    def _resolve_pending(self) -> None:
        for target, pages in self.pending.items():
            status = self._status(self.host, target, head=False)
            if status >= BROKEN:
                self._record(target, status, pages[0], is_resource=False, count=len(set(pages)))

    def _check(self, host: str, target: str, page: str, *, is_resource: bool) -> None:
        status = self._status(host, target, head=True)
        if status >= BROKEN:
            label = target if host == self.host else f"http://{host}{target}"
            self._record(label, status, page, is_resource=is_resource)

    def _status(self, host: str, target: str, *, head: bool) -> int:
        key = (host, target)
        if key not in self.status_of:
            response = self._request("HEAD" if head else "GET", host, target)
            self.status_of[key] = response.status_code
            response.close()
        return self.status_of[key]

    def _record(self, target: str, status: int, page: str, *, is_resource: bool, count: int = 1) -> None:
        broken = self.result.broken.get(target)
        if broken is None:
            self.result.broken[target] = BrokenLink(target, status, page, is_resource, count)
        elif broken.first_page != page:
            broken.pages += count


def _looks_like_file(path: str) -> bool:
    return path.split("?", 1)[0].lower().endswith(FILE_SUFFIXES) or path.startswith("/media/")
