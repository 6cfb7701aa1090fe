"""Removing what a camera writes into a photo besides the picture.

Government webmasters upload photos straight from phones: their EXIF blocks carry the GPS
position, the device and the time. JPEG metadata segments are dropped without re-encoding,
so the picture itself is byte-for-byte unchanged. Colour profiles (APP2 ICC) and Adobe's
colour-transform marker (APP14) stay, because the picture's colours depend on them, and so
does the orientation, in a new EXIF block that holds nothing else: without it a phone photo
would show on its side.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PIL import Image

# APP1 (EXIF, XMP), APP13 (IPTC/Photoshop) and comments.
_DROPPED = {0xE1, 0xED, 0xFE}
_STANDALONE = {0x01, *range(0xD0, 0xD8)}
_START_OF_SCAN = 0xDA


def _orientation_segment(path: Path) -> bytes:
    """An APP1 segment with only the photo's EXIF orientation, or nothing when it is upright."""
    with Image.open(path) as image:
        orientation = image.getexif().get(0x0112, 1)
    if orientation == 1:
        return b""
    exif = Image.Exif()
    exif[0x0112] = orientation
    payload = exif.tobytes()
    return b"\xff\xe1" + (len(payload) + 2).to_bytes(2, "big") + payload


def strip_jpeg_metadata(path: Path) -> tuple[str, int] | None:
    """Rewrite the JPEG at ``path`` without metadata segments (keeping its orientation).

    Returns the new (sha256, size), or ``None`` when there was nothing to remove or the
    file is not laid out as expected (it is then left exactly as it was).
    """
    orientation = _orientation_segment(path)
    data = path.read_bytes()
    if data[:2] != b"\xff\xd8":
        return None
    kept = [data[:2]]
    pos, dropped = 2, False
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            kept.append(data[pos:pos + 2])
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > len(data):
            return None
        if marker == _START_OF_SCAN:
            kept.append(data[pos:])  # the picture itself, to the end, untouched
            break
        if marker in _DROPPED:
            if not dropped:
                kept.append(orientation)  # where the first metadata block stood
            dropped = True
        else:
            kept.append(data[pos:end])
        pos = end
    else:
        return None
    if not dropped:
        return None
    cleaned = b"".join(kept)
    tmp = path.with_name(path.name + ".clean")
    tmp.write_bytes(cleaned)
    os.replace(tmp, path)
    return hashlib.sha256(cleaned).hexdigest(), len(cleaned)
