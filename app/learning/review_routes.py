"""Spaced review: the cards due now, one at a time, most-forgotten first, within the daily limit."""

from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from app.course import qtypes
from app.course.quiz import ForgedResponse, choice_order, parse_response
from app.course.scheduling import CardState, aware, build_queue, rating_for, review
from app.course.scoring import Outcome, score
from app.course_cache import LessonInfo, VersionInfo, snapshot, version_contents
from app.extensions import db
from app.learning import bp
from app.learning.routes import course_lessons
from app.models import Question, ReviewCard, ReviewLog
from app.next_steps import up_next
from app.progress import CARD_COLUMNS, LONGEST_DAY, card_state, owner_key, review_settings
from app.review_plan import learner_plan
from app.review_status import (end_of_local_day, inject_review, owner_cards, review_status, served_today,  # noqa: F401
                               start_of_local_day, studied_now)  # served_today: app.api.routes imports it from here
from app.secrecy import held_back, open_to_learners, secret_rng, with_answer_form
from app.timezones import learner_zone

class ReviewAnswerForm(FlaskForm):
    """Answer one review card (answer fields are read by ``parse_response``)."""

    submit = SubmitField(_l("Check"))


class ReviewGradeForm(FlaskForm):
    """The learner's rubric grade of the essay just written for a due card (levels read by ``app.essays``; the
    essay itself rides along under the card's field name, so nothing is stored before the grade)."""

    shown_at = HiddenField()
    reviewing = HiddenField()  # the card's last review when the essay was written: a grade for that review only


@dataclass(frozen=True)
class Card:
    """A learner's review card as read for one page or one answer: plain values, so a commit has nothing to reload."""

    id: int
    owner_key: str
    question_id: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    dues: tuple[datetime, ...] | None = None  # when read for an answer: the owner's due dates its day's load needs


