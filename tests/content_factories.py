"""Sites, members, columns and articles for the console content tests (columns, articles, workflow)."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tests.conftest import CONSOLE, signin
from tests.console_support import new_client
from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import tenant_context


def add_column(site, slug: str, kind: str = "list", parent_id: int | None = None, position: int = 0, **fields) -> int:
    """A committed column of ``site``; returns its id."""
    db.session.rollback()  # a stale read snapshot cannot write on SQLite (WAL)
    with tenant_context(site.id):
        column = Column(slug=slug, name=fields.pop("name", f"栏目{slug}"), kind=ColumnKind(kind),
                        parent_id=parent_id, position=position, **fields)
        db.session.add(column)
        db.session.commit()
        return column.id


def add_articles(site, *articles: Article) -> list[int]:
    """Commit ``articles`` to ``site``; returns their ids."""
    db.session.rollback()
    with tenant_context(site.id):
        db.session.add_all(articles)
        db.session.commit()
        return [a.id for a in articles]


def load(site, model, id_: int):
    """A fresh copy of one row of ``site`` (read in its tenant, detached)."""
    db.session.rollback()  # end this session's read snapshot: requests commit on other connections
    with tenant_context(site.id):
        obj = db.session.get(model, id_)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def new_article_id(response) -> int:
    """The id of the article a save redirected to."""
    match = re.search(r"/articles/(\d+)$", response.headers["Location"])
    assert match, response.headers.get("Location")
    return int(match.group(1))


@pytest.fixture
def newsroom(make_site, make_user):
    """A site with one list column and an editor, a reviewer and a site admin; plus an outsider."""
    site = make_site("jkxj", name="县卫生健康局")
    other = make_site("zjj", name="县住建局")
    column_id = add_column(site, "news", name="工作动态")
    other_column_id = add_column(other, "news", name="工作动态")
    users = {
        "editor": make_user("bianji", roles={site.id: "editor"}),
        "editor2": make_user("bianji2", roles={site.id: "editor"}),
        "reviewer": make_user("shenhe", roles={site.id: "reviewer"}),
        "admin": make_user("guanli", roles={site.id: "site_admin"}),
        "outsider": make_user("waibu", roles={other.id: "site_admin"}),
    }
    return {"site": site, "other": other, "column_id": column_id, "other_column_id": other_column_id, **users}


def client_for(app, user):
    """A new test client signed in as ``user`` (one per person, like separate browsers)."""
    client = new_client(app)
    response = signin(client, user.username)
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return client


def get(client, path: str):
    """GET a console page."""
    return client.get(path, headers={"Host": CONSOLE})


def article_count(site) -> int:
    """How many articles ``site`` holds."""
    db.session.rollback()
    with tenant_context(site.id):
        return db.session.scalar(sa.select(sa.func.count(Article.id)))
