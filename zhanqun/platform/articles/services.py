"""Writing articles: saving with revisions and optimistic locking, review actions, restores.

Services flush; the view commits once. Every body goes through the sanitiser here, so no
caller can store unsanitised HTML.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role, User
from zhanqun.platform.articles.models import Article, ArticleAttachment, ArticleRevision
from zhanqun.platform.columns.models import Column, ColumnKind
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media, MediaKind
from zhanqun.platform.sanitize import sanitize_html
from zhanqun.platform.workflow import services as workflow
from zhanqun.platform.workflow.models import Status
from zhanqun.tenants.models import Tenant
from zhanqun.tenants.scoping import current_tenant_id

ITEM_TYPE = "article"
# Columns that hold articles: lists only (a special topic's boards are list columns themselves;
# catalogue columns hold catalogue entries).
ARTICLE_KINDS = frozenset({ColumnKind.LIST})
TEXT_FIELDS = ("title", "subtitle", "summary", "source", "author")
# Statuses in which an editor may still change an article; reviewers may change any.
EDITOR_EDITABLE = frozenset({Status.DRAFT, Status.REJECTED, Status.WITHDRAWN})


class ArticleError(Exception):
    """Input that breaks a rule; ``field`` names the form field to show ``str(exc)`` on."""

    def __init__(self, message: str, field: str):
        super().__init__(message)
        self.field = field


class StaleArticle(Exception):
    """Someone else saved the article since this form was opened; nothing was written."""


def can_edit(article: Article, role: Role) -> bool:
    """Editors change drafts and returned articles; reviewers and site admins change any."""
    return role.includes(Role.REVIEWER) or article.status in EDITOR_EDITABLE


def save_article(article: Article | None, data: dict, *, user: User, expected_version: int | None = None) -> Article:
    """Create (``article=None``) or update an article from validated form ``data``; keeps a revision.

    ``expected_version`` is the ``lock_version`` the form was opened with: a different
    current version raises :class:`StaleArticle`, as does a concurrent save that SQLAlchemy's
    version counter catches at flush.
    """
    if article is not None and expected_version != article.lock_version:
        raise StaleArticle()
    column = _article_column(data["column_id"])
    cover = _cover(data.get("cover_media_id"))
    attachments = _attachments(data.get("attachment_ids") or [])
    if article is None:
        article = Article(created_by_id=user.id, status=Status.DRAFT)
        db.session.add(article)
    try:
        _set_attachments(article, attachments)
        for name in TEXT_FIELDS:
            setattr(article, name, data.get(name) or "")
        article.body = sanitize_html(data.get("body"))
        article.column_id = column.id
        article.cover_media_id = cover.id if cover else None
        if "published_at" in data:
            article.published_at = data["published_at"]
        db.session.flush()
    except StaleDataError as exc:
        raise StaleArticle() from exc
    _add_revision(article, user)
    return article


def _article_column(column_id: int) -> Column:
    column = db.session.scalar(sa.select(Column).where(Column.id == column_id))
    if column is None or column.kind not in ARTICLE_KINDS:
        raise ArticleError(_("Choose a column that holds articles."), "column_id")
    return column


def _cover(media_id: int | None) -> Media | None:
    if media_id is None:
        return None
    media = db.session.scalar(sa.select(Media).where(Media.id == media_id))
    if media is None or media.kind != MediaKind.IMAGE:
        raise ArticleError(_("Choose an image of this site’s media library."), "cover_media_id")
    return media


def _attachments(media_ids: list[int]) -> list[Media]:
    ids = list(dict.fromkeys(media_ids))
    if not ids:
        return []
    found = {m.id: m for m in db.session.scalars(sa.select(Media).where(Media.id.in_(ids)))}
    if len(found) != len(ids):
        raise ArticleError(_("Choose files of this site’s media library."), "attachment_ids")
    return [found[i] for i in ids]


def _set_attachments(article: Article, media: list[Media]) -> None:
    wanted = [m.id for m in media]
    if [link.media_id for link in article.attachment_links] == wanted:
        return
    article.attachment_links = [ArticleAttachment(media=m, media_id=m.id, position=i) for i, m in enumerate(media)]


def _add_revision(article: Article, user: User) -> ArticleRevision:
    last = db.session.scalar(sa.select(sa.func.max(ArticleRevision.number)).where(ArticleRevision.article_id == article.id))
    revision = ArticleRevision(
        article_id=article.id, number=(last or 0) + 1, column_id=article.column_id, body=article.body,
        published_at=article.published_at, cover_media_id=article.cover_media_id,
        attachment_ids=[link.media_id for link in article.attachment_links], created_by_id=user.id,
        **{name: getattr(article, name) for name in TEXT_FIELDS},
    )
    db.session.add(revision)
    db.session.flush()
    return revision


def revision_data(revision: ArticleRevision) -> dict:
    """The data a revision holds, as :func:`save_article` takes it (for restoring it)."""
    return _data(revision, list(revision.attachment_ids or []))


def article_data(article: Article) -> dict:
    """The article's current data, as :func:`save_article` takes it (for filling the form)."""
    return _data(article, [link.media_id for link in article.attachment_links])


