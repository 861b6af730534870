"""api tokens expire and have a scope (read, or read and submit)

Revision ID: c41d7e2a5b90
Revises: b3f1c0d2a9e4
Create Date: 2026-11-30 03:45:00.000000

"""
from datetime import datetime, timedelta, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41d7e2a5b90'
down_revision = 'b3f1c0d2a9e4'
branch_labels = None
depends_on = None


def upgrade():
    """Add api_token.expires_at and api_token.scope. Tokens made before keep doing what they did
    (read and submit) and expire 90 days from this migration, the default for new ones."""
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=32), nullable=True))
    token = sa.table('api_token', sa.column('expires_at', sa.DateTime(timezone=True)), sa.column('scope', sa.String(32)))
    op.execute(token.update().values(expires_at=datetime.now(timezone.utc) + timedelta(days=90), scope='read submit'))
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.alter_column('expires_at', existing_type=sa.DateTime(timezone=True), nullable=False)
        batch_op.alter_column('scope', existing_type=sa.String(length=32), nullable=False)


def downgrade():
    """Drop the two columns: every token reads and submits again, and never expires."""
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_column('scope')
        batch_op.drop_column('expires_at')
