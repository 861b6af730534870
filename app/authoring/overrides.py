"""Per-student and per-group overrides of an assignment, and the release of its marks.

An override gives one student or one group of the class a due date of their own, extra minutes on the time limit or
extra attempts (``app.course.assignment_rules`` decides what a student ends up with; ``app.class_rules`` reads it).
Saving or removing one moves the deadline of the attempts those students have in progress, so the clock on their
page tells the truth at once. The release panel (``authoring/_release.html``, on the assignment's page) says when
students see their marks and feedback, and releases or hides them by hand.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required
from app.authoring.override_forms import RELEASE_CHOICES, DeleteOverrideForm, OverrideForm, ReleaseForm, ReleaseNowForm
from app.class_rules import class_rules, released
from app.course.clock import as_utc, attempt_deadline, to_utc
from app.extensions import db
from app.i18n import person_option
from app.models import Assignment, AssignmentOverride, Attempt, ClassGroup, Enrollment, User
from app.timezones import learner_zone, local_time

INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows


def writable_assignment(assignment_id: int) -> Assignment:
    """The assignment if its overrides and release may change now: 409 with the reason for an archived class or a
    deleted assignment (both are kept read-only so the record stays as it was)."""
    assignment = assignment_or_abort(assignment_id)
    classroom_or_abort(assignment.classroom_id, writable=True)
    if assignment.deleted_at is not None:
        abort(409, description=_("This assignment is deleted; restore it from the class page to change it. Nothing changed."))
    return assignment


def read_only_reason(assignment: Assignment) -> str | None:
    """Why this assignment's overrides and release cannot change, in words for the page; None if they can."""
    if assignment.classroom.archived_at is not None:
        return _("This class is archived, so its overrides and the release of marks stay as they are. Unarchive it to change them.")
    if assignment.deleted_at is not None:
        return _("This assignment is deleted, so its overrides and the release of marks stay as they are. Restore it to change them.")
    return None


def move_deadlines(assignment: Assignment, user_ids: list[int], now: datetime) -> list[tuple[User, datetime | None]]:
    """Give the attempts in progress of these students the deadline their rules give now; return (student, new
    deadline) for each one moved. An attempt whose time has already run out is not reopened: it was handed in as it
    stood, and the student starts another if their attempts allow. The caller commits, with the override's change."""
    users = {user.owner_key: user for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids)))}
    if not users:
        return []
    rules = class_rules(assignment, list(user_ids))
    moved = []
    for attempt in db.session.scalars(sa.select(Attempt).where(
            Attempt.assignment_id == assignment.id, Attempt.owner_key.in_(list(users)), Attempt.submitted_at.is_(None))):
        if attempt.deadline is not None and as_utc(attempt.deadline) <= now:
            continue
        user = users[attempt.owner_key]
        new = attempt_deadline(as_utc(attempt.started_at), rules[user.id])
        new = max(new, now) if new is not None else None  # a shorter limit ends the attempt now, never in the past
        old = as_utc(attempt.deadline) if attempt.deadline is not None else None
        if new != old:
            attempt.deadline = new
            moved.append((user, new))
    return moved


def class_students(classroom_id: int) -> list[tuple[User, int | None]]:
    """(student, their group id) for everyone enrolled, by name."""
    query = (sa.select(User, Enrollment.group_id).join(Enrollment, Enrollment.user_id == User.id)
             .where(Enrollment.classroom_id == classroom_id).order_by(User.username_key))
    return [(user, group_id) for user, group_id in db.session.execute(query)]


def class_groups(classroom_id: int) -> list[ClassGroup]:
    return list(db.session.scalars(sa.select(ClassGroup).where(ClassGroup.classroom_id == classroom_id).order_by(ClassGroup.name)))


def target_value(row: AssignmentOverride) -> str:
    """The "who" value of an override: "user:<id>" or "group:<id>"."""
    return f"user:{row.user_id}" if row.user_id is not None else f"group:{row.group_id}"


def local_input(moment: datetime | None, zone: ZoneInfo) -> str:
    """A stored UTC moment as a datetime-local input's value in ``zone``."""
    return as_utc(moment).astimezone(zone).strftime(INPUT_FORMAT) if moment else ""


def override_or_404(assignment: Assignment, override_id: int) -> AssignmentOverride:
    row = db.session.get(AssignmentOverride, override_id) if 0 < override_id < 2**31 else None
    if row is None or row.assignment_id != assignment.id:
        abort(404, description=_("This assignment has no such override."))
    return row


