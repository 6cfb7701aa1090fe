"""The theme registry: built-in themes, ZHANQUN_THEMES_PATH, broken themes and fallbacks."""
from __future__ import annotations

import logging
import os
import textwrap

import pytest

from tests.conftest import make_test_app
from zhanqun.platform.extensions import db as _db
from zhanqun.themes.registry import load_registry

BUILT_IN = {"base", "portal", "department", "accessible"}


def write_theme(root, folder: str, toml: str, templates: dict[str, str] | None = None, static: dict[str, str] | None = None):
    """A theme folder under ``root`` with ``theme.toml`` and the given files."""
    path = root / folder
    (path / "templates").mkdir(parents=True)
    (path / "static").mkdir()
    (path / "theme.toml").write_text(textwrap.dedent(toml), encoding="utf-8")
    for name, text in (templates or {}).items():
        (path / "templates" / name).write_text(text, encoding="utf-8")
    for name, text in (static or {}).items():
        (path / "static" / name).parent.mkdir(parents=True, exist_ok=True)
        (path / "static" / name).write_text(text, encoding="utf-8")
    return path


def test_built_in_themes_load_with_their_parents_and_settings():
    registry = load_registry("")
    assert set(registry.themes) == BUILT_IN
    assert registry.problems == []
    portal = registry.get("portal")
    assert portal.chain_names == ("portal", "base")
    assert portal.settings["primary_colour"].default == "#b5121b"
    # Inherited from base: the child declares only what it adds or changes.
    assert portal.settings["logo"].type == "image"
    assert portal.settings["home_layout"].choices[0][0] == "two-columns"
    assert [t.name for t in registry.selectable()] == ["accessible", "department", "portal"]


@pytest.fixture
def extra_themes(tmp_path):
    """Good and broken themes in a folder named by ZHANQUN_THEMES_PATH."""
    write_theme(tmp_path, "county-red", """
        name = "county-red"
        version = "2.1"
        parent = "portal"
        label = { zh = "县红", en = "County red" }
        [settings.primary_colour]
        type = "colour"
        default = "#8b0000"
        contrast_with = "#ffffff"
        label = { zh = "主色调", en = "Primary colour" }
    """, templates={"home.html": '{% extends "@" ~ site.theme ~ "/layout.html" %}{% block content %}<p class="county-red-home">县红首页</p>{% endblock %}'},
        static={"css/theme.css": ".county-red{}"})
    write_theme(tmp_path, "bad-toml", 'name = "bad-toml"\nversion = \n')
    write_theme(tmp_path, "orphan", """
        name = "orphan"
        version = "1"
        parent = "no-such-theme"
        label = { zh = "孤儿", en = "Orphan" }
    """)
    write_theme(tmp_path, "loop-a", 'name = "loop-a"\nversion = "1"\nparent = "loop-b"\nlabel = { zh = "甲", en = "A" }\n')
    write_theme(tmp_path, "loop-b", 'name = "loop-b"\nversion = "1"\nparent = "loop-a"\nlabel = { zh = "乙", en = "B" }\n')
    write_theme(tmp_path, "standalone", """
        name = "standalone"
        version = "1"
        label = { zh = "独立", en = "Standalone" }
    """, templates={"layout.html": "<html>{% block content %}{% endblock %}</html>"})
    write_theme(tmp_path, "bad-default", """
        name = "bad-default"
        version = "1"
        parent = "department"
        label = { zh = "默认值错误", en = "Bad default" }
        [settings.primary_colour]
        type = "colour"
        default = "#ffff00"
        contrast_with = "#ffffff"
        label = { zh = "主色调", en = "Primary colour" }
    """)
    write_theme(tmp_path, "bad-length", """
        name = "bad-length"
        version = "1"
        parent = "base"
        label = { zh = "长度", en = "Length" }
        [settings.motto]
        type = "text"
        default = ""
        max_length = "long"
        label = { zh = "口号", en = "Motto" }
    """)
    write_theme(tmp_path, "child-of-broken", 'name = "child-of-broken"\nversion = "1"\nparent = "orphan"\nlabel = { zh = "子", en = "Child" }\n')
    return tmp_path


