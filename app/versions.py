"""Version signals: how every worker and server learns, without asking the database, that something it
keeps in memory has changed.

Each signal is a name ("course": lessons and questions; "holds": assignments, their overrides and who
teaches which class) with an opaque token. A process keeps what it built from the database beside the
token it saw, and rebuilds when the token differs. A commit that changed a watched table moves the
token on (the session events below, after the commit, never before: another process must not rebuild from the old
rows under the new token).

Where the token lives:
- ``VERSION_SIGNAL_URL`` unset (one machine): a file per signal under ``instance/versions/``. Reading
  is one small file read per request; moving it on is an atomic rename, seen by every worker at once.
- ``VERSION_SIGNAL_URL=redis://host:6379/0`` (several machines): a Redis counter per signal, read at
  most every ``VERSION_POLL_SECONDS`` (default 1) per process, so another server sees a change within a
  second; the process that made it sees it at once.

A change made behind the application's back (SQL by hand, a restored backup) is seen after
``flask refresh-caches`` or a restart.
"""

import os
import threading
import time
import uuid
from pathlib import Path

import click
import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import Flask, current_app, has_app_context

SIGNALS = ("course", "holds", "plan")
# Which tables move which signal on when a committed transaction wrote to them.
WATCHED = {
    "lesson": "course", "question": "course", "question_version": "course", "media": "course",
    "assignment": "holds", "assignment_override": "holds", "classroom": "holds", "classroom_instructor": "holds",
    "review_parameters": "plan", "review_holiday": "plan",
}
# Deleting from these tables changes watched ones in the database itself (ON DELETE CASCADE / SET NULL), out of the
# session's sight: a deleted account takes its breaks, overrides and co-teaching with it, and leaves its questions
# without an author.
CASCADES = {"user": ("review_holiday", "assignment_override", "classroom_instructor", "question")}


class FileSignals:
    """Tokens as files holding a random value, replaced atomically (a file's inode and time could repeat within
    the clock's few milliseconds; its content cannot)."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._prefix = f"{folder}{os.sep}"

    def token(self, name: str) -> str:
        # Bare os calls: every visitor page reads this, and a file object costs it four times as much (19 against 5 µs).
        try:
            descriptor = os.open(self._prefix + name, os.O_RDONLY)
        except FileNotFoundError:
            return "0"
        try:
            return os.read(descriptor, 64).decode("ascii")
        finally:
            os.close(descriptor)

    def bump(self, name: str) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        draft = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        draft.write_text(uuid.uuid4().hex, encoding="ascii")
        os.replace(draft, self.folder / name)


class RedisSignals:
    """Tokens as Redis counters, polled at most every ``poll`` seconds per process."""

    def __init__(self, url: str, poll: float, prefix: str = "backchannel:version:"):
        import redis  # only where a deployment asks for it

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.poll = poll
        self.prefix = prefix
        self._seen: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token(self, name: str) -> str:
        now = time.monotonic()
        with self._lock:
            seen = self._seen.get(name)
        if seen is not None and now - seen[1] < self.poll:
            return seen[0]
        value = self.client.get(self.prefix + name)
        token = value.decode("ascii") if value is not None else "0"
        with self._lock:
            self._seen[name] = (token, now)
        return token

    def bump(self, name: str) -> None:
        token = str(self.client.incr(self.prefix + name))
        with self._lock:
            self._seen[name] = (token, time.monotonic())


def signals(app: Flask | None = None):
    """This application's signal store."""
    return (app or current_app).extensions["backchannel.versions"]


def token(name: str) -> str:
    """The current token of a signal (see the module's docstring for what it costs)."""
    return signals().token(name)


def bump(name: str) -> None:
    """Move a signal on: every process rebuilds what it keeps for it on its next request."""
    signals().bump(name)


def _tables_of(session: so.Session) -> set[str]:
    return session.info.setdefault("backchannel.written", set())


def unsaved(session: so.Session, name: str) -> bool:
    """Whether ``session``'s open transaction wrote (or holds unflushed) rows that signal ``name`` watches. What a
    process keeps for the signal is then stale for this transaction: its own writes are not committed, so the token
    has not moved, yet the request that made them must read them back (a break just added, before the commit)."""
    pending = (getattr(instance, "__tablename__", None) for instance in (*session.new, *session.dirty, *session.deleted))
    return any(WATCHED.get(table) == name for table in (*session.info.get("backchannel.written", ()), *pending))


@sa.event.listens_for(so.Session, "before_flush")
def _flushed(session: so.Session, _context, _instances) -> None:
    for instance in (*session.new, *session.dirty, *session.deleted):
        table = getattr(instance, "__tablename__", None)
        if table in WATCHED:
            _tables_of(session).add(table)
    for instance in session.deleted:
        _tables_of(session).update(CASCADES.get(getattr(instance, "__tablename__", None), ()))


@sa.event.listens_for(so.Session, "do_orm_execute")
def _executed(state: so.ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if table is not None and table.name in WATCHED:
            _tables_of(state.session).add(table.name)
        if table is not None and state.is_delete:
            _tables_of(state.session).update(CASCADES.get(table.name, ()))


@sa.event.listens_for(so.Session, "after_commit")
def _committed(session: so.Session) -> None:
    """After, never before, the commit: another process must not rebuild from the old rows under the new token.
    A savepoint's release fires this too: its writes are not committed yet, so they wait for the outer commit."""
    if session.in_nested_transaction():
        return
    written = session.info.pop("backchannel.written", set())
    if written and has_app_context() and "backchannel.versions" in current_app.extensions:
        for name in sorted({WATCHED[table] for table in written}):
            bump(name)


@sa.event.listens_for(so.Session, "after_rollback")
def _rolled_back(session: so.Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint rolled back: what the outer transaction wrote before it still counts
    session.info.pop("backchannel.written", None)


def refresh_command() -> None:
    """Tell every worker and server to rebuild what it keeps in memory (after a change made outside the app)."""
    for name in SIGNALS:
        bump(name)
    click.echo(f"moved on: {', '.join(SIGNALS)}; every worker rebuilds them on its next request")


def init_app(app: Flask) -> None:
    """Choose this application's store from its configuration."""
    url = app.config.get("VERSION_SIGNAL_URL")
    if url:
        store = RedisSignals(url, float(app.config.get("VERSION_POLL_SECONDS", 1.0)))
    else:
        store = FileSignals(Path(app.instance_path) / "versions")
    app.extensions["backchannel.versions"] = store
    app.cli.command("refresh-caches")(refresh_command)