def check_override(form: OverrideForm, assignment: Assignment, zone: ZoneInfo) -> list[str]:
    """Errors the form's own validators cannot see (they need the assignment), put on the fields; the page-level
    problems returned. The due date comes back in UTC in ``form.due_at.utc``."""
    problems = []
    form.due_at.utc = to_utc(form.due_at.data, zone) if form.due_at.data and not form.due_at.errors else None
    if form.due_at.utc is not None and form.due_at.utc <= as_utc(assignment.opens_at):
        form.due_at.errors.append(_("Their due date must come after the assignment opens (%(when)s).",
                                    when=local_time(assignment.opens_at)))
    # The page shows no field for what cannot be given, so these are said at the top.
    if form.extra_minutes.data and not assignment.time_limit_minutes:
        problems.append(_("This assignment has no time limit, so there are no minutes to add."))
    if form.extra_attempts.data and not assignment.attempt_limit:
        problems.append(_("This assignment allows unlimited attempts, so there are none to add."))
    if not problems and form.due_at.data is None and not form.extra_minutes.data and not form.extra_attempts.data and not (
            form.due_at.errors or form.extra_minutes.errors or form.extra_attempts.errors):
        problems.append(_("Give at least one change: a due date of their own, extra minutes or extra attempts."))
    return problems


def who_choices(students: list[tuple[User, int | None]], groups: list[ClassGroup]) -> dict[str | None, list[tuple[str, str]]]:
    """The "who" list: a blank choice, then students and groups (with how many are in each) as optgroups."""
    sizes: dict[int, int] = {}
    for _user, group_id in students:
        if group_id is not None:
            sizes[group_id] = sizes.get(group_id, 0) + 1
    # A blank first choice, so nobody is picked by default: an override never goes to the first name by mistake.
    choices = {None: [("", _("Choose a student or group"))],
               _("Students"): [(f"user:{user.id}", user.username, person_option()) for user, _group in students]}
    if groups:
        choices[_("Groups")] = [(f"group:{group.id}", ngettext("%(name)s (%(num)s student)", "%(name)s (%(num)s students)",
                                                               sizes.get(group.id, 0), name=group.name), person_option()) for group in groups]
    return choices


def override_rows(assignment: Assignment, students: list[tuple[User, int | None]], groups: list[ClassGroup]) -> list[dict]:
    """Each override with who it is for, the rules it gives and the attempts in progress it touches, students first."""
    names = {user.id: user.username for user, _ in students}
    group_names = {group.id: group.name for group in groups}
    members: dict[int, list[int]] = {}
    for user, group_id in students:
        members.setdefault(group_id, []).append(user.id)
    rows = list(db.session.scalars(sa.select(AssignmentOverride).where(AssignmentOverride.assignment_id == assignment.id)))
    own = {row.user_id for row in rows if row.user_id is not None}
    in_progress = dict(db.session.execute(sa.select(Attempt.owner_key, Attempt.deadline).where(
        Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_(None))).all())
    out = []
    for row in rows:
        if row.user_id is not None:
            users = [row.user_id]
            # A former student's override stays with the record; their name comes from the account.
            who = names.get(row.user_id) or _("%(name)s (no longer in the class)", name=db.session.get(User, row.user_id).username)
        else:
            users = members.get(row.group_id, [])
            who = _("Group %(name)s", name=group_names.get(row.group_id, ""))
        out.append({"row": row, "who": who, "group": row.group_id is not None, "size": len(users),
                    "own_wins": sorted(names[user_id] for user_id in users if row.group_id is not None and user_id in own),
                    "time": assignment.time_limit_minutes + (row.extra_minutes or 0) if assignment.time_limit_minutes else None,
                    "attempts": assignment.attempt_limit + (row.extra_attempts or 0) if assignment.attempt_limit else None,
                    "in_progress": [(names.get(user_id, ""), in_progress[f"user:{user_id}"]) for user_id in users
                                    if f"user:{user_id}" in in_progress]})
    out.sort(key=lambda item: (item["group"], item["who"].lower()))
    return out


def moved_words(moved: list[tuple[User, datetime | None]]) -> str:
    """" alice's attempt in progress now ends at 30 Nov 2026, 14:35." for the flash."""
    said = [_("%(name)s's attempt in progress now ends at %(when)s.", name=user.username, when=local_time(deadline)) if deadline
            else _("%(name)s's attempt in progress now has no deadline.", name=user.username) for user, deadline in moved]
    return (" " + " ".join(said)) if said else ""


