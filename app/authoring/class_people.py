"""A class's people: the roster, groups, and removing or moving a student."""

from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import classroom_or_abort, instructor_required, taught_classroom_ids
from app.authoring.class_admin import confirmed
from app.authoring.class_admin_forms import GroupForm, MoveStudentForm, SetGroupForm
from app.authoring.forms import ConfirmForm
from app.class_rules import visible_to_students
from app.course.grading import grade
from app.extensions import db
from app.i18n import person_option, user_text
from app.learning.quiz_routes import attempt_items, close_test
from app.models import (Assignment, AssignmentOverride, Attempt, ClassGroup, Classroom, Enrollment, LessonProgress,
                        ReviewLog, User)


@dataclass
class RosterRow:
    """One student on the roster, with their progress across the class's published assignments."""

    student: User
    group: ClassGroup | None
    joined_at: datetime
    last_activity: datetime | None
    submitted: int
    average: float | None


def class_groups(classroom: Classroom) -> list[ClassGroup]:
    """The class's groups by name."""
    return list(db.session.scalars(sa.select(ClassGroup).where(ClassGroup.classroom_id == classroom.id).order_by(ClassGroup.name)))


def roster_rows(classroom: Classroom, published: list[Assignment]) -> list[RosterRow]:
    """Every enrolled student, by name: group, joining date, last activity anywhere in the course, and
    how many of ``published`` they have submitted, with the average of their grades on those."""
    groups = {group.id: group for group in class_groups(classroom)}
    enrolled = db.session.execute(sa.select(User, Enrollment).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.classroom_id == classroom.id).order_by(User.username_key)).all()
    keys = [student.owner_key for student, _ in enrolled]
    # Activity is anything the student did: a test or quiz, a lesson opened, a card reviewed.
    latest: dict[str, datetime] = {}
    for query in (sa.select(Attempt.owner_key, sa.func.max(sa.func.coalesce(Attempt.submitted_at, Attempt.started_at))),
                  sa.select(LessonProgress.owner_key, sa.func.max(LessonProgress.last_visit_at)),
                  sa.select(ReviewLog.owner_key, sa.func.max(ReviewLog.reviewed_at))):
        owner = query.selected_columns[0]
        for key, moment in db.session.execute(query.where(owner.in_(keys)).group_by(owner)):
            if moment is not None and (key not in latest or moment > latest[key]):
                latest[key] = moment
    methods = {assignment.id: assignment.grading_method for assignment in published}
    percents: dict[str, dict[int, list[float]]] = {}  # owner key -> assignment id -> submitted attempts' %, oldest first
    for key, assignment_id, score, max_score in db.session.execute(
            sa.select(Attempt.owner_key, Attempt.assignment_id, Attempt.score, Attempt.max_score)
            .where(Attempt.assignment_id.in_(list(methods)), Attempt.owner_key.in_(keys), Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at)):
        percents.setdefault(key, {}).setdefault(assignment_id, []).append(100 * (score or 0) / max_score if max_score else 0.0)
    rows = []
    for student, enrollment in enrolled:
        grades = [grade(methods[assignment_id], found) for assignment_id, found in percents.get(student.owner_key, {}).items()]
        rows.append(RosterRow(student, groups.get(enrollment.group_id), enrollment.joined_at, latest.get(student.owner_key),
                              len(grades), sum(grades) / len(grades) if grades else None))
    return rows


def published_assignments(classroom: Classroom) -> list[Assignment]:
    """The assignments the class's students see, in the class page's order."""
    return list(db.session.scalars(sa.select(Assignment).where(Assignment.classroom_id == classroom.id, visible_to_students())
                                   .order_by(Assignment.position, Assignment.created_at)))


@bp.route("/classes/<int:classroom_id>/students")
@instructor_required
def roster(classroom_id: int):
    """The class's students: group, joined, last activity, progress; put them in groups, move or remove them."""
    current = classroom_or_abort(classroom_id)
    published = published_assignments(current)
    groups = class_groups(current)
    group_form = SetGroupForm()
    group_form.group.choices = [(0, _("No group"))] + [SelectChoice(group.id, group.name, render_kw=person_option())
                                                       for group in groups]
    rows = roster_rows(current, published)
    # ?group=<id> or ?group=none shows one group (a plain GET link, no JavaScript needed).
    shown = request.args.get("group", "")
    if shown == "none":
        rows = [row for row in rows if row.group is None]
    elif shown:
        chosen = group_or_abort(current, int(shown) if shown.isascii() and shown.isdigit() and len(shown) < 11 else 0)
        rows = [row for row in rows if row.group is not None and row.group.id == chosen.id]
    return render_template("authoring/roster.html", classroom=current, rows=rows, shown=shown, published=published,
                           groups=groups, group_form=group_form)


