"""The page language's cheaper helpers give exactly what Flask-Babel and Babel gave.

Templates' gettext callables are bound to a catalogue kept per language, the date filters
keep parsed patterns and formatted days, ``filesize`` calls Babel directly and the
Accept-Language decision is memoised: each is compared with the original way, in both
languages.
"""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from babel import dates
from flask import render_template_string, request
from flask_babel import get_locale, get_translations
from markupsafe import Markup

from zhanqun.platform import i18n
from zhanqun.platform.media.services import human_size

LANGUAGES = ["en", "zh"]
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Around local midnight in Asia/Shanghai (UTC+8), a day's first and last second, a leap day.
MOMENTS = [datetime(2026, 11, 30, 15, 59, 59, tzinfo=UTC), datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
           datetime(2026, 12, 31, 16, 0, 0, 1, tzinfo=UTC), datetime(2028, 2, 28, 16, 30, tzinfo=UTC),
           datetime(2026, 6, 1, 0, 0, tzinfo=SHANGHAI), datetime(2026, 6, 1, 23, 59, tzinfo=ZoneInfo("America/New_York"))]
DATE_FORMATS = ["short", "medium", "long", "full", "yyyy-MM-dd", "MMM d, y", "EEEE"]
TIME_FORMATS = ["short", "medium", "long", "full", "HH:mm:ss", "h:mm a"]


