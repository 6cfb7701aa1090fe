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
        return LOCALES[0]
    cached = getattr(g, "_zhanqun_locale", None)
    if cached:
        return cached
    locale = from_language_tag(request.args.get("lang"))
    if locale is None:
        user_choice = getattr(g, "user_locale", None)
        if user_choice is None and _on_console():
            from flask import session

            user_choice = session.get("locale")
        locale = from_language_tag(user_choice)
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


def _on_console() -> bool:
    from zhanqun.tenants.resolver import HostKind

    return getattr(g, "host_kind", None) == HostKind.CONSOLE
