"""Languages: Chinese (zh_Hans_CN) by default, English complete.

One locale selector: the explicit choice (``?lang=`` on any page, or the signed-in
user's setting in the console), then Accept-Language, then the site's default.
"""
from __future__ import annotations

import os

from flask import Flask, g, has_request_context, request

LOCALES = ("zh_Hans_CN", "en")
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}
TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations")


def init_i18n(app: Flask, babel) -> None:
    """Bind Flask-Babel with our catalogues and selector."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages():
        return {"LANGUAGE_NAMES": LANGUAGE_NAMES, "current_locale": select_locale()}


def from_language_tag(tag: str | None) -> str | None:
    """Our locale for a language tag or choice (``zh-CN``, ``zh``, ``en-US``, ``en``), if supported."""
    if not tag:
        return None
    tag = tag.strip().replace("-", "_").lower()
    if tag.startswith("zh"):
        return "zh_Hans_CN"
    if tag.startswith("en"):
        return "en"
    return None


def select_locale() -> str:
    """The locale of the current request, by the order in the module docstring."""
    if not has_request_context():
        # Commands speak the operator's language (LANG=en_US.UTF-8 → English), Chinese otherwise.
        return from_language_tag(os.environ.get("LC_ALL") or os.environ.get("LANG")) or LOCALES[0]
    cached = getattr(g, "_zhanqun_locale", None)
    if cached:
        return cached
    locale = from_language_tag(request.args.get("lang"))
    if locale is None and _on_console():
        locale = from_language_tag(_console_choice())
    if locale is None:
        for tag, _quality in request.accept_languages:
            locale = from_language_tag(tag)
            if locale:
                break
    if locale is None:
        site = getattr(g, "site", None)
        locale = site.default_locale if site is not None else LOCALES[0]
    g._zhanqun_locale = locale
    return locale


def html_lang(locale: str) -> str:
    """The value for ``<html lang>`` (BCP 47)."""
    return "zh-Hans-CN" if locale == "zh_Hans_CN" else locale


def _console_choice() -> str | None:
    """The console language chosen by the signed-in user, else in this (anonymous) session."""
    from flask import session
    from flask_login import current_user

    if current_user.is_authenticated and current_user.locale:
        return current_user.locale
    return session.get("locale")


def _on_console() -> bool:
    from zhanqun.tenants.resolver import HostKind

    return getattr(g, "host_kind", None) == HostKind.CONSOLE
