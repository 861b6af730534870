"""classes and assignments managed in the browser: class details and archive, groups, assignment drafts,
order, soft delete, points, random pools, release of marks, per-student and per-group overrides

Revision ID: d17c2e5a7f43
Revises: c16b1d4f6e32
Create Date: 2026-11-30 13:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17c2e5a7f43'
down_revision = 'c16b1d4f6e32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('term_starts', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('term_ends', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))
    op.create_table(
        'class_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('classroom_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=80), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name=op.f('fk_class_group_classroom_id_classroom'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_class_group')),
        sa.UniqueConstraint('classroom_id', 'name', name=op.f('uq_class_group_classroom_id')),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('class_group', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_group_classroom_id'), ['classroom_id'], unique=False)
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('group_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_enrollment_group_id'), ['group_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_enrollment_group_id_class_group'), 'class_group', ['group_id'], ['id'],
                                    ondelete='SET NULL')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='published', nullable=False))
        batch_op.add_column(sa.Column('position', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('points', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('pool', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('release_mode', sa.String(length=16), server_default='on_submit', nullable=False))
        batch_op.add_column(sa.Column('release_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('released_at', sa.DateTime(), nullable=True))
    op.execute("UPDATE assignment SET points = '{}' WHERE points IS NULL")
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.alter_column('points', existing_type=sa.JSON(), nullable=False)
    op.create_table(
        'assignment_override',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('assignment_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('group_id', sa.Integer(), nullable=True),
        sa.Column('due_at', sa.DateTime(), nullable=True),
        sa.Column('extra_minutes', sa.Integer(), nullable=True),
        sa.Column('extra_attempts', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['assignment_id'], ['assignment.id'], name=op.f('fk_assignment_override_assignment_id_assignment'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_assignment_override_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['group_id'], ['class_group.id'], name=op.f('fk_assignment_override_group_id_class_group'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_assignment_override')),
        sa.UniqueConstraint('assignment_id', 'user_id', name='uq_assignment_override_user'),
        sa.UniqueConstraint('assignment_id', 'group_id', name='uq_assignment_override_group'),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table('assignment_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assignment_override_assignment_id'), ['assignment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_override_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assignment_override_group_id'), ['group_id'], unique=False)


def downgrade():
    with op.batch_alter_table('assignment_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assignment_override_group_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_override_user_id'))
        batch_op.drop_index(batch_op.f('ix_assignment_override_assignment_id'))
    op.drop_table('assignment_override')
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        for column in ('released_at', 'release_at', 'release_mode', 'pool', 'points', 'deleted_at', 'position', 'status'):
            batch_op.drop_column(column)
    with op.batch_alter_table('enrollment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_enrollment_group_id_class_group'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_enrollment_group_id'))
        batch_op.drop_column('group_id')
    with op.batch_alter_table('class_group', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_group_classroom_id'))
    op.drop_table('class_group')
    with op.batch_alter_table('classroom', schema=None) as batch_op:
        for column in ('archived_at', 'term_ends', 'term_starts', 'description'):
            batch_op.drop_column(column)
