"""A learner's interface language ("en", "ur", "hi") and digits ("native" for the language's own); null means
the browser's language and the locale's default digits.

Revision ID: a7c3e19d5b20
Revises: f19b2d4c6a80
Create Date: 2026-12-01 09:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = "a7c3e19d5b20"
down_revision = "f19b2d4c6a80"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("digits", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("user") as batch:
        batch.drop_column("digits")
        batch.drop_column("language")
