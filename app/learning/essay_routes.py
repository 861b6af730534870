"""A learner grades their own essay against the model answer and the rubric (practice, and tests outside assignments).

In an assignment the instructor grades essays; the learner's own grade is refused there. The grade
becomes the question's mark.
"""

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for

from app.course import qtypes
from app.essays import GradeRefused, can_self_grade, read_comments, read_levels, save_grade
from app.extensions import db
from app.learning import bp
from app.learning.forms import SelfGradeForm
from app.learning.quiz_routes import attempt_items, attempt_or_abort
from app.models import Answer


@bp.route("/attempts/<public_id>/self-grade", methods=["POST"])
def self_grade(public_id: str):
    """Save the learner's rubric grade of their essay at one position; a grade already given stays."""
    current = attempt_or_abort(public_id)
    form = SelfGradeForm()
    if not form.validate_on_submit():
        abort(400, description="This grade is missing its question number; reload the page and try again.")
    items = attempt_items(current)
    if form.position.data >= len(items):
        abort(400, description=f"This attempt has no question {form.position.data + 1}.")
    item = items[form.position.data]
    answer = db.session.scalar(sa.select(Answer).where(Answer.attempt_id == current.id, Answer.position == item["position"])
                               .order_by(Answer.try_number.desc()).limit(1))
    back = (url_for("learning.attempt", public_id=public_id, q=item["position"]) if current.mode == "practice" and not current.is_submitted
            else url_for("learning.result", public_id=public_id) + f"#{item['field']}")
    if current.assignment_id is not None and qtypes.of(item["data"]).graded_by_person:
        abort(403, description="Your instructor grades the essays of an assignment; nothing was saved.")
    if not can_self_grade(current, item["data"], answer):
        flash("This answer has no grade to give now (already graded, or not written yet); nothing changed.")
        return redirect(back)
    try:
        chosen = read_levels(item["data"], request.form.get)
        comments = read_comments(item["data"], request.form.get)
    except GradeRefused as refused:
        abort(400, description=f"{refused} Nothing was saved.")
    save_grade(answer, item["data"], chosen, comments, grader_id=None)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same grade posted twice at once (two tabs): the first one counts
    flash("Your grade is saved.")
    return redirect(back)
