"""Declarative site manifests: TOML files describing sites, read and checked before any change.

One file describes one site::

    [site]
    slug = "jyj"
    name = "衡山县教育局"
    kind = "department"            # or "portal"
    theme = "department"
    site_code = "4304230013"
    sponsor = "衡山县教育局"
    domains = ["www.hsjyj.gov.cn"]

    [site.settings]                # values of the theme's declared settings
    primary_colour = "#1d5fa8"

    [members]                      # username = role, or a table with a display name
    jyj-admin = "site_admin"
    jyj-editor = { role = "editor", name = "教育局信息员" }

    [[columns]]                    # the column tree, in menu order
    slug = "news"
    name = "工作动态"
    kind = "list"                  # list, page, link, catalogue, topic
    update = "news"                # census interval: news, notice, overview, none
      [[columns.children]]
      slug = "photos"
      name = "图片新闻"

:func:`load_manifests` reads a file or a folder of ``*.toml`` files and returns validated
:class:`SiteManifest` objects, or raises :class:`ManifestError` listing every problem with
its file and line. ``zhanqun.tenants.manifest_plan`` compares them with the database.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import lazy_gettext as _l
from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.accounts.schemas import USERNAME_RE
from zhanqun.platform.columns.models import ColumnKind, UpdateCategory
from zhanqun.platform.schemas import flatten_errors
from zhanqun.tenants.schemas import SLUG_RE, TenantSchema

#: The demo county's manifests, shipped inside the package so an installed zhanqun can load them.
DEMO_MANIFESTS = Path(__file__).resolve().parent / "demo_manifests"
#: In a source checkout, ``tenants/`` beside the package: the copy a central office edits.
CHECKOUT_MANIFESTS = Path(__file__).resolve().parents[2] / "tenants"

#: Site fields a manifest may set; the same names and rules as the console's form.
SITE_FIELDS = ("slug", "name", "kind", "site_code", "org_code", "sponsor", "contact", "icp_number", "police_number",
               "theme", "default_locale", "domains")


@dataclass(frozen=True)
class Problem:
    """One error in a manifest, located by file and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ManifestError(Exception):
    """The manifests cannot be applied; ``problems`` says where and why, all at once."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ColumnManifest:
    """One column as a manifest declares it; ``path`` is its slug path (``parent/child``)."""

    path: str
    slug: str
    name: str
    kind: ColumnKind
    update_category: UpdateCategory
    update_interval_days: int | None
    visible: bool
    description: str
    link_url: str
    position: int
    children: list[ColumnManifest] = field(default_factory=list)

    def walk(self):
        """This column, then its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class SiteManifest:
    """A validated site manifest."""

    path: str
    site: dict  # TenantSchema input: slug, name, kind, codes, theme, domains
    settings: dict | None  # theme settings, or None when the manifest does not mention them
    members: dict[str, tuple[Role, str]]  # username → (role, display name for a new account)
    columns: list[ColumnManifest]

    @property
    def slug(self) -> str:
        return self.site["slug"]

    def all_columns(self) -> list[ColumnManifest]:
        return [c for root in self.columns for c in root.walk()]


ONE_OF = _l("Must be one of: {choices}.")


class _ColumnSchema(Schema):
    class Meta:
        unknown = RAISE

    slug = fields.String(required=True, validate=validate.Regexp(SLUG_RE, error=_l("Use lower-case letters, digits or dashes.")))
    name = fields.String(required=True, validate=validate.Length(min=1, max=100))
    kind = fields.String(load_default=ColumnKind.LIST.value, validate=validate.OneOf([k.value for k in ColumnKind], error=ONE_OF))
    update = fields.String(load_default=UpdateCategory.NONE.value, validate=validate.OneOf([u.value for u in UpdateCategory], error=ONE_OF))
    interval_days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=3650))
    visible = fields.Boolean(load_default=True)
    description = fields.String(load_default="")
    link_url = fields.String(load_default="", validate=validate.Length(max=500))
    children = fields.List(fields.Nested(lambda: _ColumnSchema()), load_default=list)

    @validates_schema
    def _unique_child_slugs(self, data, **kwargs):
        slugs = [c["slug"] for c in data.get("children", [])]
        if len(slugs) != len(set(slugs)):
            raise ValidationError({"children": [str(_l("Two sub-columns have the same slug."))]})


