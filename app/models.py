"""Database models (SQLAlchemy 2, typed). Every change here needs an Alembic revision."""

import unicodedata
from datetime import date, datetime, timezone
from typing import Optional

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import UserMixin
from werkzeug.security import check_password_hash, generate_password_hash

from app.extensions import db


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def username_key(username: str) -> str:
    """How usernames compare: NFKC (full-width and other compatibility look-alikes fold to their
    plain letters), then case-folded."""
    return unicodedata.normalize("NFKC", username).casefold()


# ASCII look-alikes in usernames (which are ASCII: letters, digits, . - _), after case-folding: the
# shapes that pass for l, o, m and w in common fonts. Kept small on purpose: each pair merges names.
CONFUSABLE_SEQUENCES = (("rn", "m"), ("vv", "w"))
CONFUSABLE_CHARACTERS = str.maketrans({"1": "l", "i": "l", "|": "l", "0": "o"})


def username_skeleton(username: str) -> str:
    """What a username looks like: its key with look-alikes folded (admin1, adminl, adminI, adrnin1 and
    admln1 all give "admlnl"), so a new name cannot pass for an existing one."""
    skeleton = username_key(username)
    for sequence, replacement in CONFUSABLE_SEQUENCES:
        skeleton = skeleton.replace(sequence, replacement)
    return skeleton.translate(CONFUSABLE_CHARACTERS)


# SQLite reuses the largest rowid after a delete unless a table says AUTOINCREMENT; an id that reaches a
# cookie, a URL or an export must never name a second row. PostgreSQL's sequences never go back anyway.
NEVER_REUSE_IDS = {"sqlite_autoincrement": True}


class Lesson(db.Model):
    """A lesson as last loaded from ``lessons/``: rendered HTML and the structured data of its tables.

    A lesson that disappears from ``lessons/`` is marked ``retired`` (hidden, not deleted), so
    the attempts and answers that hang on it are never lost.

    Rendering and parsing happen at load time (``flask course load``), so a request only reads
    this row. ``timeline``, ``people`` and ``glossary`` keep the lesson's own tables as lists of
    dicts; the course-wide pages are built from them.
    """

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    slug: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(200))
    position: so.Mapped[int] = so.mapped_column(index=True)
    summary: so.Mapped[str] = so.mapped_column(sa.String(300))
    objectives: so.Mapped[list] = so.mapped_column(sa.JSON)
    source_first_line: so.Mapped[int]
    source_last_line: so.Mapped[int]
    body_markdown: so.Mapped[str] = so.mapped_column(sa.Text)
    body_html: so.Mapped[str] = so.mapped_column(sa.Text)
    headings: so.Mapped[list] = so.mapped_column(sa.JSON)
    timeline: so.Mapped[list] = so.mapped_column(sa.JSON)
    people: so.Mapped[list] = so.mapped_column(sa.JSON)
    glossary: so.Mapped[list] = so.mapped_column(sa.JSON)
    word_count: so.Mapped[int]
    reading_minutes: so.Mapped[int]
    content_hash: so.Mapped[str] = so.mapped_column(sa.String(64))
    loaded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    quiz_size: so.Mapped[Optional[int]]
    retired: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    origin: so.Mapped[str] = so.mapped_column(sa.String(16), default="file", server_default="file")
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)

    questions: so.WriteOnlyMapped["Question"] = so.relationship(back_populates="lesson")

    def __repr__(self) -> str:
        return f"<Lesson {self.slug}>"


class Question(db.Model):
    """A bank question by its stable id. Its content lives in versions; attempts point at those.

    A question dropped from its bank is marked ``retired`` rather than deleted, so old answers
    keep their meaning.
    """

    id: so.Mapped[str] = so.mapped_column(sa.String(80), primary_key=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Lesson.id), index=True)
    position: so.Mapped[int]
    type: so.Mapped[str] = so.mapped_column(sa.String(32))
    version: so.Mapped[str] = so.mapped_column(sa.String(16))
    retired: so.Mapped[bool] = so.mapped_column(default=False)
    origin: so.Mapped[str] = so.mapped_column(sa.String(16), default="bank", server_default="bank")
    author_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Whose bank holds it: "course" (the files in quizzes/ and what an admin published: the only bank
    # learners' lesson quizzes, practice, review and mastery use), "instructor" (the author's own
    # drafts) or "class" (a class's bank, ``classroom_id``).
    bank: so.Mapped[str] = so.mapped_column(sa.String(16), default="course", server_default="course", index=True)
    classroom_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("classroom.id", ondelete="SET NULL"), index=True)
    # The question this one started as a copy of: a request to publish it is reviewed as a diff
    # against that question's course-bank version.
    copied_from_id: so.Mapped[Optional[str]] = so.mapped_column(sa.ForeignKey("question.id", ondelete="SET NULL"), index=True)

    BANKS = ("course", "instructor", "class")

    lesson: so.Mapped[Lesson] = so.relationship(back_populates="questions")
    versions: so.WriteOnlyMapped["QuestionVersion"] = so.relationship(back_populates="question")

    def __repr__(self) -> str:
        return f"<Question {self.id} v{self.version}>"


