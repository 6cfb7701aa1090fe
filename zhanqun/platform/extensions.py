"""Flask extensions, created unbound here and bound to the app in ``create_app``."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from zhanqun.platform.db import Base
from zhanqun.tenants.scoping import TenantSession

db = SQLAlchemy(model_class=Base, session_options={"class_": TenantSession})
migrate = Migrate()
babel = Babel()
csrf = CSRFProtect()
login_manager = LoginManager()
