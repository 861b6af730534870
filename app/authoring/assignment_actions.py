"""What an instructor does to an assignment besides setting and editing it: publish it or take it back to draft,
reorder, delete and restore, duplicate, and preview it as a student sees it."""

import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required, taught_classroom_ids
from app.authoring.assignment_routes import (EMPTY_COUNTS, SETTINGS, attempt_counts, next_position, require_form,
                                             writable_assignment)
from app.authoring.class_forms import DuplicateAssignmentForm, MoveForm, PreviewZoneForm
from app.authoring.forms import ConfirmForm
from app.course import clock
from app.course.assignment_rules import Rules
from app.course.clock import attempt_deadline, format_local
from app.course.scheduling import aware
from app.extensions import db
from app.i18n import course_option, person_option, user_text

# Modules, not names: the students' side imports this package's forms, so its names exist only once both are loaded.
from app.learning import class_routes as students
from app.learning import quiz_routes
from app.models import Assignment, Attempt, Classroom
from app.timezones import learner_zone


@bp.route("/assignments/<int:assignment_id>/publish", methods=["POST"])
@instructor_required
def publish_assignment(assignment_id: int):
    """Publish a draft (it needs questions), or take a published assignment back to draft (only while nobody started)."""
    current = writable_assignment(assignment_id)
    require_form(ConfirmForm())
    if current.deleted_at is not None:
        abort(409, description=_("This assignment is deleted; restore it first. Nothing changed."))
    # The button names the state it asks for, so a double click or a stale tab never flips it back.
    if (wanted := request.form.get("to")) not in (None, "published", "draft"):
        abort(400, description=_("Publish or go back to draft: nothing else. Nothing changed."))
    if wanted == current.status:
        flash(_("“%(title)s” is already published. Nothing changed.", title=user_text(current.title)) if wanted == "published" else
              _("“%(title)s” is already a draft. Nothing changed.", title=user_text(current.title)), "info")
        return redirect(_back_to(current))
    if current.status == "draft":
        if not current.question_ids:
            abort(409, description=_("This draft has no questions yet, so students would have nothing to answer. "
                                     "Choose its questions first. Nothing changed."))
        current.status = "published"
        later = aware(current.opens_at) > datetime.now(timezone.utc)
        message = (_("“%(title)s” is published: students see it from %(when)s.", title=current.title,
                     when=format_local(current.opens_at, learner_zone())) if later else
                   _("“%(title)s” is published: students see it now.", title=current.title))
    else:
        if attempt_counts([current]).get(current.id, EMPTY_COUNTS)["students"]:
            abort(409, description=_("Students have started this assignment, so it cannot go back to draft: their attempts "
                                     "would vanish from their page. Change its due date to close it instead. Nothing changed."))
        current.status = "draft"
        message = _("“%(title)s” is a draft again: students no longer see it.", title=current.title)
    db.session.commit()
    flash(message, "success")
    return redirect(_back_to(current))


def _back_to(assignment: Assignment) -> str:
    """Back to the class page when the button was there (its form says so), else to the assignment's hub."""
    if request.form.get("next") == "class":
        return url_for("authoring.classroom", classroom_id=assignment.classroom_id) + "#assignments"
    return url_for("authoring.assignment", assignment_id=assignment.id)


@bp.route("/assignments/<int:assignment_id>/move", methods=["POST"])
@instructor_required
def move_assignment(assignment_id: int):
    """Move an assignment one place up or down the class's list (students see the same order)."""
    current = writable_assignment(assignment_id)
    form = MoveForm()
    require_form(form)
    if current.deleted_at is not None:
        abort(409, description=_("This assignment is deleted; restore it first. Nothing changed."))
    listed = list(db.session.scalars(sa.select(Assignment).where(
        Assignment.classroom_id == current.classroom_id, Assignment.deleted_at.is_(None))
        .order_by(Assignment.position, Assignment.created_at, Assignment.id)))
    here = listed.index(current)
    there = here - 1 if form.direction.data == "up" else here + 1
    if 0 <= there < len(listed):
        listed[here], listed[there] = listed[there], listed[here]
        for position, item in enumerate(listed, start=1):
            item.position = position
        db.session.commit()
        flash(_("“%(title)s” moved up.", title=user_text(current.title)) if form.direction.data == "up" else
              _("“%(title)s” moved down.", title=user_text(current.title)), "success")
    else:
        flash(_("“%(title)s” is already first.", title=user_text(current.title)) if there < 0 else
              _("“%(title)s” is already last.", title=user_text(current.title)), "info")
    return redirect(url_for("authoring.classroom", classroom_id=current.classroom_id) + "#assignments")


