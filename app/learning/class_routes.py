"""Students' side of classes: join with a code, see assignments, start an attempt within the rules."""

import random
import secrets
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.authoring.forms import JoinForm, StartAssignmentForm
from app.course.grading import grade
from app.course.quiz import choice_order
from app.course.scheduling import aware
from app.extensions import db
from app.learning import bp
from app.models import (Assignment, Attempt, ClassOverride, Classroom, ClassroomInstructor, Enrollment, Question,
                        QuestionVersion)
from app.ratelimits import wrong_join_codes, wrong_join_codes_per_address
from app.timezones import local_time


@bp.route("/classes/join", methods=["GET", "POST"])
@bp.route("/classes/join/<code>", methods=["GET", "POST"])
@wrong_join_codes
@wrong_join_codes_per_address
@login_required
def join_class(code: str | None = None):
    """Join a class with the code (or link) the instructor shared."""
    form = JoinForm(code=code)
    if form.validate_on_submit():
        classroom = db.session.scalar(sa.select(Classroom).where(Classroom.join_code == form.code.data.strip().upper()))
        if classroom is None:
            form.code.errors.append("No class has this code. Check it with your instructor.")
        else:
            exists = db.session.scalar(sa.select(Enrollment.id).where(
                Enrollment.classroom_id == classroom.id, Enrollment.user_id == current_user.id))
            if exists is None:
                db.session.add(Enrollment(classroom_id=classroom.id, user_id=current_user.id))
                db.session.commit()
                flash(f"You joined {classroom.name}.", "success")
            else:
                flash(f"You are already in {classroom.name}.", "info")
            return redirect(url_for("learning.assignments"))
    return render_template("learning/join.html", form=form), 400 if form.errors else 200


# Racing Starts that lose the unique attempt number look again this many times before a 409.
START_TRIES = 3


def my_attempts(assignment: Assignment) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.owner_key == current_user.owner_key).order_by(Attempt.started_at)))


def why_closed(assignment: Assignment, attempts: list[Attempt], now: datetime) -> str | None:
    """Why a new attempt cannot start now, or None if it can."""
    if aware(assignment.opens_at) > now:
        return f"This assignment opens on {local_time(assignment.opens_at)}."
    if assignment.due_at and aware(assignment.due_at) <= now:
        return f"This assignment was due on {local_time(assignment.due_at)}; it is closed."
    if assignment.attempt_limit and len(attempts) >= assignment.attempt_limit:
        return f"You have used all {assignment.attempt_limit} attempts allowed for this assignment."
    return None


