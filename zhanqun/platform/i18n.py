"""Languages: Chinese (zh_Hans_CN) by default, English complete.

One locale selector: the explicit choice (``?lang=`` on any page, or the signed-in
user's setting in the console), then Accept-Language, then the site's default.

Templates get their language from one context processor: ``current_locale`` and the
gettext callables of that language's catalogue, prepared once per language (see
:class:`TemplateGettext`). Request state is read through ``g._get_current_object()`` and
``request._get_current_object()``: every attribute read through a Flask proxy costs a
context lookup (about 1.5 µs here), and a page asks for the locale and its catalogue often.
"""
from __future__ import annotations

import functools
import os
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, dates
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import force_locale, get_translations
from jinja2 import pass_eval_context
from markupsafe import Markup, escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

LOCALES = ("zh_Hans_CN", "en")
LANGUAGE_NAMES = {"zh_Hans_CN": "中文", "en": "English"}
TRANSLATIONS_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "translations")
NAMED_FORMATS = ("full", "long", "medium", "short")


def init_i18n(app: Flask, babel) -> None:
    """Bind Flask-Babel with our catalogues and selector."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", TRANSLATIONS_DIR)
    babel.init_app(app, locale_selector=select_locale)
    _install_template_gettext(app)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.filters.update(dateformat=format_date, timeformat=format_time, datetimeformat=format_datetime)


class TemplateGettext:
    """The templates' ``_()``, ``gettext``, ``ngettext``, ``pgettext`` and ``npgettext`` for
    one language, with Jinja's "newstyle" rules (always %-formatted; variables escaped when
    autoescaping).

    Flask-Babel's callables find the catalogue again for every string and Jinja wraps them in
    two more calls (about 30 µs a string). These are bound to the catalogue and handed to
    templates by the context processor, so a string costs no lookup; a message without
    variables is kept as its finished markup (the same on every page). They take the eval
    context only, the one thing they need (autoescaping).
    """

    # Bounds the kept messages: templates translate literals, but a theme could pass anything.
    MAX_KEPT = 4096

    def __init__(self, translations):
        self.translations = translations
        self._kept: dict[str, Markup] = {}

    def callables(self) -> dict:
        """The template names and their callables."""
        return {"_": self.gettext, "gettext": self.gettext, "ngettext": self.ngettext,
                "pgettext": self.pgettext, "npgettext": self.npgettext}

    @pass_eval_context
    def gettext(self, eval_ctx, string, **variables):
        """``_()`` and ``gettext()``: a message without variables is translated once."""
        if variables or not eval_ctx.autoescape:
            return _formatted(eval_ctx, self.translations.ugettext(string), variables)
        try:
            return self._kept[string]
        except KeyError:
            pass
        result = _formatted(eval_ctx, self.translations.ugettext(string), variables)
        if len(self._kept) < self.MAX_KEPT:
            self._kept[string] = result
        return result

    @pass_eval_context
    def ngettext(self, eval_ctx, singular, plural, num, **variables):
        """The singular or plural message for ``num`` (``%(num)s`` in it)."""
        variables.setdefault("num", num)
        return _formatted(eval_ctx, self.translations.ungettext(singular, plural, num), variables)

    @pass_eval_context
    def pgettext(self, eval_ctx, message_context, string, **variables):
        """A message translated in ``message_context``."""
        return _formatted(eval_ctx, self.translations.upgettext(message_context, string), variables)

    @pass_eval_context
    def npgettext(self, eval_ctx, message_context, singular, plural, num, **variables):
        """:meth:`ngettext` in ``message_context``."""
        variables.setdefault("num", num)
        return _formatted(eval_ctx, self.translations.unpgettext(message_context, singular, plural, num), variables)


def _formatted(eval_ctx, message: str, variables: dict) -> str:
    """A translated message %-formatted with ``variables``, as markup when autoescaping."""
    if not eval_ctx.autoescape:
        return message % variables if variables or "%" in message else message
    if variables and _named_strings_only(message):
        # What Markup(message) % variables gives, without its wrapper object per value.
        return Markup(message % {name: escape(value) for name, value in variables.items()})
    message = Markup(message)
    # No variables and no "%%": formatting would return the message unchanged.
    return message % variables if variables or "%" in message else message


# A conversion that is not "%(name)s" or "%%" (%d, %.1f, %r…): those need Markup's own
# formatting, which converts the value before escaping it.
_OTHER_CONVERSION = re.compile(r"%(?!\(\w+\)s)")


@functools.lru_cache(maxsize=1024)
def _named_strings_only(message: str) -> bool:
    """True when every conversion of ``message`` is ``%(name)s`` (or a literal ``%%``)."""
    return _OTHER_CONVERSION.search(message.replace("%%", "")) is None


class TemplateLanguages:
    """Per app: each language's :class:`TemplateGettext` and template variables, made the
    first time a page is rendered in it (the catalogues are read-only after start-up)."""

    def __init__(self):
        self._known: dict[str, tuple[TemplateGettext, dict]] = {}

    def variables(self, locale: str) -> dict:
        """``current_locale`` and the gettext callables of ``locale``: the context processor's answer."""
        return self._for(locale)[1]

    def gettext(self, locale: str) -> TemplateGettext:
        """The :class:`TemplateGettext` of ``locale``."""
        return self._for(locale)[0]

    def _for(self, locale: str) -> tuple[TemplateGettext, dict]:
        try:
            return self._known[locale]
        except KeyError:
            pass
        # Flask-Babel loads and merges the catalogue (and keeps it for Python code as well).
        with force_locale(locale):
            gettext = TemplateGettext(get_translations())
        found = self._known[locale] = (gettext, {"current_locale": locale, **gettext.callables()})
        return found


