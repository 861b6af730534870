"""Fixtures in flaskr's style: an app per test on its own migrated database, a client, a runner.

Migrating and loading the shipped course happen once per session into two template databases
("empty" and "loaded"); each test gets a private copy, so every test starts from a real migrated
database without paying for it. SQLite by default (file copies); PostgreSQL when
``BACKCHANNEL_TEST_POSTGRES`` holds a server URL such as
``postgresql+psycopg://postgres@127.0.0.1:54329`` (``CREATE DATABASE ... TEMPLATE``).
"""

import itertools
import os
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.config import PROJECT_ROOT, Config
from app.course_loader import read_everything, store_course
from app.extensions import db

SHARED = PROJECT_ROOT.parent / "shared"
POSTGRES = os.environ.get("BACKCHANNEL_TEST_POSTGRES")


def make_config(database_uri: str, **overrides) -> type:
    """A test configuration class on ``database_uri``."""
    settings = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "COURSE_DIR": PROJECT_ROOT,
        # Tests make many requests from one address; the limits' own tests set small ones.
        **{name: "10000 per minute" for name in ("LOGIN_RATE_LIMIT", "LOGIN_ACCOUNT_RATE_LIMIT", "REGISTER_RATE_LIMIT",
                                                "GUEST_START_RATE_LIMIT", "LEARNER_START_RATE_LIMIT", "JOIN_RATE_LIMIT",
                                                "ANKI_RATE_LIMIT", "API_RATE_LIMIT", "STUDY_TIME_RATE_LIMIT")},
        **overrides,
    }
    return type("TestConfig", (Config,), settings)


class SqliteDatabases:
    """Template databases as files; a test's database is a copy of one."""

    def __init__(self, folder: Path):
        self.folder = folder

    def create_template(self, name: str) -> str:
        return self.uri_of(name)

    def uri_of(self, name: str) -> str:
        return f"sqlite:///{self.folder / name}.sqlite3"

    def copy(self, name: str, target_folder: Path, number: int) -> str:
        target = target_folder / f"test-{number}.sqlite3"
        shutil.copy(self.folder / f"{name}.sqlite3", target)
        return f"sqlite:///{target}"

    def clone_template(self, source: str, name: str) -> None:
        shutil.copy(self.folder / f"{source}.sqlite3", self.folder / f"{name}.sqlite3")

    def drop(self, uri: str) -> None:
        """Files go with the test's temporary folder."""

    def close(self) -> None:
        """Template files go with the session's temporary folder."""


class PostgresDatabases:
    """Template databases on a PostgreSQL server; a test's database is CREATE DATABASE ... TEMPLATE."""

    counter = itertools.count()

    def __init__(self, server: str):
        self.server = server.rstrip("/")
        self.admin = sa.create_engine(f"{self.server}/postgres", isolation_level="AUTOCOMMIT")
        self.prefix = f"bc_{os.getpid()}"

    def _execute(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.exec_driver_sql(statement)

    def create_template(self, name: str) -> str:
        self._execute(f"DROP DATABASE IF EXISTS {self.prefix}_{name}")
        self._execute(f"CREATE DATABASE {self.prefix}_{name}")
        return self.uri_of(name)

    def uri_of(self, name: str) -> str:
        return f"{self.server}/{self.prefix}_{name}"

    def clone_template(self, source: str, name: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {self.prefix}_{name}")
        self._execute(f"CREATE DATABASE {self.prefix}_{name} TEMPLATE {self.prefix}_{source}")

    def copy(self, name: str, target_folder: Path, number: int) -> str:
        database = f"{self.prefix}_t{next(self.counter)}"
        self._execute(f"CREATE DATABASE {database} TEMPLATE {self.prefix}_{name}")
        return f"{self.server}/{database}"

    def drop(self, uri: str) -> None:
        self._execute(f"DROP DATABASE IF EXISTS {uri.rsplit('/', 1)[1]} WITH (FORCE)")

    def close(self) -> None:
        for name in ("loaded", "empty"):
            self._execute(f"DROP DATABASE IF EXISTS {self.prefix}_{name} WITH (FORCE)")
        self.admin.dispose()


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
    """Two migrated template databases: "empty", and "loaded" with the shipped course."""
    folder = tmp_path_factory.mktemp("templates")
    backend = PostgresDatabases(POSTGRES) if POSTGRES else SqliteDatabases(folder)
    app = create_app(make_config(backend.create_template("empty")), instance_path=str(folder / "instance"))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    backend.clone_template("empty", "loaded")
    app = create_app(make_config(backend.uri_of("loaded")), instance_path=str(folder / "instance"))
    with app.app_context():
        store_course(shipped_course.lessons, shipped_course.banks)
        if not POSTGRES:
            db.session.execute(db.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        db.engine.dispose()
    yield backend
    backend.close()


@pytest.fixture
def make_app(database_templates, tmp_path):
    """Factory: an app on a private copy of the "empty" or "loaded" template database."""
    apps = []

    def factory(template: str = "loaded", **overrides):
        uri = database_templates.copy(template, tmp_path, len(apps))
        app = create_app(make_config(uri, **overrides), instance_path=str(tmp_path / "instance"))
        apps.append(app)
        return app

    yield factory
    for app in apps:
        with app.app_context():
            db.engine.dispose()
        database_templates.drop(app.config["SQLALCHEMY_DATABASE_URI"])


@pytest.fixture
def twin(make_app):
    """Factory: another application on ``app``'s database (another gunicorn worker; ``instance_path`` of its own for
    another machine), closed after the test with the test's own apps. Its connections are closed in a fresh
    application context, after every request has handed its own back: on PostgreSQL one left open is a warning."""
    made = []

    def factory(app, instance_path: str | None = None, **overrides):
        other = create_app(make_config(app.config["SQLALCHEMY_DATABASE_URI"], **overrides),
                           instance_path=instance_path or app.instance_path)
        made.append(other)
        return other

    yield factory
    for other in made:
        with other.app_context():
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
def inbox():
    """A real SMTP server on loopback for one test (tests/mail_server.py); its ``port`` is where an app sends."""
    from tests.mail_server import start_mail_server  # skips the test where aiosmtpd is not installed

    controller, received = start_mail_server()
    received.port = controller.port
    yield received
    controller.stop()


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(scope="module")
def redis_url():
    """A throw-away redis-server on a free loopback port (skipped where Redis is not installed)."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (.ci/run installs Debian's redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=10)