@bp.route("/assignments/<int:assignment_id>/overrides", methods=["GET", "POST"])
@instructor_required
def assignment_overrides(assignment_id: int):
    """The assignment's overrides, and a form to give (or change) one for a student or a group."""
    assignment = assignment_or_abort(assignment_id)
    zone = learner_zone()
    students, groups = class_students(assignment.classroom_id), class_groups(assignment.classroom_id)
    form = OverrideForm()
    form.who.choices = who_choices(students, groups)
    form.due_at.label.text = _("Their due date (%(zone)s time)", zone=zone.key)
    problems: list[str] = []
    editing = None
    if form.is_submitted():
        assignment = writable_assignment(assignment_id)
        valid = form.validate()
        problems = check_override(form, assignment, zone)  # also when invalid, so every mistake shows at once
        if valid and not problems and not form.errors:
            kind, ident = form.who.data.split(":")
            column = AssignmentOverride.user_id if kind == "user" else AssignmentOverride.group_id
            row = db.session.scalar(sa.select(AssignmentOverride).where(
                AssignmentOverride.assignment_id == assignment.id, column == int(ident)))
            replaced = row is not None
            if row is None:
                row = AssignmentOverride(assignment_id=assignment.id, **{column.key: int(ident)})
                db.session.add(row)
            row.due_at, row.extra_minutes, row.extra_attempts = form.due_at.utc, form.extra_minutes.data, form.extra_attempts.data
            try:
                db.session.flush()
            except sa.exc.IntegrityError:
                # Another tab (or co-instructor) gave them an override a moment ago: the unique key keeps one each.
                db.session.rollback()
                abort(409, description=_("Someone saved an override for them a moment ago; reload the page to see it. "
                                         "Nothing changed."))
            affected = [int(ident)] if kind == "user" else [user.id for user, group_id in students if group_id == int(ident)]
            moved = move_deadlines(assignment, affected, datetime.now(timezone.utc))
            db.session.commit()
            name = next(user.username for user, _group in students if user.id == int(ident)) if kind == "user" else \
                next(group.name for group in groups if group.id == int(ident))
            if kind == "user":
                said = (_("Changed the override for %(name)s.", name=name) if replaced else
                        _("Saved the override for %(name)s.", name=name))
            else:
                said = (_("Changed the override for group %(name)s.", name=name) if replaced else
                        _("Saved the override for group %(name)s.", name=name))
            flash(said + moved_words(moved), "success")
            return redirect(url_for("authoring.assignment_overrides", assignment_id=assignment.id))
    elif (edit := request.args.get("edit", type=int)) is not None:
        editing = override_or_404(assignment, edit)
        form.who.data = target_value(editing)
        form.due_at.data = as_utc(editing.due_at).astimezone(zone).replace(tzinfo=None) if editing.due_at else None
        form.extra_minutes.data, form.extra_attempts.data = editing.extra_minutes, editing.extra_attempts
    return render_template(
        "authoring/assignment_overrides.html", assignment=assignment, classroom=assignment.classroom, form=form,
        problems=problems, editing=editing, rows=override_rows(assignment, students, groups), zone=zone,
        delete_form=DeleteOverrideForm(), read_only=read_only_reason(assignment), has_groups=bool(groups),
        has_students=bool(students)), 400 if form.is_submitted() else 200


@bp.route("/assignments/<int:assignment_id>/overrides/<int:override_id>/delete", methods=["POST"])
@instructor_required
def delete_override(assignment_id: int, override_id: int):
    """Remove an override: the class's rules apply to them again (and to their attempts in progress)."""
    assignment = writable_assignment(assignment_id)
    if not DeleteOverrideForm().validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))
    row = override_or_404(assignment, override_id)
    if row.user_id is not None:
        affected = [row.user_id]
        said = _("Removed the override for %(name)s: the class's rules apply again.",
                 name=db.session.get(User, row.user_id).username)
    else:
        affected = list(db.session.scalars(sa.select(Enrollment.user_id).where(
            Enrollment.classroom_id == assignment.classroom_id, Enrollment.group_id == row.group_id)))
        said = _("Removed the override for group %(name)s: the class's rules apply again.",
                 name=db.session.get(ClassGroup, row.group_id).name)
    db.session.delete(row)
    db.session.flush()
    moved = move_deadlines(assignment, affected, datetime.now(timezone.utc))
    db.session.commit()
    flash(said + moved_words(moved), "success")
    return redirect(url_for("authoring.assignment_overrides", assignment_id=assignment.id))


