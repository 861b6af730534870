"""Extension objects, created unbound; ``create_app`` binds them to an application."""

from datetime import datetime

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFProtect


class Base(so.DeclarativeBase):
    """Declarative base: named constraints (so Alembic can alter them on SQLite too) and
    timezone-aware timestamps on every engine."""

    registry = so.registry(
        metadata=sa.MetaData(naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }),
        type_annotation_map={datetime: sa.DateTime(timezone=True)},
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
csrf = CSRFProtect()
login = LoginManager()
login.login_view = "accounts.login"
login.login_message = _l("Please log in to see that page.")
limiter = Limiter(get_remote_address)


def rollback_quietly() -> None:
    """Roll the session back on an error path. When the connection itself has died, even the
    rollback can fail; the session is then discarded so the next request starts clean."""
    try:
        db.session.rollback()
    except sa.exc.SQLAlchemyError:
        db.session.remove()