@bp.route("/assignments")
@login_required
def assignments():
    """The assignments of every class I am in: what is open, what is due, my attempts and grade."""
    now = datetime.now(timezone.utc)
    rows = []
    for assignment in db.session.scalars(
            sa.select(Assignment).join(Enrollment, Enrollment.classroom_id == Assignment.classroom_id)
            .where(Enrollment.user_id == current_user.id).order_by(Assignment.due_at.is_(None), Assignment.due_at, Assignment.id)):
        attempts = my_attempts(assignment)
        done = [a for a in attempts if a.is_submitted]
        rows.append({"assignment": assignment, "attempts": attempts, "in_progress": next((a for a in attempts if not a.is_submitted), None),
                     "grade": grade(assignment.grading_method, [100 * a.score / a.max_score for a in done]),
                     "closed": why_closed(assignment, attempts, now)})
    classes = db.session.scalars(sa.select(Classroom).join(Enrollment, Enrollment.classroom_id == Classroom.id)
                                 .where(Enrollment.user_id == current_user.id)).all()
    return render_template("learning/assignments.html", rows=rows, classes=classes, start_form=StartAssignmentForm())


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@login_required
def start_assignment(assignment_id: int):
    """Start an attempt if the class, the dates and the attempt limit allow it."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404, description="There is no assignment with this number.")
    enrolled = db.session.scalar(sa.select(Enrollment.id).where(
        Enrollment.classroom_id == assignment.classroom_id, Enrollment.user_id == current_user.id))
    if enrolled is None:
        abort(403, description="This assignment belongs to a class you are not in.")
    if not StartAssignmentForm().validate_on_submit():
        abort(400, description="The start request was incomplete; reload the page and try again.")
    now = datetime.now(timezone.utc)
    attempts = my_attempts(assignment)
    if (resumed := resume_or_refuse(assignment, attempts, now)) is not None:
        return resumed
    rng = random.Random(secrets.randbits(64))
    versions = versions_for(assignment)
    order = [qid for qid in assignment.question_ids if qid in versions]
    if assignment.shuffle:
        rng.shuffle(order)
    # Choices are shuffled whatever "shuffle" says (it orders questions only): an authored order
    # would put the key wherever the author habitually writes it (F-02).
    layout = [{"question": qid, "version_id": versions[qid].id, "order": choice_order(versions[qid].data, rng)}
              for qid in order]
    deadline = None
    if assignment.time_limit_minutes:
        deadline = now + timedelta(minutes=assignment.time_limit_minutes)
    if assignment.due_at:
        deadline = min(deadline or aware(assignment.due_at), aware(assignment.due_at))
    for _ in range(START_TRIES):
        attempt = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=assignment.lesson_id, mode="test",
                          owner_key=current_user.owner_key, layout=layout, max_score=float(len(layout)),
                          assignment_id=assignment.id, deadline=deadline,
                          attempt_number=1 + max((a.attempt_number or 0 for a in attempts), default=0))
        db.session.add(attempt)
        try:
            db.session.commit()
            return redirect(url_for("learning.attempt", public_id=attempt.public_id))
        except sa.exc.IntegrityError:
            # A simultaneous Start took this number (the unique key on assignment, learner and number):
            # look again, so the loser resumes the winner's attempt or is told no attempts are left.
            db.session.rollback()
        attempts = my_attempts(assignment)
        if (resumed := resume_or_refuse(assignment, attempts, now)) is not None:
            return resumed
    abort(409, description="Several starts of this assignment arrived at once; open your assignments and try again.")


def class_own_question_ids(assignment: Assignment) -> set[str]:
    """Which of the assignment's questions are its class's own now: the course bank, the class's bank, and drafts
    of the class's owner or co-instructors. Role-blind on purpose: an admin teaching a class may edit anyone's
    draft, but the class's learners must still not meet another instructor's later private versions."""
    classroom = db.session.get(Classroom, assignment.classroom_id)
    instructors = {classroom.instructor_id, *db.session.scalars(
        sa.select(ClassroomInstructor.user_id).where(ClassroomInstructor.classroom_id == classroom.id))}
    return set(db.session.scalars(sa.select(Question.id).where(Question.id.in_(assignment.question_ids), sa.or_(
        Question.bank == "course", sa.and_(Question.bank == "class", Question.classroom_id == classroom.id),
        sa.and_(Question.bank == "instructor", Question.author_id.in_(instructors))))))


def versions_for(assignment: Assignment) -> dict[str, QuestionVersion]:
    """The version a new attempt shows of each question: the class's own questions follow their current version
    (their editors' fixes reach the class) and the class's override of a course question replaces it; any
    other question stays at the version pinned when the assignment was set, so neither a revoked share nor
    its author's later edits reach the class. A question without a pin (a row made outside the form) shows
    its current version; a question since deleted is left out."""
    current = dict(db.session.execute(
        sa.select(Question.id, QuestionVersion).join(QuestionVersion, sa.and_(
            QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_(assignment.question_ids))).all())
    own = class_own_question_ids(assignment)
    pins = {qid: version_id for qid, version_id in (assignment.pinned_version_ids or {}).items()
            if qid in current and qid not in own and version_id != current[qid].id}
    pinned = {version.question_id: version for version in db.session.scalars(
        sa.select(QuestionVersion).where(QuestionVersion.id.in_(pins.values())))}
    versions = {qid: pinned.get(qid, version) for qid, version in current.items()}
    for override_version in db.session.scalars(
            sa.select(QuestionVersion).join(ClassOverride, ClassOverride.question_version_id == QuestionVersion.id)
            .where(ClassOverride.classroom_id == assignment.classroom_id, ClassOverride.question_id.in_(assignment.question_ids))):
        versions[override_version.question_id] = override_version  # the class's own version of a shipped question
    return versions


def resume_or_refuse(assignment: Assignment, attempts: list[Attempt], now: datetime):
    """A redirect to the learner's unfinished attempt, a 403 if no attempt may start, or None to start one."""
    unfinished = next((a for a in attempts if not a.is_submitted), None)
    if unfinished is not None:
        return redirect(url_for("learning.attempt", public_id=unfinished.public_id))
    reason = why_closed(assignment, attempts, now)
    if reason:
        abort(403, description=reason)
    return None

