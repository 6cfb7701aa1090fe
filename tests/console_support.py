"""Helpers of the accounts, console and audit tests (not a test module itself).

conftest's client already gives each request its own app context, as in production.
"""
from __future__ import annotations

import os

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from tests.conftest import CONSOLE, IsolatedClient, make_test_app
from zhanqun.platform.extensions import babel, db

TRANSLATIONS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "zhanqun", "translations")


class BrowserDefaultClient(IsolatedClient):
    """Sends no Accept-Language unless a test does: what a browser with no preference sees."""

    accept_language = None


def new_client(app):
    """Another browser: its own cookies, its own requests."""
    return app.test_client()


def get(client, path: str, **kwargs):
    """GET a console page."""
    return client.get(path, headers={"Host": CONSOLE, **kwargs.pop("headers", {})}, **kwargs)


def text(response) -> str:
    return response.get_data(as_text=True)


def fresh(obj):
    """``obj`` re-read from the database (requests commit in their own sessions)."""
    db.session.refresh(obj)
    return obj


def build_chinese_catalogue(directory: str) -> str:
    """Compile the Chinese catalogue from ``messages.po`` into ``directory``."""
    with open(os.path.join(TRANSLATIONS, "zh_Hans_CN", "LC_MESSAGES", "messages.po"), "rb") as fh:
        catalogue = read_po(fh, locale="zh_Hans_CN")
    out = os.path.join(directory, "zh_Hans_CN", "LC_MESSAGES")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "messages.mo"), "wb") as fh:
        write_mo(fh, catalogue)
    return directory


@pytest.fixture(scope="session")
def chinese_catalogue(tmp_path_factory):
    return build_chinese_catalogue(str(tmp_path_factory.mktemp("translations")))


@pytest.fixture
def translated_app(app, database_url, chinese_catalogue, tmp_path):
    """An app on the same database that speaks Chinese from the catalogue sources.

    Independent of whether ``make`` has compiled the shipped catalogue yet.
    """
    # Flask-Babel keeps one translations cache per process, shared by every app: empty it
    # so neither app is answered from the other's catalogue.
    babel.domain_instance.cache.clear()
    translated = make_test_app(database_url, str(tmp_path), BABEL_TRANSLATION_DIRECTORIES=chinese_catalogue)
    translated.test_client_class = BrowserDefaultClient
    yield translated
    babel.domain_instance.cache.clear()
    with translated.app_context():
        db.engine.dispose()
