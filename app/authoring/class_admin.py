"""Managing a class: its details, archive and delete, and its join code."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext

from app.authoring import bp
from app.authoring.access import classroom_or_abort, instructor_required
from app.authoring.class_admin_forms import ClassDetailsForm, DeleteClassForm
from app.authoring.forms import ConfirmForm
from app.extensions import db
from app.i18n import user_text
from app.models import Answer, Assignment, Attempt, ClassOverride, Classroom, Enrollment, Question

INCOMPLETE = _l("The request was incomplete; reload the page and try again. Nothing changed.")
JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def random_join_code() -> str:
    """Eight letters and digits that cannot be misread for one another."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(8))


def confirmed() -> None:
    """Refuse a POST without a valid CSRF token (a submit-only form)."""
    if not ConfirmForm().validate_on_submit():
        abort(400, description=str(INCOMPLETE))


@bp.route("/classes/<int:classroom_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_class(classroom_id: int):
    """Change a class's name, description and term dates."""
    current = classroom_or_abort(classroom_id, writable=True)
    form = ClassDetailsForm(obj=current)
    if form.validate_on_submit():
        current.name = form.name.data.strip()
        current.description = (form.description.data or "").strip() or None
        current.term_starts, current.term_ends = form.term_starts.data, form.term_ends.data
        db.session.commit()
        flash(_("Class details saved."), "success")
        return redirect(url_for("authoring.classroom", classroom_id=current.id))
    return render_template("authoring/class_edit.html", classroom=current, form=form), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>/archive", methods=["POST"])
@instructor_required
def archive_class(classroom_id: int):
    """Archive a class (read-only: no joins, attempts or changes; marks and exports stay), or bring it back."""
    current = classroom_or_abort(classroom_id)
    confirmed()
    # The button names the state it asks for, so a double click or a stale tab never flips it back.
    if (wanted := request.form.get("to")) not in (None, "archived", "open"):
        abort(400, description=str(INCOMPLETE))
    if wanted == ("open" if current.archived_at is None else "archived"):
        flash(_("%(name)s is already open. Nothing changed.", name=user_text(current.name)) if wanted == "open" else
              _("%(name)s is already archived. Nothing changed.", name=user_text(current.name)), "info")
        return redirect(url_for("authoring.classroom", classroom_id=current.id))
    if current.archived_at is None:
        current.archived_at = datetime.now(timezone.utc)
        flash(_("%(name)s is archived. Students and instructors still see its marks; nobody can join, start "
                "an attempt or change anything until you unarchive it.", name=user_text(current.name)), "success")
    else:
        current.archived_at = None
        flash(_("%(name)s is open again.", name=user_text(current.name)), "success")
    db.session.commit()
    return redirect(url_for("authoring.classroom", classroom_id=current.id))


@dataclass
class WhatGoes:
    """What deleting a class takes with it (and the class-bank questions it leaves to the owner)."""

    students: int
    assignments: int
    deleted_assignments: int
    attempts: int
    essays_to_grade: int
    class_questions: int
    class_versions: int


def count(query: sa.Select) -> int:
    """How many rows ``query`` selects."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def what_goes(classroom: Classroom) -> WhatGoes:
    """Count what goes with ``classroom``."""
    assignment_ids = sa.select(Assignment.id).where(Assignment.classroom_id == classroom.id)
    return WhatGoes(
        students=count(sa.select(Enrollment.id).where(Enrollment.classroom_id == classroom.id)),
        assignments=count(sa.select(Assignment.id).where(Assignment.classroom_id == classroom.id, Assignment.deleted_at.is_(None))),
        deleted_assignments=count(sa.select(Assignment.id).where(Assignment.classroom_id == classroom.id,
                                                                 Assignment.deleted_at.is_not(None))),
        attempts=count(sa.select(Attempt.id).where(Attempt.assignment_id.in_(assignment_ids))),
        essays_to_grade=count(sa.select(Answer.id).join(Attempt, Attempt.id == Answer.attempt_id).where(
            Attempt.assignment_id.in_(assignment_ids), Answer.status == "pending")),
        class_questions=count(sa.select(Question.id).where(Question.bank == "class", Question.classroom_id == classroom.id)),
        class_versions=count(sa.select(ClassOverride.id).where(ClassOverride.classroom_id == classroom.id)))


@bp.route("/classes/<int:classroom_id>/delete", methods=["GET", "POST"])
@instructor_required
def delete_class(classroom_id: int):
    """Delete a class for good, once its owner has seen what goes and typed its name; its bank's questions stay."""
    current = classroom_or_abort(classroom_id, owner_only=True)
    form = DeleteClassForm()
    if form.validate_on_submit():
        if form.confirm_name.data.strip() != current.name:
            form.confirm_name.errors.append(_("That is not the class's name. Type “%(name)s” exactly, or go back.",
                                              name=current.name))
        else:
            name = current.name
            moved = db.session.execute(
                sa.update(Question).where(Question.bank == "class", Question.classroom_id == current.id)
                .values(bank="instructor", classroom_id=None, author_id=current.instructor_id)).rowcount
            # The database's cascades take enrollments, groups, assignments, their overrides and attempts.
            db.session.delete(current)
            db.session.commit()
            flash(ngettext("%(name)s is deleted. Its %(num)s class-bank question moved to the owner's own bank.",
                           "%(name)s is deleted. Its %(num)s class-bank questions moved to the owner's own bank.", moved,
                           name=user_text(name)) if moved else _("%(name)s is deleted.", name=user_text(name)), "success")
            return redirect(url_for("authoring.classes"))
    return render_template("authoring/class_delete.html", classroom=current, form=form,
                           goes=what_goes(current)), 400 if form.errors else 200


@bp.route("/classes/<int:classroom_id>/join-code", methods=["POST"])
@instructor_required
def new_join_code(classroom_id: int):
    """Give the class a new join code; the old one stops working, and those who joined stay."""
    current = classroom_or_abort(classroom_id, writable=True)
    confirmed()
    old = current.join_code
    taken = set(db.session.scalars(sa.select(Classroom.join_code)))
    current.join_code = next(code for code in iter(random_join_code, None) if code not in taken and code != old)
    db.session.commit()
    flash(_("The new join code is %(code)s. The old code %(old)s no longer works; students who joined "
            "with it stay in the class.", code=user_text(current.join_code), old=old), "success")
    return redirect(url_for("authoring.classroom", classroom_id=current.id))
