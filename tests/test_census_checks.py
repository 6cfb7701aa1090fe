"""Each census check on a site seeded with that problem, and a clean site with none."""
import http.server
import json
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from zhanqun.platform.articles.models import Article
from zhanqun.platform.census import checks
from zhanqun.platform.census.crawler import CrawlResult, PageReport
from zhanqun.platform.census.models import Finding, FindingStatus, Severity
from zhanqun.platform.columns.models import Column
from zhanqun.platform.db import utcnow
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.scoping import cross_tenant, tenant_context

NEWS, NOTICE, OVERVIEW = "news", "notice", "overview"


def add_column(slug, name=None, kind="list", update=NEWS, body="", parent=None, position=0):
    column = Column(slug=slug, name=name or slug, kind=kind, update_category=update, body=body,
                    parent_id=parent.id if parent else None, position=position)
    from zhanqun.platform.extensions import db

    db.session.add(column)
    db.session.flush()
    return column


def add_article(column, title="通知", days_ago=1, body="<p>正文</p>"):
    from zhanqun.platform.extensions import db

    article = Article(column_id=column.id, title=title, body=body, status=Status.PUBLISHED,
                      published_at=utcnow() - timedelta(days=days_ago))
    db.session.add(article)
    db.session.flush()
    return article


@pytest.fixture
def clean_site(db, make_site):
    """A site that passes every check: fresh news, a filled page, a complete footer."""
    site = make_site("clean", contact="0734-5822716")
    with tenant_context(site.id):
        news = add_column("news", "工作动态", position=0)
        add_column("about", "机构概况", kind="page", update=OVERVIEW, body="<p>本局主要职责……</p>", position=1)
        add_article(news, "县教育局召开工作会议", days_ago=2)
        db.session.commit()
    return site


