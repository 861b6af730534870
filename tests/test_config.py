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
    """Head creates every table; one step back and up again lands on exactly the same schema."""
    from alembic.migration import MigrationContext

    instance = tmp_path / "instance"
    app = create_app(BareConfig, instance_path=str(instance))

    def schema():
        inspector = sa.inspect(db.engine)
        return {table: ({c["name"] for c in inspector.get_columns(table)}, {i["name"] for i in inspector.get_indexes(table)})
                for table in inspector.get_table_names()}

    def revision():
        with db.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()

    with app.app_context():
        upgrade()
        head, at_head = revision(), schema()
        assert {"lesson", "question", "question_version", "attempt", "answer", "user", "review_card",
                "classroom", "assignment"} <= set(at_head)
        downgrade(revision="-1")
        assert revision() != head and schema() != at_head
        upgrade()
        assert revision() == head and schema() == at_head
        downgrade(revision="base")
        assert set(schema()) <= {"alembic_version"}
        db.engine.dispose()


def test_the_models_match_the_migrations(tmp_path):
    """Autogenerate finds nothing to add: every model change has its Alembic revision."""
    app = create_app(BareConfig, instance_path=str(tmp_path / "instance"))
    with app.app_context():
        upgrade()
        check()  # raises when the models and the migrated schema differ
        db.engine.dispose()


def test_migrations_keep_existing_data_when_they_rebuild_tables(make_app):
    """Batch migrations rebuild SQLite tables that others reference; learners' rows must survive."""
    import re

    app = make_app("loaded")
    client = app.test_client()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', client.get("/lessons/trade/quiz").get_data(as_text=True)).group(1)
    public_id = client.post("/lessons/trade/quiz/start", data={"mode": "test", "csrf_token": token}).headers["Location"].rsplit("/", 1)[-1]
    client.post(f"/attempts/{public_id}/submit", data={"csrf_token": token})
    def count(table: str) -> int:
        with db.engine.connect() as connection:  # closed at once: PostgreSQL's DROP TABLE waits for open readers
            return connection.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar()

    with app.app_context():
        before = {table: count(table) for table in ("lesson", "question", "answer", "review_card")}
        assert before["answer"] == 10
        downgrade(revision="-2")
        upgrade()
        assert {table: count(table) for table in before} == before
        db.engine.dispose()
