"""A submitted attempt's result: every question with the answer given, the key, the feedback, and a
waiting essay's rubric for the learner to grade it (outside assignments)."""

from flask import redirect, render_template, url_for

from app.course import qtypes
from app.course.scoring import practice_mark
from app.essays import answer_outcome, can_self_grade
from app.learning import bp
from app.learning.forms import SelfGradeForm
from app.learning.quiz_routes import answers_by_position, attempt_items, attempt_or_abort
from app.models import Attempt
from app.secrecy import answers_shown


def result_rows(current: Attempt) -> list[dict]:
    """Each question of a submitted attempt with its tries, final response, mark and outcome."""
    tries = answers_by_position(current)
    rows = []
    for item in attempt_items(current):
        its_tries = tries.get(item["position"], [])
        last = its_tries[-1] if its_tries else None
        mark = practice_mark([t.score for t in its_tries]) if current.mode == "practice" else (last.score if last else 0.0)
        outcome = answer_outcome(item["data"], last)
        rows.append({**item, "tries": its_tries, "last": last, "mark": mark, "outcome": outcome,
                     "graded_by_person": qtypes.of(item["data"]).graded_by_person,
                     "self_grade": SelfGradeForm(position=item["position"]) if can_self_grade(current, item["data"], last) else None})
    return rows


@bp.route("/attempts/<public_id>/result")
def result(public_id: str):
    """The scored attempt: for every question your answer, the right answer, why, and where to read more."""
    current = attempt_or_abort(public_id)
    if not current.is_submitted:
        return redirect(url_for("learning.attempt", public_id=public_id))
    return render_template("learning/result.html", attempt=current, rows=result_rows(current), reviewable=answers_shown(current))
