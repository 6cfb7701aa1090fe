"""The console (管理后台) shell: dashboard, site switcher, per-site navigation, members, users."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the console's pages."""
    from zhanqun.platform.console import views

    app.register_blueprint(views.bp)

    @app.context_processor
    def _console_nav():
        from zhanqun.platform.console.navigation import console_context

        return console_context()
