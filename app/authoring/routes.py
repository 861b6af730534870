"""Instructors' classes and assignments."""

import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import (classroom_or_abort, current_actor, instructor_named, instructor_required, listed_questions,
                                  taught_classroom_ids)
from app.authoring.forms import AssignmentForm, ClassroomForm, ConfirmForm, UsernameForm
from app.course.leaks import cached_leak_graph, leak_free_sample
from app.extensions import db
from app.models import (Assignment, Classroom, ClassroomInstructor, Enrollment, Lesson, Question, QuestionShare,
                        QuestionVersion, User)

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


@bp.route("/", methods=["GET", "POST"])
@instructor_required
def classes():
    """The classes the instructor owns or co-teaches, and a form to create one."""
    form = ClassroomForm()
    if form.validate_on_submit():
        classroom = Classroom(name=form.name.data.strip(), instructor_id=current_user.id, join_code=new_join_code())
        db.session.add(classroom)
        db.session.commit()
        flash(f"Class created. Students join with the code {classroom.join_code}.", "success")
        return redirect(url_for("authoring.classroom", classroom_id=classroom.id))
    mine = db.session.scalars(sa.select(Classroom).where(Classroom.id.in_(taught_classroom_ids(current_user)))
                              .order_by(Classroom.created_at)).all()
    return render_template("authoring/classes.html", classes=mine, form=form), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>")
@instructor_required
def classroom(classroom_id: int):
    """A class: its join code and link, instructors, roster and assignments."""
    current = classroom_or_abort(classroom_id)
    students = db.session.scalars(sa.select(User).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.classroom_id == current.id).order_by(User.username)).all()
    assignments = db.session.scalars(current.assignments.select().order_by(Assignment.created_at)).all()
    return render_template("authoring/classroom.html", classroom=current, students=students, assignments=assignments,
                           owner=db.session.get(User, current.instructor_id), co_instructors=co_instructors(current),
                           manages=current.instructor_id == current_user.id or current_user.role == "admin",
                           instructor_form=UsernameForm(), confirm=ConfirmForm())


def co_instructors(classroom: Classroom) -> list[User]:
    """The class's co-instructors, earliest added first."""
    return list(db.session.scalars(sa.select(User).join(ClassroomInstructor, ClassroomInstructor.user_id == User.id)
                                   .where(ClassroomInstructor.classroom_id == classroom.id).order_by(ClassroomInstructor.added_at)))


