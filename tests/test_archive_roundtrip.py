"""`zhanqun tenants export` / `import`: a site moves to an empty platform with everything it holds."""
import json
import zipfile

import pytest
import sqlalchemy as sa

from tests.conftest import make_test_app
from zhanqun.platform.articles.models import Article, ArticleRevision
from zhanqun.platform.columns.models import Column
from zhanqun.platform.extensions import db as _db
from zhanqun.platform.media.models import Media
from zhanqun.platform.media.services import media_path
from zhanqun.platform.workflow.models import Transition
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import tenant_context
from zhanqun.tenants.tables import site_tables


@pytest.fixture(autouse=True)
def _english(monkeypatch):
    """Commands speak the operator's language; these tests read the English messages."""
    monkeypatch.setenv("LANG", "en_US.UTF-8")

def _snapshot(slug):
    """What a site holds, independent of ids: column paths, articles with revisions, media bytes."""
    tenant = _db.session.scalar(sa.select(Tenant).where(Tenant.slug == slug))
    with tenant_context(tenant.id):
        columns = {c.id: c for c in _db.session.scalars(sa.select(Column))}

        def path(c):
            return (path(columns[c.parent_id]) + "/" if c.parent_id else "") + c.slug

        articles = {a.title: (path(columns[a.column_id]), a.status.value, a.body, len(a.revisions))
                    for a in _db.session.scalars(sa.select(Article))}
        revisions = sorted((r.article.title, r.number, path(columns[r.column_id]) if r.column_id in columns else None)
                           for r in _db.session.scalars(sa.select(ArticleRevision)))
        media = {m.original_name: media_path(m).read_bytes() for m in _db.session.scalars(sa.select(Media))}
        transitions = sorted((t.item_type, t.action) for t in _db.session.scalars(sa.select(Transition)))
        counts = {t.name: _db.session.execute(sa.select(sa.func.count()).select_from(t).where(t.c.tenant_id == tenant.id)).scalar()
                  for t in site_tables()}
    return {"site": (tenant.name, tenant.site_code, tenant.theme), "columns": sorted(path(c) for c in columns.values()),
            "articles": articles, "revisions": revisions, "media": media, "transitions": transitions, "counts": counts}


@pytest.fixture
def second_app(database_url, tmp_path):
    """A second, empty platform with its own database and instance folder."""
    if database_url.startswith("postgresql"):
        from tests.conftest import scratch_postgres

        with scratch_postgres() as url:
            yield _build(url, tmp_path)
    else:
        yield _build("sqlite:///" + str(tmp_path / "second.db"), tmp_path)


def _build(url, tmp_path):
    app = make_test_app(url, str(tmp_path / "second-instance"))
    with app.app_context():
        _db.create_all()
        _db.engine.dispose()
    return app


def test_export_then_import_into_an_empty_platform(app, db, runner, tmp_path, second_app):
    assert runner.invoke(args=["demo"]).exit_code == 0
    before = _snapshot("jkxj")
    assert before["media"] and before["revisions"] and before["transitions"]  # the demo exercises every kind
    archive = tmp_path / "jkxj.zip"
    result = runner.invoke(args=["tenants", "export", "jkxj", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    assert "Exported jkxj" in result.output
    assert db.session.scalar(sa.select(Tenant.last_exported_at).where(Tenant.slug == "jkxj")) is not None
    with zipfile.ZipFile(archive) as z:
        header = json.loads(z.read("archive.json"))
        assert header["tenant"]["slug"] == "jkxj" and any(n.startswith("files/") for n in z.namelist())

    with second_app.app_context():
        result = second_app.test_cli_runner().invoke(args=["tenants", "import", str(archive)])
        assert result.exit_code == 0, result.output
        assert "Members not added" in result.output  # the empty platform has no such users
        after = _snapshot("jkxj")
        _db.session.remove()
    assert after == before


def test_import_refuses_existing_slug_unless_replace_and_copies_beside(app, db, runner, tmp_path, make_site):
    site = make_site("jyj")
    with tenant_context(site.id):
        parent = Column(slug="news", name="工作动态")
        db.session.add(parent)
        db.session.flush()
        db.session.add(Column(slug="photos", name="图片新闻", parent_id=parent.id))
        db.session.commit()
    archive = tmp_path / "jyj.zip"
    assert runner.invoke(args=["tenants", "export", "jyj", "-o", str(archive)]).exit_code == 0
    refused = runner.invoke(args=["tenants", "import", str(archive)])
    assert refused.exit_code == 1 and "exists already" in refused.output
    copy = runner.invoke(args=["tenants", "import", str(archive), "--slug", "jyj-copy"])
    assert copy.exit_code == 0, copy.output
    assert _snapshot("jyj-copy")["columns"] == ["news", "news/photos"]
    replaced = runner.invoke(args=["tenants", "import", str(archive), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert _snapshot("jyj")["columns"] == ["news", "news/photos"]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Tenant)) == 2


def test_import_rejects_a_file_that_is_not_an_archive(runner, tmp_path):
    bogus = tmp_path / "x.zip"
    bogus.write_bytes(b"not a zip")
    result = runner.invoke(args=["tenants", "import", str(bogus)])
    assert result.exit_code == 1 and "not a zhanqun site archive" in result.output


def test_archive_with_path_traversal_is_refused(db, runner, tmp_path, make_site):
    make_site("jyj")
    archive = tmp_path / "jyj.zip"
    runner.invoke(args=["tenants", "export", "jyj", "-o", str(archive)])
    with zipfile.ZipFile(archive, "a") as z:
        z.writestr("files/../../evil.txt", "x")
    result = runner.invoke(args=["tenants", "import", str(archive), "--slug", "evil"])
    assert result.exit_code == 1 and "outside the media folder" in result.output
    assert db.session.scalar(sa.select(Tenant).where(Tenant.slug == "evil")) is None
