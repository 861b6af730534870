"""Whose work is this, and what it adds up to: owner keys, FSRS cards, guest merge, export, delete.

Every piece of a learner's work carries an ``owner_key``: ``user:<id>`` for an account,
``guest:<token>`` (a random token in the signed session cookie) for a visitor. Views never take
an owner from the URL; they ask :func:`owner_key`.
"""

import secrets
from collections import defaultdict
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import has_request_context, session
from sqlalchemy.dialects import postgresql, sqlite
from flask_login import current_user

from app.class_rules import released
from app.course.scoring import practice_mark
from app.course.scheduling import DEFAULT_RETENTION, CardState, Plan, aware, new_card, rating_for, review
from app.extensions import db
from app.models import (Answer, Attempt, EssayGrade, Lesson, LessonProgress, Question, ReviewCard, ReviewLog, StudyTime,
                        User)
from app.secrecy import held_back, open_to_learners, withheld
from app.study_time import merge_study_time


def owner_key(create: bool = True) -> str | None:
    """The current learner's key; a guest gets a token on first need (None if ``create`` is False)."""
    if current_user.is_authenticated:
        return current_user.owner_key
    if "guest" not in session:
        if not create:
            return None
        session["guest"] = secrets.token_urlsafe(16)
        session.permanent = True
    return f"guest:{session['guest']}"


def owner_id(owner: str) -> int | None:
    """The user id in an owner key ("user:12"), None for a guest's or anything else."""
    kind, _, number = owner.partition(":")
    return int(number) if kind == "user" and number.isdigit() else None


def review_settings() -> tuple[float, int]:
    """(desired retention, daily review limit) of the current learner; defaults for guests."""
    if current_user.is_authenticated:
        return current_user.desired_retention, current_user.daily_review_limit
    return DEFAULT_RETENTION, User.daily_review_limit.default.arg


def card_state(card: ReviewCard) -> CardState:
    return CardState(card.state, card.step, card.stability, card.difficulty, aware(card.due),
                     aware(card.last_review) if card.last_review else None)


def apply_state(card: ReviewCard, state: CardState) -> None:
    card.state, card.step, card.stability, card.difficulty = state.state, state.step, state.stability, state.difficulty
    card.due, card.last_review = state.due, state.last_review


# What scheduling reads of a card (``card_state``), selected as columns: no ORM object to keep in step.
CARD_COLUMNS = (ReviewCard.id, ReviewCard.question_id, ReviewCard.state, ReviewCard.step, ReviewCard.stability,
                ReviewCard.difficulty, ReviewCard.due, ReviewCard.last_review)
# A learner's day starts at most this long before any moment, in any zone: the day load's cards are due after it.
LONGEST_DAY = timedelta(hours=27)


def record_retrievals(owner: str, entries: list[dict], source: str, moment: datetime, plan: Plan | None = None,
                      cards: list | None = None) -> None:
    """Review each answered question's card (creating it on a first answer) and log the review.

    ``entries``: dicts with question_id, version_id, status, score, response, seconds. The cards are scheduled by
    the owner's plan (``learner_plan``), each onto the least-loaded day its interval allows, so a test's answers
    spread out. ``cards``: rows of ``CARD_COLUMNS`` holding at least the owner's cards of these questions and those
    due from the start of their day on, if the caller has them; else read here, with the day's load, in one query.
    Three statements however many entries: the read, one upsert of every card, one executemany of the logs.
    Adds to the session's transaction; the caller commits.
    """
    from app.review_plan import learner_plan  # review_plan needs this module's neighbours; imported late

    if not entries:
        return
    question_ids = [entry["question_id"] for entry in entries]
    if cards is None:
        cards = db.session.execute(sa.select(*CARD_COLUMNS).where(ReviewCard.owner_key == owner, sa.or_(
            ReviewCard.question_id.in_(question_ids), ReviewCard.due >= moment - LONGEST_DAY))).all()
    plan = plan or learner_plan(owner, moment, dues=[card.due for card in cards])
    found = {card.question_id: card_state(card) for card in cards}
    states: dict[str, CardState] = {}
    logs = []
    for entry in entries:
        question_id = entry["question_id"]
        before = states.get(question_id) or found.get(question_id) or new_card(moment)
        rating = rating_for(entry["status"])
        states[question_id] = review(before, rating, moment, plan)
        logs.append({"owner_key": owner, "question_id": question_id, "question_version_id": entry["version_id"],
                     "source": source, "rating": int(rating), "score": entry["score"], "response": entry["response"],
                     "reviewed_at": moment, "seconds_taken": entry.get("seconds"), "card_before": before.to_dict()})
    upsert, add_logs = retrieval_statements(db.session.get_bind().dialect.name)
    # render_nulls: a None is stored as NULL, so every row goes in one executemany (never a batch per key set).
    db.session.execute(upsert, [{"owner_key": owner, "question_id": question_id, **state_values(state)}
                                for question_id, state in states.items()], execution_options={"render_nulls": True})
    db.session.execute(add_logs, [{**log, "card_owner": owner, "card_question": log["question_id"]} for log in logs])
    if has_request_context():
        from app.review_status import forget_cards  # the badge reads cards; imported late to avoid a cycle

        forget_cards()


