"""In headless Chromium: the central office opens a site in one form, runs the census with the
button while the console stays usable, and reads the dashboard's charts. Every page passes axe
(WCAG 2.1 AA). Selectors use ids and form structure, so the test runs the same in every language."""
from __future__ import annotations

import pytest

from tests.browser.conftest import describe_violations, run_axe

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery"


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url("console.localhost", "/signin"))
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form:has(#username) button[type=submit]")
    assert "/signin" not in page.url, page.inner_text("main")


def assert_accessible(page) -> None:
    violations = [v for v in run_axe(page) if v["impact"] in ("serious", "critical")]
    assert not violations, describe_violations(violations)


def test_open_a_site_run_the_census_and_read_the_dashboard(live_server, page, make_site, make_user):
    make_site("hengshan", name="中国·衡山", kind="portal", theme="portal")
    make_user("admin", platform_admin=True)
    sign_in(page, live_server, "admin")

    page.goto(live_server.url("console.localhost", "/tenants/new"))
    assert_accessible(page)
    page.fill("#name", "衡山县教育局")
    page.fill("#slug", "jyj")
    page.select_option("#column_template", "department-standard")
    page.fill("[id='webmasters.0.username']", "jyj-admin")
    page.click("form.form button[type=submit]")
    assert page.locator("table code").count() == 1  # the new webmaster's password, shown once
    assert_accessible(page)

    page.goto(live_server.url("console.localhost", "/census"))
    assert_accessible(page)
    page.click("form[action$='/census/run'] button[type=submit]")
    # The page polls the run's progress and reloads when it has finished.
    page.wait_for_selector("form[action$='/census/run']", timeout=60_000)
    assert page.locator("tr.finding-veto").count() >= 1  # the new site has nothing published yet
    assert_accessible(page)

    page.goto(live_server.url("console.localhost", "/reports"))
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length >= 1")
    assert page.evaluate("() => Object.keys(Chart.instances).length") == 2
    assert_accessible(page)
