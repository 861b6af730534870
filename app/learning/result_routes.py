"""A submitted attempt's result: the score and what was missed first, then every question with the answer given,
the key, the feedback, and a waiting essay's rubric for the learner to grade it (outside assignments); and a
practice of exactly the questions missed."""

import math
import random
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for

from app.course import qtypes
from app.course.quiz import choice_order
from app.course.scheduling import aware
from app.course.scoring import practice_mark
from app.essays import answer_outcome, can_self_grade
from app.extensions import db
from app.learning import bp
from app.learning.forms import PractiseMissedForm, SelfGradeForm
from app.learning.quiz_routes import answers_by_position, attempt_items, attempt_or_abort
from app.learning.routes import course_lessons
from app.models import Attempt, Question, QuestionVersion
from app.progress import owner_key
from app.ratelimits import quiz_starts
from app.secrecy import answers_shown, open_to_learners


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


def missed(rows: list[dict]) -> list[dict]:
    """The rows whose mark fell short of full (a wrong or partly right answer, none, or right only after wrong tries);
    never a question whose key is kept from the learner, nor an essay waiting for its grade."""
    return [row for row in rows if not row["withheld"] and row["outcome"].status != "pending"
            and not math.isclose(row["mark"], 1.0)]


def open_versions(question_ids: list[str]) -> dict[str, tuple[int, dict]]:
    """Question id → (current version id, data) of those among ``question_ids`` that learners may study now."""
    found = db.session.execute(
        sa.select(Question.id, QuestionVersion.id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                       QuestionVersion.version == Question.version))
        .where(Question.id.in_(question_ids), open_to_learners()))
    return {ident: (version_id, data) for ident, version_id, data in found}


def practisable(rows: list[dict]) -> list[str]:
    """The ids of the missed questions a practice can hold, in the order the attempt showed them (no repeats)."""
    ids = list(dict.fromkeys(row["data"]["id"] for row in missed(rows)))
    available = open_versions(ids) if ids else {}
    return [ident for ident in ids if ident in available]


def time_ran_out(current: Attempt) -> bool:
    """Whether a timed attempt was handed in at or after its deadline (by the page's timer or on a later visit)."""
    return bool(current.deadline and current.submitted_at and aware(current.submitted_at) >= aware(current.deadline))


def duration(start: datetime, end: datetime) -> str:
    """How long from ``start`` to ``end``, in words a learner reads at a glance: "4 min 12 s", "1 h 5 min", "3 days"."""
    seconds = max(0, int((aware(end) - aware(start)).total_seconds()))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60} s" if seconds % 60 else f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h {seconds % 3600 // 60} min"
    days = seconds // 86400
    return f"{days} day" if days == 1 else f"{days} days"


def next_lesson(current: Attempt):
    """The lesson after the attempt's own in course order, or None after the last."""
    lessons = course_lessons()
    ids = [lesson.id for lesson in lessons]
    if current.lesson_id not in ids:
        return None
    place = ids.index(current.lesson_id)
    return lessons[place + 1] if place + 1 < len(lessons) else None


@bp.route("/attempts/<public_id>/result")
def result(public_id: str):
    """The scored attempt: the score and what you missed first, then every question with your answer, the
    right answer, why, and where to read more; the next step at the end."""
    current = attempt_or_abort(public_id)
    if not current.is_submitted:
        return redirect(url_for("learning.attempt", public_id=public_id))
    rows = result_rows(current)
    reviewable = answers_shown(current)
    to_practise = practisable(rows) if reviewable and current.assignment is None else []
    return render_template(
        "learning/result.html", attempt=current, rows=rows, reviewable=reviewable,
        missed_rows=missed(rows) if reviewable else [], practise_count=len(to_practise),
        practise_form=PractiseMissedForm() if to_practise else None,
        time_taken=duration(current.started_at, current.submitted_at), ran_out=time_ran_out(current),
        answered=sum(1 for row in rows if row["last"] is not None), next_lesson=next_lesson(current))


def own_submitted_attempt(public_id: str) -> Attempt:
    """The current learner's submitted attempt with this id; 404 for an unknown id or someone else's attempt
    (an action on another's attempt is told nothing about it)."""
    current = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
    if current is None or current.owner_key != owner_key(create=False):
        abort(404, description="There is no quiz attempt of yours at this address.")
    if not current.is_submitted:
        abort(400, description="This attempt is still open: finish it first, then practise what you missed.")
    return current


@bp.route("/attempts/<public_id>/practise-missed", methods=["POST"])
@quiz_starts
def practise_missed(public_id: str):
    """Start a practice of exactly the questions missed in a submitted attempt, in the order it showed them."""
    current = own_submitted_attempt(public_id)
    if not PractiseMissedForm().validate_on_submit():
        abort(400, description="The request to practise was incomplete; reload the result page and try again.")
    if current.assignment is not None or not answers_shown(current):
        abort(400, description="Questions from a class assignment are practised from their lessons' quiz pages.")
    ids = practisable(result_rows(current))
    if not ids:
        abort(400, description="There is nothing to practise from this attempt: you missed no question that practice can hold.")
    versions = open_versions(ids)
    rng = random.Random(secrets.randbits(64))
    layout = [{"question": ident, "version_id": versions[ident][0], "order": choice_order(versions[ident][1], rng)}
              for ident in ids]
    practice = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=current.lesson_id, mode="practice",
                       owner_key=current.owner_key, layout=layout, max_score=float(len(layout)))
    db.session.add(practice)
    db.session.commit()
    flash(f"Practice of the {len(ids)} {'question' if len(ids) == 1 else 'questions'} you missed.", "info")
    return redirect(url_for("learning.attempt", public_id=practice.public_id))
