"""The demo county looks like real sites, and loading it twice adds nothing."""
import time

import sqlalchemy as sa

from zhanqun.platform.articles.models import Article, ArticleAttachment
from zhanqun.platform.columns.models import Column
from zhanqun.platform.media.models import Media
from zhanqun.platform.workflow.models import Status, Transition
from zhanqun.tenants.scoping import cross_tenant


def counts(db) -> dict:
    with cross_tenant():
        return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                for model in (Column, Article, ArticleAttachment, Media, Transition)}


def test_demo_content_is_rich_and_idempotent(app, db, runner, monkeypatch):
    from zhanqun.platform.demo import content

    spent, load = [], content.load

    def timed_load(sites):
        started = time.monotonic()
        load(sites)
        spent.append(time.monotonic() - started)

    monkeypatch.setattr(content, "load", timed_load)
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    # The content part of `zhanqun demo` (the accounts' password hashing is timed elsewhere).
    assert spent and spent[0] < 6, spent
    first = counts(db)

    assert first["Article"] >= 60 and first["Media"] >= 4 and first["ArticleAttachment"] >= 4
    with cross_tenant():
        per_site = dict(db.session.execute(sa.select(Column.tenant_id, sa.func.count()).group_by(Column.tenant_id)).all())
        statuses = set(db.session.scalars(sa.select(Article.status)))
    assert len(per_site) == 6 and min(per_site.values()) >= 5
    assert statuses == {Status.PUBLISHED}

    assert runner.invoke(args=["demo"]).exit_code == 0
    assert counts(db) == first


def test_demo_sites_show_their_content_and_attachments(app, db, client, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0

    portal = client.get("/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "衡山县召开全县电子政务工作会议" in portal

    topic = client.get("/c/open-government-2016/", headers={"Host": "localhost"}).get_data(as_text=True)
    for board in ("深化改革", "民生改善", "政府建设", "政务参与", "公开实效"):
        assert board in topic

    about = client.get("/c/about/", headers={"Host": "jkxj.localhost"}).get_data(as_text=True)
    assert "衡山县经济科技和信息化局是县人民政府工作部门" in about

    notices = client.get("/c/open/notices/", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "关于开展全县政府网站普查整改工作的通知" in notices

    with cross_tenant():
        article = db.session.scalar(sa.select(Article).where(Article.title == "关于开展全县政府网站普查整改工作的通知"))
    page = client.get(f"/a/{article.id}.html", headers={"Host": "localhost"}).get_data(as_text=True)
    assert "政府网站问题整改情况表.docx" in page
    href = page.split('href="/media/', 1)[1].split('"', 1)[0]
    download = client.get(f"/media/{href}", headers={"Host": "localhost"})
    try:
        assert download.status_code == 200
        assert download.data[:2] == b"PK"
    finally:
        download.close()
