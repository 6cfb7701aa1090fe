"""HMAC-SHA256 signatures of sync messages, over the timestamp and the exact body bytes."""
from __future__ import annotations

import hashlib
import hmac
import secrets

SITE_HEADER = "X-Zhanqun-Site-Code"
TIMESTAMP_HEADER = "X-Zhanqun-Timestamp"
SIGNATURE_HEADER = "X-Zhanqun-Signature"


def new_secret() -> str:
    """A fresh per-site secret (256 bits, hex)."""
    return secrets.token_hex(32)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def valid(secret: str, timestamp: str, body: bytes, signature: str) -> bool:
    """True when ``signature`` is ``sign(secret, timestamp, body)`` (constant-time compare)."""
    return hmac.compare_digest(sign(secret, timestamp, body), signature or "")