class QuestionVersion(db.Model):
    """One exact content of a question (canonical data and rendered HTML), kept forever."""

    __table_args__ = (sa.UniqueConstraint("question_id", "version"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id), index=True)
    version: so.Mapped[str] = so.mapped_column(sa.String(16))
    data: so.Mapped[dict] = so.mapped_column(sa.JSON)
    html: so.Mapped[dict] = so.mapped_column(sa.JSON)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    question: so.Mapped[Question] = so.relationship(back_populates="versions")


class Attempt(db.Model):
    """One sitting of a lesson's quiz, in test or practice mode, or of a class assignment.

    ``layout`` fixes the draw for the whole attempt: for each position, the question, the exact
    version shown and the shuffled order of its choices. ``owner_key`` identifies the learner.
    A timed attempt has a ``deadline``; ``draft`` holds the responses saved so far, which are
    what counts if the deadline passes before the learner submits.
    """

    __table_args__ = (sa.UniqueConstraint("assignment_id", "owner_key", "attempt_number"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    public_id: so.Mapped[str] = so.mapped_column(sa.String(32), unique=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Lesson.id), index=True)
    mode: so.Mapped[str] = so.mapped_column(sa.String(16))
    owner_key: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    layout: so.Mapped[list] = so.mapped_column(sa.JSON)
    started_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    submitted_at: so.Mapped[Optional[datetime]]
    score: so.Mapped[Optional[float]]
    max_score: so.Mapped[float]
    assignment_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("assignment.id", ondelete="CASCADE"), index=True)
    deadline: so.Mapped[Optional[datetime]]
    draft: so.Mapped[Optional[list]] = so.mapped_column(sa.JSON)
    # 1, 2, 3... for a learner's attempts at one assignment. Unique, so two "Start" requests racing
    # each other cannot both take the last attempt the limit allows (NULL outside assignments).
    attempt_number: so.Mapped[Optional[int]]

    lesson: so.Mapped[Lesson] = so.relationship()
    assignment: so.Mapped[Optional["Assignment"]] = so.relationship()
    answers: so.WriteOnlyMapped["Answer"] = so.relationship(back_populates="attempt", passive_deletes=True)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class Answer(db.Model):
    """A learner's response to one question of an attempt (one row per try in practice mode)."""

    __table_args__ = (sa.UniqueConstraint("attempt_id", "position", "try_number"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    attempt_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Attempt.id, ondelete="CASCADE"), index=True)
    position: so.Mapped[int]
    try_number: so.Mapped[int] = so.mapped_column(default=1)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id), index=True)
    question_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(QuestionVersion.id), index=True)
    response: so.Mapped[Optional[dict]] = so.mapped_column(sa.JSON)
    score: so.Mapped[float]
    status: so.Mapped[str] = so.mapped_column(sa.String(16))
    answered_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    seconds_taken: so.Mapped[Optional[int]]
    # Set when an instructor regraded this answer against a corrected version; the answer still
    # records the version the learner saw (``question_version_id``).
    regraded_version_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey(QuestionVersion.id))

    attempt: so.Mapped[Attempt] = so.relationship(back_populates="answers")
    question_version: so.Mapped[QuestionVersion] = so.relationship(foreign_keys=[question_version_id])


class EssayGrade(db.Model):
    """A rubric grade of one essay answer: the level chosen for each criterion, and comments.

    ``grader_id`` is the instructor who graded it, or None when the learner graded their own essay
    against the model answer (practice, self-study). Grading again replaces the row's values.
    """

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    answer_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Answer.id, ondelete="CASCADE"), unique=True)
    grader_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    levels: so.Mapped[dict] = so.mapped_column(sa.JSON)  # criterion id -> points of the level chosen
    comments: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)  # criterion id (or "overall") -> comment
    graded_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    answer: so.Mapped[Answer] = so.relationship()