def test_broken_themes_are_reported_in_one_line_each_and_left_out(extra_themes, caplog):
    with caplog.at_level(logging.ERROR, logger="zhanqun.themes"):
        registry = load_registry(str(extra_themes))
    assert set(registry.themes) == BUILT_IN | {"county-red"}
    messages = {p.name: p.message for p in registry.problems}
    assert "not valid TOML" in messages["bad-toml"]
    assert "unknown parent theme 'no-such-theme'" in messages["orphan"]
    assert "cycle" in messages["loop-a"] and "cycle" in messages["loop-b"]
    assert "missing required templates" in messages["standalone"] and "home.html" in messages["standalone"]
    assert "#ffff00" in messages["bad-default"]
    assert "max_length must be a positive whole number" in messages["bad-length"]
    assert "'orphan' cannot be used" in messages["child-of-broken"]
    logged = [r.getMessage() for r in caplog.records]
    assert len(logged) == len(registry.problems)
    assert all("\n" not in line.split(": ", 1)[0] for line in logged)
    assert any("'orphan'" in line and "no-such-theme" in line for line in logged)


def test_a_site_on_a_broken_theme_falls_back_to_its_parent_or_the_default(extra_themes):
    registry = load_registry(str(extra_themes))
    assert registry.effective("county-red").name == "county-red"
    assert registry.effective("bad-default").name == "department"  # its parent
    assert registry.effective("child-of-broken", "department").name == "department"  # parent broken too: default
    assert registry.effective("orphan", "portal").name == "portal"
    assert registry.effective("no-such-theme", "department").name == "department"
    assert registry.effective("loop-a", "department").name == "department"


def test_a_duplicate_theme_name_is_reported_and_the_built_in_kept(tmp_path):
    write_theme(tmp_path, "portal-copy", 'name = "portal"\nversion = "9"\nparent = "base"\nlabel = { zh = "假", en = "Fake" }\n')
    registry = load_registry(str(tmp_path))
    assert registry.get("portal").version == "1.0.0"
    assert any(p.name == "portal" and "another theme named 'portal'" in p.message for p in registry.problems)


def test_a_missing_themes_path_is_logged_not_fatal(tmp_path, caplog):
    with caplog.at_level(logging.ERROR, logger="zhanqun.themes"):
        registry = load_registry(str(tmp_path / "nowhere") + os.pathsep + "")
    assert set(registry.themes) == BUILT_IN
    assert "is not a folder" in caplog.text


@pytest.fixture
def themed_app(app, database_url, extra_themes, tmp_path_factory):
    """A second app on the same database with the extra themes installed."""
    other = make_test_app(database_url, str(tmp_path_factory.mktemp("themed")), ZHANQUN_THEMES_PATH=str(extra_themes))
    yield other
    with other.app_context():
        _db.engine.dispose()


def test_broken_theme_does_not_take_other_sites_down(themed_app, make_site):
    make_site("red", theme="county-red")
    make_site("broken", theme="bad-default")
    make_site("gone", theme="no-such-theme", kind="portal")
    client = themed_app.test_client()
    red = client.get("/", headers={"Host": "red.localhost"})
    assert red.status_code == 200
    assert "县红首页" in red.get_data(as_text=True)
    # county-red has no static base.css: it comes from base through portal.
    assert "/_themes/county-red/" in red.get_data(as_text=True)
    broken = client.get("/", headers={"Host": "broken.localhost"})
    assert broken.status_code == 200
    assert "/_themes/department/" in broken.get_data(as_text=True)
    gone = client.get("/", headers={"Host": "localhost"})
    assert gone.status_code == 200 and "/_themes/portal/" in gone.get_data(as_text=True)
    with client.get(red.get_data(as_text=True).split('href="')[1].split('"')[0], headers={"Host": "red.localhost"}) as css:
        assert css.status_code == 200 and b"box-sizing" in css.data


def test_console_lists_broken_themes_for_site_admins(themed_app, make_site, make_user):
    from tests.conftest import signin

    site = make_site("broken", theme="bad-default")
    make_user("wang", roles={site.id: "site_admin"})
    client = themed_app.test_client()
    signin(client, "wang")
    page = client.get("/sites/broken/theme", headers={"Host": "console.localhost"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "bad-default" in text and "no-such-theme" in text and "loop-a" in text
    assert themed_app.config["ZHANQUN_THEMES_PATH"] not in text  # folders are shown to platform admins only
