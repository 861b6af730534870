"""class overrides: a class's own version of a shipped question

Revision ID: 8f6d5ae6524f
Revises: 86517a7ae821
Create Date: 2026-11-25 09:27:33.255042

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f6d5ae6524f'
down_revision = '86517a7ae821'
branch_labels = None
depends_on = None


def upgrade():
    """Add class overrides of shipped questions."""
    op.create_table('class_override',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name=op.f('fk_class_override_classroom_id_classroom'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_class_override_question_id_question')),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_class_override_question_version_id_question_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_class_override')),
    sa.UniqueConstraint('classroom_id', 'question_id', name=op.f('uq_class_override_classroom_id'))
    )
    with op.batch_alter_table('class_override', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_class_override_classroom_id'), ['classroom_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_class_override_question_id'), ['question_id'], unique=False)



def downgrade():
    """Drop class overrides."""
    with op.batch_alter_table('class_override', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_class_override_question_id'))
        batch_op.drop_index(batch_op.f('ix_class_override_classroom_id'))

    op.drop_table('class_override')