def _data(source, attachment_ids: list[int]) -> dict:
    data = {name: getattr(source, name) for name in TEXT_FIELDS}
    data.update(body=source.body, column_id=source.column_id, published_at=source.published_at,
                cover_media_id=source.cover_media_id, attachment_ids=attachment_ids)
    return data


def restore_revision(article: Article, revision: ArticleRevision, *, user: User) -> None:
    """Make ``revision`` the article's current text again; this is a new save and a new revision.

    Files or columns deleted since then are left out rather than failing the restore.
    """
    data = revision_data(revision)
    existing_media = set(db.session.scalars(sa.select(Media.id).where(
        Media.id.in_([*data["attachment_ids"], data["cover_media_id"] or 0]))))
    data["attachment_ids"] = [i for i in data["attachment_ids"] if i in existing_media]
    if data["cover_media_id"] not in existing_media:
        data["cover_media_id"] = None
    if db.session.scalar(sa.select(Column.id).where(Column.id == data["column_id"])) is None:
        data["column_id"] = article.column_id
    save_article(article, data, user=user, expected_version=article.lock_version)
    audit.record("article.restore", user=user, tenant_id=article.tenant_id, article_id=article.id, revision=revision.number)


def transition(article: Article, action, *, user: User, role: Role, comment: str = "", publish_at=None):
    """Apply a review action to ``article`` with the site's rules; raises ``WorkflowError``."""
    tenant = db.session.get(Tenant, current_tenant_id())
    result = workflow.apply(article, action, user=user, role=role, item_type=ITEM_TYPE, comment=comment,
                            require_other_reviewer=tenant.review_requires_other_person, publish_at=publish_at)
    audit.record(f"article.{result.action}", user=user, tenant_id=article.tenant_id, article_id=article.id,
                 title=article.title)
    return result


@dataclass
class BulkResult:
    """What a bulk action did: the articles changed and, per refused article, why."""

    done: list[Article]
    failed: list[tuple[Article, str]]


def bulk_transition(article_ids: list[int], action, *, user: User, role: Role) -> BulkResult:
    """Apply ``action`` to each article it is allowed on; the others are reported, not skipped silently."""
    articles = db.session.scalars(sa.select(Article).where(Article.id.in_(article_ids)).order_by(Article.id)).all()
    result = BulkResult([], [])
    for article in articles:
        try:
            transition(article, action, user=user, role=role)
        except workflow.WorkflowError as exc:
            result.failed.append((article, str(exc)))
        else:
            result.done.append(article)
    return result


def can_delete(article: Article, role: Role) -> bool:
    """Articles may be deleted by those who may edit them, except while published (withdraw first)."""
    return can_edit(article, role) and article.status != Status.PUBLISHED


def delete_article(article: Article, *, user: User, role: Role) -> None:
    """Delete an article with its revisions; raises :class:`ArticleError` when the rules refuse."""
    if not can_delete(article, role):
        raise ArticleError(_("A published article must be withdrawn before it is deleted."), "status")
    audit.record("article.delete", user=user, tenant_id=article.tenant_id, article_id=article.id, title=article.title)
    db.session.delete(article)
    db.session.flush()


def bulk_move(article_ids: list[int], column_id: int, *, user: User, role: Role) -> BulkResult:
    """Move the articles to another list column; those the user may not change are reported."""
    column = _article_column(column_id)
    articles = db.session.scalars(sa.select(Article).where(Article.id.in_(article_ids)).order_by(Article.id)).all()
    result = BulkResult([], [])
    for article in articles:
        if not can_edit(article, role):
            result.failed.append((article, _("Only a reviewer can change it while it is under review or published.")))
            continue
        article.column_id = column.id
        db.session.flush()
        _add_revision(article, user)
        audit.record("article.move", user=user, tenant_id=article.tenant_id, article_id=article.id, column_id=column.id)
        result.done.append(article)
    return result
