"""Readable differences between two revisions, for people who do not read HTML.

Bodies are compared as text (tags removed, one line per paragraph); changed lines are
compared character by character, which suits Chinese text that has no spaces between words.
The result is HTML with ``<ins>`` and ``<del>`` marks, every piece of text escaped.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from markupsafe import Markup, escape

from zhanqun.platform.sanitize import plain_text

# Beyond this many characters a changed block is shown as removed + added, not refined.
_REFINE_LIMIT = 5000


@dataclass(frozen=True)
class FieldDiff:
    """One field's change: its label and the marked-up text."""

    label: str
    html: Markup
    changed: bool


def diff_text(old: str, new: str) -> Markup:
    """``new`` with what was added marked ``<ins>`` and what was removed ``<del>``."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    out: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(f"<p>{escape(line)}</p>" for line in new_lines[j1:j2])
            continue
        # Changed paragraphs are paired in order and refined; the rest were removed or added.
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        out.extend(f"<p>{_diff_chars(a, b)}</p>" for a, b in zip(old_lines[i1:i1 + paired], new_lines[j1:j1 + paired]))
        out.extend(f'<p class="removed"><del>{escape(line)}</del></p>' for line in old_lines[i1 + paired:i2])
        out.extend(f'<p class="added"><ins>{escape(line)}</ins></p>' for line in new_lines[j1 + paired:j2])
    return Markup("".join(out))


def _diff_chars(old: str, new: str) -> str:
    if len(old) + len(new) > _REFINE_LIMIT:
        return f"<del>{escape(old)}</del><ins>{escape(new)}</ins>"
    parts: list[str] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            parts.append(str(escape(new[j1:j2])))
            continue
        if i2 > i1:
            parts.append(f"<del>{escape(old[i1:i2])}</del>")
        if j2 > j1:
            parts.append(f"<ins>{escape(new[j1:j2])}</ins>")
    return "".join(parts)


def revision_diff(old, new, labels: dict[str, str]) -> list[FieldDiff]:
    """Per-field differences between two revisions (``old`` may be ``None`` for the first)."""
    diffs = []
    for name, label in labels.items():
        before = _field_text(old, name) if old is not None else ""
        after = _field_text(new, name)
        diffs.append(FieldDiff(label, diff_text(before, after), before != after))
    return diffs


def _field_text(revision, name: str) -> str:
    value = getattr(revision, name) or ""
    return plain_text(value) if name == "body" else str(value)
