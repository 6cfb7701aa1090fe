"""The public pages every site serves."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the public pages, the health check and the link helpers templates use."""
    from zhanqun.platform.public import content, health, reads, views

    app.register_blueprint(views.bp)
    app.register_blueprint(health.bp)
    app.teardown_appcontext(reads.release)
    # Links to columns and articles, for the content templates and any theme.
    app.jinja_env.globals.update(column_url=content.column_url, article_url=content.article_url,
                                 column_path=content.column_path, article_path=content.article_path)
