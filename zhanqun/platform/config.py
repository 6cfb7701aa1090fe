"""Configuration: environment variables, validated once when the app is built.

Every setting has one source of truth here. ``create_app(config)`` may override any key,
which is how tests pass their own database and secret.
"""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "production")
MIN_SECRET_LENGTH = 32
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$")


class ConfigError(Exception):
    """A setting is missing or wrong; the message says which and how to fix it."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def from_environment(instance_path: str) -> dict:
    """Read the ``ZHANQUN_*`` environment variables into Flask config keys."""
    database_url = _env("ZHANQUN_DATABASE_URL") or "sqlite:///" + os.path.join(instance_path, "zhanqun.db")
    return {
        "ZHANQUN_ENV": _env("ZHANQUN_ENV", "development"),
        "ZHANQUN_DOMAIN": _env("ZHANQUN_DOMAIN", "localhost"),
        "SECRET_KEY": _env("ZHANQUN_SECRET_KEY"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "ZHANQUN_REDIS_URL": _env("ZHANQUN_REDIS_URL"),
        "ZHANQUN_TRUSTED_PROXIES": int(_env("ZHANQUN_TRUSTED_PROXIES", "0") or 0),
        "ZHANQUN_HOSTMAP_REFRESH_SECONDS": float(_env("ZHANQUN_HOSTMAP_REFRESH_SECONDS", "2")),
        "ZHANQUN_MAX_UPLOAD_MB": _env("ZHANQUN_MAX_UPLOAD_MB", "20"),
        "ZHANQUN_PORTAL_DAILY_TARGET": _env("ZHANQUN_PORTAL_DAILY_TARGET", "10"),
        "ZHANQUN_CENSUS_MAX_PAGES": _env("ZHANQUN_CENSUS_MAX_PAGES", "5000"),
    }


def finalise(config: dict, instance_path: str) -> None:
    """Fill derived settings and refuse a configuration that cannot run safely.

    Raises :class:`ConfigError` with a one-line explanation.
    """
    env = config.get("ZHANQUN_ENV")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ZHANQUN_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    domain = (config.get("ZHANQUN_DOMAIN") or "").strip().lower().rstrip(".")
    if not _DOMAIN_RE.match(domain):
        raise ConfigError(f"ZHANQUN_DOMAIN {domain!r} is not a valid domain name, e.g. hengshan.gov.cn")
    config["ZHANQUN_DOMAIN"] = domain
    production = env == "production"
    secret = config.get("SECRET_KEY")
    if not secret:
        if production:
            raise ConfigError(
                "ZHANQUN_SECRET_KEY is not set; production refuses to start without a secret key "
                f"of at least {MIN_SECRET_LENGTH} characters (python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        config["SECRET_KEY"] = _development_secret(instance_path)
    elif production and len(secret) < MIN_SECRET_LENGTH:
        raise ConfigError(f"ZHANQUN_SECRET_KEY is too short; production needs at least {MIN_SECRET_LENGTH} characters")

    config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    _finalise_uploads(config)
    config["SESSION_COOKIE_HTTPONLY"] = True
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = production
    config["SESSION_COOKIE_NAME"] = "zhanqun_console"
    config["REMEMBER_COOKIE_SECURE"] = production
    config["PREFERRED_URL_SCHEME"] = "https" if production else "http"
    config.setdefault("BABEL_DEFAULT_LOCALE", "zh_Hans_CN")
    config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai")
    config.setdefault("ZHANQUN_SIGNIN_LIMIT_ACCOUNT", "5 per 15 minutes")
    config.setdefault("ZHANQUN_SIGNIN_LIMIT_ADDRESS", "20 per 15 minutes")
    # The console's CSRF token lives as long as the session, so a form left open over
    # lunch still submits.
    config.setdefault("WTF_CSRF_TIME_LIMIT", None)


def _development_secret(instance_path: str) -> str:
    """A random key kept in the instance folder, so sign-ins survive a restart."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


# How many files one upload form may send at once; the request limit leaves room for them.
UPLOAD_FILES_PER_REQUEST = 10


def _finalise_uploads(config: dict) -> None:
    """The per-file upload limit (media library) and Flask's request limit derived from it."""
    raw = config.get("ZHANQUN_MAX_UPLOAD_MB", 20)
    try:
        limit = int(raw)
    except (TypeError, ValueError):
        limit = 0
    if not 1 <= limit <= 2048:
        raise ConfigError(f"ZHANQUN_MAX_UPLOAD_MB must be a whole number of megabytes between 1 and 2048, not {raw!r}")
    config["ZHANQUN_MAX_UPLOAD_MB"] = limit
    if config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit at all
        config["MAX_CONTENT_LENGTH"] = (limit * UPLOAD_FILES_PER_REQUEST + 1) * 1024 * 1024
