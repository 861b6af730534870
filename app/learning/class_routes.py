"""Students' side of classes: join with a code, see assignments, start an attempt within the rules.

Students see only published assignments that are not deleted (``class_rules.visible_to_students``), each under their
own rules (``class_rules.rules_for``: overrides applied), with dates in their own zone. An archived class takes no
joins and starts no attempts.
"""

import random
import secrets
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.authoring.class_forms import JoinForm, StartAssignmentForm
from app.class_rules import released, rules_for, visible_to_students
from app.course.assignment_rules import Rules, points_of
from app import i18n
from app.course import clock
from app.course.clock import as_utc, attempt_deadline
from app.course.grading import grade
from app.course.quiz import choice_order
from app.extensions import db
from app.i18n import user_text
from app.learning import bp
from app.models import (Assignment, Attempt, ClassOverride, Classroom, ClassroomInstructor, Enrollment, Question,
                        QuestionVersion)
from app.ratelimits import wrong_join_codes, wrong_join_codes_per_address
from app.timezones import learner_zone

@bp.app_template_filter("soon")
def soon(moment: datetime | None, zone: ZoneInfo) -> str:
    """Jinja filter ``soon``: a moment within the coming week in words ("tomorrow at 17:00"), else nothing."""
    if moment is None:
        return ""
    now = datetime.now(timezone.utc)
    if not now < as_utc(moment) < now + timedelta(days=7):
        return ""
    return i18n.in_digits(clock.relative(moment, now, zone, i18n.language().code), i18n.numbering_system())


@bp.app_template_filter("inzone")
def in_zone(moment: datetime | None, zone: ZoneInfo) -> str:
    """Jinja filter ``inzone``: a stored UTC moment in a given zone (a preview's chosen one), as ``localtime`` does."""
    return "–" if moment is None else format_local(moment, zone)


def format_local(moment: datetime, zone: ZoneInfo) -> str:
    """A moment in ``zone`` (a student's own, or a preview's), written in the reader's language and digits."""
    return i18n.in_digits(clock.format_local(moment, zone, locale=i18n.language().code), i18n.numbering_system())


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
        exists = classroom is not None and db.session.scalar(sa.select(Enrollment.id).where(
            Enrollment.classroom_id == classroom.id, Enrollment.user_id == current_user.id)) is not None
        if classroom is None:
            form.code.errors.append(_("No class has this code. Check it with your instructor."))
        elif exists:
            flash(_("You are already in %(name)s.", name=user_text(classroom.name)), "info")
            return redirect(url_for("learning.assignments"))
        elif classroom.archived_at is not None:
            form.code.errors.append(_("%(name)s is archived: its course has ended, so it takes no new students. "
                                      "Ask your instructor for the code of their current class.", name=classroom.name))
        else:
            db.session.add(Enrollment(classroom_id=classroom.id, user_id=current_user.id))
            db.session.commit()
            flash(_("You joined %(name)s.", name=user_text(classroom.name)), "success")
            return redirect(url_for("learning.assignments"))
    return render_template("learning/join.html", form=form), 400 if form.errors else 200


# Racing Starts that lose the unique attempt number look again this many times before a 409.
START_TRIES = 3


def my_attempts(assignment: Assignment) -> list[Attempt]:
    return list(db.session.scalars(sa.select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.owner_key == current_user.owner_key).order_by(Attempt.started_at)))


def why_closed(assignment: Assignment, rules: Rules, attempts: list[Attempt], now: datetime, zone: ZoneInfo) -> str | None:
    """Why this student cannot start a new attempt now (under their own rules), or None if they can."""
    if assignment.classroom.archived_at is not None:
        return _("This class is archived, so it takes no new attempts.")
    if rules.opens_at > now:
        return _("This assignment opens on %(when)s.", when=format_local(rules.opens_at, zone))
    if rules.due_at and rules.due_at <= now:
        return _("This assignment was due on %(when)s; it is closed.", when=format_local(rules.due_at, zone))
    if rules.attempt_limit and len(attempts) >= rules.attempt_limit:
        return _("You have used all %(num)s attempts allowed for this assignment.", num=rules.attempt_limit)
    return None


def marks_note(assignment: Assignment, now: datetime, zone: ZoneInfo) -> str | None:
    """What the grade column says while the marks are not out ("Marks out 3 Dec 2026, 09:00"), or None once they are."""
    if released(assignment, now):
        return None
    if assignment.release_mode == "at_time" and assignment.release_at is not None:
        return _("Marks out %(when)s", when=format_local(assignment.release_at, zone))
    return _("Marks not released yet")


