"""How many reviews a learner has now and today: the one answer the badge, home, dashboard and review page share.

The counting rule lives in :func:`app.course.scheduling.due_status` (pure, with the zone passed in); this module
feeds it the learner's live cards, today's reviews so far and the learner's zone and allowance.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import g, has_app_context

from app.course.clock import day_bounds, local_day
from app.course.scheduling import ReviewStatus, due_status
from app.extensions import db, rollback_quietly
from app.models import Question, ReviewCard, ReviewLog
from app.progress import owner_key, review_settings
from app.course_cache import snapshot
from app.secrecy import held_back, open_to_learners
from app.timezones import learner_zone

__all__ = ["ReviewStatus", "inject_review", "review_status", "end_of_local_day", "owner_cards", "served_today",
           "start_of_local_day"]


def start_of_local_day(now: datetime, tz: ZoneInfo) -> datetime:
    """The UTC moment the learner's day began: the daily allowance starts again at local midnight."""
    return day_bounds(local_day(now, tz), tz)[0]


def end_of_local_day(now: datetime, tz: ZoneInfo) -> datetime:
    """The UTC moment the learner's day ends: "today's cards" are those due before it."""
    return day_bounds(local_day(now, tz), tz)[1]


def served_today(owner: str, now: datetime, tz: ZoneInfo | None = None) -> int:
    """Reviews done on the Review page since the start of the learner's local day: they count against the daily limit."""
    since = start_of_local_day(now, tz or learner_zone())
    return db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(
        ReviewLog.owner_key == owner, ReviewLog.source == "review", ReviewLog.reviewed_at >= since)) or 0


def live_due_dates(owner: str) -> list[datetime]:
    """Due dates of the learner's cards that are reviewed here (live, in the course bank, not held back)."""
    return list(db.session.scalars(sa.select(ReviewCard.due).join(Question, Question.id == ReviewCard.question_id)
                                   .where(ReviewCard.owner_key == owner, open_to_learners())))


_served = (sa.select(sa.func.count(ReviewLog.id).label("served"))
           .where(ReviewLog.owner_key == sa.bindparam("owner"), ReviewLog.source == "review",
                  ReviewLog.reviewed_at >= sa.bindparam("since")).subquery())
# The one-row count on the left keeps it when the learner has no card yet. Built once (bound parameters): every page
# a learner sees runs it.
OWNER_CARDS = (sa.select(_served.c.served, ReviewCard.question_id, ReviewCard.due).select_from(_served)
               .outerjoin(ReviewCard, ReviewCard.owner_key == sa.bindparam("owner")))


def owner_cards(owner: str, since: datetime) -> tuple[int, list[tuple[str, datetime]]]:
    """(reviews done on the Review page since ``since``, (question id, due) of every card the learner has), in one
    statement, once a request: the badge, the result page's "comes back" sentence and the review counts share it.

    Which cards are studied now (live, in the course bank, not held back) is decided from memory
    (``app.course_cache``, ``held_back``), so the statement joins nothing. A request that writes cards
    forgets it (``forget_cards``).
    """
    known = g.get("owner_cards")
    if known and known[0] == (owner, since):
        return known[1]
    rows = db.session.execute(OWNER_CARDS, {"owner": owner, "since": since}).all()
    found = (rows[0].served or 0, [(row.question_id, row.due) for row in rows if row.question_id is not None])
    g.owner_cards = ((owner, since), found)
    return found


def forget_cards() -> None:
    """Drop this request's copy of the learner's cards (they were just written)."""
    g.pop("owner_cards", None)
    g.pop("review_status", None)


@sa.event.listens_for(so.Session, "after_flush")
def _written(_session: so.Session, _context) -> None:
    """Any write in this request may have been a card or a review: read them again when next asked."""
    if has_app_context():
        forget_cards()


def studied_now(question_ids: list[str]) -> set[str]:
    """Those of ``question_ids`` the review page serves now (``open_to_learners``' rule, from memory)."""
    questions = snapshot().questions
    holds = held_back()
    return {ident for ident in question_ids if (q := questions.get(ident)) is not None
            and not q.retired and q.bank == "course" and ident not in holds}


def review_status(owner: str | None, now: datetime | None = None) -> ReviewStatus:
    """The learner's review counts at ``now`` (default: this moment) in their own zone and within their daily limit.

    Worked out once a request: a page that counts its cards passes its ``now``, and the badge rendered on that
    page reuses the answer, so the two cannot differ by a card that came due in between.
    """
    if owner is None:
        return ReviewStatus()
    known = g.get("review_status")
    if known and known[0] == owner and (now is None or known[1] == now):
        return known[2]
    now = now or datetime.now(timezone.utc)
    tz = learner_zone()
    _, limit = review_settings()
    served, cards = owner_cards(owner, start_of_local_day(now, tz))
    studied = studied_now([question_id for question_id, _ in cards])
    status = due_status([due for question_id, due in cards if question_id in studied], now, tz, served, limit)
    g.review_status = (owner, now, status)
    return status


def inject_review() -> dict:
    """``review`` for every page (the navigation badge shows ``review.due_now``). Error pages render it too, so a
    database that is down (the very reason for a 503 page) must not turn that page into a 500."""
    status = ReviewStatus()
    if not g.get("database_down"):
        try:
            status = review_status(owner_key(create=False))
        except sa.exc.SQLAlchemyError:
            rollback_quietly()
    return {"review": status}

