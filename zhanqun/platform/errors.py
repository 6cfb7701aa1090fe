"""Error pages: themed on a site, plain in the console, neutral for an unknown host.

No stack trace ever reaches a visitor; unexpected errors are logged with the request.
"""
from __future__ import annotations

from flask import Flask, g, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError

from zhanqun.platform.requests import SiteUnavailable
from zhanqun.tenants.resolver import HostKind


def init_app(app: Flask) -> None:
    """Register the handlers."""
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(SiteUnavailable, _site_unavailable)
    app.register_error_handler(Exception, _unexpected)


def wants_json() -> bool:
    """API paths answer errors as JSON."""
    return request.path.startswith("/api/")


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        403: _("You do not have permission to do this."),
        404: _("The page you asked for does not exist."),
        405: _("This action is not allowed here."),
        410: _("This page has been removed."),
        413: _("The upload is too large."),
        429: _("Too many requests; please wait a moment and try again."),
        500: _("Something went wrong on our side. The error has been logged."),
        503: _("This website is being maintained. Please come back later."),
    }


def render_error(code: int, message: str | None = None):
    """The error page for ``code`` in the look of where it happened."""
    message = message or _messages().get(code, _messages()[500])
    if wants_json():
        return {"error": {"code": code, "message": message}}, code
    kind = g.get("host_kind")
    site = g.get("site")
    if kind == HostKind.SITE and site is not None:
        from zhanqun.themes import render_site_page

        return render_site_page("error.html", code=code, message=message), code
    if kind == HostKind.CONSOLE:
        return render_template("console/error.html", code=code, message=message), code
    return render_template("neutral_error.html", code=code, message=message), code


def _http_error(exc: HTTPException):
    if exc.code is None or exc.code < 400:
        return exc
    response = render_error(exc.code, exc.description if getattr(exc, "zhanqun_message", False) else None)
    if exc.code == 405 and exc.valid_methods:
        body, code = response
        return body, code, {"Allow": ", ".join(exc.valid_methods)}
    return response


def _site_unavailable(exc: SiteUnavailable):
    g.site = None
    g.host_kind = HostKind.UNKNOWN
    headers = {"Retry-After": "3600"} if exc.code == 503 else {}
    body, code = render_error(exc.code)
    return body, code, headers


def _unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("unexpected error on %s %s%s", request.method, request.host, request.path)
    try:
        return render_error(InternalServerError.code)
    except Exception:  # the error page itself failed: answer plain text, still no trace
        current_app.logger.exception("error page failed")
        return _("Something went wrong on our side. The error has been logged."), 500
