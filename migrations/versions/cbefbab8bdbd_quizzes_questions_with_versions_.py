"""quizzes: questions with versions, attempts and answers; lessons retire instead of vanishing

Revision ID: cbefbab8bdbd
Revises: 14cf57d89f45
Create Date: 2026-11-25 08:49:19.095136

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cbefbab8bdbd'
down_revision = '14cf57d89f45'
branch_labels = None
depends_on = None


def upgrade():
    """Add accounts, per-lesson progress, spaced-review cards and their review log."""
    """Add question banks (questions and their versions), attempts and answers; lessons can retire."""
    op.create_table('attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=16), nullable=False),
    sa.Column('owner_key', sa.String(length=80), nullable=False),
    sa.Column('layout', sa.JSON(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('max_score', sa.Double(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_attempt_lesson_id_lesson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attempt')),
    sa.UniqueConstraint('public_id', name=op.f('uq_attempt_public_id'))
    )
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attempt_lesson_id'), ['lesson_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attempt_owner_key'), ['owner_key'], unique=False)

    op.create_table('question',
    sa.Column('id', sa.String(length=80), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_question_lesson_id_lesson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question'))
    )
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('question_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('version', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('html', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_version_question_id_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_version')),
    sa.UniqueConstraint('question_id', 'version', name=op.f('uq_question_version_question_id'))
    )
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_version_question_id'), ['question_id'], unique=False)

    op.create_table('answer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attempt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('try_number', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds_taken', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['attempt_id'], ['attempt.id'], name=op.f('fk_answer_attempt_id_attempt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_answer_question_id_question')),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_answer_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_answer')),
    sa.UniqueConstraint('attempt_id', 'position', 'try_number', name=op.f('uq_answer_attempt_id'))
    )
    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_answer_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_answer_question_version_id'), ['question_version_id'], unique=False)

    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiz_size', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('retired', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    """Drop the learner tables."""
    """Drop the quiz tables and the lesson columns they needed."""
    with op.batch_alter_table('lesson', schema=None) as batch_op:
        batch_op.drop_column('retired')
        batch_op.drop_column('quiz_size')

    with op.batch_alter_table('answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_answer_question_version_id'))
        batch_op.drop_index(batch_op.f('ix_answer_question_id'))
        batch_op.drop_index(batch_op.f('ix_answer_attempt_id'))

    op.drop_table('answer')
    with op.batch_alter_table('question_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_version_question_id'))

    op.drop_table('question_version')
    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_lesson_id'))

    op.drop_table('question')
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attempt_owner_key'))
        batch_op.drop_index(batch_op.f('ix_attempt_lesson_id'))

    op.drop_table('attempt')
