"""Console page of a site's API tokens (site admins): create (shown once), list, revoke."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from marshmallow import ValidationError

from zhanqun.platform import audit
from zhanqun.platform.accounts.models import Role
from zhanqun.platform.api import tokens as service
from zhanqun.platform.api.models import ApiToken
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.console.navigation import site_menu_item
from zhanqun.platform.extensions import db
from zhanqun.platform.schemas import flatten_errors

bp = Blueprint("api_tokens", __name__, subdomain="console", template_folder="templates")
site_menu_item("api_tokens.index", _l("API tokens"), Role.SITE_ADMIN, order=90)


@bp.route("/sites/<slug>/api-tokens", methods=["GET", "POST"])
@site_role_required(Role.SITE_ADMIN)
def index():
    """The site's tokens; a new token is shown once, right after it is created."""
    errors, created = {}, None
    form = request.form
    if request.method == "POST":
        try:
            token, created = service.create_token(form.get("name", ""), form.getlist("scope"), user=current_user)
            audit.record("api.token.create", user=current_user, tenant_id=g.site.id, token_id=token.id,
                         name=token.name, scopes=token.scopes)
            db.session.commit()
        except ValidationError as exc:
            db.session.rollback()
            errors = flatten_errors(exc.messages)
    return render_template("api/tokens.html", tokens=service.list_tokens(), scopes=service.SCOPES, errors=errors,
                           created=created, form=form), 400 if errors else 200


@bp.route("/sites/<slug>/api-tokens/<int:token_id>/revoke", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def revoke(token_id: int):
    """Revoke one token of this site."""
    token = db.session.scalar(sa.select(ApiToken).where(ApiToken.id == token_id))
    if token is None:
        abort(404)
    service.revoke(token)
    audit.record("api.token.revoke", user=current_user, tenant_id=g.site.id, token_id=token.id)
    db.session.commit()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for(".index", slug=g.site.slug))