@bp.route("/assignments/<int:assignment_id>/delete", methods=["GET", "POST"])
@instructor_required
def delete_assignment(assignment_id: int):
    """Delete an assignment after a confirmation saying what goes: it leaves students' pages and the gradebook, its
    attempts are kept, and it can be restored from the class page's "Deleted" list."""
    current = writable_assignment(assignment_id)
    if current.deleted_at is not None:
        abort(409, description=_("This assignment is already deleted; restore it from the class page."))
    form = ConfirmForm()
    if request.method == "POST":
        require_form(form)
        current.deleted_at = datetime.now(timezone.utc)
        db.session.commit()
        flash(_("“%(title)s” deleted. Its attempts are kept; restore it from “Deleted assignments”.", title=user_text(current.title)),
              "success")
        return redirect(url_for("authoring.classroom", classroom_id=current.classroom_id) + "#deleted-assignments")
    return render_template("authoring/assignment_delete.html", assignment=current, classroom=current.classroom, form=form,
                           counts=attempt_counts([current]).get(current.id, EMPTY_COUNTS))


@bp.route("/assignments/<int:assignment_id>/restore", methods=["POST"])
@instructor_required
def restore_assignment(assignment_id: int):
    """Bring a deleted assignment back, at the end of the class's list, as it was (published or draft)."""
    current = writable_assignment(assignment_id)
    require_form(ConfirmForm())
    if current.deleted_at is None:
        abort(409, description=_("This assignment is not deleted. Nothing changed."))
    current.deleted_at = None
    current.position = next_position(current.classroom_id)
    db.session.commit()
    flash(_("“%(title)s” restored: students see it again.", title=user_text(current.title)) if current.status == "published" else
          _("“%(title)s” restored as a draft.", title=user_text(current.title)), "success")
    return redirect(url_for("authoring.assignment", assignment_id=current.id))


@bp.route("/assignments/<int:assignment_id>/duplicate", methods=["GET", "POST"])
@instructor_required
def duplicate_assignment(assignment_id: int):
    """Copy an assignment as a draft, into this class or another class the instructor teaches: the same questions,
    points and rules; no attempts, no overrides (they name students of the first class)."""
    current = assignment_or_abort(assignment_id)
    form = DuplicateAssignmentForm(classroom=current.classroom_id, title=_("Copy of %(title)s", title=current.title)[:160])
    targets = db.session.scalars(sa.select(Classroom).where(
        Classroom.id.in_(taught_classroom_ids(current_user)), Classroom.archived_at.is_(None)).order_by(Classroom.name)).all()
    form.classroom.choices = [SelectChoice(c.id, _("%(name)s (this class)", name=c.name) if c.id == current.classroom_id
                                           else c.name, render_kw=person_option()) for c in targets]
    if form.validate_on_submit():
        target = classroom_or_abort(form.classroom.data, writable=True)
        copy = Assignment(
            classroom_id=target.id, lesson_id=current.lesson_id, question_ids=list(current.question_ids),
            pinned_version_ids=dict(current.pinned_version_ids or {}), points=dict(current.points or {}),
            pool=dict(current.pool) if current.pool else None, status="draft", position=next_position(target.id),
            release_mode=current.release_mode, release_at=current.release_at,
            **{name: getattr(current, name) for name in SETTINGS if name != "title"}, title=form.title.data.strip())
        db.session.add(copy)
        db.session.commit()
        flash(_("Copied as a draft into %(name)s. Check its dates, then publish it.", name=user_text(target.name)), "success")
        return redirect(url_for("authoring.assignment", assignment_id=copy.id))
    return render_template("authoring/assignment_duplicate.html", form=form, assignment=current,
                           classroom=current.classroom), 400 if form.errors else 200


@bp.route("/assignments/<int:assignment_id>/preview")
@instructor_required
def preview_assignment(assignment_id: int):
    """The assignment as one of its students sees it: their row on "My assignments" and the test page, dates in a
    chosen zone (the instructor's by default). Nothing is stored: no attempt, no answers."""
    current = assignment_or_abort(assignment_id)
    wanted = request.args.get("zone", "")
    zone = clock.zone(wanted) if wanted else learner_zone()
    if wanted and zone.key != wanted:
        abort(400, description=_("That is not a time zone this page knows; choose one from the list."))
    form = PreviewZoneForm(zone=zone.key)
    form.zone.choices = [SelectChoice(name, name, render_kw=course_option()) for name in sorted(clock.zone_names())]  # IANA's names
    layout = students.build_layout(current, students.versions_for(current), random.Random(secrets.randbits(64)))
    # A stand-in attempt, never added to the session: the test page's items are built from it and nothing is stored.
    shadow = Attempt(public_id="preview", lesson_id=current.lesson_id, mode="test", owner_key="preview", layout=layout,
                     max_score=float(sum(entry["points"] for entry in layout)), assignment_id=current.id, attempt_number=1)
    shadow.assignment = current
    items = quiz_routes.attempt_items(shadow)
    now = datetime.now(timezone.utc)
    rules = Rules(aware(current.opens_at), aware(current.due_at) if current.due_at else None,
                  current.time_limit_minutes, current.attempt_limit)
    row = students.student_row(current, rules, [], now, zone)
    return render_template("authoring/assignment_preview.html", assignment=current, classroom=current.classroom,
                           row=row, items=items, zone=zone, form=form, values={}, now=now,
                           deadline=attempt_deadline(now, rules))
