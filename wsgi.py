"""WSGI entry point: ``gunicorn wsgi:app``."""
import sys

from zhanqun.platform.config import ConfigError
from zhanqun import create_app

try:
    app = create_app()
except ConfigError as exc:
    # One line that says why, instead of a traceback in the server log.
    print(f"zhanqun: {exc}", file=sys.stderr)
    raise SystemExit(1) from None
