"""The platform dashboard: numbers per site, charts' data, CSV exports, who sees what, bounded queries."""
import csv
import io
import json
import re
from datetime import timedelta

from tests.conftest import CONSOLE, count_queries, signin
from zhanqun.platform.articles.models import Article
from zhanqun.platform.census.models import Finding, Severity
from zhanqun.platform.columns.models import Column
from zhanqun.platform.db import utcnow
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.scoping import tenant_context


def _publish(db, site, days_ago_list, veto=0):
    with tenant_context(site.id):
        column = Column(slug="news", name="工作动态")
        db.session.add(column)
        db.session.flush()
        for days in days_ago_list:
            db.session.add(Article(column_id=column.id, title=f"信息{days}", status=Status.PUBLISHED,
                                   published_at=utcnow() - timedelta(days=days, minutes=1)))
        for i in range(veto):
            db.session.add(Finding(fingerprint=f"f{i}", check="home_stale", severity=Severity.VETO, url="/", params={}))
        db.session.commit()


def _csv(response):
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _chart_data(text):
    return json.loads(re.search(r'<script type="application/json" id="report-data">(.*?)</script>', text, re.DOTALL).group(1))


def test_admin_sees_every_site_with_veto_first_and_portal_target(app, db, client, make_site, make_user):
    portal = make_site("hengshan", name="中国·衡山", kind="portal", theme="portal")
    dept = make_site("jyj", name="衡山县教育局")
    _publish(db, portal, [0, 0, 1, 200])
    _publish(db, dept, [3], veto=2)
    make_user("root", platform_admin=True)
    signin(client, "root")
    response = client.get("/reports", headers={"Host": CONSOLE})
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.index("衡山县教育局</td>") < text.index("中国·衡山</td>")  # single-veto first
    for script in re.findall(r'<script src="([^"]+)"', text):
        served = client.get(script, headers={"Host": CONSOLE})
        assert served.status_code == 200  # vendored, served by the platform itself
        served.close()
    data = _chart_data(text)
    assert len(data["dates"]) == 90 and data["target"] == 10
    assert data["publications"]["hengshan"][-1] == 2 and sum(data["publications"]["hengshan"]) == 3
    rows = _csv(client.get("/reports/sites.csv", headers={"Host": CONSOLE}))
    by_slug = {r[1]: r for r in rows[1:]}
    assert by_slug["jyj"][7] == "2" and by_slug["hengshan"][5] == "0"
    portal_rows = _csv(client.get("/reports/portal.csv", headers={"Host": CONSOLE}))
    assert portal_rows[-1][1:] == ["2", "10"]


def test_target_is_configurable(app, db, client, make_site, make_user):
    make_site("hengshan", kind="portal", theme="portal")
    make_user("root", platform_admin=True)
    signin(client, "root")
    app.config["ZHANQUN_PORTAL_DAILY_TARGET"] = "3"
    try:
        data = _chart_data(client.get("/reports", headers={"Host": CONSOLE}).get_data(as_text=True))
    finally:
        app.config["ZHANQUN_PORTAL_DAILY_TARGET"] = "10"
    assert data["target"] == 3


def test_webmaster_sees_only_own_sites(db, client, make_site, make_user):
    own = make_site("jyj", name="教育局站点")
    other = make_site("czj", name="财政局站点")
    _publish(db, other, [1], veto=1)
    make_user("web", roles={own.id: "site_admin"})
    signin(client, "web")
    rows = _csv(client.get("/reports/sites.csv", headers={"Host": CONSOLE}))
    assert [r[1] for r in rows[1:]] == ["jyj"]
    assert client.get("/reports/sites.csv?site=czj", headers={"Host": CONSOLE}).status_code == 404
    assert client.get("/sites/czj/report", headers={"Host": CONSOLE}).status_code == 404
    page = client.get("/sites/jyj/report", headers={"Host": CONSOLE})
    assert page.status_code == 200 and "czj" not in json.dumps(_chart_data(page.get_data(as_text=True)))


def test_dashboard_query_count_does_not_grow_with_sites(app, db, client, make_site, make_user):
    make_user("root", platform_admin=True)
    signin(client, "root")
    make_site("s1")
    client.get("/reports", headers={"Host": CONSOLE})
    with count_queries(app) as few:
        client.get("/reports", headers={"Host": CONSOLE})
    for i in range(2, 8):
        make_site(f"s{i}")
    client.get("/reports", headers={"Host": CONSOLE})
    with count_queries(app) as many:
        client.get("/reports", headers={"Host": CONSOLE})
    assert many() == few()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/reports", headers={"Host": CONSOLE})
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


def test_findings_over_time_follow_census_runs(db, client, runner, make_site, make_user):
    make_site("jyj")
    make_user("root", platform_admin=True)
    assert runner.invoke(args=["census", "run"]).exit_code == 0
    assert runner.invoke(args=["census", "run"]).exit_code == 0
    signin(client, "root")
    rows = _csv(client.get("/reports/findings.csv", headers={"Host": CONSOLE}))
    assert len(rows) == 3 and rows[1][1:] == rows[2][1:] and int(rows[1][2]) >= 1  # home page never updated: veto
    data = _chart_data(client.get("/reports", headers={"Host": CONSOLE}).get_data(as_text=True))
    assert len(data["findingDates"]) == 2 and data["findings"]["veto"][0] >= 1
