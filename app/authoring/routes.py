"""Instructors' classes: the list, one class's page, and its co-instructors."""

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.authoring import bp
from app.authoring.access import classroom_or_abort, instructor_named, instructor_required, taught_classroom_ids
from app.authoring.class_admin import random_join_code
from app.authoring.class_forms import ClassroomForm
from app.authoring.forms import ConfirmForm, UsernameForm
from app.extensions import db
from app.i18n import user_text
from app.models import Assignment, ClassGroup, Classroom, ClassroomInstructor, Enrollment, User


@bp.route("/", methods=["GET", "POST"])
@instructor_required
def classes():
    """The classes the instructor owns or co-teaches, and a form to create one."""
    form = ClassroomForm()
    if form.validate_on_submit():
        classroom = Classroom(name=form.name.data.strip(), instructor_id=current_user.id, join_code=random_join_code())
        db.session.add(classroom)
        db.session.commit()
        flash(_("Class created. Students join with the code %(code)s.", code=user_text(classroom.join_code)), "success")
        return redirect(url_for("authoring.classroom", classroom_id=classroom.id))
    mine = db.session.scalars(sa.select(Classroom).where(Classroom.id.in_(taught_classroom_ids(current_user)))
                              .order_by(Classroom.created_at)).all()
    counts = dict(db.session.execute(sa.select(Enrollment.classroom_id, sa.func.count(Enrollment.id))
                                     .where(Enrollment.classroom_id.in_([c.id for c in mine])).group_by(Enrollment.classroom_id)).all())
    return render_template("authoring/classes.html", classes=[c for c in mine if c.archived_at is None],
                           archived=[c for c in mine if c.archived_at is not None], student_counts=counts,
                           form=form), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>")
@instructor_required
def classroom(classroom_id: int):
    """A class's hub: its details and join code, assignments, people, and what can be done with it."""
    current = classroom_or_abort(classroom_id)
    students = db.session.scalars(sa.select(User.username).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.classroom_id == current.id).order_by(User.username_key)).all()
    groups = db.session.scalar(sa.select(sa.func.count(ClassGroup.id)).where(ClassGroup.classroom_id == current.id))
    listed = db.session.scalars(current.assignments.select().order_by(Assignment.position, Assignment.created_at)).all()
    return render_template("authoring/classroom.html", classroom=current, students=students, group_count=groups,
                           assignments=[a for a in listed if a.deleted_at is None],
                           deleted_assignments=[a for a in listed if a.deleted_at is not None],
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
    current = classroom_or_abort(classroom_id, owner_only=True, writable=True)
    form = UsernameForm()
    user = instructor_named(form.username.data if form.validate_on_submit() else None, "add")
    if user.id == current.instructor_id:
        abort(400, description=_("%(user)s owns this class already. Nothing changed.", user=user.username))
    if user in co_instructors(current):
        abort(400, description=_("%(user)s already teaches this class. Nothing changed.", user=user.username))
    db.session.add(ClassroomInstructor(classroom_id=current.id, user_id=user.id))
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # added twice at once: the first one counts
    flash(_("%(user)s now teaches %(name)s with you.", user=user_text(user.username), name=user_text(current.name)), "success")
    return redirect(url_for("authoring.classroom", classroom_id=current.id))


@bp.route("/classes/<int:classroom_id>/instructors/<int:user_id>/remove", methods=["POST"])
@instructor_required
def remove_co_instructor(classroom_id: int, user_id: int):
    """The owner removes a co-instructor, or a co-instructor leaves; nobody removes the owner."""
    current = classroom_or_abort(classroom_id, owner_only=user_id != current_user.id)
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))
    if user_id == current.instructor_id:
        abort(400, description=_("The owner of a class cannot be removed from it. Nothing changed."))
    link = db.session.scalar(sa.select(ClassroomInstructor).where(
        ClassroomInstructor.classroom_id == current.id, ClassroomInstructor.user_id == user_id)) if user_id < 2**31 else None
    if link is None:
        abort(404, description=_("That account does not co-teach this class."))
    name = link.user.username
    db.session.delete(link)
    db.session.commit()
    if user_id == current_user.id:
        flash(_("You no longer teach %(name)s.", name=user_text(current.name)), "success")
        return redirect(url_for("authoring.classes"))
    flash(_("%(user)s no longer teaches %(name)s.", user=user_text(name), name=user_text(current.name)), "success")
    return redirect(url_for("authoring.classroom", classroom_id=current.id))


from app.authoring import (  # noqa: E402,F401  (the other views)
    assignment_actions, assignment_routes, banks, class_admin, class_people, grading, interop_routes, media_routes, overrides, picker, publishing,
    qti_routes, questions, regrading, responses, results)
