"""Columns and articles for the public-side tests (``test_public_*``, ``test_feeds_*``)."""
from __future__ import annotations

from datetime import timedelta

from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.scoping import tenant_context


def add_column(site, slug: str, name: str | None = None, kind: str = "list", parent: Column | None = None, **fields) -> Column:
    """A committed column of ``site``."""
    with tenant_context(site.id):
        column = Column(slug=slug, name=name or f"栏目{slug}", kind=ColumnKind(kind),
                        parent_id=parent.id if parent else None, **fields)
        db.session.add(column)
        db.session.commit()
        return _detached(column)


def add_article(site, column: Column, title: str, status: Status = Status.PUBLISHED, age: timedelta = timedelta(days=1),
                **fields) -> Article:
    """A committed article of ``site`` published ``age`` ago (negative: scheduled in the future)."""
    with tenant_context(site.id):
        article = Article(column_id=column.id, title=title, status=status,
                          published_at=fields.pop("published_at", utcnow() - age), **fields)
        db.session.add(article)
        db.session.commit()
        return _detached(article)


def add_articles(site, column: Column, count: int, prefix: str = "信息") -> list[Article]:
    """``count`` published articles, one hour apart, newest first by number (``信息1`` is newest)."""
    now = utcnow()
    with tenant_context(site.id):
        articles = [
            Article(column_id=column.id, title=f"{prefix}{n}", status=Status.PUBLISHED, body=f"<p>正文{n}</p>",
                    published_at=now - timedelta(hours=n))
            for n in range(1, count + 1)
        ]
        db.session.add_all(articles)
        db.session.commit()
        return [_detached(a) for a in articles]


def _detached(obj):
    """Loaded and detached, so tests read its fields later without a current tenant."""
    db.session.refresh(obj)
    db.session.expunge(obj)
    return obj