def run_census(runner, *args):
    result = runner.invoke(args=["census", "run", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output[result.output.index("{"):])


def findings(db, site, status=FindingStatus.OPEN):
    with tenant_context(site.id):
        return list(db.session.scalars(sa.select(Finding).where(Finding.status == status)))


def by_check(found):
    out = {}
    for f in found:
        out.setdefault(f.check, []).append(f)
    return out


def test_clean_site_has_no_findings(db, runner, clean_site):
    data = run_census(runner, "--site", "clean")
    assert data["sites"][0]["pages"] >= 3  # home, two columns, the article
    assert [(f["check"], f["problem"]) for f in data["findings"]] == []
    assert findings(db, clean_site) == []


def test_broken_internal_link_and_missing_files(db, runner, clean_site):
    with tenant_context(clean_site.id):
        news = db.session.scalar(sa.select(Column).where(Column.slug == "news"))
        article_id = add_article(news, "带坏链接的文章", body='<p><a href="/a/99999.html">旧文章</a> '
                              '<a href="/media/424242/plan.pdf">附件</a> <img src="/media/434343/x.jpg" alt="图"></p>').id
        db.session.commit()
    run_census(runner, "--site", "clean")
    found = by_check(findings(db, clean_site))
    assert [f.params["target"] for f in found["broken_link"]] == ["/a/99999.html"]
    assert found["broken_link"][0].url == f"/a/{article_id}.html"
    assert sorted(f.params["target"] for f in found["missing_file"]) == ["/media/424242/plan.pdf", "/media/434343/x.jpg"]
    assert all(f.severity == Severity.ORDINARY for f in found["broken_link"] + found["missing_file"])


def test_pages_only_the_sitemap_names_are_checked_too(db, runner, clean_site):
    with tenant_context(clean_site.id):
        hidden = add_column("archive", "旧栏目", update="none", position=9)
        hidden.visible = False  # in no menu: only the sitemap leads to its articles
        article_id = add_article(hidden, "旧文章", body='<p><a href="/a/88888.html">已删除的文章</a></p>').id
        db.session.commit()
    run_census(runner, "--site", "clean")
    broken = by_check(findings(db, clean_site))["broken_link"]
    assert [(f.url, f.params["target"]) for f in broken] == [(f"/a/{article_id}.html", "/a/88888.html")]


def test_image_without_alt(db, runner, clean_site):
    with tenant_context(clean_site.id):
        news = db.session.scalar(sa.select(Column).where(Column.slug == "news"))
        article_id = add_article(news, "图片新闻", body='<p><img src="https://img.example.invalid/a.png"></p>').id
        db.session.commit()
    run_census(runner, "--site", "clean")
    found = by_check(findings(db, clean_site))
    assert {f.url for f in found["image_alt"]} == {f"/a/{article_id}.html", f"/a/{article_id}/print.html"}
    assert "external_link" not in found  # external links are only checked with --external


def test_home_stale_is_single_veto_and_column_stale(db, runner, make_site):
    site = make_site("stale", contact="x")
    with tenant_context(site.id):
        add_article(add_column("news", "工作动态"), days_ago=20)
        db.session.commit()
    run_census(runner, "--site", "stale")
    found = by_check(findings(db, site))
    assert found["home_stale"][0].severity == Severity.VETO and found["home_stale"][0].params["days"] == 20
    assert found["column_stale"][0].params == {"column": "工作动态", "days": 20, "expected": 14}


def test_five_stale_columns_and_ten_unupdated_are_single_veto(db, runner, make_site):
    site = make_site("many", contact="x")
    with tenant_context(site.id):
        fresh = add_column("fresh", "要闻")
        add_article(fresh, days_ago=1)
        for i in range(5):
            add_article(add_column(f"news{i}", f"动态{i}", position=i + 1), days_ago=30)
        db.session.commit()
    run_census(runner, "--site", "many")
    found = by_check(findings(db, site))
    assert len(found["column_stale"]) == 5
    assert found["many_stale"][0].severity == Severity.VETO
    assert "many_unupdated" not in found
    with tenant_context(site.id):
        for i in range(5):
            add_column(f"notice{i}", f"公告{i}", update=NOTICE, position=10 + i)
        db.session.commit()
    run_census(runner, "--site", "many")
    found = by_check(findings(db, site))
    assert found["many_unupdated"][0].params["count"] == 10 and found["many_unupdated"][0].severity == Severity.VETO


def test_empty_columns(db, runner, clean_site):
    with tenant_context(clean_site.id):
        add_column("empty-page", "领导信息", kind="page", update=OVERVIEW, position=5)
        for i in range(4):
            add_column(f"empty{i}", f"空栏目{i}", update="none", position=6 + i)
        db.session.commit()
    data = run_census(runner, "--site", "clean")
    found = by_check(findings(db, clean_site))
    # The first run's summary counts the findings it has just opened.
    assert data["sites"][0]["open"] == data["sites"][0]["new"] == 6
    assert data["sites"][0]["veto"] == 1
    assert len(found["column_empty"]) == 5
    assert {f.url for f in found["column_empty"]} >= {"/c/empty-page/", "/c/empty0/"}
    assert found["many_empty"][0].severity == Severity.VETO


def test_missing_footer_elements(db, runner, make_site):
    site = make_site("nofooter", contact="", icp_number="", site_code="")
    with tenant_context(site.id):
        add_article(add_column("news"), days_ago=1)
        db.session.commit()
    run_census(runner, "--site", "nofooter")
    found = by_check(findings(db, site))
    assert sorted(f.params["element"] for f in found["footer_missing"]) == ["contact", "icp_number", "site_code"]


def test_page_without_title_is_found_by_the_page_check():
    crawl = CrawlResult(pages=[PageReport("/x/", title=""), PageReport("/", title="首页")], home_status=200)
    found = checks.page_findings(crawl, site=None)
    assert [(d.check, d.url) for d in found] == [("page_title", "/x/")]


def test_home_page_that_cannot_be_opened_is_single_veto():
    [found] = checks.page_findings(CrawlResult(home_status=500), site=None)
    assert (found.check, found.severity) == ("home_unreachable", Severity.VETO)


def test_only_active_sites_are_checked(db, runner, make_site):
    from zhanqun.tenants.services import change_status

    change_status(make_site("closed"), "suspend")
    db.session.commit()
    result = runner.invoke(args=["census", "run", "--site", "closed"])
    assert result.exit_code == 1 and "Traceback" not in result.output


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_external_links_only_with_flag_and_cached(app, db, runner, clean_site, local_server):
    app.config["ZHANQUN_CENSUS_EXTERNAL_PAUSE"] = 0
    with tenant_context(clean_site.id):
        news = db.session.scalar(sa.select(Column).where(Column.slug == "news"))
        add_article(news, "外链", body=f'<p><a href="{local_server}/ok">好</a> <a href="{local_server}/gone">坏</a></p>')
        db.session.commit()
    run_census(runner, "--site", "clean")
    assert "external_link" not in by_check(findings(db, clean_site))
    run_census(runner, "--site", "clean", "--external")
    found = by_check(findings(db, clean_site))
    assert [f.params["target"] for f in found["external_link"]] == [f"{local_server}/gone"]
    assert found["external_link"][0].params["reason"] == "HTTP 404"
    from zhanqun.platform.census.models import ExternalLinkCheck

    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExternalLinkCheck)) == 2


def test_rerun_closes_fixed_reopens_returning_and_keeps_waived(db, runner, clean_site):
    with tenant_context(clean_site.id):
        empty = add_column("empty", "空栏目", update="none", position=9)
        db.session.commit()
    run_census(runner, "--site", "clean")
    [finding] = findings(db, clean_site)
    assert finding.check == "column_empty"
    with tenant_context(clean_site.id):
        add_article(db.session.get(Column, empty.id), "补充内容")
        db.session.commit()
    run_census(runner, "--site", "clean")
    assert findings(db, clean_site) == []
    assert [f.check for f in findings(db, clean_site, FindingStatus.FIXED)] == ["column_empty"]
    with tenant_context(clean_site.id):
        db.session.execute(sa.update(Article).where(Article.title == "补充内容").values(status=Status.WITHDRAWN))
        db.session.commit()
    run_census(runner, "--site", "clean")
    [again] = findings(db, clean_site)
    assert again.id == finding.id and again.reopened == 1


def test_json_lists_findings_with_site_and_problem(db, runner, make_site):
    make_site("stale", contact="x")
    data = run_census(runner)
    assert data["sites"][0]["slug"] == "stale"
    problems = {f["check"]: f for f in data["findings"]}
    assert problems["home_stale"]["severity"] == "veto" and problems["home_stale"]["site"] == "stale"
    with cross_tenant():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Finding)) == len(data["findings"])
