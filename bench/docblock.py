"""Rewrite one benchmark's marked block of docs/performance.md and leave the rest of the file alone.

Each benchmark owns the text between its two markers::

    <!-- bench/sync.py: start -->
    …written by bench/sync.py…
    <!-- bench/sync.py: end -->

Everything outside the markers is written by hand. When the file has neither marker yet, the
block (with its markers) is added at the end of its section: before the next heading of the same
or a higher level after the section's heading line, or, when that heading is missing too, at the
end of the file under that heading. One marker without the other, or a marker twice, is an error
(which block would be meant is not clear), so nothing is written then.
"""
from __future__ import annotations

import os
import re
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "performance.md")
_HEADING = re.compile(r"^(#{1,6})\s")


def markers(owner: str) -> tuple[str, str]:
    """The start and end marker lines of ``owner``'s block (``owner`` like ``"bench/sync.py"``)."""
    return f"<!-- {owner}: start -->", f"<!-- {owner}: end -->"


def replace_block(text: str, owner: str, body: str, section: str) -> str:
    """``text`` with ``owner``'s block holding ``body``; see the module docstring."""
    start, end = markers(owner)
    block = f"{start}\n\n{body.strip(chr(10))}\n\n{end}"
    starts, ends = text.count(start), text.count(end)
    if starts == ends == 1 and text.index(start) < text.index(end):
        before, rest = text.split(start, 1)
        return before + block + rest.split(end, 1)[1]
    if starts or ends:
        raise ValueError(f"{owner}: the document has {starts} × {start!r} and {ends} × {end!r}; "
                         "expected one of each, start first (fix the markers by hand)")
    lines = text.splitlines(keepends=True)
    level, found, stop, fenced = len(section) - len(section.lstrip("#")), None, len(lines), False
    for number, line in enumerate(lines):
        if line.startswith("```"):
            fenced = not fenced
            continue
        if fenced:
            continue
        if found is None and line.rstrip() == section.rstrip():
            found = number
        elif found is not None and (match := _HEADING.match(line)) and len(match.group(1)) <= level:
            stop = number
            break
    if found is None:
        head = text.rstrip("\n")
        return (head + "\n\n" if head else "") + f"{section}\n\n{block}\n"
    head, tail = "".join(lines[:stop]).rstrip("\n"), "".join(lines[stop:])
    return f"{head}\n\n{block}\n" + (f"\n{tail}" if tail else "")


def write_block(owner: str, body: str, section: str, path: str | None = None) -> str:
    """Put ``body`` into ``owner``'s block of ``path`` (docs/performance.md); returns the path.
    The file is replaced in one step, so an interrupted run leaves the old one."""
    path = path or DOC
    text = ""
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            text = f.read()
    text = replace_block(text, owner, body, section)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=".performance-", suffix=".md", dir=os.path.dirname(path))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(temporary, os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path
