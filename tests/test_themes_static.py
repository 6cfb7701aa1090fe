"""Fingerprinted theme files: a year's immutable cache, parent fallback, no way out of the folder."""
from __future__ import annotations

import re

import pytest

HOST = {"Host": "jkxj.localhost"}


@pytest.fixture
def site(make_site):
    return make_site("jkxj", theme="department")


def stylesheet_urls(client) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="([^"]+)"', client.get("/", headers=HOST).get_data(as_text=True))


def get(client, path):
    # Werkzeug answers "//" in a path with a redirect to the merged path: follow it.
    response = client.get(path, headers=HOST, follow_redirects=True)
    response.close()
    return response


def test_pages_link_fingerprinted_files_served_with_a_year_of_immutable_cache(client, site, app):
    fingerprint = app.extensions["zhanqun_themes"].get("department").fingerprint
    urls = stylesheet_urls(client)
    assert urls == [f"/_themes/department/{fingerprint}/css/base.css", f"/_themes/department/{fingerprint}/css/theme.css"]
    with client.get(urls[1], headers=HOST) as own:
        assert own.status_code == 200
        assert own.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert own.mimetype == "text/css"
        assert b"department" in own.data  # the department theme's own theme.css
        assert "Set-Cookie" not in own.headers
    with client.get(urls[0], headers=HOST) as inherited:  # not in department/static: from base
        assert inherited.status_code == 200 and b"box-sizing" in inherited.data


def test_the_fingerprint_changes_with_the_files_of_the_chain(app):
    registry = app.extensions["zhanqun_themes"]
    fingerprints = {t.fingerprint for t in registry.themes.values()}
    assert len(fingerprints) == len(registry.themes)
    assert all(re.fullmatch(r"[0-9a-f]{12}", f) for f in fingerprints)


def test_an_outdated_fingerprint_still_serves_the_file_but_only_briefly_cached(client, site):
    response = get(client, "/_themes/department/000000000000/css/theme.css")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"


@pytest.mark.parametrize("path", [
    "/_themes/department/x/css/nothing.css",
    "/_themes/no-such-theme/x/css/base.css",
    "/_themes/department/x/css/",
    "/_themes/department/x/../theme.toml",
    "/_themes/department/x/..%2ftheme.toml",
    "/_themes/department/x/%2e%2e/theme.toml",
    "/_themes/department/x/%2e%2e/%2e%2e/registry.py",
    "/_themes/department/x/css/%2e%2e/%2e%2e/%2e%2e/registry.py",
    "/_themes/department/x/css/..%5c..%5ctheme.toml",
    "/_themes/department/x/..\\theme.toml",
    "/_themes/department/x//etc/passwd",
    "/_themes/department/x/%2fetc%2fpasswd",
    "/_themes/department/x/.hidden",
    "/_themes/department/x/css/.%2e/.%2e/theme.toml",
    "/_themes/..%2f..%2fplatform/x/app.py",
])
def test_unknown_files_and_traversal_attempts_are_404(client, site, path):
    response = get(client, path)
    assert response.status_code == 404
    assert b"[settings" not in response.data and b"import" not in response.data


def test_static_path_never_resolves_outside_the_static_folder(app, tmp_path):
    from zhanqun.themes.public import static_path

    for name in ["../theme.toml", "css/../../theme.toml", "/etc/passwd", "css\\..\\..\\theme.toml", "", "css//base.css"]:
        assert static_path("department", name) is None
    assert static_path("department", "css/base.css").endswith("/base/static/css/base.css")
