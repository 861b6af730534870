"""learners: users, lesson progress, FSRS review cards and review log

Revision ID: 6843502bc9d9
Revises: cbefbab8bdbd
Create Date: 2026-11-25 09:04:14.052696

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6843502bc9d9'
down_revision = 'cbefbab8bdbd'
branch_labels = None
depends_on = None


def upgrade():
    """Add accounts, per-lesson progress, spaced-review cards and their review log."""
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('desired_retention', sa.Double(), nullable=False),
    sa.Column('daily_review_limit', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('username', name=op.f('uq_user_username'))
    )
    op.create_table('lesson_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_key', sa.String(length=80), nullable=False),
    sa.Column('lesson_id', sa.Integer(), nullable=False),
    sa.Column('first_visit_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_visit_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_lesson_progress_lesson_id_lesson')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lesson_progress')),
    sa.UniqueConstraint('owner_key', 'lesson_id', name=op.f('uq_lesson_progress_owner_key'))
    )
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lesson_progress_lesson_id'), ['lesson_id'], unique=False)

    op.create_table('review_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_key', sa.String(length=80), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('state', sa.Integer(), nullable=False),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.Column('stability', sa.Double(), nullable=True),
    sa.Column('difficulty', sa.Double(), nullable=True),
    sa.Column('due', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_review', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_review_card_question_id_question')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_card')),
    sa.UniqueConstraint('owner_key', 'question_id', name=op.f('uq_review_card_owner_key'))
    )
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.create_index('ix_review_card_owner_due', ['owner_key', 'due'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_card_question_id'), ['question_id'], unique=False)

    op.create_table('review_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('owner_key', sa.String(length=80), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('rating', sa.Integer(), nullable=False),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('seconds_taken', sa.Integer(), nullable=True),
    sa.Column('card_before', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['card_id'], ['review_card.id'], name=op.f('fk_review_log_card_id_review_card'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_review_log_question_id_question')),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_review_log_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_log'))
    )
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_log_card_id'), ['card_id'], unique=False)
        batch_op.create_index('ix_review_log_owner_time', ['owner_key', 'reviewed_at'], unique=False)



def downgrade():
    """Drop the learner tables."""
    with op.batch_alter_table('review_log', schema=None) as batch_op:
        batch_op.drop_index('ix_review_log_owner_time')
        batch_op.drop_index(batch_op.f('ix_review_log_card_id'))

    op.drop_table('review_log')
    with op.batch_alter_table('review_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_card_question_id'))
        batch_op.drop_index('ix_review_card_owner_due')

    op.drop_table('review_card')
    with op.batch_alter_table('lesson_progress', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lesson_progress_lesson_id'))

    op.drop_table('lesson_progress')
    op.drop_table('user')