def hand_in_open_attempts(classroom: Classroom, student: User) -> int:
    """Close, as they stood, the student's attempts in progress at this class's assignments (they are leaving it, so
    an open test page must not take more answers); how many."""
    open_attempts = list(db.session.scalars(sa.select(Attempt).where(
        Attempt.owner_key == student.owner_key, Attempt.submitted_at.is_(None),
        Attempt.assignment_id.in_(sa.select(Assignment.id).where(Assignment.classroom_id == classroom.id)))))
    for attempt in open_attempts:
        items = attempt_items(attempt)
        close_test(attempt, items, attempt.draft or [None] * len(items))
    return len(open_attempts)


def enrollment_or_abort(classroom: Classroom, user_id: int) -> Enrollment:
    """The enrollment of ``user_id`` in ``classroom``: 404 if they are not in it."""
    enrollment = db.session.scalar(sa.select(Enrollment).where(
        Enrollment.classroom_id == classroom.id, Enrollment.user_id == user_id)) if 0 < user_id < 2**31 else None
    if enrollment is None:
        abort(404, description=_("That student is not in this class."))
    return enrollment


@bp.route("/classes/<int:classroom_id>/students/<int:user_id>/remove", methods=["GET", "POST"])
@instructor_required
def remove_student(classroom_id: int, user_id: int):
    """Take a student out of the class (after a confirmation); their attempts stay on the class's record."""
    current = classroom_or_abort(classroom_id, writable=True)
    enrollment = enrollment_or_abort(current, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = enrollment.user.username
        db.session.delete(enrollment)
        hand_in_open_attempts(current, enrollment.user)
        db.session.commit()
        flash(_("%(student)s is no longer in %(name)s. Their attempts stay in the gradebook, under “No longer in the class”.",
                student=user_text(name), name=user_text(current.name)), "success")
        return redirect(url_for("authoring.roster", classroom_id=current.id))
    attempts = db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(
        Attempt.owner_key == enrollment.user.owner_key,
        Attempt.assignment_id.in_(sa.select(Assignment.id).where(Assignment.classroom_id == current.id))))
    return render_template("authoring/class_student_remove.html", classroom=current, student=enrollment.user,
                           attempts=attempts, form=form)


def move_targets(classroom: Classroom) -> list[Classroom]:
    """The other classes the instructor teaches that are open to changes."""
    return list(db.session.scalars(sa.select(Classroom).where(
        Classroom.id.in_(taught_classroom_ids(current_user)), Classroom.id != classroom.id, Classroom.archived_at.is_(None))
        .order_by(Classroom.name)))


@bp.route("/classes/<int:classroom_id>/students/<int:user_id>/move", methods=["GET", "POST"])
@instructor_required
def move_student(classroom_id: int, user_id: int):
    """Move a student to another class the instructor teaches; their attempts so far stay with this class."""
    current = classroom_or_abort(classroom_id, writable=True)
    enrollment = enrollment_or_abort(current, user_id)
    targets = move_targets(current)
    form = MoveStudentForm()
    form.target.choices = [SelectChoice(target.id, target.name, render_kw=person_option()) for target in targets]
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, description=_("Choose one of the classes you teach that is not archived. Nothing changed."))
        target = classroom_or_abort(form.target.data, writable=True)
        student = enrollment.user
        if db.session.scalar(sa.select(Enrollment.id).where(Enrollment.classroom_id == target.id,
                                                            Enrollment.user_id == student.id)) is not None:
            abort(400, description=_("%(student)s is already in %(target)s. Nothing changed; remove them "
                                     "from %(name)s instead if they should leave it.", student=student.username,
                                     target=target.name, name=current.name))
        enrollment.classroom_id, enrollment.group_id, enrollment.joined_at = target.id, None, datetime.now(timezone.utc)
        hand_in_open_attempts(current, student)
        db.session.commit()
        flash(_("%(student)s moved to %(target)s. Their attempts so far stay in %(name)s's gradebook.",
                student=user_text(student.username), target=user_text(target.name), name=user_text(current.name)), "success")
        return redirect(url_for("authoring.roster", classroom_id=current.id))
    return render_template("authoring/class_student_move.html", classroom=current, student=enrollment.user,
                           targets=targets, form=form)