@pytest.mark.parametrize("lang", LANGUAGES)
def test_date_filters_format_as_babel_did(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        for _twice in range(2):  # formatted, then kept
            for moment in MOMENTS:
                for format in DATE_FORMATS:
                    assert i18n.format_date(moment, format) == dates.format_date(
                        moment.astimezone(SHANGHAI), format, locale=get_locale())
                assert i18n.format_date(moment.date()) == dates.format_date(moment.date(), locale=get_locale())
                for format in TIME_FORMATS:
                    assert i18n.format_time(moment, format) == dates.format_time(
                        moment, format, tzinfo=SHANGHAI, locale=get_locale())
                for format in ["short", "medium", "yyyy-MM-dd HH:mm"]:
                    assert i18n.format_datetime(moment, format) == dates.format_datetime(
                        moment, format, tzinfo=SHANGHAI, locale=get_locale())


def test_a_kept_date_follows_the_page_language(app):
    moment = datetime(2026, 11, 30, 16, 0, tzinfo=UTC)
    # An app context each: requests pushed inside one share its ``g``, and so its locale.
    with app.app_context(), app.test_request_context("/?lang=zh"):
        chinese = i18n.format_date(moment, "long")
    with app.app_context(), app.test_request_context("/?lang=en"):
        english = i18n.format_date(moment, "long")
    assert (chinese, english) == ("2026年12月1日", "December 1, 2026")
    # Outside a request (a command): the operator's language, as Flask-Babel's get_locale() says.
    assert i18n.format_date(date(2026, 12, 1), "long") == dates.format_date(date(2026, 12, 1), "long", locale=get_locale())


SIZES = [0, 1, 532, 1023, 1024, 1536, 48_230, 1_048_575, 5 * 1024 ** 2, 3 * 1024 ** 3 + 1, 12_345 * 1024 ** 3]
SIZE_TEXTS = {
    "zh": ["0 字节", "1 字节", "532 字节", "1,023 字节", "1 KB", "1.5 KB", "47.1 KB", "1,024 KB", "5 MB", "3 GB", "12,345 GB"],
    "en": ["0 bytes", "1 byte", "532 bytes", "1,023 bytes", "1 KB", "1.5 KB", "47.1 KB", "1,024 KB", "5 MB", "3 GB", "12,345 GB"],
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_file_sizes_read_as_people_write_them_in_each_language(app, lang):
    with app.test_request_context(f"/?lang={lang}"):
        assert [human_size(n) for n in SIZES] == SIZE_TEXTS[lang]


# Template calls and what they translate: messages of the catalogue with and without
# variables, "%%" and "%(num)d" (which Markup converts before escaping), a missing message.
CALLS = [
    ("_('Home')", lambda t: t.ugettext("Home"), None),
    ("_('Sponsor: %(name)s', name=v)", lambda t: t.ugettext("Sponsor: %(name)s"), "name"),
    ("_('More from %(column)s', column=v)", lambda t: t.ugettext("More from %(column)s"), "column"),
    ("_('No such message, %%d: %(who)s', who=v)", lambda t: t.ugettext("No such message, %%d: %(who)s"), "who"),
    ("_('100%% no variable')", lambda t: t.ugettext("100%% no variable"), None),
    ("ngettext('%(num)d site on the platform', '%(num)d sites on the platform', 3)",
     lambda t: t.ungettext("%(num)d site on the platform", "%(num)d sites on the platform", 3), "num=3"),
    ("ngettext('%(num)s article done.', '%(num)s articles done.', 1, extra=v)",
     lambda t: t.ungettext("%(num)s article done.", "%(num)s articles done.", 1), "num=1"),
    ("pgettext('menu', 'Home')", lambda t: t.upgettext("menu", "Home"), None),
]
VALUES = ["衡山县<教育>局 & “公开”", Markup("<b>安全</b>"), 42]


def expected(message: str, variables: dict | None, autoescape: bool) -> str:
    """What Jinja's newstyle gettext gave: %-formatted, through Markup when autoescaping."""
    if autoescape:
        message = Markup(message)
    return str(message % (variables or {}) if variables or "%" in message else message)


def variables_of(spec: str | None, value) -> dict | None:
    if spec is None:
        return None
    if spec.startswith("num="):
        return {"num": int(spec[4:]), "extra": value}
    return {spec: value}


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("autoescape", [True, False])
def test_template_gettext_gives_what_jinja_newstyle_gettext_gave(app, lang, autoescape):
    mode = "true" if autoescape else "false"
    with app.test_request_context(f"/?lang={lang}"):
        translations = get_translations()
        for source, message, spec in CALLS:
            for value in VALUES:
                for _twice in range(2):  # translated, then kept
                    shown = render_template_string(f"{{% autoescape {mode} %}}{{{{ {source} }}}}{{% endautoescape %}}", v=value)
                    assert shown == expected(message(translations), variables_of(spec, value), autoescape), source


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_imported_without_context_translate_too(app, lang):
    macros = app.jinja_env.from_string(
        "{% macro home() %}{{ _('Home') }}·{{ _('Sponsor: %(name)s', name='<x>') }}{% endmacro %}")
    with app.test_request_context(f"/?lang={lang}"):
        imported = render_template_string("{% autoescape true %}{% from macros import home %}{{ home() }}{% endautoescape %}",
                                          macros=macros)
        translations = get_translations()
        assert imported == "·".join([translations.ugettext("Home"),
                                     str(Markup(translations.ugettext("Sponsor: %(name)s")) % {"name": "<x>"})])
        assert ("首页" if lang == "zh" else "Home") in imported


@pytest.mark.parametrize("header", ["", "zh-CN,zh;q=0.9", "en-US,en;q=0.9", "fr-FR, en;q=0.5, zh;q=0.8", "de, *;q=0.1",
                                    "en;q=0.2, zh-TW;q=0.9", "EN", "zh-Hant-TW", "xx;q=bad, en", ";;;"])
def test_the_accept_language_decision_is_what_werkzeug_parsing_gave(app, header):
    with app.test_request_context("/", headers={"Accept-Language": header}):
        expected = next((found for tag, _q in request.accept_languages if (found := i18n.from_language_tag(tag))), None)
        assert i18n.accepted_locale(header) == expected
        assert i18n.select_locale() == (expected or i18n.LOCALES[0])


def test_each_page_gets_its_language_from_one_context_processor(client, make_site):
    make_site("jkxj")
    headers = {"Host": "jkxj.localhost"}
    assert 'lang="en"' in client.get("/", headers={**headers, "Accept-Language": "en"}).get_data(as_text=True)
    assert 'lang="zh-Hans-CN"' in client.get("/", headers={**headers, "Accept-Language": "zh"}).get_data(as_text=True)
    assert 'lang="en"' in client.get("/?lang=en", headers={**headers, "Accept-Language": "zh"}).get_data(as_text=True)


def test_dates_a_day_apart_are_not_confused(app):
    with app.test_request_context("/?lang=en"):
        day = datetime(2026, 11, 30, 12, tzinfo=UTC)
        shown = {i18n.format_date(day + timedelta(days=n), "yyyy-MM-dd") for n in range(40)}
        assert len(shown) == 40
