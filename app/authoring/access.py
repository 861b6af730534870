"""Who may do what in the teaching area: fetch-or-abort helpers used by every view that takes an id."""

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from app.extensions import db
from app.models import Assignment, Classroom

TEACHING_ROLES = ("instructor", "admin")


def instructor_required(view):
    """Log in first; then only instructors and admins get through (403 with the reason otherwise)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in TEACHING_ROLES:
            abort(403, description="This page is for instructors. Ask an administrator for the instructor role.")
        return view(*args, **kwargs)
    return wrapped


def classroom_or_abort(classroom_id: int) -> Classroom:
    """A class the current instructor runs (admins see every class): 404 if unknown, 403 if another's."""
    classroom = db.session.get(Classroom, classroom_id)
    if classroom is None:
        abort(404, description="There is no class with this number.")
    if classroom.instructor_id != current_user.id and current_user.role != "admin":
        abort(403, description="This class belongs to another instructor.")
    return classroom


def assignment_or_abort(assignment_id: int) -> Assignment:
    """An assignment of one of the current instructor's classes."""
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None:
        abort(404, description="There is no assignment with this number.")
    classroom_or_abort(assignment.classroom_id)
    return assignment
