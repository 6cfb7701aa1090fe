"""Console answers shared by several pages: a refusal with a reason, a password shown once."""
from __future__ import annotations

from flask import make_response, render_template

from zhanqun.platform.errors import render_error


def forbidden(message: str):
    """403 with the reason, for an action the user may not take (e.g. removing themselves)."""
    return render_error(403, message)


def password_once(user, password: str, *, back: str, created: bool):
    """A page showing ``user``'s new password this one time; it is stored nowhere else.

    The response is not cached, so the back button cannot show it again.
    """
    response = make_response(render_template("console/password_once.html", user=user, password=password,
                                             back=back, created=created))
    response.headers["Cache-Control"] = "no-store"
    return response
