"""Tells the media library which articles use a file, so a file in use is never deleted."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from zhanqun.platform.articles.models import Article, ArticleAttachment
from zhanqun.platform.extensions import db
from zhanqun.platform.media.models import Media

MAX_NAMED = 5


def article_uses(media: Media) -> str | None:
    """A sentence naming the articles that show ``media`` as cover, attachment or in their text."""
    from zhanqun.platform.media.services import media_url

    titles = db.session.scalars(
        sa.select(Article.title).where(sa.or_(
            Article.cover_media_id == media.id,
            Article.id.in_(sa.select(ArticleAttachment.article_id).where(ArticleAttachment.media_id == media.id)),
            Article.body.contains(media_url(media), autoescape=True),
        )).order_by(Article.id).limit(MAX_NAMED + 1)
    ).all()
    if not titles:
        return None
    named = "、".join(f"“{t}”" for t in titles[:MAX_NAMED])
    if len(titles) > MAX_NAMED:
        named += "…"
    return _("Used by the articles %(titles)s", titles=named)
