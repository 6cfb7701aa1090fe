"""Template globals shared by the console and every theme."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from zhanqun.platform.accounts.models import Role
from zhanqun.platform.workflow.services import status_label as review_status_label
from zhanqun.tenants.labels import console_url, kind_label, site_url, status_label

ROLE_LABELS = {Role.EDITOR: _l("Editor"), Role.REVIEWER: _l("Reviewer"), Role.SITE_ADMIN: _l("Site administrator")}


def role_label(role) -> str:
    """The translated name of a role."""
    return str(ROLE_LABELS[Role(role)])


def init_app(app: Flask) -> None:
    """Register the globals."""
    app.jinja_env.globals.update(
        site_url=site_url, console_url=console_url, kind_label=kind_label,
        # Two kinds of status, two names: a site's (active/suspended/archived) and an item's review status.
        site_status_label=status_label, review_status_label=review_status_label,
        role_label=role_label, ROLES=list(Role),
    )
