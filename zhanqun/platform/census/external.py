"""Checking external links politely: bounded concurrency, one request at a time per host with
a pause between them, a timeout, and answers cached for a day so a re-run asks nobody twice.
"""
from __future__ import annotations

import hashlib
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from itertools import zip_longest
from urllib.parse import urlsplit

import httpx
import sqlalchemy as sa

from zhanqun.platform.census.models import ExternalLinkCheck
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db

CACHE_FOR = timedelta(days=1)
# The national filing registries every footer links to: they refuse robots, and a county
# platform asking them for every page of every site helps nobody.
SKIP_HOSTS = ("beian.miit.gov.cn", "beian.mps.gov.cn", "www.beian.gov.cn")
USER_AGENT = "zhanqun-census/1.0 (government website check)"


class _HostGate:
    """One request at a time per host, at least ``pause`` seconds apart."""

    def __init__(self, pause: float):
        self.pause = pause
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    def hold(self, host: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(host, threading.Lock())

    def wait_turn(self, host: str) -> None:
        wait = self._last.get(host, 0) + self.pause - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def done(self, host: str) -> None:
        self._last[host] = time.monotonic()


def _key(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()


def check_links(urls: list[str], *, timeout: float = 10.0, workers: int = 8, pause: float = 1.0) -> dict[str, tuple[int | None, str]]:
    """``url → (status code or None, error)`` for every url, from the cache when fresh.

    Fresh answers are written back to the cache (the caller commits).
    """
    now = utcnow()
    cached = {
        row.url: (row.status_code, row.error)
        for row in db.session.scalars(sa.select(ExternalLinkCheck).where(
            ExternalLinkCheck.url_hash.in_([_key(u) for u in urls]), ExternalLinkCheck.checked_at > now - CACHE_FOR))
    }
    todo = _interleave_hosts([u for u in urls if u not in cached])
    gate = _HostGate(pause)
    headers = {"User-Agent": USER_AGENT}
    with httpx.Client(timeout=timeout, follow_redirects=True, headers=headers, trust_env=False) as client:
        def ask(url: str) -> tuple[str, int | None, str]:
            host = urlsplit(url).netloc.lower()
            with gate.hold(host):
                gate.wait_turn(host)
                try:
                    response = client.head(url)
                    if response.status_code in (405, 501):  # servers that refuse HEAD
                        response = client.get(url)
                    return url, response.status_code, ""
                except httpx.TimeoutException:
                    return url, None, "timeout"
                except httpx.HTTPError as exc:
                    return url, None, type(exc).__name__
                finally:
                    gate.done(host)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            fresh = {url: (status, error) for url, status, error in pool.map(ask, todo)}
    _store(fresh, now)
    return cached | fresh


def _interleave_hosts(urls: list[str]) -> list[str]:
    """Round-robin over hosts, so the workers are not all queued behind one slow host."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(urlsplit(url).netloc.lower(), []).append(url)
    ordered = []
    for round_ in zip_longest(*by_host.values()):
        ordered += [u for u in round_ if u is not None]
    return ordered


def _store(results: dict[str, tuple[int | None, str]], now) -> None:
    if not results:
        return
    rows = {r.url_hash: r for r in db.session.scalars(
        sa.select(ExternalLinkCheck).where(ExternalLinkCheck.url_hash.in_([_key(u) for u in results])))}
    for url, (status, error) in results.items():
        row = rows.get(_key(url)) or ExternalLinkCheck(url_hash=_key(url), url=url[:2000])
        row.status_code, row.error, row.checked_at = status, error[:300], now
        db.session.add(row)
    db.session.flush()


def failures(results: dict[str, tuple[int | None, str]]) -> dict[str, str]:
    """The urls that failed, with a short reason (``HTTP 404``, ``timeout``)."""
    return {url: (f"HTTP {status}" if status is not None else error)
            for url, (status, error) in results.items() if status is None or status >= 400}
