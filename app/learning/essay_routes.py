"""A learner grades their own essay against the model answer and the rubric: in practice, after a test outside an
assignment, and in spaced review.

In an assignment the instructor grades essays; the learner's own grade is refused there. The grade becomes the
question's mark, and a retrieval that rates the essay's review card (source "self-grade"); on the review page, the
grade of the essay just written is the card's rating.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from app.course import qtypes
from app.course.qtypes.essay import graded
from app.course.scoring import Outcome, score
from app.essays import GradeRefused, can_self_grade, read_comments, read_levels, save_grade
from app.extensions import db
from app.learning import bp
from app.learning.forms import SelfGradeForm
from app.learning.quiz_routes import attempt_items, attempt_or_abort, retrieval
from app.learning.review_routes import ReviewGradeForm, due_and_open, own_card, rate_card, read_card_response, review_item, review_stamp
from app.models import Answer
from app.progress import record_retrievals


@bp.route("/attempts/<public_id>/self-grade", methods=["POST"])
def self_grade(public_id: str):
    """Save the learner's rubric grade of their essay at one position, and rate its review card; a grade already given stays."""
    current = attempt_or_abort(public_id)
    form = SelfGradeForm()
    if not form.validate_on_submit():
        abort(400, description=_("This grade is missing its question number; reload the page and try again."))
    items = attempt_items(current)
    if form.position.data >= len(items):
        abort(400, description=_("This attempt has no question %(num)s.", num=form.position.data + 1))
    item = items[form.position.data]
    answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == current.id, Answer.position == item["position"])
                               .order_by(Answer.try_number.desc()).limit(1))
    back = (url_for("learning.attempt", public_id=public_id, q=item["position"]) if current.mode == "practice" and not current.is_submitted
            else url_for("learning.result", public_id=public_id) + f"#{item['field']}")
    if current.assignment_id is not None and qtypes.of(item["data"]).graded_by_person:
        abort(403, description=_("Your instructor grades the essays of an assignment; nothing was saved."))
    if item["withheld"]:  # its model answer is hidden, so there is nothing to grade it against
        abort(403, description=_("%(reason)s Nothing was saved.", reason=item["withheld"].reason))
    if not can_self_grade(current, item["data"], answer):
        flash(_("This answer has no grade to give now (already graded, or not written yet); nothing changed."), "warning")
        return redirect(back)
    try:
        chosen = read_levels(item["data"], request.form.getlist)
        comments = read_comments(item["data"], request.form.getlist)
    except GradeRefused as refused:
        abort(400, description=_("%(reason)s Nothing was saved.", reason=refused))
    if not claim_pending(answer, graded(item["data"], chosen)):
        flash(_("This answer was graded a moment ago (another tab?); that grade stays."), "warning")
        return redirect(back)
    outcome = save_grade(answer, item["data"], chosen, comments, grader_id=None)
    record_retrievals(current.owner_key, [retrieval(item, answer.response, outcome, answer.seconds_taken)], "self-grade",
                      datetime.now(timezone.utc))
    db.session.commit()
    flash(_("Your grade is saved."), "success")
    return redirect(back)


def claim_pending(answer: Answer, outcome: Outcome) -> bool:
    """Give the waiting essay its grade's mark unless another grade got there first; True only for the one request that did.

    A conditional UPDATE (like ``claim_submission``), so two tabs posting a grade at once save it, and rate the review
    card, once.
    """
    result = db.session.execute(sa.update(Answer).where(Answer.id == answer.id, Answer.status == "pending")
                                .values(score=outcome.score, status=outcome.status).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    return True


@bp.route("/review/<int:card_id>/grade", methods=["POST"])
def grade_review(card_id: int):
    """Rate a due essay card by the learner's rubric grade of the essay just written; a repeated post changes nothing."""
    card = own_card(card_id)
    now = datetime.now(timezone.utc)
    form = ReviewGradeForm()
    if not form.validate_on_submit():
        abort(400, description=_("The grade form was incomplete; reload the page and try again."))
    if form.reviewing.data != review_stamp(card) or not due_and_open(card, now):
        flash(_("That card was already reviewed; here is the next one."), "info")
        return redirect(url_for("learning.review"))
    item = review_item(card)
    if not qtypes.of(item["data"]).graded_by_person:
        abort(400, description=_("This card is checked by its answer, not graded with a rubric. Nothing was saved."))
    response = read_card_response(item)
    if score(item["data"], response).status != "pending":
        abort(400, description=_("The essay to grade is missing: write it again. Nothing was saved."))
    try:
        chosen = read_levels(item["data"], request.form.getlist)
    except GradeRefused as refused:
        abort(400, description=_("%(reason)s Nothing was saved.", reason=refused))
    log = rate_card(card, item, response, graded(item["data"], chosen), now, request.form.get("shown_at", type=float))
    if log is None:
        flash(_("That card was already reviewed; here is the next one."), "info")
        return redirect(url_for("learning.review"))
    return redirect(url_for("learning.review_feedback", log_id=log))
