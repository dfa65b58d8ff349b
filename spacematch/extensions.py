"""Flask extension objects, created unbound so that nothing happens at import time."""

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from .db.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
