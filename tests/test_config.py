"""Configuration is validated once, at start-up, with a one-line reason."""
import subprocess
import sys

import pytest

from zhanqun import create_app
from zhanqun.platform.config import ConfigError


def test_production_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHANQUN_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="ZHANQUN_SECRET_KEY"):
        create_app({"ZHANQUN_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None})


def test_production_refuses_a_short_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="too short"):
        create_app({"ZHANQUN_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "short"})


def test_production_sets_secure_cookies(tmp_path):
    app = create_app({"ZHANQUN_ENV": "production", "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 40})
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_keeps_a_generated_secret_in_the_instance_folder(tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None})
    second = create_app({"INSTANCE_PATH": str(tmp_path), "SECRET_KEY": None})
    assert len(first.config["SECRET_KEY"]) >= 32
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("settings, message", [
    ({"ZHANQUN_ENV": "staging"}, "ZHANQUN_ENV"),
    ({"ZHANQUN_DOMAIN": "not a domain"}, "ZHANQUN_DOMAIN"),
])
def test_bad_settings_are_named(tmp_path, settings, message):
    with pytest.raises(ConfigError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path), **settings})


def test_environment_variables_configure_the_app(tmp_path, monkeypatch):
    monkeypatch.setenv("ZHANQUN_DOMAIN", "Hengshan.Gov.CN")
    monkeypatch.setenv("ZHANQUN_DATABASE_URL", f"sqlite:///{tmp_path}/other.db")
    monkeypatch.setenv("ZHANQUN_INSTANCE_PATH", str(tmp_path / "inst"))
    app = create_app()
    assert app.config["ZHANQUN_DOMAIN"] == "hengshan.gov.cn"
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("other.db")
    assert app.instance_path == str(tmp_path / "inst")


def test_default_database_is_sqlite_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("ZHANQUN_DATABASE_URL", raising=False)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/zhanqun.db"


def test_the_command_says_why_in_one_line_without_a_traceback(tmp_path):
    env = {"ZHANQUN_ENV": "production", "ZHANQUN_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "zhanqun.platform.cli", "tenants", "list"], env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "ZHANQUN_SECRET_KEY" in lines[0]
