"""Dates as the catalogue shows them: ISO ``YYYY-MM-DD`` in the platform's time zone."""
from __future__ import annotations

from datetime import date, datetime

from zhanqun.platform.i18n import local_zone


def local_date(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` where the government sits (Asia/Shanghai by default)."""
    return moment.astimezone(local_zone()).date() if moment is not None else None


def iso(day: date | None) -> str:
    """``YYYY-MM-DD``, or empty."""
    return day.isoformat() if day else ""
