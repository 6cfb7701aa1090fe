"""One site's export and import: a zip archive with its data as JSON and its media files.

The archive holds::

    archive.json              format version, the site's settings, domains, members by username,
                              the usernames behind every user id in the data, row counts
    data/<table>.jsonl        one JSON object per row, for every table of ``tables.site_tables()``
    files/...                 the site's media folder (originals and thumbnails)

Export and import walk every table that has a ``tenant_id`` column, parents before
children, so a tenant-owned model added later is included without changes here. On import
every primary key is new: foreign keys are remapped through the ids already imported,
users are matched by username (an unknown user becomes NULL), and the references that are
not foreign keys are remapped through :data:`SOFT_REFERENCES` and :data:`URL_PATTERNS`.
The exceptions (tables not exported) are listed in ``tables.NOT_SITE_DATA``.
"""
from __future__ import annotations

import base64
import datetime as dt
import decimal
import enum
import json
import os
import re
import shutil
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts import services as accounts
from zhanqun.platform.accounts.models import Membership, Role, User
from zhanqun.platform.cli_support import ExpectedError, one_line
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants import services
from zhanqun.tenants.models import Tenant, TenantDomain
from zhanqun.tenants.tables import (
    discard_files_after_commit,
    media_folder,
    purge_site_rows,
    self_references,
    site_tables,
)

FORMAT = "zhanqun-site-archive"
FORMAT_VERSION = 1
USER_TABLE = "user_account"
#: Tenant columns not carried over: the new row's own identity and history.
TENANT_SKIP = frozenset({"id", "slug", "created_at", "updated_at", "last_exported_at"})
#: Integer columns that hold another row's id without a foreign key: ``(table, column)`` to
#: the table the id belongs to, or to a function of the row that names it.
SOFT_REFERENCES: dict[tuple[str, str], str | Callable[[dict], str]] = {
    ("article_revision", "column_id"): "site_column",
    ("workflow_transition", "item_id"): lambda row: row["item_type"],
}


@dataclass(frozen=True)
class LinkPattern:
    """A site-relative link inside text (article bodies, pages) that carries a row's id."""

    prefix: str  # e.g. "/media/"; the id follows it
    table: str

    @property
    def regex(self) -> re.Pattern:
        return re.compile(rf"(?<![\w/])({re.escape(self.prefix)})(\d+)(?=[./])")


URL_PATTERNS = (LinkPattern("/media/", "media"), LinkPattern("/a/", "article"))
Progress = Callable[[str, int], None]


class ArchiveError(ExpectedError):
    """The archive cannot be read or imported; ``str(exc)`` says why."""


@dataclass
class ImportReport:
    """What an import did."""

    tenant: Tenant
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    skipped_members: list[str] = field(default_factory=list)
    dropped_domains: list[str] = field(default_factory=list)


# Export -------------------------------------------------------------------------------------