class Media(db.Model):
    """An image shown in questions, named by the SHA-256 of its bytes: one row however many questions show it.

    The bytes live in the database, not in files: every server behind a load balancer reads the same
    rows, an import's questions and images commit or roll back together, one backup holds both, and
    no path on disk is ever built from an upload. ``app.course.media`` caps an image at 2 MB.
    """

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    sha256: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    media_type: so.Mapped[str] = so.mapped_column(sa.String(32))  # as read from the bytes, never as uploaded
    width: so.Mapped[int]
    height: so.Mapped[int]
    size: so.Mapped[int]
    # Deferred: listing or looking up images never reads their bytes; only serving one does.
    content: so.Mapped[bytes] = so.mapped_column(sa.LargeBinary, deferred=True)
    uploaded_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class User(UserMixin, db.Model):
    """An account. Learner data everywhere hangs on ``owner_key`` (``user:<id>``), the same key
    a guest's work carries (``guest:<token>``) until it moves to an account."""

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    username: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    # The name as compared: NFKC-normalised and case-folded, unique, so "Admin1" or a full-width
    # look-alike cannot sit beside "admin1" even when two registrations race.
    username_key: so.Mapped[str] = so.mapped_column(sa.String(40), unique=True)
    # What the name looks like (``username_skeleton``), unique, so "adminl" cannot register beside
    # "admin1", even in a race. Null only for accounts made before it whose look-alike came first.
    username_skeleton: so.Mapped[str | None] = so.mapped_column(sa.String(40), unique=True)
    password_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    role: so.Mapped[str] = so.mapped_column(sa.String(16), default="student")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    desired_retention: so.Mapped[float] = so.mapped_column(default=0.9)
    daily_review_limit: so.Mapped[int] = so.mapped_column(default=50)
    # Optional, for password resets only; stored case-folded so one address cannot hold two accounts.
    email: so.Mapped[Optional[str]] = so.mapped_column(sa.String(254), unique=True)
    # An IANA zone name ("Asia/Karachi"); None means the browser's zone (cookie ``tz``), else UTC.
    time_zone: so.Mapped[Optional[str]] = so.mapped_column(sa.String(64))
    # Questions answered (tests, practice and reviews) a day; None means no goal. Opt-in, like the streak.
    daily_goal: so.Mapped[Optional[int]]
    show_streak: so.Mapped[bool] = so.mapped_column(default=False, server_default=sa.false())
    # Weekdays with fewer reviews (ISO numbers, comma-separated: "6,7" is the weekend); "" means none.
    light_days: so.Mapped[str] = so.mapped_column(sa.String(13), default="", server_default="")
    # The interface's language ("en", "ur", "hi"); None means the browser's (Accept-Language) or the switcher's cookie.
    language: so.Mapped[Optional[str]] = so.mapped_column(sa.String(8))
    # "native" writes numbers in the language's own digits (۱۲۳, १२३); None means the locale's default (Latin).
    digits: so.Mapped[Optional[str]] = so.mapped_column(sa.String(8))

    ROLES = ("student", "instructor", "admin")

    # The login session this object was loaded through (``accounts.sessions``); not stored. Flask-Login
    # names the user by it, so no cookie ever holds the row id.
    session_token = None

    @property
    def owner_key(self) -> str:
        return f"user:{self.id}"

    # UserMixin compares users by get_id(), now a session token: two users loaded outside a login would
    # both be None and "equal". The identity map gives one object per row, so identity is equality.
    __eq__ = object.__eq__
    __ne__ = object.__ne__
    __hash__ = object.__hash__

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the session and remember-me cookies: this browser's session token."""
        return self.session_token

    @so.validates("username")
    def _keep_username_key(self, _name: str, username: str) -> str:
        self.username_key = username_key(username)
        self.username_skeleton = username_skeleton(username)
        return username

    def set_password(self, password: str) -> None:
        """Hash with Werkzeug's current default (scrypt)."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class RecoveryCode(db.Model):
    """One of the ten one-time codes that let a learner without e-mail back into the account (hashed)."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    code_hash: so.Mapped[str] = so.mapped_column(sa.String(256))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    used_at: so.Mapped[Optional[datetime]]


