"""Grading essays in an assignment: a queue of the essays its attempts hold, one essay at a time with
the rubric, "save and next" and keyboard shortcuts, and an anonymous mode that hides who wrote what.

Only an instructor of the assignment's class grades; a student sees the grade, the levels and the
comments when the assignment's rule shows them the answers (``review_option``).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm

from app.authoring import bp
from app.authoring.access import assignment_or_abort, instructor_required
from app.course import qtypes
from app.essays import GradeRefused, read_comments, read_levels, save_grade, words_note
from app.extensions import db
from app.models import Answer, Assignment, Attempt, EssayGrade, Question, QuestionVersion, User
from app.progress import owner_id


class GradeForm(FlaskForm):
    """The rubric levels and comments are read by ``app.essays``; this form carries the CSRF token."""


@dataclass(frozen=True)
class Submission:
    """One essay answer of an assignment, as the queue lists it."""

    answer_id: int
    label: str  # the student's name, or "Essay N" when grading anonymously
    question_id: str
    status: str
    words: str
    grader: str | None


def essay_answers(assignment: Assignment) -> list[tuple[Answer, QuestionVersion, Attempt]]:
    """The person-graded answers of the assignment's submitted attempts, oldest submission first."""
    graded_types = [name for name, qtype in qtypes.REGISTRY.items() if qtype.graded_by_person]
    return list(db.session.execute(
        sa.select(Answer, QuestionVersion, Attempt)
        .join(Question, Question.id == Answer.question_id)
        .join(QuestionVersion, QuestionVersion.id == Answer.question_version_id)
        .join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None), Question.type.in_(graded_types))
        .order_by(Attempt.submitted_at, Attempt.id, Answer.position)).all())


def submissions(assignment: Assignment, anonymous: bool) -> list[Submission]:
    rows = essay_answers(assignment)
    owners = {owner_id(attempt.owner_key) for _, _, attempt in rows} - {None}
    names = {row.id: row.username for row in db.session.execute(sa.select(User.id, User.username).where(User.id.in_(owners)))}
    graders = {row.answer_id: row.username for row in db.session.execute(
        sa.select(EssayGrade.answer_id, User.username).join(User, User.id == EssayGrade.grader_id)
        .where(EssayGrade.answer_id.in_([answer.id for answer, _, _ in rows])))}
    found = []
    for number, (answer, version, attempt) in enumerate(rows, start=1):
        label = (_("Essay %(num)s", num=number) if anonymous else
                 names.get(owner_id(attempt.owner_key)) or _("a former student"))
        found.append(Submission(answer.id, label, answer.question_id, answer.status,
                                words_note(version.data, answer.response or ""), graders.get(answer.id)))
    return found


def next_ungraded(assignment: Assignment, after: int | None = None) -> int | None:
    """The first ungraded essay after ``after`` in the queue's order, wrapping round; None when all are graded."""
    queue = [(answer.id, answer.status == "pending") for answer, _, _ in essay_answers(assignment)]
    start = next((index + 1 for index, (ident, _) in enumerate(queue) if ident == after), 0)
    return next((ident for ident, pending in queue[start:] + queue[:start] if pending), None)


def anonymous_flag() -> bool:
    return request.args.get("anonymous") == "1"


@bp.route("/assignments/<int:assignment_id>/grading")
@instructor_required
def grading_queue(assignment_id: int):
    """Every essay of the assignment's attempts: who (or "Essay N"), which question, how long, graded or not."""
    assignment = assignment_or_abort(assignment_id)
    anonymous = anonymous_flag()
    found = submissions(assignment, anonymous)
    return render_template("authoring/grading_queue.html", assignment=assignment, submissions=found, anonymous=anonymous,
                           waiting=sum(1 for s in found if s.status == "pending"), first=next_ungraded(assignment))


def essay_or_abort(answer_id: int) -> tuple[Answer, QuestionVersion, Attempt, Assignment]:
    """A person-graded answer of a submitted attempt in an assignment the current instructor teaches."""
    answer = db.session.get(Answer, answer_id) if 0 < answer_id < 2**31 else None
    attempt = db.session.get(Attempt, answer.attempt_id) if answer else None
    if answer is None or attempt.assignment_id is None:
        abort(404, description=_("There is no essay to grade with this number."))
    assignment = assignment_or_abort(attempt.assignment_id)
    version = db.session.get(QuestionVersion, answer.question_version_id)
    if not qtypes.of(version.data).graded_by_person or not attempt.is_submitted:
        abort(404, description=_("This answer is not an essay waiting for a person's grade."))
    return answer, version, attempt, assignment


@bp.route("/grading/<int:answer_id>", methods=["GET", "POST"])
@instructor_required
def grade_essay(answer_id: int):
    """One essay with the rubric: choose a level per criterion, comment, save (and go on to the next ungraded one)."""
    answer, version, attempt, assignment = essay_or_abort(answer_id)
    anonymous = anonymous_flag()
    form = GradeForm()
    if request.method == "POST":
        if assignment.classroom.archived_at is not None:  # an archived class is read-only, its marks included
            abort(409, description=_("This class is archived; unarchive it to grade. Nothing was saved."))
        if not form.validate_on_submit():
            abort(400, description=_("This grade came without its form token; reload the page and grade again."))
        try:
            chosen, comments = read_levels(version.data, request.form.getlist), read_comments(version.data, request.form.getlist)
        except GradeRefused as refused:
            abort(400, description=_("%(reason)s Nothing was saved.", reason=refused))
        save_grade(answer, version.data, chosen, comments, grader_id=current_user.id)
        try:
            db.session.commit()
        except sa.exc.IntegrityError:  # two graders saved the same essay at once: the first grade stands
            db.session.rollback()
            flash(_("Someone else saved a grade for this essay at the same moment; theirs is kept. Check it below."),
                  "warning")
            return redirect(url_for("authoring.grade_essay", answer_id=answer.id, anonymous="1" if anonymous else None))
        flash(_("Grade saved."), "success")
        following = next_ungraded(assignment, after=answer.id) if "next" in request.form else None
        if following is not None:
            return redirect(url_for("authoring.grade_essay", answer_id=following, anonymous="1" if anonymous else None))
        return redirect(url_for("authoring.grading_queue", assignment_id=assignment.id, anonymous="1" if anonymous else None))
    grade = db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer.id))
    place = next((index for index, s in enumerate(submissions(assignment, True), start=1) if s.answer_id == answer.id), 0)
    student = None if anonymous else db.session.get(User, owner_id(attempt.owner_key) or 0)
    return render_template("authoring/grade_essay.html", assignment=assignment, answer=answer, data=version.data, html=version.html,
                           student=student, place=place, grade=grade, form=form, anonymous=anonymous,
                           words=words_note(version.data, answer.response or ""))