def _install_template_gettext(app: Flask) -> None:
    """The page's language as i18n's one context processor, and global fallbacks for
    templates imported without context (they do not see the context's callables)."""
    languages = TemplateLanguages()

    def page_language() -> dict:
        """``current_locale`` and the templates' gettext callables in the page's language."""
        return languages.variables(select_locale())

    app.context_processor(page_language)

    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        return languages.gettext(select_locale()).gettext(eval_ctx, string, **variables)

    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        return languages.gettext(select_locale()).ngettext(eval_ctx, singular, plural, num, **variables)

    @pass_eval_context
    def pgettext(eval_ctx, message_context, string, **variables):
        return languages.gettext(select_locale()).pgettext(eval_ctx, message_context, string, **variables)

    @pass_eval_context
    def npgettext(eval_ctx, message_context, singular, plural, num, **variables):
        return languages.gettext(select_locale()).npgettext(eval_ctx, message_context, singular, plural, num, **variables)

    app.jinja_env.newstyle_gettext = True
    app.jinja_env.globals.update(_=gettext, gettext=gettext, ngettext=ngettext, pgettext=pgettext, npgettext=npgettext)


def format_date(moment: datetime | date, format: str = "medium") -> str:
    """``moment``'s local date in the page's language (the ``dateformat`` template filter).

    The three filters replace Flask-Babel's, which look the time zone and the configured
    formats up again for every value. A formatted day is kept per format and language:
    many articles share a day, and Babel's formatting is most of what is left.
    """
    if isinstance(moment, datetime):
        moment = moment.astimezone(local_zone()).date()
    locale = _locale_name()
    if locale is None or type(format) is not str or not isinstance(moment, date):
        return dates.format_date(moment, format, locale=babel_locale(locale) if locale else None)
    return _formatted_day(moment, format, locale)


@functools.lru_cache(maxsize=4096)
def _formatted_day(day: date, format: str, locale: str) -> str:
    """``day`` formatted in ``locale`` (kept: see :func:`format_date`)."""
    return dates.format_date(day, _pattern("date", format, locale), locale=babel_locale(locale))


