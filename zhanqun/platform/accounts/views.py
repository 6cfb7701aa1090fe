"""Signing in and out of the console, the user's own password and language."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts import services
from zhanqun.platform.accounts.schemas import ChangePasswordSchema
from zhanqun.platform.extensions import db
from zhanqun.platform.i18n import from_language_tag
from zhanqun.platform.schemas import flatten_errors

bp = Blueprint("accounts", __name__, subdomain="console", template_folder="templates")

# Browsers drop tabs and newlines inside URLs and read "\" as "/", so "/\t/evil.example"
# and "/\evil.example" lead off-site: any control character, space or backslash is refused.
_UNSAFE_IN_NEXT = re.compile(r"[\x00-\x20\x7f\\]")


def safe_next(target: str | None) -> str | None:
    """``target`` when it is a relative path on this host, else ``None`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or _UNSAFE_IN_NEXT.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


@bp.route("/signin", methods=["GET", "POST"])
def signin():
    """The sign-in form; failures are throttled per account and per address (429 past the limit)."""
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("console.dashboard"))
    error, status = None, 200
    username = request.form.get("username", "")
    if request.method == "POST":
        try:
            user = services.authenticate(username, request.form.get("password", ""), request.remote_addr or "")
        except services.SigninRefused as exc:
            error, status = str(exc), (429 if exc.throttled else 401)
            db.session.commit()  # keep the audit record of the failure
        else:
            login_user(user)
            db.session.commit()
            return redirect(next_url or url_for("console.dashboard"))
    return render_template("accounts/signin.html", error=error, username=username, next_url=next_url), status


@bp.route("/signout", methods=["POST"])
def signout():
    """End the session."""
    if current_user.is_authenticated:
        audit.record("auth.signout", user=current_user._get_current_object())
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("accounts.signin"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """The signed-in user changes their own password (their other sessions end)."""
    errors: dict = {}
    if request.method == "POST":
        user = current_user._get_current_object()
        try:
            data = ChangePasswordSchema().load(request.form)
            services.change_own_password(user, data["current_password"], data["new_password"])
        except ValidationError as exc:
            errors = flatten_errors(exc.messages)
        else:
            db.session.commit()
            login_user(user)  # this session stays signed in with the new session version
            flash(_("Your password has been changed. Other sessions have been signed out."), "success")
            return redirect(url_for("console.dashboard"))
    return render_template("accounts/change_password.html", errors=errors), (400 if errors else 200)


@bp.route("/account/language", methods=["POST"])
def set_language():
    """Remember the console language: on the account when signed in, else in the session."""
    locale = from_language_tag(request.form.get("lang"))
    if locale:
        if current_user.is_authenticated:
            current_user.locale = locale
            db.session.commit()
        else:
            session["locale"] = locale
    return redirect(safe_next(request.form.get("next")) or url_for("console.dashboard"))