def _encode(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot export {type(value).__name__}")


def export_plan(tenant: Tenant) -> list[tuple[str, int]]:
    """``(table, rows)`` that :func:`export_site` will write, for a progress bar."""
    conn = db.session.connection()
    return [(t.name, conn.scalar(sa.select(sa.func.count()).select_from(t).where(t.c.tenant_id == tenant.id)))
            for t in site_tables()]


def export_site(tenant: Tenant, path: str, progress: Progress | None = None) -> dict[str, int]:
    """Write ``tenant``'s archive to ``path``; returns the row count per table.

    ``progress(step, n)`` is called after every table and file batch (``n`` rows or files).
    """
    progress = progress or (lambda step, n: None)
    conn = db.session.connection()
    counts: dict[str, int] = {}
    user_ids: set[int] = set()
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for table in site_tables():
            user_columns = [fk.parent.name for fk in table.foreign_keys if fk.column.table.name == USER_TABLE]
            n = 0
            with archive.open(f"data/{table.name}.jsonl", "w") as out:
                rows = conn.execute(sa.select(table).where(table.c.tenant_id == tenant.id).order_by(*table.primary_key.columns))
                for row in rows.mappings():
                    out.write(json.dumps(dict(row), default=_encode, ensure_ascii=False).encode("utf-8") + b"\n")
                    user_ids.update(row[c] for c in user_columns if row[c] is not None)
                    n += 1
            counts[table.name] = n
            progress(table.name, n)
        files = _write_files(archive, tenant.id, progress)
        archive.writestr("archive.json", json.dumps(_header(tenant, counts, user_ids, files), default=_encode,
                                                    ensure_ascii=False, indent=2))
    return counts


def _header(tenant: Tenant, counts: dict[str, int], user_ids: set[int], files: int) -> dict:
    table = Tenant.__table__
    row = db.session.connection().execute(sa.select(table).where(table.c.id == tenant.id)).mappings().one()
    members = db.session.execute(
        sa.select(User.username, Membership.role).join(Membership.user).where(Membership.tenant_id == tenant.id)
        .order_by(User.username)
    ).all()
    users = dict(db.session.execute(sa.select(User.id, User.username).where(User.id.in_(user_ids))).all()) if user_ids else {}
    return {
        "format": FORMAT, "version": FORMAT_VERSION, "exported_at": utcnow(),
        "tenant": {k: v for k, v in dict(row).items() if k not in TENANT_SKIP} | {"slug": tenant.slug},
        "domains": [d.hostname for d in tenant.domains],
        "members": [{"username": u, "role": r.value} for u, r in members],
        "users": {str(k): v for k, v in users.items()},
        "tables": counts,
        "files": files,
    }


def _write_files(archive: zipfile.ZipFile, tenant_id: int, progress: Progress) -> int:
    folder = media_folder(tenant_id)
    if not folder.is_dir():
        return 0
    n = 0
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            archive.write(path, "files/" + path.relative_to(folder).as_posix())
            n += 1
            if n % 100 == 0:
                progress("files", 100)
    progress("files", n % 100)
    return n


# Import -------------------------------------------------------------------------------------

def read_header(path: str) -> dict:
    """The archive's ``archive.json``, or ``ArchiveError`` if this is not a site archive."""
    try:
        with zipfile.ZipFile(path) as archive:
            header = json.loads(archive.read("archive.json"))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ArchiveError(_("%(file)s is not a zhanqun site archive (%(reason)s).", file=path, reason=exc)) from None
    if header.get("format") != FORMAT or header.get("version") != FORMAT_VERSION:
        raise ArchiveError(_("%(file)s is not a zhanqun site archive of a version this platform reads.", file=path))
    return header


def import_site(path: str, *, slug: str | None = None, replace: bool = False, by=None,
                progress: Progress | None = None) -> ImportReport:
    """Load an archive as a new site (``slug`` or the archive's own); the caller commits.

    An existing site with that slug is refused unless ``replace``: then it and its data are
    deleted first, in the same transaction.
    """
    progress = progress or (lambda step, n: None)
    header = read_header(path)
    slug = slug or header["tenant"]["slug"]
    existing = db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    if existing is not None:
        if not replace:
            raise ArchiveError(_("A site with the slug “%(slug)s” exists already; choose another slug or replace it.", slug=slug))
        purge_site_rows(db.session.connection(), existing.id)
        discard_files_after_commit(existing.id)
        db.session.delete(existing)
        db.session.flush()
    tenant, dropped = _create_tenant(header, slug, by)
    report = ImportReport(tenant=tenant, dropped_domains=dropped)
    report.skipped_members = _grant_members(header, tenant, by)
    users = _user_map(header)
    with zipfile.ZipFile(path) as archive:
        try:
            ids = _import_rows(archive, tenant.id, users, report, progress)
        except sa.exc.IntegrityError as exc:
            reason = str(exc.orig).splitlines()[0] if exc.orig else type(exc).__name__
            raise ArchiveError(_("The archive's data conflicts with data on this platform: %(reason)s", reason=reason)) from None
        _rewrite_links(tenant.id, ids)
        report.files = _extract_files(archive, tenant.id, progress)
    audit.record("tenant.import", user=by, tenant_id=tenant.id, slug=tenant.slug, file=os.path.basename(path),
                 replaced=existing is not None)
    return report


def _create_tenant(header: dict, slug: str, by) -> tuple[Tenant, list[str]]:
    from zhanqun.tenants.schemas import TenantSchema

    settings = dict(header["tenant"])
    schema_fields = set(TenantSchema().fields)
    taken = set(db.session.scalars(sa.select(TenantDomain.hostname).where(TenantDomain.hostname.in_(header["domains"]))))
    data = {k: v for k, v in settings.items() if k in schema_fields} | {
        "slug": slug, "domains": [d for d in header["domains"] if d not in taken]}
    try:
        tenant = services.create_tenant(data, by=by)
    except ValidationError as exc:
        raise ArchiveError(_("The archive's site cannot be created here: %(reason)s", reason=one_line(exc.messages))) from None
    for name, value in settings.items():
        column = Tenant.__table__.c.get(name)
        if column is not None and name not in schema_fields and name not in TENANT_SKIP:
            setattr(tenant, name, _decode(column, value))
    db.session.flush()
    return tenant, sorted(taken)


def _grant_members(header: dict, tenant: Tenant, by) -> list[str]:
    skipped = []
    for member in header["members"]:
        user = accounts.find_user(member["username"])
        if user is None:
            skipped.append(member["username"])
            continue
        accounts.grant(user, tenant.id, Role(member["role"]), by=None)
    return skipped


def _user_map(header: dict) -> dict[int, int]:
    names = header["users"]
    found = dict(db.session.execute(sa.select(User.username, User.id).where(User.username.in_(list(names.values())))).all())
    return {int(old): found[name] for old, name in names.items() if name in found}


def _decode(column: sa.Column, value):
    if value is None or isinstance(column.type, sa.JSON):
        return value
    column_type = column.type.impl_instance if isinstance(column.type, sa.types.TypeDecorator) else column.type
    try:
        kind = column_type.python_type
    except NotImplementedError:
        return value
    if issubclass(kind, dt.datetime):
        return dt.datetime.fromisoformat(value)
    if issubclass(kind, dt.date):
        return dt.date.fromisoformat(value)
    if issubclass(kind, dt.time):
        return dt.time.fromisoformat(value)
    if issubclass(kind, decimal.Decimal):
        return decimal.Decimal(value)
    if issubclass(kind, bytes):
        return base64.b64decode(value)
    if issubclass(kind, enum.Enum):
        return kind(value)
    return value


def _import_rows(archive: zipfile.ZipFile, tenant_id: int, users: dict[int, int], report: ImportReport,
                 progress: Progress) -> dict[str, dict[int, int]]:
    conn = db.session.connection()
    ids: dict[str, dict[int, int]] = {}
    names = set(archive.namelist())
    for table in site_tables():
        member = f"data/{table.name}.jsonl"
        mapping: dict[int, int] = ids.setdefault(table.name, {})
        if member not in names:
            continue
        pk = list(table.primary_key.columns)
        single_id = pk[0].name if len(pk) == 1 and pk[0].autoincrement in (True, "auto") else None
        taken = _taken_unique_values(conn, table, archive, member)
        deferred: list[tuple[int, dict]] = []
        n = 0
        with archive.open(member) as lines:
            for line in lines:
                row = json.loads(line)
                old_id = row.pop(single_id) if single_id else None
                for name, values_in_use in taken.items():
                    if row.get(name) in values_in_use:
                        row[name] = table.c[name].default.arg(None)  # a copy beside its original: a new identity
                values, later = _remap(table, row, tenant_id, ids, users)
                result = conn.execute(sa.insert(table).values(values))
                if single_id:
                    new_id = result.inserted_primary_key[0]
                    mapping[old_id] = new_id
                    if later:
                        deferred.append((new_id, later))
                n += 1
        for new_id, later in deferred:
            conn.execute(sa.update(table).where(table.c[single_id] == new_id)
                         .values({k: mapping.get(v) for k, v in later.items()}))
        report.rows[table.name] = n
        progress(table.name, n)
    return ids


def _taken_unique_values(conn, table: sa.Table, archive: zipfile.ZipFile, member: str) -> dict[str, set]:
    """Values of the archive's platform-wide unique columns (uuids) that this database already holds.

    Importing a copy of a site beside its original (``--slug``) must give such rows a new
    identity; importing into another platform keeps them, so synced copies still match.
    """
    columns = [c for c in table.c if c.unique and not c.primary_key and c.default is not None and c.default.is_callable]
    if not columns:
        return {}
    wanted: dict[str, set] = {c.name: set() for c in columns}
    with archive.open(member) as lines:
        for line in lines:
            row = json.loads(line)
            for name, values in wanted.items():
                values.add(row.get(name))
    taken = {}
    for column in columns:
        values = [v for v in wanted[column.name] if v is not None]
        found: set = set()
        for start in range(0, len(values), 500):
            found.update(conn.scalars(sa.select(column).where(column.in_(values[start:start + 500]))))
        taken[column.name] = found
    return taken


def _remap(table: sa.Table, row: dict, tenant_id: int, ids: dict[str, dict[int, int]], users: dict[int, int]):
    """The row's values for this instance, and its self-references to set once all rows exist."""
    values: dict = {}
    later: dict[str, int] = {}
    self_refs = {c.name for c in self_references(table)}
    for name, value in row.items():
        column = table.c.get(name)
        if column is None:
            continue  # a column this version no longer has
        value = _decode(column, value)
        if name == "tenant_id":
            value = tenant_id
        elif value is not None and name in self_refs:
            later[name], value = value, None
        elif value is not None and column.foreign_keys:
            target = next(iter(column.foreign_keys)).column.table.name
            value = users.get(value) if target == USER_TABLE else ids.get(target, {}).get(value)
            if value is None and not column.nullable:
                raise ArchiveError(_("%(table)s.%(column)s points at a row the archive does not hold.", table=table.name, column=name))
        elif value is not None and (table.name, name) in SOFT_REFERENCES:
            target = SOFT_REFERENCES[(table.name, name)]
            target = target(row) if callable(target) else target
            value = ids.get(target, {}).get(value, value)
        values[name] = value
    return values, later


def _rewrite_links(tenant_id: int, ids: dict[str, dict[int, int]]) -> None:
    """Point ``/media/<id>/…`` and ``/a/<id>.html`` links in the imported text at the new ids."""
    conn = db.session.connection()

    def replace(match, mapping):
        new = mapping.get(int(match.group(2)))
        return f"{match.group(1)}{new}" if new is not None else match.group(0)

    for table in site_tables():
        texts = [c for c in table.c if isinstance(c.type, (sa.String, sa.Text)) and not isinstance(c.type, sa.Enum)]
        pk = list(table.primary_key.columns)
        if not texts or len(pk) != 1:
            continue
        needles = sa.or_(*[c.contains(p.prefix, autoescape=True) for c in texts for p in URL_PATTERNS])
        rows = conn.execute(sa.select(pk[0], *texts).where(table.c.tenant_id == tenant_id, needles)).mappings().all()
        for row in rows:
            changes = {}
            for column in texts:
                text = row[column.name]
                if not text:
                    continue
                for link in URL_PATTERNS:
                    text = link.regex.sub(lambda m, table=link.table: replace(m, ids.get(table, {})), text)
                if text != row[column.name]:
                    changes[column.name] = text
            if changes:
                conn.execute(sa.update(table).where(pk[0] == row[pk[0].name]).values(changes))


def _extract_files(archive: zipfile.ZipFile, tenant_id: int, progress: Progress) -> int:
    folder = media_folder(tenant_id).resolve()
    n = 0
    for info in archive.infolist():
        if not info.filename.startswith("files/") or info.is_dir():
            continue
        target = (folder / info.filename[len("files/"):]).resolve()
        if not target.is_relative_to(folder):
            raise ArchiveError(_("The archive holds a file outside the media folder: %(name)s", name=info.filename))
        target.parent.mkdir(parents=True, exist_ok=True)
        with archive.open(info) as src, open(target, "wb") as out:
            shutil.copyfileobj(src, out)
        n += 1
    progress("files", n)
    return n
