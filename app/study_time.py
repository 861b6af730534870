"""Reading time: the seconds a learner had a lesson page in view, added up per lesson and UTC day.

The browser (``js/lesson.js``) counts only while the page is visible and focused and sends what it
counted in small batches; each batch and each day is capped here, so a forged or runaway count
cannot say more than a day holds. Rows are added to with one INSERT ... ON CONFLICT DO UPDATE
(SQLite and PostgreSQL alike), so two tabs posting at the same moment both count and neither fails.
"""

from datetime import date, datetime, time, timedelta, timezone

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.extensions import db
from app.models import StudyTime

# The browser sends about every 30 seconds; five minutes in one batch per lesson is already generous.
MAX_SECONDS_PER_POST = 300
MAX_SECONDS_PER_DAY = 24 * 60 * 60
# One post may report several lessons (tabs left open); more than this is not a browser's batch.
MAX_ENTRIES_PER_POST = 20

UPSERTS = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}


def add_seconds(owner: str, lesson_id: int, seconds: int, moment: datetime | None = None) -> None:
    """Add ``seconds`` (capped per post) to the learner's reading of a lesson on the UTC day of ``moment``.

    Runs in the caller's transaction; the caller commits.
    """
    add_batch(owner, [(lesson_id, seconds)], moment)


def add_batch(owner: str, entries: list[tuple[int, int]], moment: datetime | None = None) -> None:
    """Add one post's (lesson id, seconds) entries on the UTC day of ``moment``: at most MAX_SECONDS_PER_POST in
    all, as a learner reads one page at a time however many tabs are open, and never past a whole day of reading
    over every lesson (a forged batch of one lesson twenty times, or one per lesson, said far more).

    Runs in the caller's transaction; the caller commits.
    """
    day = (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).date()
    read_today = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StudyTime.seconds), 0))
                                   .where(StudyTime.owner_key == owner, StudyTime.day == day))
    left = min(MAX_SECONDS_PER_POST, MAX_SECONDS_PER_DAY - int(read_today))
    for lesson_id, seconds in entries:
        given = max(0, min(int(seconds), left))
        if given:
            _add_day(owner, lesson_id, day, given)
            left -= given


def reading_days(owner: str) -> list[tuple[int, date, int]]:
    """(lesson id, UTC day, seconds) of every day the learner read a lesson: per lesson and per day from one query."""
    return [tuple(row) for row in db.session.execute(
        sa.select(StudyTime.lesson_id, StudyTime.day, StudyTime.seconds).where(StudyTime.owner_key == owner))]


def reading_seconds(owner: str, days: list[tuple[int, date, int]] | None = None) -> dict[int, int]:
    """Seconds of reading per lesson id, all days together (from ``days`` if the caller has read them)."""
    spent: dict[int, int] = {}
    for lesson_id, _day, seconds in reading_days(owner) if days is None else days:
        spent[lesson_id] = spent.get(lesson_id, 0) + int(seconds)
    return spent


def seconds_on(owner: str, day_start: datetime, day_end: datetime) -> int:
    """Seconds of reading (all lessons) on the days in [day_start, day_end), such as a learner's local day.

    Reading is stored per UTC day, so a UTC day counts for the local day that holds its midday:
    each UTC day belongs to exactly one local day and nothing is counted twice.
    """
    first = day_start.astimezone(timezone.utc).date() - timedelta(days=1)
    last = day_end.astimezone(timezone.utc).date()
    days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
    counted = [day for day in days if day_start <= _midday(day) < day_end]
    if not counted:
        return 0
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StudyTime.seconds), 0))
                                 .where(StudyTime.owner_key == owner, StudyTime.day.in_(counted))))


def _midday(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=timezone.utc)


def merge_study_time(guest: str, target: str) -> None:
    """Move a guest's reading into an account (on registration or login), adding up days both have."""
    for lesson_id, day, seconds in db.session.execute(
            sa.select(StudyTime.lesson_id, StudyTime.day, StudyTime.seconds).where(StudyTime.owner_key == guest)).all():
        _add_day(target, lesson_id, day, seconds)
    db.session.execute(sa.delete(StudyTime).where(StudyTime.owner_key == guest))


def _add_day(owner: str, lesson_id: int, day: date, seconds: int) -> None:
    """Add to one lesson-day row, creating it if new, never past a whole day."""
    table = StudyTime.__table__
    statement = UPSERTS[db.session.get_bind().dialect.name](table).values(
        owner_key=owner, lesson_id=lesson_id, day=day, seconds=min(seconds, MAX_SECONDS_PER_DAY))
    total = table.c.seconds + statement.excluded.seconds
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.owner_key, table.c.lesson_id, table.c.day],
        set_={"seconds": sa.case((total > MAX_SECONDS_PER_DAY, MAX_SECONDS_PER_DAY), else_=total)}))