class _MemberField(fields.Field):
    """``"editor"`` or ``{role = "editor", name = "王敏"}``."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            value = {"role": value}
        if not isinstance(value, dict) or set(value) - {"role", "name"}:
            raise ValidationError(_l("Give a role, or a table with “role” and “name”."))
        if value.get("role") not in {r.value for r in Role}:
            raise ValidationError(_l("The role must be one of: %(roles)s.", roles=", ".join(r.value for r in Role)))
        return Role(value["role"]), str(value.get("name", ""))


class _ManifestSchema(Schema):
    class Meta:
        unknown = RAISE

    site = fields.Dict(required=True)
    members = fields.Dict(keys=fields.String(validate=validate.Regexp(USERNAME_RE, error=_l("Not a valid username."))),
                          values=_MemberField(), load_default=dict)
    columns = fields.List(fields.Nested(_ColumnSchema), load_default=list)

    @validates_schema
    def _unique_root_slugs(self, data, **kwargs):
        slugs = [c["slug"] for c in data.get("columns", [])]
        if len(slugs) != len(set(slugs)):
            raise ValidationError({"columns": [str(_l("Two columns have the same slug."))]})


class _SiteSchema(TenantSchema):
    class Meta:
        unknown = RAISE


def demo_manifest_folder() -> Path:
    """Where ``zhanqun demo`` reads the demo county: the checkout's ``tenants/``, else the packaged copy."""
    return CHECKOUT_MANIFESTS if any(CHECKOUT_MANIFESTS.glob("*.toml")) else DEMO_MANIFESTS


def manifest_files(target: str) -> list[Path]:
    """The ``*.toml`` files of a folder (sorted), or the one file named."""
    path = Path(target)
    if path.is_dir():
        return sorted(p for p in path.glob("*.toml") if p.is_file())
    return [path]


def load_manifests(target: str) -> list[SiteManifest]:
    """Read and validate every manifest under ``target``; raises :class:`ManifestError`."""
    files = manifest_files(target)
    problems: list[Problem] = []
    if not files or not all(f.is_file() for f in files):
        raise ManifestError([Problem(target, 0, str(_l("No manifest (*.toml) found here.")))])
    manifests = []
    for path in files:
        manifest, found = _load_file(path)
        problems += found
        if manifest is not None:
            manifests.append(manifest)
    problems += _cross_file_problems(manifests)
    if problems:
        raise ManifestError(problems)
    return manifests


def _load_file(path: Path) -> tuple[SiteManifest | None, list[Problem]]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, [Problem(str(path), 1, str(_l("The file is not UTF-8 text.")))]
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        return None, [Problem(str(path), int(match.group(1)) if match else 1, f"TOML: {exc}")]
    locate = LineFinder(text)
    problems: list[Problem] = []
    data = None
    try:
        data = _ManifestSchema().load(raw)
    except ValidationError as exc:
        for key, texts in flatten_errors(exc.messages).items():
            problems.append(Problem(str(path), locate.line_for(key, raw), f"{key}: {' '.join(texts)}"))
    site_raw = dict(raw.get("site") or {}) if isinstance(raw.get("site"), dict) else {}
    settings = site_raw.pop("settings", None)
    if settings is not None and (not isinstance(settings, dict) or
                                 not all(isinstance(v, (str, int, float, bool)) for v in settings.values())):
        problems.append(Problem(str(path), locate.line_for("site.settings", raw), str(_l("Theme settings must be simple values."))))
    site = None
    try:
        site = _SiteSchema().load(site_raw)
    except ValidationError as exc:
        for key, texts in flatten_errors(exc.messages).items():
            problems.append(Problem(str(path), locate.line_for(f"site.{key}", raw), f"site.{key}: {' '.join(texts)}"))
    if problems or data is None or site is None:
        return None, sorted(problems, key=lambda p: p.line)
    site["kind"] = site["kind"].value
    columns = [_column(spec, "", i) for i, spec in enumerate(data["columns"])]
    manifest = SiteManifest(path=str(path), site=site, settings=settings, members=data["members"], columns=columns)
    return manifest, []


