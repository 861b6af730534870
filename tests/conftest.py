"""Fixtures in flaskr's style: an app per test on its own migrated SQLite file, a client, a runner.

Migrating and loading the shipped course happen once per session into template files that each
test copies, so every test starts from a real migrated database without paying for it.
"""

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT, Config
from app.course_loader import read_everything, store_course
from app.extensions import db

SHARED = PROJECT_ROOT.parent / "shared"


def make_config(database: Path, **overrides) -> type:
    """A test configuration class using ``database`` as its SQLite file."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        "COURSE_DIR": PROJECT_ROOT,
        "LOGIN_RATE_LIMIT": "1000 per minute",
        **overrides,
    }
    return type("TestConfig", (Config,), settings)


@dataclass
class Shipped:
    lessons: list
    banks: list

    def bank(self, slug: str):
        return next(bank for bank in self.banks if bank.slug == slug)


@pytest.fixture(scope="session")
def shipped_course() -> Shipped:
    """The project's own course (lessons and banks), read, checked and rendered once."""
    lessons, banks, problems = read_everything(PROJECT_ROOT)
    assert not problems, "\n".join(str(problem) for problem in problems)
    return Shipped(lessons, banks)


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory, shipped_course):
    """Two migrated database files: empty, and with the shipped course loaded."""
    folder = tmp_path_factory.mktemp("templates")
    empty, loaded = folder / "empty.sqlite3", folder / "loaded.sqlite3"
    app = create_app(make_config(empty), instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    shutil.copy(empty, loaded)
    app = create_app(make_config(loaded), instance_path=str(folder / "instance"))
    with app.app_context():
        store_course(shipped_course.lessons, shipped_course.banks)
        db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()
    return {"empty": empty, "loaded": loaded}


@pytest.fixture
def make_app(database_templates, tmp_path):
    """Factory: an app on a private copy of the "empty" or "loaded" template database."""
    apps = []

    def factory(template: str = "loaded", **overrides):
        database = tmp_path / f"test-{len(apps)}.sqlite3"
        shutil.copy(database_templates[template], database)
        app = create_app(make_config(database, **overrides), instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def empty_app(make_app):
    """An app on a migrated database with no course loaded."""
    return make_app("empty")


@pytest.fixture
def app(make_app):
    """An app on a migrated database holding the shipped course."""
    return make_app("loaded")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_token(client, path: str = "/account/login") -> str:
    """The CSRF token a real form on ``path`` carries for this client's session."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


PASSWORD = "Lahore-bus-1999"


class AuthActions:
    """flaskr's auth helper, extended: register, log in and out through the real forms."""

    def __init__(self, client):
        self.client = client

    def register(self, username: str = "amina", password: str = PASSWORD, **extra):
        return self.client.post("/account/register", data={
            "username": username, "password": password, "password2": password,
            "csrf_token": csrf_token(self.client, "/account/register"), **extra})

    def login(self, username: str = "amina", password: str = PASSWORD, next_url: str | None = None):
        path = "/account/login" + (f"?next={next_url}" if next_url else "")
        return self.client.post(path, data={"username": username, "password": password,
                                            "csrf_token": csrf_token(self.client)})

    def logout(self):
        return self.client.post("/account/logout", data={"csrf_token": csrf_token(self.client, "/")})


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)
