"""Review logs indexed by owner, source and time: every page counts the reviews done today on the Review page

(the navigation badge), and with the old index alone that count read every log of the day, quizzes included.

Revision ID: f19b2d4c6a80
Revises: e18a3c6b9d21
Create Date: 2026-12-01 04:40:00
"""
from alembic import op

revision = "f19b2d4c6a80"
down_revision = "e18a3c6b9d21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_review_log_owner_source_time", "review_log", ["owner_key", "source", "reviewed_at"])


def downgrade():
    op.drop_index("ix_review_log_owner_source_time", table_name="review_log")
