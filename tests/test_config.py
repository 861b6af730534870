"""Configuration defaults: a secret key made once, SQLite under instance/ in WAL mode, migrations."""

import os
import stat

import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade

from app import create_app
from app.config import Config
from app.extensions import db


class BareConfig(Config):
    """The production defaults, as a fresh clone gets them (no SECRET_KEY, no DATABASE_URL)."""

    SECRET_KEY = None
    SQLALCHEMY_DATABASE_URI = None


def test_secret_key_is_generated_once_into_instance(tmp_path):
    instance = tmp_path / "instance"
    first = create_app(BareConfig, instance_path=str(instance))
    second = create_app(BareConfig, instance_path=str(instance))
    key_file = instance / "secret_key"
    assert len(first.config["SECRET_KEY"]) == 64
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"] == key_file.read_text()
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert not list(instance.glob(".secret_key.*"))


def test_default_database_is_sqlite_under_instance_with_wal_and_foreign_keys(tmp_path):
    instance = tmp_path / "instance"
    app = create_app(BareConfig, instance_path=str(instance))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{instance / 'backchannel.sqlite3'}"
    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


def test_migrations_upgrade_an_empty_database_and_step_back(tmp_path):
    instance = tmp_path / "instance"
    app = create_app(BareConfig, instance_path=str(instance))
    with app.app_context():
        upgrade()
        assert {"lesson", "question", "question_version", "attempt", "answer"} <= set(sa.inspect(db.engine).get_table_names())
        downgrade(revision="-1")
        tables = set(sa.inspect(db.engine).get_table_names())
        assert "review_card" in tables and "assignment" not in tables and "classroom" not in tables
        downgrade(revision="base")
        assert "lesson" not in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_the_models_match_the_migrations(tmp_path):
    """Autogenerate finds nothing to add: every model change has its Alembic revision."""
    app = create_app(BareConfig, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        upgrade()
        check()  # raises when the models and the migrated schema differ
        db.engine.dispose()
