"""questions remember what they were copied from (publish requests are reviewed as a diff against it)

Revision ID: b3f1c0d2a9e4
Revises: e79846a2e9c7
Create Date: 2026-11-30 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3f1c0d2a9e4'
down_revision = 'e79846a2e9c7'
branch_labels = None
depends_on = None


def upgrade():
    """Add question.copied_from_id; earlier copies stay unlinked (their publish requests show as new questions)."""
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('copied_from_id', sa.String(length=80), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_copied_from_id'), ['copied_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_copied_from_id_question'), 'question', ['copied_from_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    """Drop question.copied_from_id."""
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_copied_from_id_question'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_copied_from_id'))
        batch_op.drop_column('copied_from_id')
