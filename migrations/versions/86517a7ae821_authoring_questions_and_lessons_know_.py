"""authoring: questions and lessons know their origin and author; answers can be regraded

Revision ID: 86517a7ae821
Revises: e70f54392026
Create Date: 2026-11-25 09:21:40.297791

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '86517a7ae821'
down_revision = 'e70f54392026'
branch_labels = None
depends_on = None


def upgrade():
    """Add class overrides of shipped questions."""
    """Questions and lessons record where they come from (files or the browser) and who wrote them;
    answers can point at the corrected version they were regraded against."""
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('regraded_version_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_answer_regraded_version_id_question_version'), 'question_version', ['regraded_version_id'], ['id'])

    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='file', nullable=False))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_lesson_author_id'), ['author_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_lesson_author_id_user'), 'user', ['author_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('origin', sa.String(length=16), server_default='bank', nullable=False))
        batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_author_id'), ['author_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_author_id_user'), 'user', ['author_id'], ['id'], ondelete='SET NULL')



def downgrade():
    """Drop class overrides."""
    """Drop the authoring columns."""
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_author_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_author_id'))
        batch_op.drop_column('author_id')
        batch_op.drop_column('origin')

    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_lesson_author_id_user'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_lesson_author_id'))
        batch_op.drop_column('author_id')
        batch_op.drop_column('origin')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_answer_regraded_version_id_question_version'), type_='foreignkey')
        batch_op.drop_column('regraded_version_id')

