"""Sync's settings, read from the environment when the app is built.

``ZHANQUN_SYNC_TARGET``: empty for this platform's own portal, or the ``https://`` address
of a remote zhanqun portal. ``ZHANQUN_SYNC_DELIVERY``: ``background`` (default: a thread
right after commit), ``inline`` (the same, but the request waits: tests use this),
``off`` (only ``zhanqun sync run``/``worker`` deliver).
"""
from __future__ import annotations

import os
from urllib.parse import urlparse

from flask import Flask

from zhanqun.platform.config import ConfigError

MODES = ("background", "inline", "off")


def init_app(app: Flask) -> None:
    """Fill the sync settings not given in the app's config, and check them."""
    env = os.environ.get
    config = app.config
    config.setdefault("ZHANQUN_SYNC_TARGET", env("ZHANQUN_SYNC_TARGET", ""))
    config.setdefault("ZHANQUN_SYNC_DELIVERY", env("ZHANQUN_SYNC_DELIVERY") or ("inline" if config.get("TESTING") else "background"))
    config.setdefault("ZHANQUN_SYNC_MAX_ATTEMPTS", int(env("ZHANQUN_SYNC_MAX_ATTEMPTS", "8")))
    config.setdefault("ZHANQUN_SYNC_RETRY_SECONDS", float(env("ZHANQUN_SYNC_RETRY_SECONDS", "30")))
    config.setdefault("ZHANQUN_SYNC_MAX_AGE_SECONDS", 300)
    config.setdefault("ZHANQUN_SYNC_TIMEOUT_SECONDS", 10.0)
    if config["ZHANQUN_SYNC_DELIVERY"] not in MODES:
        raise ConfigError(f"ZHANQUN_SYNC_DELIVERY must be one of {', '.join(MODES)}")
    target = config["ZHANQUN_SYNC_TARGET"]
    if target:
        parsed = urlparse(target)
        allowed = ("https",) if config.get("ZHANQUN_ENV") == "production" else ("https", "http")
        if parsed.scheme not in allowed or not parsed.netloc:
            raise ConfigError("ZHANQUN_SYNC_TARGET must be the https:// address of the portal, e.g. https://www.example.gov.cn")