_statements: dict[str, tuple] = {}


def retrieval_statements(dialect: str) -> tuple:
    """(upsert of cards, insert of review logs), built once per dialect: building them costs more than running them."""
    known = _statements.get(dialect)
    if known is None:
        upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(ReviewCard)
        changed = ("state", "step", "stability", "difficulty", "due", "last_review")
        upsert = upsert.on_conflict_do_update(index_elements=["owner_key", "question_id"],
                                              set_={name: upsert.excluded[name] for name in changed})
        # A first answer's card has no id here yet: each log finds its card by (owner, question) as it goes in.
        card_of = (sa.select(ReviewCard.id).where(ReviewCard.owner_key == sa.bindparam("card_owner"),
                                                  ReviewCard.question_id == sa.bindparam("card_question"))
                   .scalar_subquery())
        known = _statements[dialect] = (upsert, sa.insert(ReviewLog.__table__).values(card_id=card_of))
    return known


def state_values(state: CardState) -> dict:
    """A scheduled state as a card row's columns."""
    return {"state": state.state, "step": state.step, "stability": state.stability, "difficulty": state.difficulty,
            "due": state.due, "last_review": state.last_review}


OWNED = (Attempt, LessonProgress, ReviewCard, ReviewLog)


def merge_guest(guest: str, user: User) -> None:
    """Move a guest's attempts, progress, cards and reviews to ``user``; nothing is lost.

    Where both already have a card for one question, the more recently reviewed card is kept
    and the other card's review log is moved onto it. Lesson visits are combined.
    """
    target = user.owner_key
    user_cards = {c.question_id: c for c in db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == target))}
    for card in list(db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == guest))):
        existing = user_cards.get(card.question_id)
        if existing is None:
            continue
        newer_is_guest = (aware(card.last_review) if card.last_review else datetime.min.replace(tzinfo=timezone.utc)) > \
            (aware(existing.last_review) if existing.last_review else datetime.min.replace(tzinfo=timezone.utc))
        keep, drop = (card, existing) if newer_is_guest else (existing, card)
        db.session.execute(sa.update(ReviewLog).where(ReviewLog.card_id == drop.id).values(card_id=keep.id))
        db.session.delete(drop)
        db.session.flush()  # the dropped card must be gone before ``keep`` takes the account's key below
    user_progress = {p.lesson_id: p for p in db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == target))}
    for visit in list(db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == guest))):
        mine = user_progress.get(visit.lesson_id)
        if mine is None:
            continue
        mine.first_visit_at = min(aware(mine.first_visit_at), aware(visit.first_visit_at))
        mine.last_visit_at = max(aware(mine.last_visit_at), aware(visit.last_visit_at))
        mine.visits += visit.visits
        mine.read_at = mine.read_at or visit.read_at
        db.session.delete(visit)
    user_days = {(t.lesson_id, t.day): t for t in db.session.scalars(sa.select(StudyTime).where(StudyTime.owner_key == target))}
    for spent in list(db.session.scalars(sa.select(StudyTime).where(StudyTime.owner_key == guest))):
        mine = user_days.get((spent.lesson_id, spent.day))
        if mine is None:
            spent.owner_key = target
            continue
        mine.seconds = min(mine.seconds + spent.seconds, 24 * 60 * 60)  # one row per lesson and day: add them up
        db.session.delete(spent)
    db.session.flush()
    merge_study_time(guest, target)
    for model in OWNED:
        db.session.execute(sa.update(model).where(model.owner_key == guest).values(owner_key=target)
                           .execution_options(synchronize_session=False))


def delete_owner_data(owner: str) -> None:
    """Delete every row of a learner's work (answers go with their attempts)."""
    attempt_ids = sa.select(Attempt.id).where(Attempt.owner_key == owner)
    db.session.execute(sa.delete(Answer).where(Answer.attempt_id.in_(attempt_ids)))
    db.session.execute(sa.delete(ReviewLog).where(ReviewLog.owner_key == owner))
    for model in (ReviewCard, LessonProgress, StudyTime, Attempt):
        db.session.execute(sa.delete(model).where(model.owner_key == owner))


def _iso(moment: datetime | None) -> str | None:
    return aware(moment).isoformat() if moment else None