def live_cards(owner: str, due_by: datetime | None = None) -> list[ReviewCard]:
    """The learner's cards whose question is still in a bank and not held back by an assignment,
    optionally only those due by a time."""
    query = (sa.select(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
             .where(ReviewCard.owner_key == owner, open_to_learners()))
    if due_by is not None:
        query = query.where(ReviewCard.due <= due_by)
    return list(db.session.scalars(query))


def review_queue(owner: str, now: datetime) -> list[Card]:
    """The cards to review now, in order: those ``review_status`` counts as due now, most-forgotten first. One
    statement: every card of the learner with the reviews done today (which cards are live comes from memory)."""
    _, limit = review_settings()
    served = (sa.select(sa.func.count(ReviewLog.id).label("served"))
              .where(ReviewLog.owner_key == owner, ReviewLog.source == "review",
                     ReviewLog.reviewed_at >= start_of_local_day(now, learner_zone())).subquery())
    # The one-row count on the left keeps it when the learner has no card yet.
    rows = db.session.execute(sa.select(served.c.served, *CARD_COLUMNS).select_from(served)
                              .outerjoin(ReviewCard, ReviewCard.owner_key == owner)).all()
    studied = studied_now([row.question_id for row in rows if row.id is not None])
    cards = {row.id: Card(row.id, owner, *row[2:]) for row in rows if row.question_id in studied}
    # all of them: build_queue alone decides which are due, as due_status counts them
    order = build_queue([(card.id, card_state(card)) for card in cards.values()], now, rows[0].served or 0, limit,
                        learner_plan(owner, now, balanced=False))
    return [cards[ident] for ident in order]


bp.app_context_processor(inject_review)


def current_version(question_id: str) -> VersionInfo:
    """The question's current version, from memory."""
    version_id = snapshot().questions[question_id].version_id
    return version_contents([version_id])[version_id]


def review_item(card: Card | ReviewCard) -> dict:
    """The card's question as the quiz templates expect it, choices in an order and with opaque
    values fixed for this review (the next review of the card gets new ones)."""
    version = current_version(card.question_id)
    scope = f"review:{card.id}:{card.last_review}"
    return with_answer_form({"position": 0, "field": "q0", "order": choice_order(version.data, secret_rng(scope)),
                             "version": version, "data": version.data, "html": version.html}, scope)


def own_card(card_id: int) -> Card:
    """The signed-in learner's card, read with the due dates of their cards from the start of today on (the day's load
    its answer is scheduled by) in one statement; 404 if there is no such card, 403 if it is someone else's."""
    owner = owner_key()
    rows = db.session.execute(sa.select(*CARD_COLUMNS).where(ReviewCard.owner_key == owner, sa.or_(
        ReviewCard.id == card_id, ReviewCard.due >= datetime.now(timezone.utc) - LONGEST_DAY))).all()
    card = next((row for row in rows if row.id == card_id), None)
    if card is None:
        if db.session.get(ReviewCard, card_id) is None:
            abort(404, description=_("There is no review card with this number."))
        abort(403, description=_("This review card belongs to another learner."))
    return Card(card.id, owner, *card[1:], dues=tuple(row.due for row in rows))


def card_lesson(question_id: str) -> LessonInfo:
    """The lesson of a question (retired ones too), from memory."""
    course = snapshot()
    return course.lessons_by_id[course.questions[question_id].lesson_id]


@bp.route("/review", endpoint="review")
def review_page():
    """The next card due, or when the next one is and what to do meanwhile."""
    owner = owner_key(create=False)
    now = datetime.now(timezone.utc)
    review_status(owner, now)  # the counts the page and its badge show, for this ``now``
    queue = review_queue(owner, now) if owner else []
    if not queue:
        return render_template("learning/review_empty.html", **meanwhile(owner, now))
    card = queue[0]
    lesson = card_lesson(card.question_id)
    item = review_item(card)
    return render_template("learning/review.html", card=card, item={**item, "label": lesson.title}, lesson=lesson,
                           form=ReviewAnswerForm(), shown_at=f"{now.timestamp():.3f}",
                           graded_by_person=qtypes.of(item["data"]).graded_by_person)


def meanwhile(owner: str | None, now: datetime) -> dict:
    """What the nothing-due page offers: the first lesson for a newcomer; else the next steps and today's Anki deck."""
    if owner is None or not review_status(owner, now).total:
        lessons = course_lessons()
        return {"first_lesson": lessons[0] if lessons else None, "steps": [], "deck_cards": 0}
    tz = learner_zone()
    _, cards = owner_cards(owner, start_of_local_day(now, tz))  # what the counts above just read: no query
    studied, end = studied_now([question_id for question_id, _ in cards]), end_of_local_day(now, tz)
    return {"first_lesson": None, "steps": [step for step in up_next(owner) if step.kind != "reviews"],
            "deck_cards": sum(1 for question_id, due in cards if question_id in studied and aware(due) <= end)}


@bp.route("/review/<int:card_id>", methods=["POST"])
def answer_card(card_id: int):
    """Score the answer to a due card and reschedule it; a repeated post changes nothing.

    A written essay has no mark yet: the page shows it beside the model answer with the rubric, and the
    card is rated when that grade is posted (``essay_routes.grade_review``).
    """
    card = own_card(card_id)
    now = datetime.now(timezone.utc)
    if not ReviewAnswerForm().validate_on_submit():
        abort(400, description=_("The review form was incomplete; reload the page and answer again."))
    if not due_and_open(card, now):
        flash(_("That card was already reviewed; here is the next one."), "info")
        return redirect(url_for("learning.review"))
    item = review_item(card)
    response = read_card_response(item)
    outcome = score(item["data"], response)
    if outcome.status == "pending":
        lesson = card_lesson(card.question_id)
        form = ReviewGradeForm(formdata=None, shown_at=request.form.get("shown_at", ""), reviewing=review_stamp(card))
        return render_template("learning/review_grade.html", card=card, item=item, response=response, lesson=lesson, form=form)
    log_id = rate_card(card, item, response, outcome, now, request.form.get("shown_at", type=float))
    if log_id is None:
        flash(_("That card was already reviewed; here is the next one."), "info")
        return redirect(url_for("learning.review"))
    return redirect(url_for("learning.review_feedback", log_id=log_id))


def due_and_open(card: Card, now: datetime) -> bool:
    """Whether the card is due now (False: already reviewed); 403 or 404 when its question is not reviewed here."""
    if card_state(card).due > now:
        return False
    if card.question_id in held_back(now):
        abort(403, description=_("This card's question is in an assignment whose answers are not shown yet; "
                                 "it comes back to your reviews when they are. Nothing was saved."))
    if snapshot().questions[card.question_id].bank != "course":
        abort(404, description=_("This card's question is not in the course bank (it came from a class assignment), "
                                 "so it is not reviewed here. Nothing was saved."))
    return True


def read_card_response(item: dict) -> Any:
    """The response posted for a review card, or a 400 page naming the forged value."""
    try:
        return parse_response(item["data"], item["field"], item["form"].reader(request.form.getlist))
    except ForgedResponse as forged:
        abort(400, description=_("%(reason)s Nothing was saved.", reason=forged))


def review_stamp(card: Card) -> str:
    """The card's last review as text: which review of the card a grade posted later belongs to."""
    last = card_state(card).last_review
    return last.isoformat() if last else ""


def rate_card(card: Card, item: dict, response, outcome: Outcome, now: datetime, shown_at: float | None) -> int | None:
    """Reschedule the card by the outcome's rating and log the review, committed: the log's id; None if another answer
    got there first.

    ``outcome`` is scored or graded, never ``pending``: a rating needs a mark.
    """
    before = card_state(card)
    rating = rating_for(outcome.status)
    if not claim_card(card, review(before, rating, now, learner_plan(card.owner_key, now, dues=card.dues))):
        return None
    seconds = int(now.timestamp() - shown_at) if shown_at and 0 < now.timestamp() - shown_at < 86400 else None
    log_id = db.session.execute(sa.insert(ReviewLog).values(
        owner_key=card.owner_key, card_id=card.id, question_id=card.question_id, question_version_id=item["version"].id,
        source="review", rating=int(rating), score=outcome.score, response=response, reviewed_at=now,
        seconds_taken=seconds, card_before=before.to_dict()).returning(ReviewLog.id)).scalar_one()
    db.session.commit()
    return log_id


def claim_card(card: Card, after: CardState) -> bool:
    """Reschedule the card unless another answer to it got there first; True only for the one request that did.

    A conditional UPDATE on the schedule this request read (like ``claim_submission``), so answers
    posted at the same moment are stored, logged and counted against the daily limit once.
    """
    result = db.session.execute(
        sa.update(ReviewCard).where(ReviewCard.id == card.id, ReviewCard.due == card.due,
                                    ReviewCard.last_review.is_not_distinct_from(card.last_review))
        .values(**asdict(after)).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    return True
