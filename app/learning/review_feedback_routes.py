"""After a review: right or wrong, the answer and why, and the learner's own Hard, Good or Easy with the gap each gives."""

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from app.course import qtypes
from app.course.clock import local_day
from app.course.scheduling import SELF_RATINGS, CardState, Plan, aware, interval_label, next_intervals, rating_for, review
from app.course.scoring import outcome as marked, score
from app.extensions import db
from app.learning import bp
from app.learning.review_routes import card_lesson
from app.course_cache import version_contents
from app.models import ReviewCard, ReviewLog
from app.progress import apply_state, owner_key
from app.review_plan import learner_plan
from app.secrecy import withheld
from app.timezones import day_from_now

SELF_RATING_WINDOW = timedelta(hours=1)


class SelfRatingForm(FlaskForm):
    """After a correct answer, the learner may say how hard it felt (the pressed button's ``rating``)."""


def own_log(log_id: int) -> ReviewLog:
    log = db.session.get(ReviewLog, log_id)
    if log is None:
        abort(404, description=_("There is no such review."))
    if log.owner_key != owner_key():
        abort(403, description=_("This review belongs to another learner."))
    return log


@bp.route("/review/done/<int:log_id>")
def review_feedback(log_id: int):
    """Feedback on one review: right or wrong, the answer, why, and a self-rating if it was right; none of it
    while an exam holds the question back (the review may be older than the exam)."""
    log = own_log(log_id)
    version = version_contents([log.question_version_id])[log.question_version_id]
    lesson = card_lesson(log.question_id)
    hold = withheld(None, [log.question_id]).get(log.question_id)
    outcome = score(version.data, log.response)
    if outcome.status == "pending":  # an essay: the learner's grade, logged with the review, is its mark
        outcome = marked(log.score, True)
    can_rate = not hold and _may_rate(log, version.data)
    card = db.session.get(ReviewCard, log.card_id)
    intervals = ({name: interval_label(gap) for name, gap in
                  next_intervals(CardState.from_dict(log.card_before), aware(log.reviewed_at), rerating_plan(card, log)).items()}
                 if can_rate else {})
    return render_template("learning/review_feedback.html", log=log, data=version.data, html=version.html, withheld=hold,
                           outcome=outcome, lesson=lesson, can_rate=can_rate, intervals=intervals,
                           rating_form=SelfRatingForm(), card=card)


def rerating_plan(card: ReviewCard, log: ReviewLog) -> Plan:
    """The plan a self-rating reschedules the card by: as at the review, without the day the review booked for it."""
    plan = learner_plan(card.owner_key, aware(log.reviewed_at))
    plan.load.remove(local_day(aware(card.due), plan.tz))
    return plan


def _is_latest(log: ReviewLog) -> bool:
    latest = db.session.scalar(sa.select(sa.func.max(ReviewLog.id)).where(ReviewLog.card_id == log.card_id))
    return latest == log.id


def _may_rate(log: ReviewLog, data: dict) -> bool:
    """A fully right answer, the card's latest review, within the hour; an essay's rating is the grade it was given."""
    return (log.score >= 1.0 and not qtypes.of(data).graded_by_person and _is_latest(log)
            and datetime.now(timezone.utc) - aware(log.reviewed_at) < SELF_RATING_WINDOW)


@bp.route("/review/done/<int:log_id>/rate", methods=["POST"])
def rate_review(log_id: int):
    """Replace the automatic Good of a correct review with the learner's Hard, Good or Easy."""
    log = own_log(log_id)
    form = SelfRatingForm()
    choice = (request.form.get("rating") or "").lower()
    if not form.validate_on_submit() or choice not in SELF_RATINGS:
        abort(400, description=_("Rate the card Hard, Good or Easy."))
    hold = withheld(None, [log.question_id]).get(log.question_id)
    if hold:  # whether a rating is accepted would tell a right answer from a wrong one
        abort(403, description=_("%(reason)s Nothing was saved.", reason=hold.reason))
    if not _may_rate(log, version_contents([log.question_version_id])[log.question_version_id].data):
        abort(400, description=_("Only the latest review of a card answered correctly (not an essay: its grade is its rating), "
                                 "within the hour, can be rated."))
    card = db.session.get(ReviewCard, log.card_id)
    rating = rating_for("correct", choice)
    apply_state(card, review(CardState.from_dict(log.card_before), rating, aware(log.reviewed_at), rerating_plan(card, log)))
    log.rating = int(rating)
    db.session.commit()
    when = day_from_now(card.due)
    rated = {"hard": lambda: _("Rated hard. That card comes back %(when)s.", when=when),
             "good": lambda: _("Rated good. That card comes back %(when)s.", when=when),
             "easy": lambda: _("Rated easy. That card comes back %(when)s.", when=when)}
    flash(rated[choice](), "success")
    return redirect(url_for("learning.review"))
