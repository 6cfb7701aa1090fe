"""Sign-in throttling per account and per client address (the ``limits`` library).

Counts live in process memory by default and in Redis when ``ZHANQUN_REDIS_URL`` is set,
so every worker shares them.
"""
from __future__ import annotations

import math
import time

from flask import current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class SigninThrottle:
    """Counts failed sign-ins and says when an account or address must wait."""

    def __init__(self, storage_uri: str, account_limit: str, address_limit: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self._account = parse(account_limit)
        self._address = parse(address_limit)

    def _keys(self, username: str, address: str):
        return ((self._account, "signin-account", username.strip().lower()), (self._address, "signin-address", address))

    def wait_seconds(self, username: str, address: str) -> int:
        """Seconds until a sign-in may be tried again; 0 when it may be tried now."""
        wait = 0
        for limit, namespace, key in self._keys(username, address):
            if not self._limiter.test(limit, namespace, key):
                reset_at = self._limiter.get_window_stats(limit, namespace, key).reset_time
                wait = max(wait, math.ceil(reset_at - time.time()))
        return max(wait, 0)

    def failed(self, username: str, address: str) -> None:
        """Count one failed sign-in against the account and the address."""
        for limit, namespace, key in self._keys(username, address):
            self._limiter.hit(limit, namespace, key)

    def clear(self, username: str) -> None:
        """Forget an account's failures after it signed in successfully."""
        self._limiter.clear(self._account, "signin-account", username.strip().lower())


def signin_throttle() -> SigninThrottle:
    """The app's throttle, created on first use."""
    throttle = current_app.extensions.get("zhanqun_signin_throttle")
    if throttle is None:
        throttle = SigninThrottle(
            current_app.config.get("ZHANQUN_REDIS_URL") or "memory://",
            current_app.config["ZHANQUN_SIGNIN_LIMIT_ACCOUNT"],
            current_app.config["ZHANQUN_SIGNIN_LIMIT_ADDRESS"],
        )
        current_app.extensions["zhanqun_signin_throttle"] = throttle
    return throttle
