"""search: a full-text index of lessons, glossary, people and timeline (FTS5 on SQLite, tsvector on PostgreSQL)

The index is derived data, rebuilt whenever the course is loaded or a lesson is saved in the
browser (``app.search.index.rebuild_index``), so it is created empty and dropped whole. It lives
outside the SQLAlchemy models (a virtual table has no model), and ``migrations/env.py`` keeps it
out of autogenerate's comparison.

Revision ID: c16b1d4f6e32
Revises: b16a0c3e5d21
Create Date: 2026-11-30 12:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c16b1d4f6e32'
down_revision = 'b16a0c3e5d21'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # Only title and body are searched; the rest says where a match lives and what its link shows.
        op.execute(
            "CREATE VIRTUAL TABLE search_document USING fts5("
            "kind UNINDEXED, slug UNINDEXED, anchor UNINDEXED, label UNINDEXED, title, body, detail UNINDEXED, "
            "section_key UNINDEXED, position UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2')"
        )
        return
    op.execute(
        "CREATE TABLE search_document ("
        "id SERIAL PRIMARY KEY, kind VARCHAR(16) NOT NULL, slug VARCHAR(80) NOT NULL, anchor VARCHAR(200) NOT NULL, "
        "label TEXT NOT NULL, title TEXT NOT NULL, body TEXT NOT NULL, detail TEXT NOT NULL, "
        "section_key VARCHAR(300) NOT NULL, position INTEGER NOT NULL, "
        "document tsvector GENERATED ALWAYS AS "
        "(setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', body), 'B')) STORED)"
    )
    op.execute("CREATE INDEX ix_search_document_document ON search_document USING gin (document)")


def downgrade():
    op.execute("DROP TABLE search_document")
