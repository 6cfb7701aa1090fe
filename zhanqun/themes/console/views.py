"""``/sites/<slug>/theme``: choose a theme, preview it on the site, fill its settings."""
from __future__ import annotations

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
from flask_login import current_user

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.console.access import site_role_required
from zhanqun.platform.extensions import db
from zhanqun.tenants.labels import site_url
from zhanqun.themes import services
from zhanqun.themes.rendering import preview_token, registry
from zhanqun.themes.settings import effective_settings, parse_form
from zhanqun.themes.uploads import ImageRefused, store_image

bp = Blueprint("theme_settings", __name__, subdomain="console", template_folder="templates")


def _chosen_theme(name: str | None):
    themes = registry()
    if not name:
        return themes.effective(g.site.theme, g.site.kind)
    theme = themes.get(name)
    if theme is None or theme not in themes.selectable():
        abort(404)
    return theme


def _preview_url(theme) -> str:
    query = f"/?preview_theme={theme.name}&preview_token={preview_token(g.site.id, theme.name)}"
    return site_url(g.site, query)


def _page(theme, values, errors, status=200):
    return render_template(
        "themes/settings.html", site=g.site, themes=registry().selectable(), problems=registry().problems,
        chosen=theme, values=values, errors=errors, preview_url=_preview_url,
        in_use=registry().effective(g.site.theme, g.site.kind),
    ), status


@bp.route("/sites/<slug>/theme")
@site_role_required(Role.SITE_ADMIN)
def edit():
    """The themes to choose from, and the settings form of the chosen one."""
    theme = _chosen_theme(request.args.get("theme"))
    return _page(theme, effective_settings(theme, g.site.theme_settings), {})


@bp.route("/sites/<slug>/theme", methods=["POST"])
@site_role_required(Role.SITE_ADMIN)
def save():
    """Save the chosen theme's settings; "save and use" also switches the site to it."""
    theme = _chosen_theme(request.form.get("theme"))
    current = effective_settings(theme, g.site.theme_settings)
    values, errors = parse_form(theme, request.form, current)
    if not errors:
        errors = _store_images(theme, values)
    if errors:
        db.session.rollback()  # nothing half-saved: not even an image added to the library
        shown = {**values, **{n: current[n] for n, s in theme.settings.items() if s.type == "image"}}
        return _page(theme, shown, errors, status=400)
    use_theme = request.form.get("action") == "apply"
    services.save_theme_settings(g.site.id, theme.name, values, use_theme=use_theme, by=current_user)
    db.session.commit()
    if use_theme:
        flash(_("The site now uses the theme “%(theme)s”.", theme=theme.label_for(_locale())), "success")
    else:
        flash(_("The settings of “%(theme)s” are saved.", theme=theme.label_for(_locale())), "success")
    return redirect(url_for("theme_settings.edit", slug=g.site.slug, theme=theme.name))


def _store_images(theme, values: dict) -> dict[str, list[str]]:
    """Add the uploaded images to the media library, their addresses to ``values``."""
    errors = {}
    for name, setting in theme.settings.items():
        upload = request.files.get(name)
        if setting.type == "image" and upload is not None and upload.filename:
            try:
                values[name] = store_image(upload, by=current_user)
            except ImageRefused as exc:
                errors[name] = [str(exc)]
    return errors


def _locale() -> str:
    from zhanqun.platform.i18n import select_locale

    return select_locale()