class StudyTime(db.Model):
    """Seconds a learner had a lesson page visible, per UTC day (sent in batches by the browser)."""

    __table_args__ = (sa.UniqueConstraint("owner_key", "lesson_id", "day"),)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_key: so.Mapped[str] = so.mapped_column(sa.String(80), index=True)
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Lesson.id), index=True)
    day: so.Mapped[date]
    seconds: so.Mapped[int] = so.mapped_column(default=0)


class LessonProgress(db.Model):
    """What one learner did with one lesson outside quizzes: visits and an explicit "I've read this"."""

    __table_args__ = (sa.UniqueConstraint("owner_key", "lesson_id"), NEVER_REUSE_IDS)  # also the index for owner_key lookups

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Lesson.id), index=True)
    first_visit_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_visit_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    visits: so.Mapped[int] = so.mapped_column(default=1)
    read_at: so.Mapped[Optional[datetime]]


class ReviewCard(db.Model):
    """A question a learner has answered, as an FSRS card. The scheduler's state is stored, never
    recomputed: the log below can replay or re-optimise it."""

    __table_args__ = (
        sa.UniqueConstraint("owner_key", "question_id"),
        sa.Index("ix_review_card_owner_due", "owner_key", "due"),
        NEVER_REUSE_IDS,
    )

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id), index=True)
    state: so.Mapped[int]
    step: so.Mapped[Optional[int]]
    stability: so.Mapped[Optional[float]]
    difficulty: so.Mapped[Optional[float]]
    due: so.Mapped[datetime]
    last_review: so.Mapped[Optional[datetime]]

    question: so.Mapped[Question] = so.relationship()


class ReviewLog(db.Model):
    """One rated retrieval of a card: from a test, a practice question's first try, or a review."""

    __table_args__ = (sa.Index("ix_review_log_owner_time", "owner_key", "reviewed_at"),
                      # the badge on every page counts today's reviews on the Review page alone
                      sa.Index("ix_review_log_owner_source_time", "owner_key", "source", "reviewed_at"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    owner_key: so.Mapped[str] = so.mapped_column(sa.String(80))
    card_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(ReviewCard.id, ondelete="CASCADE"), index=True)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id))
    question_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(QuestionVersion.id))
    source: so.Mapped[str] = so.mapped_column(sa.String(16))
    rating: so.Mapped[int]
    score: so.Mapped[float]
    response: so.Mapped[Optional[dict]] = so.mapped_column(sa.JSON)
    reviewed_at: so.Mapped[datetime]
    seconds_taken: so.Mapped[Optional[int]]
    card_before: so.Mapped[dict] = so.mapped_column(sa.JSON)


class ReviewHoliday(db.Model):
    """Dates a learner is away (inclusive): no card is due on them; cards that were move to just after."""

    __table_args__ = (sa.CheckConstraint("ends >= starts", name="order"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    starts: so.Mapped[date]
    ends: so.Mapped[date]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ReviewParameters(db.Model):
    """FSRS parameters fitted to review logs by ``flask review optimise``: ``scope`` is "course" (everyone's
    reviews) or one learner's owner key. A learner is scheduled with their own, else the course's, else FSRS's."""

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    scope: so.Mapped[str] = so.mapped_column(sa.String(80), unique=True)
    parameters: so.Mapped[list] = so.mapped_column(sa.JSON)
    reviews: so.Mapped[int]  # reviews the fit used
    fitted_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # Log loss of the reviews the fit held out, under FSRS's default parameters and under these (None: too few).
    loss_default: so.Mapped[Optional[float]]
    loss_fitted: so.Mapped[Optional[float]]


class Classroom(db.Model):
    """A class an instructor runs; students join it with its code."""

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(120))
    instructor_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id), index=True)
    join_code: so.Mapped[str] = so.mapped_column(sa.String(16), unique=True)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    description: so.Mapped[Optional[str]] = so.mapped_column(sa.Text)
    # The term the class runs (calendar dates, shown as they are; no zone).
    term_starts: so.Mapped[Optional[date]]
    term_ends: so.Mapped[Optional[date]]
    # An archived class is read-only: no joins, no new attempts, no changes; grades and exports stay.
    archived_at: so.Mapped[Optional[datetime]]

    instructor: so.Mapped[User] = so.relationship()
    enrollments: so.WriteOnlyMapped["Enrollment"] = so.relationship(back_populates="classroom", passive_deletes=True)
    assignments: so.WriteOnlyMapped["Assignment"] = so.relationship(back_populates="classroom", passive_deletes=True)


