"""The QR code on every public page encodes that page's own address, on this host only."""
from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
import segno

from zhanqun.themes.qr import qr_svg


@pytest.fixture
def site(make_site):
    return make_site("jkxj", theme="department")


def qr_src(text: str) -> str:
    match = re.search(r'<figure class="qr">\s*<img src="([^"]+)"', text)
    assert match, "no QR code on the page"
    return html.unescape(match.group(1))


def test_every_page_shows_a_qr_code_of_its_own_address(client, site):
    response = client.get("/?lang=zh&x=1", headers={"Host": "jkxj.localhost"})
    src = qr_src(response.get_data(as_text=True))
    assert urlsplit(src).path == "/_qr.svg"
    assert parse_qs(urlsplit(src).query)["u"] == ["/?lang=zh&x=1"]
    error = client.get("/no-such-page/", headers={"Host": "jkxj.localhost"})
    assert error.status_code == 404
    assert parse_qs(urlsplit(qr_src(error.get_data(as_text=True))).query)["u"] == ["/no-such-page/"]


def test_the_mode_parameters_are_not_part_of_the_encoded_address(client, site):
    text = client.get("/?a11y=1&page=2", headers={"Host": "jkxj.localhost"}).get_data(as_text=True)
    assert parse_qs(urlsplit(qr_src(text)).query)["u"] == ["/?page=2"]


def test_the_qr_code_encodes_the_absolute_address_on_the_requesting_host(client, site):
    response = client.get("/_qr.svg?u=/c/news/%3Fpage%3D2", headers={"Host": "jkxj.localhost:8080"})
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Set-Cookie" not in response.headers
    # Same drawing as segno makes for exactly this URL, and different from any other URL.
    assert response.get_data(as_text=True) == qr_svg("http://jkxj.localhost:8080/c/news/?page=2")
    assert response.get_data(as_text=True) != qr_svg("http://jkxj.localhost:8080/c/news/?page=3")


def test_the_qr_code_matrix_decodes_to_the_page_address(client, site):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (dev dependency) decodes the QR code")
    image = pytest.importorskip("PIL.Image")
    import io

    url = "http://jkxj.localhost/c/news/?page=2"
    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    assert [r.text for r in zxingcpp.read_barcodes(image.open(buffer))] == [url]
    served = client.get("/_qr.svg?u=/c/news/%3Fpage%3D2", headers={"Host": "jkxj.localhost"}).get_data(as_text=True)
    assert served == qr_svg(url)


@pytest.mark.parametrize("u", [
    "", "http://evil.example/", "https://evil.example/x", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "evil.example/x", "/\r\nSet-Cookie: a=b", "javascript:alert(1)", "/" + "a" * 1200,
])
def test_no_qr_code_for_other_hosts_or_odd_paths(client, site, u):
    response = client.get("/_qr.svg", query_string={"u": u}, headers={"Host": "jkxj.localhost"})
    assert response.status_code == 404
    assert b"<svg" not in response.data


def test_unknown_host_gets_no_qr_code(client, site):
    assert client.get("/_qr.svg?u=/", headers={"Host": "evil.example"}).status_code == 404
