"""Flask extension objects, created unbound so that nothing happens at import time."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from .db.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# responses compressed (brotli, gzip, ...) for clients that say they read it: web/assets.py
compress = Compress()
# No default limits: each limited route says its own (web/auth.py). The storage comes from
# the app's RATELIMIT_STORAGE_URI (Redis when SPACEMATCH_REDIS_URL is set, else memory).
limiter = Limiter(key_func=get_remote_address)
