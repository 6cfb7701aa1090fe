"""The media library: per-site uploads, checked by content, served safely from the site's hosts."""
from flask import Flask


def init_app(app: Flask) -> None:
    """Register the console pages, the public file URLs, the 413 page and the template helpers."""
    from werkzeug.exceptions import RequestEntityTooLarge

    from zhanqun.platform.media import services, views

    app.register_blueprint(views.bp)
    app.register_blueprint(views.public_bp)
    app.register_error_handler(RequestEntityTooLarge, views.request_too_large)
    app.jinja_env.filters["filesize"] = services.human_size
    app.jinja_env.globals.update(media_url=services.media_url, media_type_label=services.type_label)
