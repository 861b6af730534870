"""spaced review that respects a learner's time: light weekdays, holidays, FSRS parameters fitted to the
course and to each learner; and the review cards a blank essay in a test made before issue 16 are removed

Revision ID: e18a3c6b9d21
Revises: d17c2e5a7f43
Create Date: 2026-11-30 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e18a3c6b9d21'
down_revision = 'd17c2e5a7f43'
branch_labels = None
depends_on = None

# A card of an essay that no grade ever rated (every log of it came from a test: an unwritten essay was rated
# Again before issue 16); it showed a blank essay for review. Its logs go with it.
BLANK_ESSAY_CARDS = """
    SELECT review_card.id FROM review_card JOIN question ON question.id = review_card.question_id
    WHERE question.type = 'essay' AND NOT EXISTS (
        SELECT 1 FROM review_log WHERE review_log.card_id = review_card.id AND review_log.source <> 'test')
"""


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('light_days', sa.String(length=13), server_default='', nullable=False))
    op.create_table(
        'review_holiday',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('starts', sa.Date(), nullable=False),
        sa.Column('ends', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint('ends >= starts', name=op.f('ck_review_holiday_order')),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_review_holiday_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_holiday')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('review_holiday', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_holiday_user_id'), ['user_id'], unique=False)
    op.create_table(
        'review_parameters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('scope', sa.String(length=80), nullable=False),
        sa.Column('parameters', sa.JSON(), nullable=False),
        sa.Column('reviews', sa.Integer(), nullable=False),
        sa.Column('fitted_at', sa.DateTime(), nullable=False),
        sa.Column('loss_default', sa.Double(), nullable=True),
        sa.Column('loss_fitted', sa.Double(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_parameters')),
        sa.UniqueConstraint('scope', name=op.f('uq_review_parameters_scope')),
    )
    op.execute(f"DELETE FROM review_log WHERE card_id IN ({BLANK_ESSAY_CARDS})")
    op.execute(f"DELETE FROM review_card WHERE id IN ({BLANK_ESSAY_CARDS})")


def downgrade():
    op.drop_table('review_parameters')
    with op.batch_alter_table('review_holiday', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_holiday_user_id'))
    op.drop_table('review_holiday')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('light_days')
