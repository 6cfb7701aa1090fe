"""Small real files of every allowed type, and the hostile ones, made in memory for the media tests."""
from __future__ import annotations

import io
import struct
import zipfile
import zlib

from PIL import Image
from werkzeug.datastructures import FileStorage


def upload(data: bytes, filename: str) -> FileStorage:
    """What ``request.files[...]`` holds for an uploaded file."""
    return FileStorage(stream=io.BytesIO(data), filename=filename, content_type="application/octet-stream")


def image(fmt: str = "PNG", size=(64, 48), color=(200, 30, 30), **save_args) -> bytes:
    """An image in Pillow format ``fmt``."""
    mode = "RGBA" if fmt in ("PNG", "WEBP") else "RGB"
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save_args)
    return buffer.getvalue()


def jpeg_with_exif(size=(1200, 900)) -> bytes:
    """A photo carrying a camera make and GPS position in its metadata."""
    exif = Image.Exif()
    exif[0x010F] = "SecretCamera"  # Make
    exif[0x8825] = {1: "N", 2: (28.0, 15.0, 0.0)}  # GPS IFD
    return image("JPEG", size=size, exif=exif)


def pdf() -> bytes:
    """A minimal but well-formed one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


_OOXML = {
    "docx": ("word/document.xml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    "pptx": ("ppt/presentation.xml", "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"),
}


def ooxml(kind: str = "docx") -> bytes:
    """A Word, Excel or PowerPoint file as Office writes it: a zip with ``[Content_Types].xml``."""
    part, content_type = _OOXML[kind]
    types = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
             'content-types"><Default Extension="xml" ContentType="application/xml"/>'
             f'<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
    return zip_archive({"[Content_Types].xml": types, part: "<root/>"})


def zip_archive(entries: dict[str, str | bytes] | None = None) -> bytes:
    """A zip archive holding ``entries``."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in (entries or {"readme.txt": "说明"}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def ole2(stream_name: str = "WordDocument") -> bytes:
    """A legacy Office file (.doc/.xls/.ppt): an OLE2 compound file with one 4 KiB stream."""
    end, free, fat_sector, no_stream = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    stream_sectors = 8  # 4096 bytes: at the mini-stream cut-off, so stored in normal sectors
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108
    fat = [fat_sector, end] + list(range(3, 2 + stream_sectors)) + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return (encoded.ljust(64, b"\0") + struct.pack("<HBB", len(encoded), kind, 1)
                + struct.pack("<III", no_stream, no_stream, child) + bytes(16) + bytes(4) + bytes(16)
                + struct.pack("<IIII", start, size, 0, 0)[:8] + bytes(4))

    directory = (entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, no_stream, 2, 4096)
                 + entry("", 0, no_stream, 0, 0) * 2)
    return header + struct.pack("<128I", *fat) + directory + b"\x01" * 4096


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny PNG that claims a huge size: a decompression bomb's header."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b""))


HTML_PAGE = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG_IMAGE = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>'
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode." + bytes(200)
