"""The theme registry: which themes exist, their parents, settings and problems.

A theme is a folder holding ``theme.toml``, ``templates/`` and ``static/``. The registry reads
the built-in themes beside this module and every folder named in ``ZHANQUN_THEMES_PATH``
(``os.pathsep``-separated; each entry is a theme folder or a folder of theme folders) once,
when the app is built. It reads files only, never the database.

A theme that cannot be used (bad TOML, unknown parent, a cycle of parents, a standalone theme
missing a template every page needs) is kept as a :class:`ThemeProblem`: logged in one line
at start-up, listed in the console, and every site that names it is rendered with its
nearest usable parent, or the default theme of the site's kind.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import tomllib
from dataclasses import dataclass, field

from zhanqun.themes.settings import check_default

log = logging.getLogger("zhanqun.themes")

BUILTIN_DIR = os.path.dirname(os.path.abspath(__file__))
BASE_THEME = "base"
ACCESSIBLE_THEME = "accessible"
NAME_RE = re.compile(r"^[a-z0-9_-]{1,64}$")
SETTING_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
SETTING_TYPES = ("colour", "image", "choice", "text", "boolean")
# The theme a site falls back to when its own cannot be used, by site kind.
DEFAULT_THEMES = {"portal": "portal", "department": "department"}


class ThemeError(ValueError):
    """A theme folder that cannot be used; ``str(exc)`` says why in one line."""


@dataclass(frozen=True)
class Setting:
    """One setting a theme declares (``[settings.<name>]`` in ``theme.toml``)."""

    name: str
    type: str
    label: dict[str, str]
    default: object = None
    choices: tuple[tuple[str, dict[str, str]], ...] = ()
    max_length: int = 200
    # A colour that text is drawn on: the chosen colour must reach 4.5:1 against this one.
    contrast_with: str | None = None

    def label_for(self, locale: str) -> str:
        return localised(self.label, locale) or self.name


@dataclass(frozen=True)
class Theme:
    """A usable theme. ``chain`` is its folders, itself first, ending at the root theme."""

    name: str
    label: dict[str, str]
    version: str
    parent: str | None
    folder: str
    chain: tuple[str, ...] = ()
    chain_names: tuple[str, ...] = ()
    settings: dict[str, Setting] = field(default_factory=dict)
    fingerprint: str = ""

    def label_for(self, locale: str) -> str:
        return localised(self.label, locale) or self.name


@dataclass(frozen=True)
class ThemeProblem:
    """A theme folder that could not be used, and where a site using it falls back to."""

    name: str
    folder: str
    message: str
    parent: str | None = None


def localised(labels: dict[str, str], locale: str) -> str:
    """The label for ``locale`` (``zh_Hans_CN`` reads ``zh``), else the Chinese one."""
    key = "zh" if locale.startswith("zh") else locale.split("_")[0]
    return labels.get(key) or labels.get("zh") or labels.get("en") or ""


class ThemeRegistry:
    """Every theme found at start-up, by name, with the problems of the broken ones."""

    def __init__(self, themes: dict[str, Theme], problems: list[ThemeProblem]):
        self.themes = themes
        self.problems = problems
        self._broken = {p.name: p for p in problems if p.name not in themes}

    def get(self, name: str) -> Theme | None:
        return self.themes.get(name)

    def selectable(self) -> list[Theme]:
        """Themes a site admin may choose (``base`` is the shared root, not a look of its own)."""
        return sorted((t for t in self.themes.values() if t.name != BASE_THEME), key=lambda t: t.name)

    def effective(self, name: str, kind: str = "department") -> Theme:
        """The theme to render a site that names ``name``: itself if usable, else the
        nearest usable parent, else the default theme of the site's kind, else ``base``."""
        seen = set()
        while name and name not in seen:
            seen.add(name)
            if name in self.themes:
                return self.themes[name]
            problem = self._broken.get(name)
            name = problem.parent if problem else None
        return self.themes.get(DEFAULT_THEMES.get(str(kind), "")) or self.themes[BASE_THEME]

    def chain_for(self, name: str) -> tuple[str, ...]:
        """The template folders of theme ``name`` (empty for an unknown theme)."""
        theme = self.themes.get(name)
        return theme.chain if theme else ()


