"""Checking theme setting values, and what a page is rendered with."""
from __future__ import annotations

import pytest

from zhanqun.themes.registry import load_registry
from zhanqun.themes.settings import (
    contrast_ratio,
    effective_settings,
    parse_form,
    shade,
)


@pytest.fixture(scope="module")
def portal():
    return load_registry("").get("portal")


def test_contrast_ratio_follows_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1)
    assert contrast_ratio("#b5121b", "#ffffff") > 4.5  # the portal's red carries white text
    assert contrast_ratio("#ffff66", "#ffffff") < 4.5


def test_shade_darkens():
    assert shade("#b5121b") == "#8d0e15"
    assert shade("#ffffff", 0.5) == "#808080"


def test_stored_values_that_no_longer_fit_fall_back_to_the_defaults(portal):
    stored = {"portal": {"primary_colour": "#ffff00", "home_layout": "gone", "banner": "https://evil.example/x.png",
                         "show_departments": "yes", "tagline": "衡山欢迎您", "unknown": "x"},
              "department": {"primary_colour": "#000000"}}
    values = effective_settings(portal, stored)
    assert values == {"primary_colour": "#b5121b", "logo": None, "tagline": "衡山欢迎您", "banner": None,
                      "home_layout": "two-columns", "show_departments": True}


def test_images_must_be_paths_of_the_site(portal):
    for bad in ["https://evil.example/a.png", "//evil.example/a.png", "/media/../secret", "/a b.png", 'x");}']:
        assert effective_settings(portal, {"portal": {"logo": bad}})["logo"] is None
    assert effective_settings(portal, {"portal": {"logo": "/media/3/ab12.png"}})["logo"] == "/media/3/ab12.png"


def test_parse_form_reads_each_type_and_keeps_images_unless_removed(app, portal):
    with app.test_request_context():
        values, errors = parse_form(portal, {"primary_colour": " #8B0000 ", "tagline": " 欢迎 ", "home_layout": "one-column",
                                             "banner__remove": "1"},
                                    {"logo": "/media/1/a.png", "banner": "/media/2/b.png"})
    assert errors == {}
    assert values == {"primary_colour": "#8b0000", "logo": "/media/1/a.png", "tagline": "欢迎", "banner": None,
                      "home_layout": "one-column", "show_departments": False}
