"""Sessions exist on the console host only.

Public pages must set no cookie (DESIGN.md: anonymous GETs are cacheable and private), and
Flask-Login must never see a signed-in user there. So on every host but the console the
session is empty, never read from a cookie and never saved; writing to it is a programming
error and says so.
"""
from __future__ import annotations

from flask.sessions import SecureCookieSession, SecureCookieSessionInterface

from zhanqun.tenants.resolver import normalise_host


class PublicHostSession(SecureCookieSession):
    """The always-empty session of a public host."""

    def __setitem__(self, key, value):
        raise RuntimeError("public hosts have no session: they must not set cookies (see accounts/sessions.py)")

    def setdefault(self, key, default=None):
        if key in self:
            return self[key]
        self[key] = default

    def update(self, *args, **kwargs):
        if args or kwargs:
            raise RuntimeError("public hosts have no session: they must not set cookies (see accounts/sessions.py)")


def is_console_host(app, request) -> bool:
    """True when the request came to ``console.<ZHANQUN_DOMAIN>``."""
    return normalise_host(request.host) == "console." + app.config["ZHANQUN_DOMAIN"]


class ConsoleOnlySessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session on the console host; nothing anywhere else."""

    def open_session(self, app, request):
        if not is_console_host(app, request):
            return PublicHostSession()
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if isinstance(session, PublicHostSession):
            return
        super().save_session(app, session, response)
