"""Index numbers (索引号): generated from a pattern, unique per site, never reused.

The platform default follows the State Council's form ``<organisation code>/<year>-<seq>``,
e.g. ``000014349/2017-00110``. A site may use its own pattern (local schemes differ) over
these fields: ``{org_code}``, ``{site_code}``, ``{topic_code}``, ``{genre_code}``,
``{year}`` and ``{seq}`` (the sequence per site and year; ``{seq:05d}`` pads it).

Concurrency: the sequence of a site and year is a row in ``platform_counter``, incremented
in the saving transaction. The increment locks the row until that transaction ends, so
concurrent saves wait for each other instead of picking the same number. The unique
constraints on (site, year, sequence) and (site, index number) stay as the last word: a
number taken some other way (an imported site) is skipped by retrying in a savepoint.
Tested with parallel workers on PostgreSQL.
"""
from __future__ import annotations

import string

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from zhanqun.platform.catalogue.models import CatalogueEntry, CatalogueSettings
from zhanqun.platform.counters import Counter
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import current_tenant_id

DEFAULT_PATTERN = "{org_code}/{year}-{seq:05d}"
FIELDS = {"org_code", "site_code", "topic_code", "genre_code", "year", "seq"}
MAX_ATTEMPTS = 20


class IndexNumberError(Exception):
    """A pattern cannot be used, or no free number was found."""


def validate_pattern(pattern: str) -> None:
    """Raise :class:`ValueError` with a translated reason if ``pattern`` cannot number entries."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
        sample_pattern = pattern.format(org_code="X", site_code="X", topic_code="X", genre_code="X", year=2024, seq=1)
    except (ValueError, IndexError, KeyError):
        raise ValueError(_l("The pattern is not valid; use fields like {org_code}, {year} and {seq:05d}.")) from None
    unknown = set(names) - FIELDS
    if unknown:
        raise ValueError(_l("Unknown field in the pattern: %(names)s.", names=", ".join(sorted(unknown))))
    if "seq" not in names or "year" not in names:
        raise ValueError(_l("The pattern must contain {year} and {seq}, so numbers never repeat."))
    if len(sample_pattern) > 60:
        raise ValueError(_l("The pattern makes index numbers that are too long."))


def pattern_for_current_site() -> str:
    """The current site's own pattern, else the platform default."""
    own = db.session.scalar(sa.select(CatalogueSettings.index_pattern))
    return own or current_app.config.get("ZHANQUN_CATALOGUE_INDEX_PATTERN") or DEFAULT_PATTERN


def format_number(pattern: str, *, site, entry: CatalogueEntry, year: int, seq: int) -> str:
    """The index number ``pattern`` gives for these values."""
    return pattern.format(
        org_code=site.org_code or site.site_code or site.slug, site_code=site.site_code or site.slug,
        topic_code=entry.topic.code if entry.topic else "0", genre_code=entry.genre.code if entry.genre else "0",
        year=year, seq=seq,
    )


def _highest_seq(year: int) -> int:
    return db.session.scalar(sa.select(sa.func.max(CatalogueEntry.index_seq)).where(CatalogueEntry.index_year == year)) or 0


def _next_seq(year: int) -> int:
    """Take the next sequence number of the current site and ``year``, locking its counter row."""
    counter = Counter.__table__
    name = f"catalogue-index:{current_tenant_id()}:{year}"
    for _attempt in range(MAX_ATTEMPTS):
        taken = db.session.execute(
            sa.update(counter).where(counter.c.name == name).values(value=counter.c.value + 1).returning(counter.c.value)
        ).scalar()
        if taken is not None:
            return taken
        try:
            # The first number of a year continues from the entries already there.
            with db.session.begin_nested():
                first = _highest_seq(year) + 1
                db.session.execute(sa.insert(counter).values(name=name, value=first))
            return first
        except sa.exc.IntegrityError:
            continue  # another save created the row first: increment it
    raise IndexNumberError(f"no sequence row for {name} after {MAX_ATTEMPTS} attempts")


def insert_numbered(entry: CatalogueEntry, *, site, year: int) -> None:
    """Add the new ``entry`` with the next free index number of ``site`` and ``year``; flushes.

    Retries in a savepoint when a concurrent save took the number first.
    """
    pattern = pattern_for_current_site()
    for _attempt in range(MAX_ATTEMPTS):
        seq = _next_seq(year)
        entry.index_year, entry.index_seq = year, seq
        entry.index_number = format_number(pattern, site=site, entry=entry, year=year, seq=seq)
        try:
            with db.session.begin_nested():
                db.session.add(entry)
                db.session.flush()
            return
        except sa.exc.IntegrityError:
            continue
    raise IndexNumberError(f"no free index number for {site.slug} in {year} after {MAX_ATTEMPTS} attempts")
