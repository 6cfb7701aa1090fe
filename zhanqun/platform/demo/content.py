"""Demo content for the demo county's sites: columns, single pages, articles and attachments.

Everything goes through the same services the console uses (column templates, media
uploads, article saves, review transitions), so the demo's articles have revisions and a
review history like real ones. Idempotent: columns are matched by their place, articles by
title, files by content; a second run adds nothing. The caller commits.
"""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from zhanqun.platform.accounts import services as accounts
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.articles import services as articles
from zhanqun.platform.articles.models import Article
from zhanqun.platform.columns.models import ColumnKind
from zhanqun.platform.columns.services import apply_column_template, flat_tree
from zhanqun.platform.db import utcnow
from zhanqun.platform.demo import attachments
from zhanqun.platform.demo.content_data import ARTICLES, PAGES, Attachment, DemoArticle
from zhanqun.platform.demo.data import USERS
from zhanqun.platform.extensions import db
from zhanqun.platform.media.services import store_upload
from zhanqun.platform.sanitize import sanitize_html
from zhanqun.platform.workflow.services import Action
from zhanqun.tenants.models import TenantKind
from zhanqun.tenants.scoping import tenant_context

COLUMN_TEMPLATES = {TenantKind.PORTAL: "portal-standard", TenantKind.DEPARTMENT: "department-standard"}
FILE_TYPES = {
    "pdf": (attachments.pdf_document, "application/pdf"),
    "docx": (attachments.docx_document, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
}


def load(sites: dict) -> None:
    """Create the demo content the sites lack (idempotent). ``sites`` maps slug → Tenant."""
    for slug, tenant in sites.items():
        if slug not in ARTICLES and slug not in PAGES:
            continue
        writer, reviewer = _people(slug)
        with tenant_context(tenant.id):
            apply_column_template(COLUMN_TEMPLATES[tenant.kind])
            columns = {node.path: node.column for node in flat_tree()}
            _fill_pages(columns, PAGES.get(slug, {}))
            existing = set(db.session.scalars(sa.select(Article.title)))
            for spec in ARTICLES.get(slug, []):
                if spec.title not in existing and spec.column in columns:
                    _publish(spec, columns[spec.column].id, writer, reviewer)
            db.session.flush()  # inside the site's context: the scoping checks every write


def _people(slug: str):
    """Who writes and who publishes on a demo site: its editor and reviewer if it has them.

    Returns ``(writer, (publisher, publisher's role))``; the platform admin stands in where a
    site has no reviewer of its own.
    """
    members = sorted(
        ((Role(roles[slug]), username) for username, _name, _admin, roles in USERS if slug in roles),
        key=lambda member: list(Role).index(member[0]),
    )
    admin = accounts.find_user(next(username for username, _name, is_admin, _roles in USERS if is_admin))
    writer = accounts.find_user(members[0][1]) if members else admin
    reviewers = [(role, username) for role, username in members if role.includes(Role.REVIEWER)]
    if reviewers:
        role, username = reviewers[0]
        return writer, (accounts.find_user(username), role)
    return writer, (admin, Role.SITE_ADMIN)


def _fill_pages(columns: dict, pages: dict[str, str]) -> None:
    """Give single pages their text and special topics their introduction, where still empty."""
    for path, html in pages.items():
        column = columns.get(path)
        if column is not None and column.kind in (ColumnKind.PAGE, ColumnKind.TOPIC) and not column.body:
            column.body = sanitize_html(html)


def _publish(spec: DemoArticle, column_id: int, writer, reviewer) -> None:
    """Write, submit and publish one article as the site's people would, dated in the past."""
    publisher, role = reviewer
    # Spread the hours a little so a day's articles are not all at the same minute.
    published_at = utcnow().replace(second=0, microsecond=0) - timedelta(days=spec.days_ago, hours=len(spec.title) % 9)
    media = [_upload(file, writer) for file in spec.files]
    body = "".join(f'<p style="text-indent: 2em">{text}</p>' for text in spec.paragraphs)
    article = articles.save_article(None, {
        "title": spec.title, "subtitle": spec.subtitle, "summary": spec.summary, "source": spec.source,
        "author": spec.author, "body": body, "column_id": column_id, "attachment_ids": [m.id for m in media],
        "cover_media_id": None,
    }, user=writer)
    articles.transition(article, Action.SUBMIT, user=writer, role=Role.EDITOR)
    articles.transition(article, Action.PUBLISH, user=publisher, role=role, publish_at=published_at)
    # The demo's history is back-dated with the publication, as if written then.
    article.created_at = article.updated_at = published_at - timedelta(minutes=30)


def _upload(file: Attachment, by):
    build, content_type = FILE_TYPES[file.kind]
    data = build(file.title, list(file.lines))
    return store_upload(FileStorage(io.BytesIO(data), filename=file.filename, content_type=content_type), by=by)