def _column(spec: dict, prefix: str, position: int) -> ColumnManifest:
    path = prefix + spec["slug"]
    return ColumnManifest(
        path=path, slug=spec["slug"], name=spec["name"].strip(), kind=ColumnKind(spec["kind"]),
        update_category=UpdateCategory(spec["update"]), update_interval_days=spec["interval_days"],
        visible=spec["visible"], description=spec["description"], link_url=spec["link_url"], position=position,
        children=[_column(child, path + "/", i) for i, child in enumerate(spec["children"])],
    )


def _cross_file_problems(manifests: list[SiteManifest]) -> list[Problem]:
    problems = []
    seen_slugs: dict[str, str] = {}
    seen_hosts: dict[str, str] = {}
    portals = [m for m in manifests if m.site["kind"] == "portal"]
    for m in manifests:
        finder = LineFinder(Path(m.path).read_text(encoding="utf-8"))
        if m.slug in seen_slugs:
            problems.append(Problem(m.path, finder.line_for("site.slug"),
                                    str(_l("The slug “%(slug)s” is also used in %(other)s.", slug=m.slug, other=seen_slugs[m.slug]))))
        seen_slugs.setdefault(m.slug, m.path)
        for host in m.site["domains"]:
            if host in seen_hosts:
                problems.append(Problem(m.path, finder.line_for("site.domains"),
                                        str(_l("The domain “%(host)s” is also used in %(other)s.", host=host, other=seen_hosts[host]))))
            seen_hosts.setdefault(host, m.path)
    for m in portals[1:]:
        problems.append(Problem(m.path, LineFinder(Path(m.path).read_text(encoding="utf-8")).line_for("site.kind"),
                                str(_l("Only one site can be the portal; %(other)s is one already.", other=portals[0].path))))
    return problems


class LineFinder:
    """Finds the line of a key in a TOML text, since ``tomllib`` reports lines only for syntax errors.

    An error key such as ``columns.2.children.0.slug`` is located by finding the table that
    holds it (its ``slug`` or ``name`` value, else its table header) and then the key after it.
    """

    def __init__(self, text: str):
        self.lines = text.splitlines()

    def line_for(self, key: str, raw: dict | None = None) -> int:
        parts = key.split(".")
        start = 0
        anchor = self._anchor(parts, raw) if raw is not None else None
        if anchor is not None:
            start = anchor
        elif parts[0] in ("site", "members"):
            start = self._find(rf"^\s*\[{parts[0]}\]\s*$", 0) or 0
        leaf = next((p for p in reversed(parts) if not p.isdigit()), parts[-1])
        if parts[0] == "members" and len(parts) > 1:
            leaf = parts[1]  # the username, whatever was wrong with it
        if leaf in ("site", "members", "columns", "children", "_schema"):
            return start + 1 if start or anchor is not None else 1
        found = self._find(rf'^\s*"?{re.escape(leaf)}"?\s*=', start)
        return (found if found is not None else start) + 1

    def _anchor(self, parts: list[str], raw: dict) -> int | None:
        """The line of the innermost column table the key points into."""
        node, anchor = raw, None
        for part in parts:
            if isinstance(node, list) and part.isdigit() and int(part) < len(node):
                node = node[int(part)]
                if isinstance(node, dict):
                    for name in ("slug", "name"):
                        if isinstance(node.get(name), str):
                            found = self._find(rf'^\s*{name}\s*=\s*["\']{re.escape(node[name])}["\']', anchor or 0)
                            if found is not None:
                                # Start at the table's header: the bad key may come before its slug.
                                anchor = self._header_before(found)
                                break
            elif isinstance(node, dict) and part in node:
                node = node[part]
            else:
                break
        return anchor

    def _header_before(self, line: int) -> int:
        for number in range(line, -1, -1):
            if self.lines[number].lstrip().startswith("["):
                return number
        return line

    def _find(self, pattern: str, start: int) -> int | None:
        regex = re.compile(pattern)
        for number in range(start, len(self.lines)):
            if regex.search(self.lines[number]):
                return number
        return None