class Enrollment(db.Model):
    """A student's membership of a class."""

    __table_args__ = (sa.UniqueConstraint("classroom_id", "user_id"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Classroom.id, ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    joined_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # The student's group (section) in this class, if any: overrides can name a group.
    group_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey("class_group.id", ondelete="SET NULL"), index=True)

    classroom: so.Mapped[Classroom] = so.relationship(back_populates="enrollments")
    user: so.Mapped[User] = so.relationship()


class Assignment(db.Model):
    """A quiz set for a class. Its questions are drawn once, when it is created, so every student
    answers the same questions (in a shuffled order when ``shuffle`` is on) and the item
    analysis compares like with like."""

    GRADING_METHODS = ("highest", "average", "first", "last")
    REVIEW_OPTIONS = ("immediately", "after_due", "never")

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Classroom.id, ondelete="CASCADE"), index=True)
    title: so.Mapped[str] = so.mapped_column(sa.String(160))
    lesson_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Lesson.id), index=True)
    question_ids: so.Mapped[list] = so.mapped_column(sa.JSON)
    # {question id: QuestionVersion id} as each question stood when the assignment was set. Starts use it for a
    # question that is not the class's own (another instructor's shared draft, another class's bank), so a
    # revoked share or the author's later edits never reach this class (``learning.class_routes.versions_for``).
    pinned_version_ids: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    opens_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    due_at: so.Mapped[Optional[datetime]]
    attempt_limit: so.Mapped[Optional[int]]
    time_limit_minutes: so.Mapped[Optional[int]]
    grading_method: so.Mapped[str] = so.mapped_column(sa.String(16), default="highest")
    shuffle: so.Mapped[bool] = so.mapped_column(default=True)
    review_option: so.Mapped[str] = so.mapped_column(sa.String(16), default="immediately")
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    # "draft" (only its instructors see it) or "published" (its students see it from ``opens_at``).
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="published", server_default="published")
    # The class page's order (then ``created_at``); instructors reorder it.
    position: so.Mapped[int] = so.mapped_column(default=0, server_default="0")
    # Deleting an assignment hides it from everyone but keeps it and its attempts (exports, restore).
    deleted_at: so.Mapped[Optional[datetime]]
    # {question id: points} where a question is worth other than 1 (``assignment_rules.points_of``).
    points: so.Mapped[dict] = so.mapped_column(sa.JSON, default=dict)
    # How part of ``question_ids`` was drawn at random: {"lessons": [ids], "tag": str, "count": n, "drawn": [ids]};
    # None when every question was picked by hand.
    pool: so.Mapped[Optional[dict]] = so.mapped_column(sa.JSON)
    # When students see their marks and feedback: "on_submit", "at_time" (``release_at``) or "by_hand"
    # (``released_at`` set by an instructor). ``assignment_rules.marks_released`` decides.
    release_mode: so.Mapped[str] = so.mapped_column(sa.String(16), default="on_submit", server_default="on_submit")
    release_at: so.Mapped[Optional[datetime]]
    released_at: so.Mapped[Optional[datetime]]

    STATUSES = ("draft", "published")
    RELEASE_MODES = ("on_submit", "at_time", "by_hand")

    classroom: so.Mapped[Classroom] = so.relationship(back_populates="assignments")
    lesson: so.Mapped[Lesson] = so.relationship()


