"""Accounts: users, memberships and roles, signing in to the console."""
from flask import Flask
from flask_babel import lazy_gettext as _l

from zhanqun.platform.extensions import db, login_manager


def init_app(app: Flask) -> None:
    """Bind Flask-Login (console host only) and register the sign-in pages and the ``users`` CLI."""
    from zhanqun.platform.accounts import cli, views
    from zhanqun.platform.accounts.sessions import ConsoleOnlySessionInterface

    app.session_interface = ConsoleOnlySessionInterface()
    login_manager.login_view = "accounts.signin"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
    login_manager.user_loader(load_user)
    app.register_blueprint(views.bp)
    app.cli.add_command(cli.users)


def load_user(user_id: str):
    """The signed-in user from the session, if the account is active and the session current.

    The session holds ``<id>:<session_version>``; bumping the version (deactivation,
    password reset or change) ends every other session of that user at their next request.
    """
    from zhanqun.platform.accounts.models import User

    try:
        id_part, version_part = user_id.split(":", 1)
        user = db.session.get(User, int(id_part))
        version = int(version_part)
    except (ValueError, TypeError):
        return None
    if user is None or not user.is_active or user.session_version != version:
        return None
    return user
