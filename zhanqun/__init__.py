"""zhanqun (站群): one Flask core serving a county's portal and every department's sub-site."""
from zhanqun.platform.app import create_app

__all__ = ["create_app"]
