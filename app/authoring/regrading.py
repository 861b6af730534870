"""Regrading: after a key is fixed, mark older answers again, first as a dry run, then for real.

Only for questions the caller may edit, over the classes they teach (an admin's covers everyone); each
answer is marked with the version its class now uses, its own override if it has one.
"""


import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.authoring import bp
from app.authoring.access import instructor_required, question_or_abort, taught_classroom_ids
from app.authoring.banks import current_version
from app.authoring.forms import ConfirmForm
from app.course import qtypes
from app.course.scoring import score
from app.extensions import db
from app.models import Answer, Assignment, Attempt, ClassOverride, Question, QuestionVersion, User
from app.progress import attempt_total


def regrade_plan(question: Question) -> list[dict]:
    """Answers (in the instructor's classes; all for an admin) whose mark changes when marked again with the
    version their class now uses (its own override if it has one, else the current version) and today's
    answer rules: an answer on that very version is included too when the course's rules for reading typed
    answers have changed since it was marked. Essays, marked by a person's grade, are left as graded."""
    current = current_version(question)
    overrides = dict(db.session.execute(
        sa.select(ClassOverride.classroom_id, QuestionVersion)
        .join(QuestionVersion, QuestionVersion.id == ClassOverride.question_version_id)
        .where(ClassOverride.question_id == question.id)).all())
    query = (sa.select(Answer, Attempt, Assignment.classroom_id).join(Attempt, Attempt.id == Answer.attempt_id)
             .outerjoin(Assignment, Assignment.id == Attempt.assignment_id).where(Answer.question_id == question.id))
    if current_user.role != "admin":
        query = query.where(Assignment.classroom_id.in_(taught_classroom_ids(current_user)))
    names = {f"user:{user_id}": name for user_id, name in db.session.execute(sa.select(User.id, User.username))}
    plan = []
    for answer, attempt, classroom_id in db.session.execute(query.order_by(Attempt.started_at, Answer.try_number)):
        target = overrides.get(classroom_id, current)
        if qtypes.of(target.data).graded_by_person:  # its mark is a person's grade; by its rule it would be pending again
            continue
        outcome = score(target.data, answer.response)
        if abs(outcome.score - answer.score) > 1e-9:
            plan.append({"answer": answer, "attempt": attempt, "learner": names.get(attempt.owner_key) or _("guest"),
                         "old": answer.score, "new": outcome.score, "status": outcome.status, "target": target})
    return plan


@bp.route("/questions/<question_id>/regrade", methods=["GET", "POST"])
@instructor_required
def regrade(question_id: str):
    """Dry run first (whose marks would change, by how much), then apply on confirmation: only for questions the
    caller may edit, over the classes they teach (an admin: everyone's)."""
    question = question_or_abort(question_id, "edit")
    current = current_version(question)
    plan = regrade_plan(question)
    form = ConfirmForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, description=_("The regrade request was incomplete; reload the page and try again."))
        touched = {}
        for change in plan:
            answer = change["answer"]
            answer.score, answer.status, answer.regraded_version_id = change["new"], change["status"], change["target"].id
            touched[change["attempt"].id] = change["attempt"]
        db.session.flush()
        for attempt in touched.values():
            if attempt.is_submitted:
                attempt.score = attempt_total(attempt)
        db.session.commit()
        flash(_("Regraded %(answers)s answers in %(attempts)s attempts against the version each class uses.",
                answers=len(plan), attempts=len(touched)), "success")
        return redirect(url_for("authoring.regrade", question_id=question.id))
    return render_template("authoring/regrade.html", question=question, current=current, plan=plan, form=form)