@bp.route("/classes/<int:classroom_id>/instructors", methods=["POST"])
@instructor_required
def add_co_instructor(classroom_id: int):
    """The class's owner adds a co-instructor by username: same rights over the class, but not its management."""
    current = classroom_or_abort(classroom_id, owner_only=True)
    form = UsernameForm()
    user = instructor_named(form.username.data if form.validate_on_submit() else None, "to add",
                            "check the name, or ask an administrator to give that account the instructor role.")
    if user.id == current.instructor_id:
        abort(400, description=f"{user.username} owns this class already. Nothing changed.")
    if user in co_instructors(current):
        abort(400, description=f"{user.username} already teaches this class. Nothing changed.")
    db.session.add(ClassroomInstructor(classroom_id=current.id, user_id=user.id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # added twice at once: the first one counts
    flash(f"{user.username} now teaches {current.name} with you.", "success")
    return redirect(url_for("authoring.classroom", classroom_id=current.id))


@bp.route("/classes/<int:classroom_id>/instructors/<int:user_id>/remove", methods=["POST"])
@instructor_required
def remove_co_instructor(classroom_id: int, user_id: int):
    """The owner removes a co-instructor, or a co-instructor leaves; nobody removes the owner."""
    current = classroom_or_abort(classroom_id, owner_only=user_id != current_user.id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description="The request was incomplete; reload the page and try again. Nothing changed.")
    if user_id == current.instructor_id:
        abort(400, description="The owner of a class cannot be removed from it. Nothing changed.")
    link = db.session.scalar(sa.select(ClassroomInstructor).where(
        ClassroomInstructor.classroom_id == current.id, ClassroomInstructor.user_id == user_id)) if user_id < 2**31 else None
    if link is None:
        abort(404, description="That account does not co-teach this class.")
    name = link.user.username
    db.session.delete(link)
    db.session.commit()
    if user_id == current_user.id:
        flash(f"You no longer teach {current.name}.", "success")
        return redirect(url_for("authoring.classes"))
    flash(f"{name} no longer teaches {current.name}.", "success")
    return redirect(url_for("authoring.classroom", classroom_id=current.id))


def lesson_choices() -> list[SelectChoice]:
    return [SelectChoice(lesson.id, lesson.title) for lesson in db.session.scalars(
        sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position))]


@bp.route("/classes/<int:classroom_id>/assignments/new", methods=["GET", "POST"])
@instructor_required
def new_assignment(classroom_id: int):
    """Set a quiz for the class: questions drawn once from the chosen lessons (and tag), and its rules."""
    current = classroom_or_abort(classroom_id)
    form = AssignmentForm()
    form.lessons.choices = lesson_choices()
    if form.validate_on_submit():
        pool = question_pool(form.lessons.data, (form.tag.data or "").strip().lower(), current)
        if len(pool) < form.question_count.data:
            form.question_count.errors.append(f"Only {len(pool)} questions match; choose at most {len(pool)}.")
            return render_template("authoring/assignment_form.html", form=form, classroom=current), 400
        # As a test's draw: never two questions of which one shows the other's answer, as far as the count allows.
        # An instructor who asks for more (a whole bank as homework) gets them, and is told.
        lesson_of = dict(pool)
        rng = random.Random(secrets.randbits(64))
        drawn = leak_free_sample(list(lesson_of), form.question_count.data, leaking_pairs(pool), rng)
        if (free := len(drawn)) < form.question_count.data:
            rest = [ident for ident in lesson_of if ident not in drawn]
            drawn += rng.sample(rest, form.question_count.data - free)
            flash(f"Only {free} of these {len(pool)} questions can go together without one showing another's answer; "
                  f"the {form.question_count.data} set include some such pairs. Choose {free} or fewer to avoid them.",
                  "warning")
        chosen = [(ident, lesson_of[ident]) for ident in drawn]
        assignment = Assignment(
            classroom_id=current.id, title=form.title.data.strip(), lesson_id=chosen[0][1],
            question_ids=[question_id for question_id, _ in chosen], pinned_version_ids=current_version_ids(chosen),
            opens_at=_utc(form.opens_at.data) or datetime.now(timezone.utc), due_at=_utc(form.due_at.data), attempt_limit=form.attempt_limit.data,
            time_limit_minutes=form.time_limit_minutes.data, grading_method=form.grading_method.data,
            shuffle=form.shuffle.data, review_option=form.review_option.data)
        db.session.add(assignment)
        db.session.commit()
        flash(f"Assignment “{assignment.title}” set with {len(chosen)} questions.", "success")
        return redirect(url_for("authoring.classroom", classroom_id=current.id))
    return render_template("authoring/assignment_form.html", form=form, classroom=current), 400 if form.errors else 200


def question_pool(lesson_ids: list[int], tag: str, classroom: Classroom) -> list[tuple[str, int]]:
    """(question id, lesson id) of the live questions of these lessons an assignment of ``classroom`` draws from,
    only those tagged ``tag`` if given: what my lists hold (``listed_questions``: the course bank, my own
    questions, those shared with me, less what another class's exam holds back), of class banks only this class's."""
    shared = sa.select(QuestionShare.question_id).where(QuestionShare.user_id == current_user.id)
    rows = db.session.execute(
        sa.select(Question.id, Question.lesson_id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.lesson_id.in_(lesson_ids), Question.retired.is_(False), listed_questions(current_actor()), sa.or_(
            Question.bank != "class", Question.classroom_id == classroom.id, Question.id.in_(shared)))
        .order_by(Question.lesson_id, Question.position)).all()
    return [(ident, lesson_id) for ident, lesson_id, data in rows
            if not tag or tag in {t.lower() for t in data.get("tags", [])}]


def leaking_pairs(pool: list[tuple[str, int]]) -> frozenset[frozenset[str]]:
    """Pairs of pool questions never set together: one shows the other's answer. Each lesson's leak graph, and, when
    the pool mixes lessons, the graph of the whole pool, since a question of one lesson may print another's key."""
    rows = db.session.execute(sa.select(Question.id, Question.lesson_id, QuestionVersion.data).join(QuestionVersion, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_([question_id for question_id, _ in pool]))).all()
    by_lesson: dict[int, list[dict]] = {}
    for _, lesson_id, data in rows:
        by_lesson.setdefault(lesson_id, []).append(data)
    # Both: a key common across the mix (so not a leak in the whole pool's graph) may still leak within its lesson.
    mixed = [cached_leak_graph([data for _, _, data in rows]).pairs] if len(by_lesson) > 1 else []
    return frozenset().union(*(cached_leak_graph(bank).pairs for bank in by_lesson.values()), *mixed)


def current_version_ids(chosen: list[tuple[str, int]]) -> dict[str, int]:
    """{question id: id of its current version} for the questions drawn: what the assignment pins, so a shared
    question later revoked or edited by its author reaches the class as it was when set."""
    return dict(db.session.execute(sa.select(Question.id, QuestionVersion.id).join(QuestionVersion, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_([question_id for question_id, _ in chosen]))).all())


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment else None


from app.authoring import (  # noqa: E402,F401  (the other views)
    banks, grading, interop_routes, media_routes, publishing, qti_routes, questions, regrading, responses, results)
