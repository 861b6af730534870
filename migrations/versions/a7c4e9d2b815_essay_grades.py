"""essay grades: the rubric levels and comments given to an essay answer (essay_grade)

Revision ID: a7c4e9d2b815
Revises: f3b8a61c2d47
Create Date: 2026-11-30 09:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c4e9d2b815'
down_revision = 'f3b8a61c2d47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'essay_grade',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('answer_id', sa.Integer(), nullable=False),
        sa.Column('grader_id', sa.Integer(), nullable=True),
        sa.Column('levels', sa.JSON(), nullable=False),
        sa.Column('comments', sa.JSON(), nullable=False),
        sa.Column('graded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['answer_id'], ['answer.id'], name=op.f('fk_essay_grade_answer_id_answer'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['grader_id'], ['user.id'], name=op.f('fk_essay_grade_grader_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_essay_grade')),
        sa.UniqueConstraint('answer_id', name=op.f('uq_essay_grade_answer_id')),
    )
    with op.batch_alter_table('essay_grade', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_essay_grade_grader_id'), ['grader_id'], unique=False)


def downgrade():
    with op.batch_alter_table('essay_grade', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_essay_grade_grader_id'))
    op.drop_table('essay_grade')
