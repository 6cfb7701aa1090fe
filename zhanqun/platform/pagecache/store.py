"""Where finished pages are kept: this process's memory (bounded LRU), or Redis.

An entry is the response as the app produced it (status, headers, body) plus what
conditional requests need (ETag, Last-Modified) and when it expires. Keys always begin
with the site id and that site's version, so a change of version makes the old pages
unreachable; the memory store also drops them at once.
"""
from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

log = logging.getLogger(__name__)
Key = tuple  # (site_id, version, rest-of-the-key string)


@dataclass(frozen=True)
class Entry:
    """One stored response."""

    status: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    etag: str
    last_modified: float
    expires_at: float  # Unix time
    cache_control_ours: bool  # True when the Cache-Control header was added by the page cache

    def dumps(self) -> bytes:
        meta = {"s": self.status, "h": self.headers, "e": self.etag, "l": self.last_modified, "x": self.expires_at,
                "c": self.cache_control_ours}
        return json.dumps(meta, ensure_ascii=False).encode() + b"\n" + self.body

    @classmethod
    def loads(cls, raw: bytes) -> Entry:
        head, body = raw.split(b"\n", 1)
        meta = json.loads(head)
        return cls(meta["s"], tuple(tuple(h) for h in meta["h"]), body, meta["e"], meta["l"], meta["x"], meta["c"])


class MemoryStore:
    """A least-recently-used map bounded by entry count and total body bytes."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Key, Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Key) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.expires_at <= time.time():
            self._drop(key)
            return None
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
        return entry

    def set(self, key: Key, entry: Entry) -> None:
        size = len(entry.body)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= len(old.body)
            self._entries[key] = entry
            self._bytes += size
            while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._bytes -= len(evicted.body)

    def forget_site(self, site_id: int) -> None:
        """Drop every page of ``site_id`` (its version changed)."""
        with self._lock:
            for key in [k for k in self._entries if k[0] == site_id]:
                self._bytes -= len(self._entries.pop(key).body)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def stats(self) -> dict:
        return {"entries": len(self._entries), "bytes": self._bytes}

    def _drop(self, key: Key) -> None:
        with self._lock:
            entry = self._entries.pop(key, None)
            if entry is not None:
                self._bytes -= len(entry.body)


class NullStore:
    """Stores nothing (``ZHANQUN_PAGECACHE=off``): pages still get validators and 304s."""

    def get(self, key: Key) -> Entry | None:
        return None

    def set(self, key: Key, entry: Entry) -> None:
        pass

    def forget_site(self, site_id: int) -> None:
        pass

    def clear(self) -> None:
        pass

    def stats(self) -> dict:
        return {}


class RedisStore:
    """Pages shared by every worker through Redis; entries expire on their own (``SET ... EX``).

    Redis is an optimisation, never a dependency of a page: when it does not answer, the page is
    rendered as if it were a miss and a warning is logged (at most once a minute).
    """

    def __init__(self, client, namespace: str):
        import redis

        self._redis = client
        self._errors = (redis.RedisError, OSError)
        self._prefix = f"zhanqun:page:{namespace}:"
        self._warned_at = 0.0

    def _failed(self, exc: Exception) -> None:
        if time.monotonic() - self._warned_at > 60:
            self._warned_at = time.monotonic()
            log.warning("page cache: Redis is not answering (%s); pages are rendered without it", exc)

    def _name(self, key: Key) -> str:
        site_id, version, rest = key
        digest = hashlib.blake2b(rest.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()
        return f"{self._prefix}{site_id}:{version[0]}.{version[1]}:{digest}"

    def get(self, key: Key) -> Entry | None:
        try:
            raw = self._redis.get(self._name(key))
        except self._errors as exc:
            self._failed(exc)
            return None
        if raw is None:
            return None
        entry = Entry.loads(raw)
        return entry if entry.expires_at > time.time() else None

    def set(self, key: Key, entry: Entry) -> None:
        seconds = int(entry.expires_at - time.time())
        if seconds >= 1:
            try:
                self._redis.set(self._name(key), entry.dumps(), ex=seconds)
            except self._errors as exc:
                self._failed(exc)

    def forget_site(self, site_id: int) -> None:
        """Nothing to do: keys carry the version, and old ones expire by themselves."""

    def clear(self) -> None:
        for name in self._redis.scan_iter(match=self._prefix + "*", count=500):
            self._redis.delete(name)

    def stats(self) -> dict:
        return {}
