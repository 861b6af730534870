"""users remember what their name looks like (username_skeleton), so look-alikes cannot register

Revision ID: d5a8c3f1e207
Revises: c41d7e2a5b90
Create Date: 2026-11-30 04:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a8c3f1e207'
down_revision = 'c41d7e2a5b90'
branch_labels = None
depends_on = None


def skeleton_of(username: str) -> str:
    """``models.username_skeleton`` as of this revision (usernames are ASCII, so lower() is their key)."""
    return username.lower().replace("rn", "m").replace("vv", "w").translate(str.maketrans("1i|0", "lllo"))


def upgrade():
    """Add user.username_skeleton (unique, nullable) and fill it in id order: an existing account whose
    skeleton an earlier account already holds keeps working with none (its earlier look-alike holds it,
    so no new name can match either)."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_skeleton', sa.String(length=40), nullable=True))
    users = sa.table('user', sa.column('id', sa.Integer), sa.column('username', sa.String(40)),
                     sa.column('username_skeleton', sa.String(40)))
    connection = op.get_bind()
    held: set[str] = set()
    for user_id, username in connection.execute(sa.select(users.c.id, users.c.username).order_by(users.c.id)).all():
        skeleton = skeleton_of(username)
        if skeleton not in held:
            held.add(skeleton)
            connection.execute(users.update().where(users.c.id == user_id).values(username_skeleton=skeleton))
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_user_username_skeleton'), ['username_skeleton'])


def downgrade():
    """Drop the column: look-alike names can register again."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_username_skeleton'), type_='unique')
        batch_op.drop_column('username_skeleton')
