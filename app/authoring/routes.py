"""Instructors' classes and assignments."""

import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import classroom_or_abort, instructor_required
from app.authoring.forms import AssignmentForm, ClassroomForm
from app.extensions import db
from app.models import Assignment, Classroom, Enrollment, Lesson, Question, QuestionVersion, User

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


@bp.route("/", methods=["GET", "POST"])
@instructor_required
def classes():
    """The instructor's classes, and a form to create one."""
    form = ClassroomForm()
    if form.validate_on_submit():
        classroom = Classroom(name=form.name.data.strip(), instructor_id=current_user.id, join_code=new_join_code())
        db.session.add(classroom)
        db.session.commit()
        flash(f"Class created. Students join with the code {classroom.join_code}.")
        return redirect(url_for("authoring.classroom", classroom_id=classroom.id))
    mine = db.session.scalars(sa.select(Classroom).where(Classroom.instructor_id == current_user.id).order_by(Classroom.created_at)).all()
    return render_template("authoring/classes.html", classes=mine, form=form), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>")
@instructor_required
def classroom(classroom_id: int):
    """A class: its join code and link, roster and assignments."""
    current = classroom_or_abort(classroom_id)
    students = db.session.scalars(sa.select(User).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.classroom_id == current.id).order_by(User.username)).all()
    assignments = db.session.scalars(current.assignments.select().order_by(Assignment.created_at)).all()
    return render_template("authoring/classroom.html", classroom=current, students=students, assignments=assignments)


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
        pool = question_pool(form.lessons.data, (form.tag.data or "").strip().lower())
        if len(pool) < form.question_count.data:
            form.question_count.errors.append(f"Only {len(pool)} questions match; choose at most {len(pool)}.")
            return render_template("authoring/assignment_form.html", form=form, classroom=current), 400
        chosen = random.Random(secrets.randbits(64)).sample(pool, form.question_count.data)
        assignment = Assignment(
            classroom_id=current.id, title=form.title.data.strip(), lesson_id=chosen[0][1],
            question_ids=[question_id for question_id, _ in chosen],
            opens_at=_utc(form.opens_at.data) or datetime.now(timezone.utc), due_at=_utc(form.due_at.data), attempt_limit=form.attempt_limit.data,
            time_limit_minutes=form.time_limit_minutes.data, grading_method=form.grading_method.data,
            shuffle=form.shuffle.data, review_option=form.review_option.data)
        db.session.add(assignment)
        db.session.commit()
        flash(f"Assignment “{assignment.title}” set with {len(chosen)} questions.")
        return redirect(url_for("authoring.classroom", classroom_id=current.id))
    return render_template("authoring/assignment_form.html", form=form, classroom=current), 400 if form.errors else 200


def question_pool(lesson_ids: list[int], tag: str) -> list[tuple[str, int]]:
    """(question id, lesson id) of the live questions of these lessons, only those tagged ``tag`` if given."""
    rows = db.session.execute(
        sa.select(Question.id, Question.lesson_id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.lesson_id.in_(lesson_ids), Question.retired.is_(False))
        .order_by(Question.lesson_id, Question.position)).all()
    return [(ident, lesson_id) for ident, lesson_id, data in rows
            if not tag or tag in {t.lower() for t in data.get("tags", [])}]


def _utc(moment):
    return moment.replace(tzinfo=timezone.utc) if moment else None


from app.authoring import interop_routes, questions, results  # noqa: E402,F401  (authoring, interop, results views)
