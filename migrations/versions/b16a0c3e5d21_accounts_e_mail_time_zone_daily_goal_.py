"""accounts: e-mail, time zone, daily goal, recovery codes; study time per lesson

Revision ID: b16a0c3e5d21
Revises: 5e2b9c7d41a3
Create Date: 2026-11-30 10:21:12.824765

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b16a0c3e5d21'
down_revision = '5e2b9c7d41a3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('daily_goal', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('show_streak', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_unique_constraint(batch_op.f('uq_user_email'), ['email'])
    op.create_table(
        'recovery_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('code_hash', sa.String(length=256), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_recovery_code_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_code')),
    )
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_code_user_id'), ['user_id'], unique=False)
    op.create_table(
        'study_time',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_key', sa.String(length=80), nullable=False),
        sa.Column('lesson_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('seconds', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['lesson_id'], ['lesson.id'], name=op.f('fk_study_time_lesson_id_lesson')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_study_time')),
        sa.UniqueConstraint('owner_key', 'lesson_id', 'day', name=op.f('uq_study_time_owner_key')),
    )
    with op.batch_alter_table('study_time', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_study_time_owner_key'), ['owner_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_study_time_lesson_id'), ['lesson_id'], unique=False)


def downgrade():
    with op.batch_alter_table('study_time', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_study_time_lesson_id'))
        batch_op.drop_index(batch_op.f('ix_study_time_owner_key'))
    op.drop_table('study_time')
    with op.batch_alter_table('recovery_code', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_code_user_id'))
    op.drop_table('recovery_code')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_email'), type_='unique')
        batch_op.drop_column('show_streak')
        batch_op.drop_column('daily_goal')
        batch_op.drop_column('time_zone')
        batch_op.drop_column('email')
