"""Dates as the catalogue shows them: ISO ``YYYY-MM-DD`` in the platform's time zone."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context


def _zone() -> ZoneInfo:
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Shanghai") if has_app_context() else "Asia/Shanghai"
    return ZoneInfo(name)


def local_date(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` where the government sits (Asia/Shanghai by default)."""
    return moment.astimezone(_zone()).date() if moment is not None else None


def iso(day: date | None) -> str:
    """``YYYY-MM-DD``, or empty."""
    return day.isoformat() if day else ""
