"""Creating, checking and revoking API tokens. Services flush; the caller commits."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from zhanqun.platform.api.models import ApiToken
from zhanqun.platform.db import utcnow
from zhanqun.platform.extensions import db
from zhanqun.tenants.scoping import cross_tenant

SCOPES = {
    "articles:write": _l("Create and change article drafts"),
    "catalogue:write": _l("Create and change catalogue entry drafts"),
    "publish": _l("Publish what it may write"),
}
TOKEN_PREFIX = "zq_"


@dataclass(frozen=True)
class TokenActor:
    """Who acts when a token writes: recorded in the audit log and the review history."""

    token_id: int
    name: str
    id: None = None  # no user account: transitions and revisions record no user

    @property
    def username(self) -> str:
        return f"token:{self.name}"

    label = username


def parse_scopes(value: str | list[str]) -> list[str]:
    """``"a,b"`` or ``["a", "b"]`` as a checked list; unknown scopes raise ``ValidationError``."""
    items = value.split(",") if isinstance(value, str) else list(value)
    scopes = sorted({s.strip() for s in items if s.strip()})
    unknown = [s for s in scopes if s not in SCOPES]
    if unknown or not scopes:
        raise ValidationError({"scope": [_l("Choose from: %(scopes)s.", scopes=", ".join(SCOPES))]})
    return scopes


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(name: str, scopes: list[str], *, user=None) -> tuple[ApiToken, str]:
    """A new token of the current site; returns the row and the token text (shown once)."""
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"name": [_l("Give the token a name of up to 100 characters.")]})
    text = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(name=name, prefix=text[:10], token_hash=_digest(text), scopes=",".join(parse_scopes(scopes)),
                     created_by_id=user.id if user is not None else None)
    db.session.add(token)
    db.session.flush()
    return token, text


def find_active(text: str) -> ApiToken | None:
    """The unrevoked token with this text, whatever its site (the caller checks the site)."""
    if not text.startswith(TOKEN_PREFIX) or len(text) > 100:
        return None
    with cross_tenant():
        return db.session.scalar(sa.select(ApiToken).where(ApiToken.token_hash == _digest(text), ApiToken.revoked_at.is_(None)))


def list_tokens() -> list[ApiToken]:
    """The current site's tokens, newest first."""
    return list(db.session.scalars(sa.select(ApiToken).order_by(ApiToken.id.desc())))


def revoke(token: ApiToken) -> None:
    """Stop the token working at once (kept in the list for the record)."""
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    db.session.flush()
