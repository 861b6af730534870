"""Configuration from the environment, with defaults that are safe on a developer's machine."""

import os
import secrets
from pathlib import Path

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
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    # Served over HTTPS (set BACKCHANNEL_HTTPS=1 behind TLS): cookies are then never sent in clear.
    SESSION_COOKIE_SECURE = os.environ.get("BACKCHANNEL_HTTPS") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")


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


def default_database_uri(instance_path: str) -> str:
    """SQLite file under the instance folder."""
    return f"sqlite:///{Path(instance_path) / 'backchannel.sqlite3'}"
