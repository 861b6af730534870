"""security: sessions, rate limits, attempt numbers, question banks, co-instructors, ids never reused

Revision ID: e79846a2e9c7
Revises: 1a43cf334f26
Create Date: 2026-11-30 02:57:26.335454

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e79846a2e9c7'
down_revision = '1a43cf334f26'
branch_labels = None
depends_on = None


def upgrade():
    """Server-side sessions, shared rate-limit counters, numbered assignment attempts, question banks
    with drafts, sharing and publishing, co-instructors, case- and look-alike-proof usernames, and
    (SQLite) AUTOINCREMENT on every table so no id ever names a second row.

    Questions written or imported in the browser leave the course bank: they become drafts in their
    author's own bank, so nothing an instructor wrote keeps shifting learners' quizzes and mastery.
    """
    op.create_table('rate_limit',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Double(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit'))
    )
    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('remember', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_login_session_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)

    op.create_table('classroom_instructor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('classroom_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['classroom_id'], ['classroom.id'], name=op.f('fk_classroom_instructor_classroom_id_classroom'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_classroom_instructor_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_classroom_instructor')),
    sa.UniqueConstraint('classroom_id', 'user_id', name=op.f('uq_classroom_instructor_classroom_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('classroom_instructor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_classroom_instructor_classroom_id'), ['classroom_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_classroom_instructor_user_id'), ['user_id'], unique=False)

    op.create_table('question_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('shared_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_question_share_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_question_share_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_question_share')),
    sa.UniqueConstraint('question_id', 'user_id', name=op.f('uq_question_share_question_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('question_share', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_question_share_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_share_user_id'), ['user_id'], unique=False)

    op.create_table('publish_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user.id'], name=op.f('fk_publish_request_decided_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['question_id'], ['question.id'], name=op.f('fk_publish_request_question_id_question'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_publish_request_question_version_id_question_version')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'], name=op.f('fk_publish_request_requested_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publish_request')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('publish_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_publish_request_question_id'), ['question_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_publish_request_requested_by_id'), ['requested_by_id'], unique=False)

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempt_number', sa.Integer(), nullable=True))
    op.execute("UPDATE attempt SET attempt_number = (SELECT COUNT(*) FROM attempt AS earlier"
               " WHERE earlier.assignment_id = attempt.assignment_id AND earlier.owner_key = attempt.owner_key"
               " AND earlier.id <= attempt.id) WHERE assignment_id IS NOT NULL")
    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f('uq_attempt_assignment_id'), ['assignment_id', 'owner_key', 'attempt_number'])

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.add_column(sa.Column('bank', sa.String(length=16), server_default='course', nullable=False))
        batch_op.add_column(sa.Column('classroom_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_question_bank'), ['bank'], unique=False)
        batch_op.create_index(batch_op.f('ix_question_classroom_id'), ['classroom_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_question_classroom_id_classroom'), 'classroom', ['classroom_id'], ['id'], ondelete='SET NULL')
    op.execute("UPDATE question SET bank = 'instructor' WHERE origin = 'authored'")

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sa.String(length=40), nullable=True))
    # Usernames were limited to ASCII letters, digits and . _ -, so lower() is their NFKC case fold.
    op.execute("UPDATE \"user\" SET username_key = lower(username)")
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_user_username_key'), ['username_key'])

    if op.get_bind().dialect.name == "sqlite":
        for table in NUMBERED_TABLES:
            with op.batch_alter_table(table, recreate="always", table_kwargs={"sqlite_autoincrement": True}):
                pass


# Tables with an integer id that existed before this revision (the new ones are created with it).
NUMBERED_TABLES = ("lesson", "question_version", "attempt", "answer", "user", "lesson_progress", "review_card",
                   "review_log", "classroom", "enrollment", "assignment", "class_override", "api_token")


def downgrade():
    """Drop what upgrade added. SQLite tables keep AUTOINCREMENT: it changes no column and is only safer."""
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_username_key'), type_='unique')
        batch_op.drop_column('username_key')

    with op.batch_alter_table('question', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_question_classroom_id_classroom'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_question_classroom_id'))
        batch_op.drop_index(batch_op.f('ix_question_bank'))
        batch_op.drop_column('classroom_id')
        batch_op.drop_column('bank')

    with op.batch_alter_table('attempt', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_attempt_assignment_id'), type_='unique')
        batch_op.drop_column('attempt_number')

    with op.batch_alter_table('publish_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_publish_request_requested_by_id'))
        batch_op.drop_index(batch_op.f('ix_publish_request_question_id'))

    op.drop_table('publish_request')
    with op.batch_alter_table('question_share', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_question_share_user_id'))
        batch_op.drop_index(batch_op.f('ix_question_share_question_id'))

    op.drop_table('question_share')
    with op.batch_alter_table('classroom_instructor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_classroom_instructor_user_id'))
        batch_op.drop_index(batch_op.f('ix_classroom_instructor_classroom_id'))

    op.drop_table('classroom_instructor')
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))

    op.drop_table('login_session')
    op.drop_table('rate_limit')
