"""What a visitor does in a real browser: scan the QR code, switch the accessibility mode on."""
from __future__ import annotations

import io

import pytest

from tests.public_factories import add_column

pytestmark = pytest.mark.browser


def test_the_qr_code_on_the_page_decodes_to_its_address(live_server, make_site, browser):
    zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp (dev dependency) decodes the QR code")
    image = pytest.importorskip("PIL.Image")
    make_site("jkxj", theme="department")
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=2)
    try:
        page = context.new_page()
        url = live_server.url("jkxj.localhost", "/?from=qr-test")
        page.goto(url)
        png = page.locator(".qr img").screenshot()
    finally:
        context.close()
    assert [r.text for r in zxingcpp.read_barcodes(image.open(io.BytesIO(png)))] == [url]


def test_the_accessibility_switch_stays_on_while_browsing_and_sets_no_cookie(live_server, make_site, page):
    site = make_site("jkxj", theme="department")
    add_column(site, "news", name="工作动态")
    page.goto(live_server.url("jkxj.localhost", "/"))
    page.click("a.a11y-switch")
    assert page.url.endswith("/?a11y=1")
    assert page.evaluate("() => document.body.classList.contains('a11y-mode')")
    page.click("nav.site-nav >> text=工作动态")
    assert page.url.endswith("/c/news/?a11y=1")
    assert page.evaluate("() => document.body.classList.contains('a11y-mode')")
    # The larger type is really applied.
    assert page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)") >= 20
    page.click("a.a11y-switch")
    assert page.url.endswith("/c/news/")
    assert page.context.cookies() == []


def test_keyboard_focus_is_visible(live_server, make_site, page):
    make_site("jkxj", theme="accessible")
    page.goto(live_server.url("jkxj.localhost", "/"))
    page.keyboard.press("Tab")  # the skip link
    assert page.evaluate("() => document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")


@pytest.mark.parametrize("theme", ["portal", "department", "accessible"])
def test_printing_leaves_out_navigation_but_keeps_the_footer(live_server, make_site, page, theme):
    make_site("s1", theme=theme, site_code="4304230013")
    page.goto(live_server.url("s1.localhost", "/"))
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => ['.site-nav', '.toolbar'].map(s => getComputedStyle(document.querySelector(s)).display)""")
    assert hidden == ["none", "none"]
    assert page.locator(".site-footer").is_visible()
    assert "4304230013" in page.locator(".site-footer").inner_text()
