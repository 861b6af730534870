"""Rate-limit counters in the application's own database, as a storage for the ``limits`` library.

Flask-Limiter's ``memory://`` counts inside each gunicorn worker, so five workers let five times the
limit through, and two servers twice that again. This storage keeps every counter in the ``rate_limit``
table, so every worker and every server counts the same requests, with nothing else to run. It serves
the fixed-window strategy: a window opens at a key's first hit and lasts the limit's period.

Each ``incr`` is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite ≥ 3.35 and PostgreSQL),
so concurrent hits from any number of processes are counted exactly. It runs on its own connection
from the application's engine and commits at once: never inside a request's session, whose
transaction may be rolled back (a refused login must still count).
"""

import hashlib
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app
from limits.storage import Storage
from sqlalchemy.dialects import postgresql, sqlite

from app.models import RateLimitCounter

COUNTERS = RateLimitCounter.__table__
KEY_LENGTH = COUNTERS.c.key.type.length
# Expired counters are deleted at most this often per process: one cheap DELETE, off most requests.
PURGE_EVERY_SECONDS = 60.0
UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def stored_key(key: str) -> str:
    """The key as stored: keys longer than the column (a limit on a long name) become a digest."""
    if len(key) <= KEY_LENGTH:
        return key
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()


class DatabaseStorage(Storage):
    """``database://``: fixed-window counters in the ``rate_limit`` table.

    ``engine`` defaults to the current Flask application's engine (looked up on each call, so one
    limiter serves every application built in a process); ``clock`` returns seconds since the epoch
    (tests pass their own).
    """

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *,
                 engine: sa.Engine | None = None, clock: Callable[[], float] = time.time, **options) -> None:
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._engine = engine
        self.clock = clock
        self._next_purge = 0.0
        self._purge_lock = threading.Lock()

    @property
    def base_exceptions(self) -> type[Exception]:
        return sa.exc.SQLAlchemyError

    @property
    def engine(self) -> sa.Engine:
        return self._engine or current_app.extensions["sqlalchemy"].engine

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add ``amount`` to the key's counter (a new window if none is open) and return the count."""
        now = self.clock()
        engine = self.engine
        expired = COUNTERS.c.expires_at <= now
        statement = (UPSERTS[engine.dialect.name](COUNTERS)
                     .values(key=stored_key(key), count=amount, expires_at=now + expiry))
        statement = statement.on_conflict_do_update(index_elements=[COUNTERS.c.key], set_={
            "count": sa.case((expired, amount), else_=COUNTERS.c.count + amount),
            "expires_at": sa.case((expired, now + expiry), else_=COUNTERS.c.expires_at),
        }).returning(COUNTERS.c.count)
        with engine.begin() as connection:
            count = connection.execute(statement).scalar_one()
        self._purge_if_due(engine, now)
        return count

    def get(self, key: str) -> int:
        """The count in the key's open window (0 when none is open)."""
        now = self.clock()
        with self.engine.connect() as connection:
            count = connection.scalar(sa.select(COUNTERS.c.count).where(
                COUNTERS.c.key == stored_key(key), COUNTERS.c.expires_at > now))
        return count or 0

    def get_expiry(self, key: str) -> float:
        """When the key's open window ends (now when none is open), in seconds since the epoch."""
        now = self.clock()
        with self.engine.connect() as connection:
            expires_at = connection.scalar(sa.select(COUNTERS.c.expires_at).where(
                COUNTERS.c.key == stored_key(key), COUNTERS.c.expires_at > now))
        return expires_at if expires_at is not None else now

    def check(self) -> bool:
        """True when the database answers."""
        try:
            with self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Forget every counter; return how many there were."""
        with self.engine.begin() as connection:
            return connection.execute(sa.delete(COUNTERS)).rowcount

    def clear(self, key: str) -> None:
        """Forget one key's counter."""
        with self.engine.begin() as connection:
            connection.execute(sa.delete(COUNTERS).where(COUNTERS.c.key == stored_key(key)))

    def _purge_if_due(self, engine: sa.Engine, now: float) -> None:
        """Delete counters whose window has closed, at most once a minute per process."""
        with self._purge_lock:
            if now < self._next_purge:
                return
            self._next_purge = now + PURGE_EVERY_SECONDS
        with engine.begin() as connection:
            connection.execute(sa.delete(COUNTERS).where(COUNTERS.c.expires_at <= now))
