"""Spaced review: the cards due now, one at a time, most-forgotten first, within the daily limit."""

from dataclasses import asdict
from datetime import datetime, timezone
from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField

from app.course import qtypes
from app.course.quiz import ForgedResponse, choice_order, parse_response
from app.course.scheduling import CardState, build_queue, rating_for, review
from app.course.scoring import Outcome, score
from app.extensions import db
from app.learning import bp
from app.learning.routes import course_lessons
from app.models import Lesson, Question, QuestionVersion, ReviewCard, ReviewLog
from app.next_steps import up_next
from app.progress import card_state, owner_key, review_settings
from app.review_status import end_of_local_day, inject_review, review_status, served_today
from app.secrecy import held_back, open_to_learners, secret_rng, with_answer_form
from app.timezones import learner_zone

class ReviewAnswerForm(FlaskForm):
    """Answer one review card (answer fields are read by ``parse_response``)."""

    submit = SubmitField("Check")


class ReviewGradeForm(FlaskForm):
    """The learner's rubric grade of the essay just written for a due card (levels read by ``app.essays``; the
    essay itself rides along under the card's field name, so nothing is stored before the grade)."""

    shown_at = HiddenField()
    reviewing = HiddenField()  # the card's last review when the essay was written: a grade for that review only


def live_cards(owner: str, due_by: datetime | None = None) -> list[ReviewCard]:
    """The learner's cards whose question is still in a bank and not held back by an assignment,
    optionally only those due by a time."""
    query = (sa.select(ReviewCard).join(Question, Question.id == ReviewCard.question_id)
             .where(ReviewCard.owner_key == owner, open_to_learners()))
    if due_by is not None:
        query = query.where(ReviewCard.due <= due_by)
    return list(db.session.scalars(query))


def review_queue(owner: str, now: datetime) -> list[int]:
    """Card ids to review now, in order: the cards ``review_status`` counts as due now, most-forgotten first."""
    retention, limit = review_settings()
    cards = live_cards(owner)  # all of them: build_queue alone decides which are due, as due_status counts them
    return build_queue([(card.id, card_state(card)) for card in cards], now, served_today(owner, now), limit, retention)


bp.app_context_processor(inject_review)


def current_version(question_id: str) -> QuestionVersion:
    return db.session.scalar(sa.select(QuestionVersion).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .where(Question.id == question_id))


def review_item(card: ReviewCard) -> dict:
    """The card's question as the quiz templates expect it, choices in an order and with opaque
    values fixed for this review (the next review of the card gets new ones)."""
    version = current_version(card.question_id)
    scope = f"review:{card.id}:{card.last_review}"
    return with_answer_form({"position": 0, "field": "q0", "order": choice_order(version.data, secret_rng(scope)),
                             "version": version, "data": version.data, "html": version.html}, scope)


def own_card(card_id: int) -> ReviewCard:
    card = db.session.get(ReviewCard, card_id)
    if card is None:
        abort(404, description="There is no review card with this number.")
    if card.owner_key != owner_key():
        abort(403, description="This review card belongs to another learner.")
    return card


def card_lesson(question_id: str) -> Lesson:
    return db.session.scalar(sa.select(Lesson).join(Question, Question.lesson_id == Lesson.id).where(Question.id == question_id))


@bp.route("/review", endpoint="review")
def review_page():
    """The next card due, or when the next one is and what to do meanwhile."""
    owner = owner_key(create=False)
    now = datetime.now(timezone.utc)
    review_status(owner, now)  # the counts the page and its badge show, for this ``now``
    queue = review_queue(owner, now) if owner else []
    if not queue:
        return render_template("learning/review_empty.html", **meanwhile(owner, now))
    card = db.session.get(ReviewCard, queue[0])
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
    return {"first_lesson": None, "steps": [step for step in up_next(owner) if step.kind != "reviews"],
            "deck_cards": len(live_cards(owner, due_by=end_of_local_day(now, learner_zone())))}


@bp.route("/review/<int:card_id>", methods=["POST"])
def answer_card(card_id: int):
    """Score the answer to a due card and reschedule it; a repeated post changes nothing.

    A written essay has no mark yet: the page shows it beside the model answer with the rubric, and the
    card is rated when that grade is posted (``essay_routes.grade_review``).
    """
    card = own_card(card_id)
    now = datetime.now(timezone.utc)
    if not ReviewAnswerForm().validate_on_submit():
        abort(400, description="The review form was incomplete; reload the page and answer again.")
    if not due_and_open(card, now):
        flash("That card was already reviewed; here is the next one.", "info")
        return redirect(url_for("learning.review"))
    item = review_item(card)
    response = read_card_response(item)
    outcome = score(item["data"], response)
    if outcome.status == "pending":
        lesson = card_lesson(card.question_id)
        form = ReviewGradeForm(formdata=None, shown_at=request.form.get("shown_at", ""), reviewing=review_stamp(card))
        return render_template("learning/review_grade.html", card=card, item=item, response=response, lesson=lesson, form=form)
    log = rate_card(card, item, response, outcome, now, request.form.get("shown_at", type=float))
    if log is None:
        flash("That card was already reviewed; here is the next one.", "info")
        return redirect(url_for("learning.review"))
    return redirect(url_for("learning.review_feedback", log_id=log.id))


def due_and_open(card: ReviewCard, now: datetime) -> bool:
    """Whether the card is due now (False: already reviewed); 403 or 404 when its question is not reviewed here."""
    if card_state(card).due > now:
        return False
    if card.question_id in held_back(now):
        abort(403, description="This card's question is in an assignment whose answers are not shown yet; "
                               "it comes back to your reviews when they are. Nothing was saved.")
    if db.session.scalar(sa.select(Question.bank).where(Question.id == card.question_id)) != "course":
        abort(404, description="This card's question is not in the course bank (it came from a class assignment), "
                               "so it is not reviewed here. Nothing was saved.")
    return True


def read_card_response(item: dict) -> Any:
    """The response posted for a review card, or a 400 page naming the forged value."""
    try:
        return parse_response(item["data"], item["field"], item["form"].reader(request.form.getlist))
    except ForgedResponse as forged:
        abort(400, description=f"{forged} Nothing was saved.")


def review_stamp(card: ReviewCard) -> str:
    """The card's last review as text: which review of the card a grade posted later belongs to."""
    last = card_state(card).last_review
    return last.isoformat() if last else ""


def rate_card(card: ReviewCard, item: dict, response, outcome: Outcome, now: datetime, shown_at: float | None) -> ReviewLog | None:
    """Reschedule the card by the outcome's rating and log the review, committed; None if another answer got there first.

    ``outcome`` is scored or graded, never ``pending``: a rating needs a mark.
    """
    before = card_state(card)
    retention, _ = review_settings()
    rating = rating_for(outcome.status)
    if not claim_card(card, review(before, rating, now, retention)):
        return None
    seconds = int(now.timestamp() - shown_at) if shown_at and 0 < now.timestamp() - shown_at < 86400 else None
    log = ReviewLog(owner_key=card.owner_key, card_id=card.id, question_id=card.question_id,
                    question_version_id=item["version"].id, source="review", rating=int(rating),
                    score=outcome.score, response=response, reviewed_at=now, seconds_taken=seconds,
                    card_before=before.to_dict())
    db.session.add(log)
    db.session.commit()
    return log


def claim_card(card: ReviewCard, after: CardState) -> bool:
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
