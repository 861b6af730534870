"""The database storage for rate limits (F-08): exact counts across connections, windows that end,
old rows purged; and Redis instead when configured. On SQLite and on PostgreSQL."""

import threading

import pytest
import sqlalchemy as sa
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from app.extensions import db
from app.ratelimit_storage import COUNTERS, PURGE_EVERY_SECONDS, DatabaseStorage
from tests.conftest import csrf_token


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_800_000_000.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def engine(make_app):
    app = make_app("empty")
    with app.app_context():
        yield db.engine


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def storage(engine, clock) -> DatabaseStorage:
    return storage_from_string("database://", engine=engine, clock=clock)


def stored_rows(engine) -> int:
    with engine.connect() as connection:
        return connection.scalar(sa.select(sa.func.count()).select_from(COUNTERS))


def test_the_database_scheme_is_the_default_storage(app):
    assert app.config["RATELIMIT_STORAGE_URI"] == "database://"
    assert isinstance(storage_from_string("database://"), DatabaseStorage)


def test_counts_within_a_window_and_starts_again_after_it(storage, clock):
    assert [storage.incr("login/1.2.3.4", 60) for _ in range(3)] == [1, 2, 3]
    assert storage.incr("login/1.2.3.4", 60, amount=2) == 5
    assert storage.get("login/1.2.3.4") == 5 and storage.get("someone-else") == 0
    assert storage.get_expiry("login/1.2.3.4") == clock.now + 60  # the window opened at the first hit
    clock.now += 59.5
    assert storage.incr("login/1.2.3.4", 60) == 6
    clock.now += 0.5  # the window's end: it is closed
    assert storage.get("login/1.2.3.4") == 0 and storage.get_expiry("login/1.2.3.4") == clock.now
    assert storage.incr("login/1.2.3.4", 60) == 1
    assert storage.get_expiry("login/1.2.3.4") == clock.now + 60


def test_clear_reset_and_check(storage):
    storage.incr("a", 60)
    storage.incr("b", 60)
    storage.clear("a")
    assert storage.get("a") == 0 and storage.get("b") == 1
    assert storage.reset() == 1 and storage.get("b") == 0
    assert storage.check() is True


def test_an_unreachable_database_fails_the_check(tmp_path):
    broken = sa.create_engine(f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.sqlite3'}")
    assert storage_from_string("database://", engine=broken).check() is False


def test_a_key_longer_than_the_column_is_stored_as_a_digest(storage, engine):
    long_key = "LIMITER/" + "x" * 400
    assert storage.incr(long_key, 60) == 1 and storage.incr(long_key, 60) == 2
    assert storage.get(long_key) == 2 and storage.get(long_key + "y") == 0
    with engine.connect() as connection:
        assert max(len(key) for key in connection.scalars(sa.select(COUNTERS.c.key))) <= 255


def test_closed_windows_are_purged(storage, engine, clock):
    for number in range(5):
        storage.incr(f"old-{number}", 60)
    clock.now += PURGE_EVERY_SECONDS + 61
    storage.incr("new", 60)
    assert stored_rows(engine) == 1


def test_the_fixed_window_limiter_allows_exactly_the_limit(storage):
    limiter = FixedWindowRateLimiter(storage)
    ten_a_minute = parse("10 per minute")
    assert [limiter.hit(ten_a_minute, "1.2.3.4") for _ in range(12)] == [True] * 10 + [False] * 2
    assert limiter.hit(ten_a_minute, "5.6.7.8")


def test_increments_from_many_threads_are_counted_exactly(engine):
    """Each increment is one atomic statement: 8 threads x 40 hits give 320, and every count is
    handed out once (no two hits ever see the same number)."""
    storage = DatabaseStorage("database://", engine=engine)
    barrier = threading.Barrier(8)
    seen: list[int] = []
    errors: list[BaseException] = []

    def hammer() -> None:
        try:
            barrier.wait(timeout=10)
            counts = [storage.incr("contended", 600) for _ in range(40)]
            seen.extend(counts)
        except BaseException as error:  # noqa: BLE001  (reported below, with the others)
            errors.append(error)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(seen) == list(range(1, 321))
    assert storage.get("contended") == 320


def test_redis_is_used_when_configured(make_app, redis_url):
    """RATELIMIT_STORAGE_URI=redis://… counts in Redis: the login limit holds, and no row is written."""
    app = make_app(RATELIMIT_STORAGE_URI=redis_url, LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = csrf_token(client)
    statuses = [client.post("/account/login", data={"username": "x", "password": "y", "csrf_token": token}).status_code
                for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    with app.app_context():
        assert stored_rows(db.engine) == 0
    storage_from_string(redis_url).reset()
