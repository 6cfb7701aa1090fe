"""QR codes of page addresses (扫一扫在手机打开当前页), drawn by segno as SVG."""
from __future__ import annotations

import io
import re
from functools import lru_cache

import segno

# A site-relative path with an optional query: no scheme, no "//host", no backslash,
# no control characters. Anything else would let this host draw QR codes for other hosts.
PATH_RE = re.compile(r"^/(?![/\\])[^\\\s\x00-\x1f\x7f]{0,1000}$")


def is_own_path(path: str) -> bool:
    """True for a path of this host (``/c/news/?page=2``), false for anything that leaves it."""
    return bool(PATH_RE.match(path or ""))


@lru_cache(maxsize=2048)
def qr_svg(url: str) -> str:
    """The SVG of a QR code of ``url`` (memoised: pages ask for the same few addresses)."""
    code = segno.make(url, error="m", micro=False)
    out = io.BytesIO()
    code.save(out, kind="svg", scale=4, border=2, dark="#000", light="#fff", xmldecl=False, svgns=True,
              title=None, desc=None, unit=None)
    return out.getvalue().decode()
