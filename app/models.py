"""Database models (SQLAlchemy 2, typed). Every change here needs an Alembic revision."""

from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Lesson(db.Model):
    """A lesson as last loaded from ``lessons/``: rendered HTML and the structured data of its tables.

    Rendering and parsing happen at load time (``flask course load``), so a request only reads
    this row. ``timeline``, ``people`` and ``glossary`` keep the lesson's own tables as lists of
    dicts; the course-wide pages are built from them.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(index=True)
    summary: so.Mapped[str] = so.mapped_column(sa.String(300))
    objectives: so.Mapped[list] = so.mapped_column(sa.JSON)
    source_first_line: so.Mapped[int]
    source_last_line: so.Mapped[int]
    body_markdown: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    headings: so.Mapped[list] = so.mapped_column(sa.JSON)
    timeline: so.Mapped[list] = so.mapped_column(sa.JSON)
    people: so.Mapped[list] = so.mapped_column(sa.JSON)
    glossary: so.Mapped[list] = so.mapped_column(sa.JSON)
    word_count: so.Mapped[int]
    reading_minutes: so.Mapped[int]
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    loaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<Lesson {self.slug}>"
