"""assignments pin the version of each question as it stood when set (pinned_version_ids)

Revision ID: f3b8a61c2d47
Revises: d5a8c3f1e207
Create Date: 2026-11-30 06:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8a61c2d47'
down_revision = 'd5a8c3f1e207'
branch_labels = None
depends_on = None


def upgrade():
    """Add assignment.pinned_version_ids and fill each existing assignment's pins from its questions' current
    versions: the closest record there is of what the class was given (later edits are what it must not get)."""
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pinned_version_ids', sa.JSON(), nullable=True))
    assignments = sa.table('assignment', sa.column('id', sa.Integer), sa.column('question_ids', sa.JSON),
                           sa.column('pinned_version_ids', sa.JSON))
    questions = sa.table('question', sa.column('id', sa.String(80)), sa.column('version', sa.String(16)))
    versions = sa.table('question_version', sa.column('id', sa.Integer), sa.column('question_id', sa.String(80)),
                        sa.column('version', sa.String(16)))
    connection = op.get_bind()
    current = dict(connection.execute(sa.select(questions.c.id, versions.c.id).join(versions, sa.and_(
        versions.c.question_id == questions.c.id, versions.c.version == questions.c.version))).all())
    for assignment_id, question_ids in connection.execute(sa.select(assignments.c.id, assignments.c.question_ids)).all():
        pins = {question_id: current[question_id] for question_id in question_ids or [] if question_id in current}
        connection.execute(assignments.update().where(assignments.c.id == assignment_id).values(pinned_version_ids=pins))
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.alter_column('pinned_version_ids', existing_type=sa.JSON(), nullable=False)


def downgrade():
    """Drop the pins: every start uses each question's current version again."""
    with op.batch_alter_table('assignment', schema=None) as batch_op:
        batch_op.drop_column('pinned_version_ids')