def format_time(moment: datetime, format: str = "medium") -> str:
    """``moment``'s local time of day in the page's language (the ``timeformat`` filter)."""
    locale = _locale_name()
    if locale is None:
        return dates.format_time(moment, format, tzinfo=local_zone(), locale=None)
    if type(format) is str:
        format = _pattern("time", format, locale)
    return dates.format_time(moment, format, tzinfo=local_zone(), locale=babel_locale(locale))


def format_datetime(moment: datetime, format: str = "medium") -> str:
    """``moment`` as local date and time in the page's language (the ``datetimeformat`` filter)."""
    return dates.format_datetime(moment, format, tzinfo=local_zone(), locale=page_locale())


@functools.lru_cache(maxsize=256)
def _pattern(kind: str, format: str, locale: str) -> dates.DateTimePattern:
    """The parsed pattern of a named (``short``…) or custom date or time format in a language.
    Babel accepts it in place of the format; it looks named ones up through two wrappers of
    its locale data on every call."""
    if format in NAMED_FORMATS:
        lookup = dates.get_date_format if kind == "date" else dates.get_time_format
        return lookup(format, locale=babel_locale(locale))
    return dates.parse_pattern(format)


def page_locale() -> Locale | None:
    """The page's language as Babel's :class:`~babel.Locale`: what Flask-Babel's
    ``get_locale()`` returns (``None`` outside an app context), without its three lookups."""
    locale = _locale_name()
    return babel_locale(locale) if locale else None


def _locale_name() -> str | None:
    """The page's locale name, ``None`` outside an app context (Babel's default then)."""
    return select_locale() if has_app_context() else None


@functools.lru_cache(maxsize=16)
def babel_locale(locale: str) -> Locale:
    """Babel's :class:`~babel.Locale` for one of our locale names (parsed once)."""
    return Locale.parse(locale)


def local_zone() -> ZoneInfo:
    """The platform's time zone (``BABEL_DEFAULT_TIMEZONE``, Asia/Shanghai by default)."""
    if not has_app_context():
        return ZoneInfo("Asia/Shanghai")
    return ZoneInfo(current_app._get_current_object().config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai"))


def local_day(moment: datetime, zone: ZoneInfo | None = None) -> str:
    """An aware datetime as the local date, ``yyyy-MM-dd`` (the same in every language, so
    lists skip Babel's pattern formatting, which cost more than the rest of a list line)."""
    return moment.astimezone(zone or local_zone()).date().isoformat()


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


@functools.lru_cache(maxsize=512)
def accepted_locale(header: str) -> str | None:
    """Our locale for an Accept-Language header, if it names a supported one (memoised per
    header value: parsing it was most of the cost of choosing a page's language)."""
    for tag, _quality in parse_accept_header(header, LanguageAccept):
        locale = from_language_tag(tag)
        if locale:
            return locale
    return None


def select_locale() -> str:
    """The locale of the current request, by the order in the module docstring."""
    if not has_request_context():
        # Commands speak the operator's language (LANG=en_US.UTF-8 → English), Chinese otherwise.
        return from_language_tag(os.environ.get("LC_ALL") or os.environ.get("LANG")) or LOCALES[0]
    app_g = g._get_current_object()
    cached = app_g.get("_zhanqun_locale")
    if cached:
        return cached
    current = request._get_current_object()
    locale = from_language_tag(current.args.get("lang"))
    if locale is None and _on_console(app_g):
        locale = from_language_tag(_console_choice())
    if locale is None:
        header = current.environ.get("HTTP_ACCEPT_LANGUAGE")  # what request.accept_languages parses
        locale = accepted_locale(header) if header else None
    if locale is None:
        site = app_g.get("site")
        locale = site.default_locale if site is not None else LOCALES[0]
    app_g._zhanqun_locale = locale
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


def _on_console(app_g) -> bool:
    from zhanqun.tenants.resolver import HostKind

    return app_g.get("host_kind") == HostKind.CONSOLE