class ClassGroup(db.Model):
    """A named group (section) of a class's students; a student is in at most one (``Enrollment.group_id``)."""

    __table_args__ = (sa.UniqueConstraint("classroom_id", "name"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Classroom.id, ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class AssignmentOverride(db.Model):
    """Different rules of one assignment for one student or one group (Moodle's user and group overrides):
    a later due date, extra minutes on the time limit, extra attempts. Exactly one of ``user_id`` and
    ``group_id`` is set; a student's own override wins over their group's (``assignment_rules.effective_rules``)."""

    __table_args__ = (sa.UniqueConstraint("assignment_id", "user_id", name="uq_assignment_override_user"),
                      sa.UniqueConstraint("assignment_id", "group_id", name="uq_assignment_override_group"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    assignment_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Assignment.id, ondelete="CASCADE"), index=True)
    user_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    group_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey(ClassGroup.id, ondelete="CASCADE"), index=True)
    due_at: so.Mapped[Optional[datetime]]
    extra_minutes: so.Mapped[Optional[int]]
    extra_attempts: so.Mapped[Optional[int]]
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ClassOverride(db.Model):
    """A class's own version of a shipped question: its assignments use it instead of the bank's."""

    __table_args__ = (sa.UniqueConstraint("classroom_id", "question_id"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Classroom.id, ondelete="CASCADE"), index=True)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id), index=True)
    question_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(QuestionVersion.id))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class ApiToken(db.Model):
    """A personal access token for the JSON API. Only its SHA-256 is stored; the token itself is
    shown once, when created."""

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    name: so.Mapped[str] = so.mapped_column(sa.String(80))
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    prefix: so.Mapped[str] = so.mapped_column(sa.String(12))
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    last_used_at: so.Mapped[Optional[datetime]]
    revoked_at: so.Mapped[Optional[datetime]]
    # Chosen when the token is made (30, 90 or 365 days); an expired token is refused with the reason.
    expires_at: so.Mapped[datetime]
    # What it may do, as space-separated scopes: "read", or "read submit" (also submit attempts).
    scope: so.Mapped[str] = so.mapped_column(sa.String(32), default="read")

    SCOPES = ("read", "read submit")

    user: so.Mapped[User] = so.relationship()


class LoginSession(db.Model):
    """One signed-in browser. The cookie names the session by a random token (only its SHA-256 is
    stored), never by the user's row id: logging out deletes this row, "log out everywhere", a
    password change and deleting the account delete all of a user's rows, and the cookie is dead."""

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    token_hash: so.Mapped[str] = so.mapped_column(sa.String(64), unique=True)
    remember: so.Mapped[bool] = so.mapped_column(default=False)
    created_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    expires_at: so.Mapped[datetime]
    user_agent: so.Mapped[Optional[str]] = so.mapped_column(sa.String(200))

    user: so.Mapped[User] = so.relationship()


class RateLimitCounter(db.Model):
    """A fixed-window counter of Flask-Limiter's, kept in the database so every worker and every
    server behind a load balancer counts the same requests."""

    __tablename__ = "rate_limit"

    key: so.Mapped[str] = so.mapped_column(sa.String(255), primary_key=True)
    count: so.Mapped[int]
    expires_at: so.Mapped[float]  # seconds since the epoch, as the limits library counts


class ClassroomInstructor(db.Model):
    """A co-instructor of a class: teaches it with the same rights as its owner, and takes it over
    when the owner's account is deleted."""

    __table_args__ = (sa.UniqueConstraint("classroom_id", "user_id"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    classroom_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(Classroom.id, ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    added_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)

    user: so.Mapped[User] = so.relationship()


class QuestionShare(db.Model):
    """An instructor's private question shared with another instructor, who may then use it."""

    __table_args__ = (sa.UniqueConstraint("question_id", "user_id"), NEVER_REUSE_IDS)

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id, ondelete="CASCADE"), index=True)
    user_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(User.id, ondelete="CASCADE"), index=True)
    shared_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)


class PublishRequest(db.Model):
    """An instructor's request to publish one version of their question into the course bank; only
    an admin decides, after seeing it beside the course bank's previous version."""

    STATUSES = ("pending", "published", "declined", "withdrawn")

    __table_args__ = NEVER_REUSE_IDS

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    question_id: so.Mapped[str] = so.mapped_column(sa.ForeignKey(Question.id, ondelete="CASCADE"), index=True)
    question_version_id: so.Mapped[int] = so.mapped_column(sa.ForeignKey(QuestionVersion.id))
    requested_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"), index=True)
    requested_at: so.Mapped[datetime] = so.mapped_column(default=utcnow)
    status: so.Mapped[str] = so.mapped_column(sa.String(16), default="pending")
    decided_by_id: so.Mapped[Optional[int]] = so.mapped_column(sa.ForeignKey(User.id, ondelete="SET NULL"))
    decided_at: so.Mapped[Optional[datetime]]
    note: so.Mapped[Optional[str]] = so.mapped_column(sa.String(500))

    question: so.Mapped[Question] = so.relationship()
    question_version: so.Mapped[QuestionVersion] = so.relationship()
    requested_by: so.Mapped[Optional[User]] = so.relationship(foreign_keys=[requested_by_id])
    decided_by: so.Mapped[Optional[User]] = so.relationship(foreign_keys=[decided_by_id])
