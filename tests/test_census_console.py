"""The census in the console: the run button, the central office's list, webmasters' own findings."""
import re

import sqlalchemy as sa

from tests.conftest import CONSOLE, console_post, signin
from zhanqun.platform.census.models import CensusRun, Finding, FindingStatus, RunStatus
from zhanqun.platform.census.runner import wait_for_background
from zhanqun.tenants.scoping import cross_tenant, tenant_context


def _two_sites_with_findings(runner, make_site, make_user):
    a = make_site("siteaaa", name="甲站点")
    b = make_site("sitebbb", name="乙站点", icp_number="")
    make_user("root", platform_admin=True)
    make_user("web-a", roles={a.id: "site_admin"})
    make_user("editor-a", roles={a.id: "editor"})
    assert runner.invoke(args=["census", "run"]).exit_code == 0
    return a, b


def _finding_of(db, site, check):
    """The finding, loaded fresh, with its attributes readable outside the site's context."""
    db.session.expire_all()
    with tenant_context(site.id):
        finding = db.session.scalar(sa.select(Finding).where(Finding.check == check).order_by(Finding.id).limit(1))
        db.session.expunge(finding)
        return finding


def test_webmasters_see_only_their_own_sites_findings(db, client, runner, make_site, make_user):
    a, b = _two_sites_with_findings(runner, make_site, make_user)
    signin(client, "web-a")
    page = client.get("/sites/siteaaa/census", headers={"Host": CONSOLE})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    shown = set(re.findall(r'/census/(\d+)/fixed', text))
    with cross_tenant():
        own_ids = {str(i) for i in db.session.scalars(sa.select(Finding.id).where(Finding.tenant_id == a.id,
                                                                                   Finding.status == FindingStatus.OPEN))}
    assert shown == own_ids and own_ids  # exactly this site's open findings, none of site B's
    assert client.get("/sites/sitebbb/census", headers={"Host": CONSOLE}).status_code == 404
    assert client.get("/census", headers={"Host": CONSOLE}).status_code == 403
    other = _finding_of(db, b, "footer_missing")
    # Another site's finding through one's own site's URL: not found, and unchanged.
    assert console_post(client, f"/sites/siteaaa/census/{other.id}/fixed").status_code == 404
    assert console_post(client, f"/census/findings/{other.id}/waive", {"reason": "x"}).status_code == 403
    db.session.expire_all()
    assert _finding_of(db, b, "footer_missing").status == FindingStatus.OPEN


def test_editor_sees_but_cannot_mark_fixed(db, client, runner, make_site, make_user):
    a, _b = _two_sites_with_findings(runner, make_site, make_user)
    own = _finding_of(db, a, "home_stale")
    signin(client, "editor-a")
    assert client.get("/sites/siteaaa/census", headers={"Host": CONSOLE}).status_code == 200
    assert console_post(client, f"/sites/siteaaa/census/{own.id}/fixed").status_code == 403
    assert _finding_of(db, a, "home_stale").status == FindingStatus.OPEN


def test_webmaster_marks_fixed_and_the_next_run_reopens(db, client, runner, make_site, make_user):
    a, _b = _two_sites_with_findings(runner, make_site, make_user)
    own = _finding_of(db, a, "home_stale")
    signin(client, "web-a")
    assert console_post(client, f"/sites/siteaaa/census/{own.id}/fixed").status_code == 303
    assert _finding_of(db, a, "home_stale").status == FindingStatus.FIXED
    # Still true on the next run: re-opened.
    runner.invoke(args=["census", "run", "--site", "siteaaa"])
    assert _finding_of(db, a, "home_stale").status == FindingStatus.OPEN


def test_admin_sees_all_sorts_waives_and_sets_deadlines(db, client, runner, make_site, make_user):
    a, b = _two_sites_with_findings(runner, make_site, make_user)
    signin(client, "root")
    text = client.get("/census?sort=site", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert "甲站点" in text and "乙站点" in text
    veto_first = client.get("/census", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert veto_first.index("finding-veto") < veto_first.index("finding-ordinary")
    footer = _finding_of(db, b, "footer_missing")
    response = console_post(client, f"/census/findings/{footer.id}/waive", {"reason": "  "})
    assert response.status_code == 400 and 'id="reason-error"' in response.get_data(as_text=True)
    console_post(client, f"/census/findings/{footer.id}/waive", {"reason": "备案中"})
    console_post(client, f"/census/findings/{footer.id}/deadline", {"deadline": "2020-01-01"})
    console_post(client, "/census/sites/siteaaa/deadline", {"deadline": "2020-02-01"})
    db.session.expire_all()
    waived = _finding_of(db, b, "footer_missing")
    assert waived.status == FindingStatus.WAIVED and waived.waive_reason == "备案中"
    assert str(_finding_of(db, a, "home_stale").deadline) == "2020-02-01"
    overdue = client.get("/census?sort=overdue&site=siteaaa", headers={"Host": CONSOLE}).get_data(as_text=True)
    assert "2020-02-01" in overdue
    assert "乙站点</td>" not in overdue
    export = client.get("/census/findings.csv?status=all&site=sitebbb", headers={"Host": CONSOLE})
    assert export.status_code == 200 and export.mimetype == "text/csv"
    rows = export.get_data(as_text=True).splitlines()
    assert len(rows) > 1 and all(row.startswith("乙站点,") for row in rows[1:])
    # A waived finding stays waived when the census sees it again.
    runner.invoke(args=["census", "run"])
    db.session.expire_all()
    assert _finding_of(db, b, "footer_missing").status == FindingStatus.WAIVED


def test_run_button_runs_in_background(app, db, client, make_site, make_user):
    make_site("siteaaa")
    make_user("root", platform_admin=True)
    signin(client, "root")
    response = console_post(client, "/census/run", {"site": "", "external": ""})
    assert response.status_code == 303
    wait_for_background(app, timeout=60)
    db.session.rollback()  # end the snapshot the request's reads left open
    run = db.session.scalar(sa.select(CensusRun))
    assert run.status == RunStatus.DONE and run.sites_done == 1 and run.pages >= 1
    progress = client.get("/census/progress", headers={"Host": CONSOLE}).get_json()
    assert progress["running"] is False and progress["sites_done"] == 1
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) > 0
    assert 'id="census-progress"' not in client.get("/census", headers={"Host": CONSOLE}).get_data(as_text=True)


def test_a_second_run_is_refused_while_one_runs(db, client, make_site, make_user):
    make_site("siteaaa")
    make_user("root", platform_admin=True)
    db.session.add(CensusRun(status=RunStatus.RUNNING, sites_total=1))
    db.session.commit()
    signin(client, "root")
    response = console_post(client, "/census/run", {}, follow_redirects=True)
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CensusRun)) == 1
    assert 'id="census-progress"' in response.get_data(as_text=True)
