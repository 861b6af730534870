"""Counting the SQL statements a request sends: the deterministic cost that statement budgets assert."""

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from app.extensions import db


@contextlib.contextmanager
def count_statements(app) -> Iterator[list[str]]:
    """Collect every statement sent to ``app``'s database inside the block (an executemany once: one round trip)."""
    sent: list[str] = []

    def listener(_connection, _cursor, statement, _parameters, _context, _executemany) -> None:
        sent.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        yield sent
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
