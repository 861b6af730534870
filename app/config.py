"""Configuration from the environment, with defaults that are safe on a developer's machine."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Config:
    """Settings read once from the environment; anything unset falls back to a safe default.

    ``SECRET_KEY`` and ``SQLALCHEMY_DATABASE_URI`` may be ``None`` here: the factory fills them
    from the instance folder (a key generated once, a SQLite file) when they are not given.
    """

    SECRET_KEY = os.environ.get("SECRET_KEY")
    # gunicorn.conf.py sets BACKCHANNEL_ENV=production: then SECRET_KEY must come from the environment.
    PRODUCTION = os.environ.get("BACKCHANNEL_ENV") == "production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # A pooled connection that died (database restarted) is noticed and replaced before use.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    COURSE_DIR = Path(os.environ.get("BACKCHANNEL_COURSE_DIR", PROJECT_ROOT))
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    # Seconds one import (web or `flask bank import`) and one preview may work before they stop and
    # store nothing; asked between questions and fields, as threads cannot be interrupted (audit F-06).
    IMPORT_TIME_BUDGET = float(os.environ.get("IMPORT_TIME_BUDGET", 10))
    PREVIEW_TIME_BUDGET = float(os.environ.get("PREVIEW_TIME_BUDGET", 5))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS (set BACKCHANNEL_HTTPS=1 behind TLS): cookies are then never sent in clear,
    # and Strict-Transport-Security tells browsers never to try plain HTTP.
    HTTPS = os.environ.get("BACKCHANNEL_HTTPS") == "1"
    SESSION_COOKIE_SECURE = HTTPS
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = HTTPS
    PREFERRED_URL_SCHEME = "https" if HTTPS else "http"  # for links built outside a request (the CLI)
    # Server-side login sessions (accounts.sessions): "Keep me logged in" lasts 30 days (ASVS 3.3.2
    # asks for re-authentication at least every 30 days), any other login a 12-hour school day.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    LOGIN_SESSION_LIFETIME = timedelta(hours=12)
    # The host names this site answers to, comma-separated (".example.org" includes its subdomains).
    # Any other Host header gets a 400, so links built from the request cannot point elsewhere.
    TRUSTED_HOSTS = [host.strip() for host in os.environ.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None
    WTF_CSRF_TIME_LIMIT = None
    # Rate limits (README, "Rate limits"): counted in the database by default, so every gunicorn
    # worker and every server agree; RATELIMIT_STORAGE_URI=redis://host:6379 moves them to Redis.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    RATELIMIT_STRATEGY = "fixed-window"
    # No X-RateLimit-* headers: reading them back costs two queries per limited request, and a database
    # failing after the view answered would turn a finished response into a 500. Every 429 still
    # carries Retry-After (app.errors.handlers).
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")  # login posts per address
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per 15 minutes")  # logins and password checks per account
    REGISTER_RATE_LIMIT = os.environ.get("REGISTER_RATE_LIMIT", "30 per hour")  # per address: a class behind one NAT fits
    GUEST_START_RATE_LIMIT = os.environ.get("GUEST_START_RATE_LIMIT", "60 per hour")  # quiz starts per guest address
    LEARNER_START_RATE_LIMIT = os.environ.get("LEARNER_START_RATE_LIMIT", "300 per hour")  # per account
    JOIN_RATE_LIMIT = os.environ.get("JOIN_RATE_LIMIT", "10 per 15 minutes")  # wrong class codes, per account and per address
    ANKI_RATE_LIMIT = os.environ.get("ANKI_RATE_LIMIT", "30 per hour")  # deck builds per account or guest address
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "120 per minute")  # per token; per address without one
    # Reading-time posts per account or guest address: a page sends one every 30 seconds (and on leaving); dozens of tabs fit.
    STUDY_TIME_RATE_LIMIT = os.environ.get("STUDY_TIME_RATE_LIMIT", "60 per minute")
    # Practice stores one layout entry per question drawn: a 5,000-question bank would write 278 KB per start.
    PRACTICE_MAX_QUESTIONS = int(os.environ.get("PRACTICE_MAX_QUESTIONS", "100"))
    # Outgoing e-mail (password resets, address confirmations) goes to MAIL_SERVER. Without one, production sends
    # none (the reset page points to recovery codes instead) and development writes each message to
    # instance/outbox/ as an .eml file (app/mail.py). MAIL_USE_TLS=1 starts TLS after connecting.
    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_FROM = os.environ.get("MAIL_FROM", "Backchannel <no-reply@localhost>")
    MAIL_TIMEOUT = float(os.environ.get("MAIL_TIMEOUT", "10"))  # seconds to wait for the mail server
    # "pgbouncer" when DATABASE_URL points at a pooler in transaction mode: each transaction may run on another
    # server connection, where a statement psycopg prepared on the last one does not exist (PgBouncer < 1.21 keeps none).
    DATABASE_POOLER = os.environ.get("DATABASE_POOLER") or None
    # Where the version signals live (app/versions.py): unset, files under instance/versions/ (one machine);
    # redis://host:6379/0 when several servers share the database, polled at most every VERSION_POLL_SECONDS.
    VERSION_SIGNAL_URL = os.environ.get("VERSION_SIGNAL_URL") or None
    VERSION_POLL_SECONDS = float(os.environ.get("VERSION_POLL_SECONDS", "1"))
    # How many proxies in front of the app append to X-Forwarded-For; 0 (default): the header is ignored.
    PROXY_HOPS = int(os.environ.get("BACKCHANNEL_PROXY_HOPS", "0"))


def instance_secret_key(instance_path: str) -> str:
    """Return the key stored in ``instance/secret_key``, creating it (mode 600) on first use.

    The key is written to a private temporary file and hard-linked into place, so two processes
    starting at once agree on one key and neither reads a half-written file.
    """
    key_file = Path(instance_path) / "secret_key"
    if not key_file.exists():
        Path(instance_path).mkdir(parents=True, exist_ok=True)
        draft = key_file.with_name(f".secret_key.{os.getpid()}")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return key_file.read_text(encoding="ascii").strip()


def create_private_sqlite_file(database_uri: str) -> None:
    """Create a SQLite database file mode 600 before SQLite creates it 644: it holds password and
    token hashes. SQLite gives its -wal and -shm files the database file's mode. A file that exists,
    or a folder that does not, is left alone."""
    url = sa.engine.make_url(database_uri)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if path.parent.is_dir():
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        except FileExistsError:
            pass


def default_database_uri(instance_path: str) -> str:
    """SQLite file under the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'backchannel.sqlite3'}"