@bp.route("/classes/<int:classroom_id>/students/group", methods=["POST"])
@instructor_required
def set_group(classroom_id: int):
    """Put the students ticked on the roster in one group, or in none."""
    current = classroom_or_abort(classroom_id, writable=True)
    form = SetGroupForm()
    groups = {group.id: group for group in class_groups(current)}
    form.group.choices = [(0, _("No group"))] + [SelectChoice(group_id, group.name, render_kw=person_option())
                                                 for group_id, group in groups.items()]
    if not form.validate_on_submit():
        abort(400, description=_("Choose one of this class's groups (or “No group”). Nothing changed."))
    chosen = request.form.getlist("student")
    if not chosen:
        abort(400, description=_("Tick at least one student on the roster, then choose their group. Nothing changed."))
    if len(chosen) > 5000 or not all(value.isascii() and value.isdigit() and 0 < int(value) < 2**31 for value in chosen):
        abort(400, description=_("The list of students was not understood; reload the roster and try again. Nothing changed."))
    user_ids = {int(value) for value in chosen}
    enrollments = db.session.scalars(sa.select(Enrollment).where(Enrollment.classroom_id == current.id,
                                                                 Enrollment.user_id.in_(user_ids))).all()
    if len(enrollments) != len(user_ids):
        abort(404, description=_("Some of those students are not in this class. Nothing changed."))
    for enrollment in enrollments:
        enrollment.group_id = form.group.data or None
    db.session.commit()
    flash(ngettext("%(num)s student now in %(group)s.", "%(num)s students now in %(group)s.", len(enrollments),
                   group=user_text(groups[form.group.data].name)) if form.group.data else
          ngettext("%(num)s student now in no group.", "%(num)s students now in no group.", len(enrollments)), "success")
    return redirect(url_for("authoring.roster", classroom_id=current.id))


def group_or_abort(classroom: Classroom, group_id: int) -> ClassGroup:
    """A group of ``classroom``: 404 otherwise."""
    group = db.session.get(ClassGroup, group_id) if 0 < group_id < 2**31 else None
    if group is None or group.classroom_id != classroom.id:
        abort(404, description=_("This class has no such group."))
    return group


def name_taken(classroom: Classroom, name: str, except_id: int | None = None) -> bool:
    """Whether another group of the class has this name (case aside)."""
    return any(group.name.casefold() == name.casefold() and group.id != except_id for group in class_groups(classroom))


@bp.route("/classes/<int:classroom_id>/groups", methods=["GET", "POST"])
@instructor_required
def groups(classroom_id: int):
    """The class's groups (sections) with their members; create one."""
    current = classroom_or_abort(classroom_id, writable=request.method == "POST")
    form = GroupForm()
    if form.validate_on_submit():
        name = form.name.data.strip()
        if name_taken(current, name):
            form.name.errors.append(_("This class has a group called “%(name)s” already; choose another name.", name=name))
        else:
            db.session.add(ClassGroup(classroom_id=current.id, name=name))
            db.session.commit()
            flash(_("Group “%(name)s” created. Put students in it from the roster.", name=user_text(name)), "success")
            return redirect(url_for("authoring.groups", classroom_id=current.id))
    listed = class_groups(current)
    members: dict[int, list[str]] = {}
    for group_id, username in db.session.execute(sa.select(Enrollment.group_id, User.username).join(User, User.id == Enrollment.user_id)
                                                 .where(Enrollment.classroom_id == current.id, Enrollment.group_id.is_not(None))
                                                 .order_by(User.username_key)):
        members.setdefault(group_id, []).append(username)
    overrides = dict(db.session.execute(sa.select(AssignmentOverride.group_id, sa.func.count(AssignmentOverride.id))
                                        .where(AssignmentOverride.group_id.in_([group.id for group in listed]))
                                        .group_by(AssignmentOverride.group_id)).all())
    return render_template("authoring/class_groups.html", classroom=current, groups=listed, members=members,
                           overrides=overrides, form=form, confirm=ConfirmForm()), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>/groups/<int:group_id>/rename", methods=["POST"])
@instructor_required
def rename_group(classroom_id: int, group_id: int):
    """Give a group a new name."""
    current = classroom_or_abort(classroom_id, writable=True)
    group = group_or_abort(current, group_id)
    form = GroupForm()
    if not form.validate_on_submit():
        abort(400, description=_("Give the group a name of at most 80 visible characters. Nothing changed."))
    name = form.name.data.strip()
    if name_taken(current, name, except_id=group.id):
        abort(400, description=_("This class has a group called “%(name)s” already. Nothing changed.", name=name))
    group.name = name
    db.session.commit()
    flash(_("Group renamed to “%(name)s”.", name=user_text(name)), "success")
    return redirect(url_for("authoring.groups", classroom_id=current.id))


@bp.route("/classes/<int:classroom_id>/groups/<int:group_id>/delete", methods=["POST"])
@instructor_required
def delete_group(classroom_id: int, group_id: int):
    """Delete a group: its students stay in the class in no group, and the group's overrides go."""
    current = classroom_or_abort(classroom_id, writable=True)
    group = group_or_abort(current, group_id)
    confirmed()
    name = group.name
    db.session.delete(group)
    db.session.commit()
    flash(_("Group “%(name)s” deleted. Its students are still in the class, in no group.", name=user_text(name)), "success")
    return redirect(url_for("authoring.groups", classroom_id=current.id))
