"""The console (管理后台) shell: dashboard, site switcher, per-site navigation, members, users."""
from flask import Flask, g, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError


def init_app(app: Flask) -> None:
    """Register the console's pages."""
    from zhanqun.platform.console import members, users, views

    app.register_blueprint(views.bp)
    app.register_blueprint(members.bp)
    app.register_blueprint(users.bp)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.jinja_env.globals.update(role_options=role_options, site_options=site_options)

    @app.context_processor
    def _console_nav():
        from zhanqun.platform.console.navigation import console_context

        return console_context()


def role_options() -> list[tuple[str, str]]:
    """``(value, label)`` of every role, for a select."""
    from zhanqun.platform.accounts.models import Role
    from zhanqun.platform.templating import role_label

    return [(role.value, role_label(role)) for role in Role]


def site_options(sites) -> list[tuple[int, str]]:
    """``(id, name)`` of ``sites``, for a select."""
    return [(site.id, site.name) for site in sites]


def _csrf_failed(exc: CSRFError):
    """400 with a message a person can act on; nothing was changed."""
    from zhanqun.platform.errors import render_error
    from zhanqun.tenants.resolver import HostKind, hostmap

    # The CSRF check runs before the host is resolved; the page needs to know where it is.
    if "host_kind" not in g:
        g.host_kind = hostmap().classify(request.host)
    if g.host_kind != HostKind.CONSOLE:
        return render_error(400)
    return render_error(400, _("The form could not be accepted because it was too old or was not sent from this console. "
                               "Nothing was changed. Go back, reload the page and try again."))