@bp.app_template_global()
def release_panel(assignment: Assignment, form: ReleaseForm | None = None) -> dict:
    """What ``authoring/_release.html`` shows: whether the marks are out and why, how many submitted attempts wait,
    and the settings form's values (a re-shown ``form``'s when it had errors)."""
    now = datetime.now(timezone.utc)
    zone = learner_zone()
    out = released(assignment, now)
    submitted = db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(
        Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None)))
    if assignment.released_at is not None and as_utc(assignment.released_at) <= now:
        status = _("You released them on %(when)s.", when=local_time(assignment.released_at))
    elif out and assignment.release_mode == "at_time":
        status = _("They came out on %(when)s.", when=local_time(assignment.release_at))
    elif out:
        status = _("Each student sees theirs as soon as they submit.")
    elif assignment.release_mode == "at_time" and assignment.release_at is not None:
        status = ngettext("They come out on %(when)s; %(num)s submitted attempt waits.",
                          "They come out on %(when)s; %(num)s submitted attempts wait.", submitted,
                          when=local_time(assignment.release_at))
    else:
        status = ngettext("They come out when you release them; %(num)s submitted attempt waits.",
                          "They come out when you release them; %(num)s submitted attempts wait.", submitted)
    mode = form.release_mode.data if form is not None and form.release_mode.data in Assignment.RELEASE_MODES else assignment.release_mode
    return {"out": out, "status": status, "mode": mode, "choices": RELEASE_CHOICES, "zone": zone.key,
            "release_at": form.release_at.raw_data[0] if form is not None and form.release_at.raw_data else
            local_input(assignment.release_at, zone),
            "errors": form.release_at.errors if form is not None else [],
            "mode_errors": form.release_mode.errors if form is not None else [],
            "read_only": read_only_reason(assignment)}


def after_release(assignment: Assignment):
    """Back to the assignment's page, at its release panel."""
    return redirect(url_for("authoring.assignment", assignment_id=assignment.id, _anchor="release"))


@bp.route("/assignments/<int:assignment_id>/release", methods=["GET", "POST"])
@instructor_required
def release_settings(assignment_id: int):
    """When students see their marks and feedback: as they submit, at a set time (the instructor's zone), or by hand.
    GET shows the panel on a page of its own (where a form with a mistake comes back too)."""
    assignment = assignment_or_abort(assignment_id)
    form = ReleaseForm()
    if not form.is_submitted():
        return render_template("authoring/release.html", assignment=assignment, release_form=None)
    assignment = writable_assignment(assignment_id)
    zone = learner_zone()
    if form.validate():
        if form.release_mode.data == "at_time" and form.release_at.data is None:
            form.release_at.errors.append(_("Choose the time the marks come out."))
        else:
            assignment.release_mode = form.release_mode.data
            assignment.release_at = to_utc(form.release_at.data, zone) if form.release_mode.data == "at_time" else None
            db.session.commit()
            flash(release_words(assignment), "success")
            return after_release(assignment)
    return render_template("authoring/release.html", assignment=assignment, release_form=form), 400


def release_words(assignment: Assignment) -> str:
    """The release setting in one sentence, for the flash after saving it ("Saved: …")."""
    if released(assignment):
        return (_("Saved: students see their marks and feedback as soon as they submit.")
                if assignment.release_mode == "on_submit" else _("Saved: the marks are out now."))
    if assignment.release_mode == "at_time":
        return _("Saved: the marks come out on %(when)s (%(zone)s time).", when=local_time(assignment.release_at),
                 zone=learner_zone().key)
    return _("Saved: the marks stay hidden until you release them.")


@bp.route("/assignments/<int:assignment_id>/release-now", methods=["POST"])
@instructor_required
def release_marks(assignment_id: int):
    """Release the marks now (students see them at once), or hide them again until released by hand."""
    assignment = writable_assignment(assignment_id)
    form = ReleaseNowForm()
    if not form.validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))
    now = datetime.now(timezone.utc)
    if form.action.data == "release":
        assignment.released_at = now
        db.session.commit()
        flash(_("Marks released: students see their marks and feedback now."), "success")
    else:
        # Hiding means "until I release them", whatever the mode was: otherwise a passed release time, or "as they
        # submit", would show them again at once.
        assignment.released_at, assignment.release_mode, assignment.release_at = None, "by_hand", None
        db.session.commit()
        flash(_("Marks hidden again: students see that they submitted, and their marks once you release them."), "success")
    return after_release(assignment)