def theme_folders(extra_path: str | None) -> list[str]:
    """The theme folders: the built-in ones, then those named in ``ZHANQUN_THEMES_PATH``."""
    roots = [BUILTIN_DIR] + [p for p in (extra_path or "").split(os.pathsep) if p.strip()]
    folders = []
    for root in roots:
        root = os.path.abspath(root)
        if os.path.isfile(os.path.join(root, "theme.toml")):
            folders.append(root)
        elif os.path.isdir(root):
            for entry in sorted(os.listdir(root)):
                candidate = os.path.join(root, entry)
                if os.path.isfile(os.path.join(candidate, "theme.toml")):
                    folders.append(candidate)
        else:
            log.error("theme path %s (ZHANQUN_THEMES_PATH) is not a folder; ignored", root)
    return folders


def load_registry(extra_path: str | None = None) -> ThemeRegistry:
    """Read every theme folder and check parents, cycles and templates."""
    declared: dict[str, dict] = {}
    problems: dict[str, ThemeProblem] = {}
    for folder in theme_folders(extra_path):
        try:
            meta = read_theme_toml(folder)
        except ThemeError as exc:
            name = os.path.basename(folder)
            problems[name] = ThemeProblem(name, folder, str(exc))
            continue
        if meta["name"] in declared:
            problems.setdefault(meta["name"] + "@" + folder, ThemeProblem(
                meta["name"], folder, f"another theme named {meta['name']!r} was found first in {declared[meta['name']]['folder']}"))
            continue
        declared[meta["name"]] = meta

    themes: dict[str, Theme] = {}
    for name, meta in declared.items():
        try:
            themes[name] = _build(name, declared)
        except ThemeError as exc:
            problems[name] = ThemeProblem(name, meta["folder"], str(exc), meta.get("parent"))
    # A theme whose parent is broken is broken too; repeat until nothing changes.
    changed = True
    while changed:
        changed = False
        for name, theme in list(themes.items()):
            broken = next((p for p in theme.chain_names[1:] if p not in themes), None)
            if broken:
                problems[name] = ThemeProblem(name, theme.folder, f"its parent theme {broken!r} cannot be used", theme.parent)
                del themes[name]
                changed = True
    if BASE_THEME not in themes:
        raise ThemeError(f"the built-in theme {BASE_THEME!r} cannot be used: {problems.get(BASE_THEME)}")
    required = template_names(themes[BASE_THEME].folder)
    for name, theme in list(themes.items()):
        missing = sorted(t for t in required if not any(os.path.isfile(os.path.join(f, "templates", t)) for f in theme.chain))
        if missing:
            problems[name] = ThemeProblem(name, theme.folder, "missing required templates: " + ", ".join(missing), theme.parent)
            del themes[name]
    for problem in problems.values():
        log.error("theme %r in %s cannot be used: %s", problem.name, problem.folder, problem.message)
    return ThemeRegistry(themes, list(problems.values()))


def read_theme_toml(folder: str) -> dict:
    """Parse and check ``folder/theme.toml``; raises :class:`ThemeError` saying what is wrong."""
    path = os.path.join(folder, "theme.toml")
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ThemeError(f"theme.toml is not valid TOML ({exc})") from None
    except OSError as exc:
        raise ThemeError(f"theme.toml cannot be read ({exc.strerror})") from None
    name = data.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name):
        raise ThemeError("theme.toml needs name = \"...\" of 1-64 lower-case letters, digits, '-' or '_'")
    label = data.get("label")
    if not isinstance(label, dict) or not isinstance(label.get("zh"), str) or not isinstance(label.get("en"), str):
        raise ThemeError("theme.toml needs label = { zh = \"...\", en = \"...\" }")
    version = data.get("version")
    if not isinstance(version, str) or not re.match(r"^[0-9A-Za-z.+-]{1,32}$", version):
        raise ThemeError("theme.toml needs version = \"1.0.0\" (letters, digits, '.', '+', '-')")
    parent = data.get("parent")
    if parent is not None and (not isinstance(parent, str) or not NAME_RE.match(parent)):
        raise ThemeError("parent must be the name of another theme")
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise ThemeError("[settings] must be a table of [settings.<name>] tables")
    return {"name": name, "label": dict(label), "version": version, "parent": parent, "folder": folder,
            "settings": {key: _setting(key, spec) for key, spec in settings.items()}}


