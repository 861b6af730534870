"""The search index in the database: SQLite FTS5 or a PostgreSQL ``tsvector`` column, one table either way.

``search_document`` is made by migration ``c16b1d4f6e32`` and is no model (a virtual table has
none): it is derived data, rebuilt from the live lessons whenever they change, so these functions
speak SQL to it directly. What goes in and how a query is made safe is :mod:`app.course.search_text`.
"""

import sqlalchemy as sa

from app.course.catalogue import course_timeline, glossary_index, people_index
from app.course.search_text import (MARK_END, MARK_START, Document, Hit, catalogue_documents, fts5_query,
                                    lesson_documents, numbered, tsquery)
from app.extensions import db
from app.models import Lesson

# Enough for every kind's best matches; the page groups them, a lesson's section once.
MAX_ROWS = 300
SNIPPET_WORDS = 24
COLUMNS = ("kind", "slug", "anchor", "label", "title", "body", "detail", "section_key", "position")
_INSERT = sa.text(f"INSERT INTO search_document ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})")
_SQLITE_SEARCH = sa.text(
    "SELECT kind, slug, anchor, label, detail, section_key, title = '' AS part, "
    "snippet(search_document, 5, char(2), char(3), '…', :words) AS snippet "
    "FROM search_document WHERE search_document MATCH :query "
    # bm25 weighs each column in table order: only title (a heading, a term, a name) and body are searched.
    "ORDER BY bm25(search_document, 0, 0, 0, 0, 5.0, 1.0, 0, 0, 0), CAST(position AS INTEGER) LIMIT :rows")
_POSTGRES_SEARCH = sa.text(
    "SELECT kind, slug, anchor, label, detail, section_key, part, "
    "ts_headline('english', body, query, :options) AS snippet FROM ("
    "  SELECT search_document.*, title = '' AS part, query, ts_rank(document, query) AS rank"
    "  FROM search_document, to_tsquery('english', :query) AS query WHERE document @@ query"
    "  ORDER BY rank DESC, position LIMIT :rows) AS found ORDER BY rank DESC, position")
_HEADLINE_OPTIONS = (f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords={SNIPPET_WORDS}, MinWords=12, "
                     "MaxFragments=2, FragmentDelimiter=\" … \"")


def course_documents() -> list[Document]:
    """Every document of the live lessons, in course order."""
    lessons = list(db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position)))
    documents = [document for lesson in lessons for document in lesson_documents(lesson.slug, lesson.title, lesson.body_html)]
    documents += catalogue_documents(course_timeline(lessons), people_index(lessons), glossary_index(lessons))
    return numbered(documents)


def rebuild_index() -> int:
    """Make the index hold exactly the live lessons' documents, in the caller's transaction; return how many."""
    documents = course_documents()
    db.session.execute(sa.text("DELETE FROM search_document"))
    if documents:
        db.session.execute(_INSERT, [
            {**document.__dict__, "body": document.body.replace(MARK_START, " ").replace(MARK_END, " ")}
            for document in documents])
    return len(documents)


def find(terms: list[str]) -> list[Hit]:
    """The documents holding every term (or a word starting with it), best first, in one query."""
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(_SQLITE_SEARCH, {"query": fts5_query(terms), "words": SNIPPET_WORDS, "rows": MAX_ROWS})
    else:
        rows = db.session.execute(_POSTGRES_SEARCH, {"query": tsquery(terms), "options": _HEADLINE_OPTIONS, "rows": MAX_ROWS})
    return [Hit(row.kind, row.slug, row.anchor, row.label, row.detail, row.section_key, bool(row.part), row.snippet or "")
            for row in rows]