def student_row(assignment: Assignment, rules: Rules, attempts: list[Attempt], now: datetime, zone: ZoneInfo) -> dict:
    """One row of a student's assignments: their rules, attempts, grade (or why it is not shown yet) and what they can do."""
    done = [a for a in attempts if a.is_submitted]
    note = marks_note(assignment, now, zone) if done else None
    return {"assignment": assignment, "rules": rules, "attempts": attempts,
            "in_progress": next((a for a in attempts if not a.is_submitted), None),
            "grade": None if note else grade(assignment.grading_method, [100 * a.score / a.max_score for a in done if a.max_score]),
            "marks": note, "closed": why_closed(assignment, rules, attempts, now, zone)}


@bp.route("/assignments")
@login_required
def assignments():
    """The assignments of every class I am in, class by class in the order the instructor set: what is open, what is
    due (my own due date and limits if I was given more), my attempts and grade."""
    now = datetime.now(timezone.utc)
    zone = learner_zone()
    classes = db.session.scalars(sa.select(Classroom).join(Enrollment, Enrollment.classroom_id == Classroom.id)
                                 .where(Enrollment.user_id == current_user.id).order_by(Classroom.name, Classroom.id)).all()
    sections = []
    for classroom in classes:
        rows = []
        for assignment in db.session.scalars(sa.select(Assignment).where(
                Assignment.classroom_id == classroom.id, visible_to_students())
                .order_by(Assignment.position, Assignment.created_at, Assignment.id)):
            rows.append(student_row(assignment, rules_for(assignment, current_user.id), my_attempts(assignment), now, zone))
        sections.append({"classroom": classroom, "rows": rows})
    return render_template("learning/assignments.html", sections=sections, classes=classes, zone=zone,
                           start_form=StartAssignmentForm())


@bp.route("/assignments/<int:assignment_id>/start", methods=["POST"])
@login_required
def start_assignment(assignment_id: int):
    """Start an attempt if the class, the dates and the attempt limit (the student's own, overrides applied) allow it."""
    assignment = db.session.scalar(sa.select(Assignment).where(Assignment.id == assignment_id, visible_to_students())) \
        if 0 < assignment_id < 2**31 else None
    if assignment is None:
        abort(404, description=_("There is no assignment with this number."))
    enrolled = db.session.scalar(sa.select(Enrollment.id).where(
        Enrollment.classroom_id == assignment.classroom_id, Enrollment.user_id == current_user.id))
    if enrolled is None:
        abort(403, description=_("This assignment belongs to a class you are not in."))
    if not StartAssignmentForm().validate_on_submit():
        abort(400, description=_("The start request was incomplete; reload the page and try again."))
    now = datetime.now(timezone.utc)
    rules = rules_for(assignment, current_user.id)
    attempts = my_attempts(assignment)
    if (resumed := resume_or_refuse(assignment, rules, attempts, now)) is not None:
        return resumed
    layout = build_layout(assignment, versions_for(assignment), random.Random(secrets.randbits(64)))
    for _try in range(START_TRIES):
        attempt = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=assignment.lesson_id, mode="test",
                          owner_key=current_user.owner_key, layout=layout,
                          max_score=float(sum(entry["points"] for entry in layout)),
                          assignment_id=assignment.id, deadline=attempt_deadline(now, rules),
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
        if (resumed := resume_or_refuse(assignment, rules, attempts, now)) is not None:
            return resumed
    abort(409, description=_("Several starts of this assignment arrived at once; open your assignments and try again."))


def build_layout(assignment: Assignment, versions: dict[str, QuestionVersion], rng: random.Random) -> list[dict]:
    """A new attempt's draw: each question's version, its choices' order and its points, questions shuffled if set."""
    order = [qid for qid in assignment.question_ids if qid in versions]
    if assignment.shuffle:
        rng.shuffle(order)
    # Choices are shuffled whatever "shuffle" says (it orders questions only): an authored order
    # would put the key wherever the author habitually writes it (F-02).
    worth = dict(zip(order, points_of(order, assignment.points), strict=True))
    return [{"question": qid, "version_id": versions[qid].id, "order": choice_order(versions[qid].data, rng), "points": worth[qid]}
            for qid in order]


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


def resume_or_refuse(assignment: Assignment, rules: Rules, attempts: list[Attempt], now: datetime):
    """A redirect to the learner's unfinished attempt, a 403 if no attempt may start, or None to start one."""
    unfinished = next((a for a in attempts if not a.is_submitted), None)
    if unfinished is not None:
        return redirect(url_for("learning.attempt", public_id=unfinished.public_id))
    reason = why_closed(assignment, rules, attempts, now, learner_zone())
    if reason:
        abort(403, description=reason)
    return None