def _setting(name: str, spec) -> Setting:
    where = f"[settings.{name}]"
    if not SETTING_NAME_RE.match(name) or not isinstance(spec, dict):
        raise ThemeError(f"{where}: setting names use lower-case letters, digits and '_'")
    kind = spec.get("type")
    if kind not in SETTING_TYPES:
        raise ThemeError(f"{where}: type must be one of {', '.join(SETTING_TYPES)}")
    label = spec.get("label")
    if not isinstance(label, dict) or not label.get("zh") or not label.get("en"):
        raise ThemeError(f"{where}: needs label = {{ zh = \"...\", en = \"...\" }}")
    choices = ()
    if kind == "choice":
        raw = spec.get("choices")
        if not isinstance(raw, list) or not raw or not all(isinstance(c, dict) and isinstance(c.get("value"), str) for c in raw):
            raise ThemeError(f"{where}: a choice needs choices = [{{ value = \"...\", label = {{ zh = ..., en = ... }} }}, ...]")
        choices = tuple((c["value"], dict(c.get("label") or {})) for c in raw)
    max_length = spec.get("max_length", 200)
    if not isinstance(max_length, int) or isinstance(max_length, bool) or max_length < 1:
        raise ThemeError(f"{where}: max_length must be a positive whole number")
    setting = Setting(name=name, type=kind, label=dict(label), default=spec.get("default"), choices=choices,
                      max_length=max_length, contrast_with=spec.get("contrast_with"))
    problem = check_default(setting)
    if problem:
        raise ThemeError(f"{where}: {problem}")
    return setting


def _build(name: str, declared: dict[str, dict]) -> Theme:
    chain_names: list[str] = []
    current: str | None = name
    while current is not None:
        if current in chain_names:
            raise ThemeError("its parents form a cycle: " + " → ".join(chain_names + [current]))
        if current not in declared:
            if len(chain_names) > 1:
                raise ThemeError(f"its parent theme {chain_names[1]!r} cannot be used: unknown parent theme {current!r}")
            raise ThemeError(f"unknown parent theme {current!r}")
        chain_names.append(current)
        current = declared[current]["parent"]
    settings: dict[str, Setting] = {}
    for ancestor in reversed(chain_names):  # the child's declaration wins
        settings.update(declared[ancestor]["settings"])
    meta = declared[name]
    chain = tuple(declared[n]["folder"] for n in chain_names)
    return Theme(name=name, label=meta["label"], version=meta["version"], parent=meta["parent"], folder=meta["folder"],
                 chain=chain, chain_names=tuple(chain_names), settings=settings, fingerprint=_fingerprint(meta["version"], chain))


def template_names(folder: str) -> set[str]:
    """Every template file below ``folder/templates`` as a ``/``-separated relative name."""
    root = os.path.join(folder, "templates")
    names = set()
    for dirpath, _dirs, files in os.walk(root):
        for filename in files:
            names.add(os.path.relpath(os.path.join(dirpath, filename), root).replace(os.sep, "/"))
    return names


def _fingerprint(version: str, chain: tuple[str, ...]) -> str:
    """A short hash of the version and every static file of the chain: changes when any does."""
    digest = hashlib.sha256(version.encode())
    for folder in chain:
        static = os.path.join(folder, "static")
        for dirpath, dirs, files in os.walk(static):
            dirs.sort()
            for filename in sorted(files):
                path = os.path.join(dirpath, filename)
                digest.update(os.path.relpath(path, static).encode())
                with open(path, "rb") as fh:
                    digest.update(hashlib.sha256(fh.read()).digest())
    return digest.hexdigest()[:12]