def export_owner_data(owner: str, user: User | None) -> dict:
    """Everything stored about a learner, as JSON-ready data.

    An answer whose key is kept from the learner (``withheld``: an assignment's answers not shown yet, or a
    question an exam now holds back) keeps its response but not its score and status, and a review of such a
    question not its score and rating: with several attempts they would give the key away (F-18). The total
    stays (see ``close_test``: a held-back question is not scored outside its exam). There are no keys here. An essay's
    grade (its rubric levels and comments) goes with its score. An assignment attempt whose marks are not released yet
    keeps its responses only: no total, no marks, no grades.
    """
    lessons = dict(db.session.execute(sa.select(Lesson.id, Lesson.slug)).all())
    holds = held_back()
    attempts = []
    for attempt in db.session.scalars(sa.select(Attempt).where(Attempt.owner_key == owner).order_by(Attempt.started_at)):
        answers = list(db.session.scalars(attempt.answers.select().order_by(Answer.position, Answer.try_number)))
        hidden = withheld(attempt, {a.question_id for a in answers}, holds)
        out = attempt.assignment is None or released(attempt.assignment)
        if not out:  # marks not released yet: no total, and no answer's mark or grade
            hidden = {a.question_id: True for a in answers}
        grades = {grade.answer_id: {"levels": grade.levels, "comments": grade.comments, "graded_at": _iso(grade.graded_at)}
                  for grade in db.session.scalars(sa.select(EssayGrade).where(EssayGrade.answer_id.in_([a.id for a in answers])))}
        attempts.append({
            "id": attempt.public_id, "lesson": lessons.get(attempt.lesson_id), "mode": attempt.mode,
            "started_at": _iso(attempt.started_at), "submitted_at": _iso(attempt.submitted_at),
            "score": attempt.score if out else None, "max_score": attempt.max_score,
            **({} if out else {"marks": "not released yet"}),
            "answers": [{"position": a.position, "try": a.try_number, "question": a.question_id,
                         "version": a.question_version.version, "response": a.response,
                         **({"score": a.score, "status": a.status} if a.question_id not in hidden else {}),
                         **({"grade": grades[a.id]} if a.id in grades and a.question_id not in hidden else {}),
                         "answered_at": _iso(a.answered_at), "seconds": a.seconds_taken}
                        for a in answers],
        })
    reviews = list(db.session.scalars(sa.select(ReviewLog).where(ReviewLog.owner_key == owner).order_by(ReviewLog.reviewed_at)))
    reviewed_hidden = withheld(None, {r.question_id for r in reviews}, holds)
    return {
        "account": None if user is None else {
            "username": user.username, "role": user.role, "created_at": _iso(user.created_at),
            "desired_retention": user.desired_retention, "daily_review_limit": user.daily_review_limit,
            "email": user.email, "time_zone": user.time_zone, "daily_goal": user.daily_goal,
            "show_streak": user.show_streak},
        "study_time": [{"lesson": lessons.get(t.lesson_id), "day": t.day.isoformat(), "seconds": t.seconds}
                       for t in db.session.scalars(sa.select(StudyTime).where(StudyTime.owner_key == owner)
                                                   .order_by(StudyTime.day, StudyTime.lesson_id))],
        "lessons": [{"lesson": lessons.get(p.lesson_id), "first_visit_at": _iso(p.first_visit_at),
                     "last_visit_at": _iso(p.last_visit_at), "visits": p.visits, "read_at": _iso(p.read_at)}
                    for p in db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == owner))],
        "attempts": attempts,
        "cards": [{"question": c.question_id, "state": c.state, "step": c.step, "stability": c.stability,
                   "difficulty": c.difficulty, "due": _iso(c.due), "last_review": _iso(c.last_review)}
                  for c in db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner))],
        "reviews": [{"question": r.question_id, "source": r.source, "response": r.response,
                     **({"rating": r.rating, "score": r.score} if r.question_id not in reviewed_hidden else {}),
                     "reviewed_at": _iso(r.reviewed_at), "seconds": r.seconds_taken}
                    for r in reviews],
    }


def lesson_question_counts() -> dict[int, int]:
    """Questions open to learners per lesson id (the size of each bank learners study)."""
    return dict(db.session.execute(
        sa.select(Question.lesson_id, sa.func.count(Question.id)).where(open_to_learners())
        .group_by(Question.lesson_id)).all())


def attempt_total(attempt: Attempt) -> float:
    """An attempt's score from its answers: tests add marks, practice keeps each question's best penalised try."""
    answers = db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.position, Answer.try_number))
    if attempt.mode == "test":  # an assignment's questions may be worth other than 1 point (the layout says)
        return sum(answer.score * float(attempt.layout[answer.position].get("points", 1)) for answer in answers)
    tries = defaultdict(list)
    for answer in answers:
        tries[answer.position].append(answer.score)
    return sum(practice_mark(scores) for scores in tries.values())
