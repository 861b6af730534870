"""Who may do what in the teaching area: fetch-or-abort helpers used by every view that takes an id.

Refusals follow one rule. A question you may not view answers 404, exactly as a question that does
not exist (its id is words its author chose, so even its existence stays private); a question you
may view but not change answers 403 with the reason, and so does one you could view but another
class's exam holds back now (until when, if a due date says). Classes and assignments are numbered, not
named, so another instructor's answer 403 ("belongs to another instructor"), as before.
"""

from dataclasses import replace
from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from app.course.bank import ID_PATTERN
from app.course.ownership import Actor, QuestionFacts, may
from app.extensions import db
from app.models import Assignment, Classroom, ClassroomInstructor, Question, QuestionShare, User, username_key
from app.secrecy import comes_back, held_back

TEACHING_ROLES = ("instructor", "admin")


def instructor_required(view):
    """Log in first; then only instructors and admins get through (403 with the reason otherwise)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role not in TEACHING_ROLES:
            abort(403, description=_("This page is for instructors. Ask an administrator for the instructor role."))
        return view(*args, **kwargs)
    return wrapped


def admin_required(view):
    """Only admins (403 with the reason for everyone else)."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if current_user.role != "admin":
            abort(403, description=_("Only an administrator can do this."))
        return view(*args, **kwargs)
    return wrapped


def taught_classroom_ids(user: User) -> frozenset[int]:
    """The classes a user teaches: those they own and those they co-teach (an admin: every class;
    someone demoted to student: none, though they still own their classes)."""
    if user.role == "admin":
        return frozenset(db.session.scalars(sa.select(Classroom.id)))
    if user.role not in TEACHING_ROLES:
        return frozenset()
    return frozenset(db.session.scalars(sa.union(
        sa.select(Classroom.id).where(Classroom.instructor_id == user.id),
        sa.select(ClassroomInstructor.classroom_id).where(ClassroomInstructor.user_id == user.id))))


def teaches(user: User, classroom: Classroom) -> bool:
    """Whether ``user`` runs this class: its owner or a co-instructor who still has a teaching role, or
    an admin. Ownership alone grants nothing: an instructor demoted to student keeps the row, not the rights."""
    if user.role == "admin":
        return True
    if user.role != "instructor":
        return False
    return classroom.instructor_id == user.id or db.session.scalar(sa.select(ClassroomInstructor.id).where(
        ClassroomInstructor.classroom_id == classroom.id, ClassroomInstructor.user_id == user.id)) is not None


def classroom_or_abort(classroom_id: int, owner_only: bool = False, writable: bool = False) -> Classroom:
    """A class the current instructor teaches (admins see every class): 404 if unknown, 403 if another's.

    ``owner_only``: only its owner (or an admin) gets through, for what co-instructors may not do.
    ``writable``: the view changes the class or its assignments, which an archived class refuses (409).
    """
    classroom = db.session.get(Classroom, classroom_id) if 0 < classroom_id < 2**31 else None
    if classroom is None:
        abort(404, description=_("There is no class with this number."))
    if not teaches(current_user, classroom):
        abort(403, description=_("This class belongs to another instructor."))
    if owner_only and classroom.instructor_id != current_user.id and current_user.role != "admin":
        abort(403, description=_("Only the class's owner can do this; co-instructors teach the class but do not manage it."))
    if writable and classroom.archived_at is not None:
        abort(409, description=_("This class is archived; unarchive it to change it."))
    return classroom


def assignment_or_abort(assignment_id: int) -> Assignment:
    """An assignment of one of the classes the current instructor teaches."""
    assignment = db.session.get(Assignment, assignment_id) if 0 < assignment_id < 2**31 else None
    if assignment is None:
        abort(404, description=_("There is no assignment with this number."))
    classroom_or_abort(assignment.classroom_id)
    return assignment


def current_actor() -> Actor:
    """The signed-in user as the ownership rules see them."""
    return Actor(current_user.id, current_user.role, taught_classroom_ids(current_user))


def question_facts(question: Question, holds: dict | None = None) -> QuestionFacts:
    """A question's bank, author, class, the instructors it is shared with, and whether it is in ``holds``
    (what :func:`app.secrecy.held_back` keeps from the current user; without it, edits only are asked about)."""
    shared = frozenset(db.session.scalars(sa.select(QuestionShare.user_id).where(QuestionShare.question_id == question.id)))
    return QuestionFacts(question.bank, question.author_id, question.classroom_id, shared, question.id in (holds or {}))


def may_question(permission: str, question: Question, actor: Actor | None = None) -> bool:
    """Whether the current user may view, use, edit or publish ``question``."""
    return may(permission, question_facts(question), actor or current_actor())


EDIT_REFUSALS = {
    "course": _l("This question is in the course bank, which only an administrator changes. Copy it to make your own."),
    "shared": _l("This question is shared with you to preview, use and copy, not to edit. Copy it to make your own."),
}


def question_or_abort(question_id: str, permission: str) -> Question:
    """The question if the current user may ``permission`` it: 404 if they may not even view it, 403 otherwise."""
    # Every stored id passes the bank's id rule; anything else (a NUL, 10,000 characters) is simply absent.
    question = db.session.get(Question, question_id) if ID_PATTERN.fullmatch(question_id or "") else None
    actor = current_actor()
    holds = held_back() if question is not None else {}
    facts = question_facts(question, holds) if question is not None else None
    if facts is None or not may("view", replace(facts, held_back=False), actor):
        abort(404, description=_("There is no question “%(id)s”.", id=question_id))
    if not may("view", facts, actor):
        abort(403, description=_("Another class's exam uses this question and does not show its answers yet, so only "
                                 "that class's instructors may view, copy or use it; it comes back %(when)s.",
                                 when=comes_back(holds[question.id])))
    if not may(permission, facts, actor):
        if permission == "publish":
            abort(403, description=_("Only an administrator publishes questions into the course bank."))
        abort(403, description=str(EDIT_REFUSALS["course" if question.bank == "course" else "shared"]))
    return question


def listed_questions(actor: Actor):
    """The SQL condition for the questions an instructor's lists, exports and assignment pools hold: the course
    bank, their own bank, questions shared with them and the banks of the classes they teach, less what another
    class's exam holds back from them (as :func:`app.course.ownership.may` says). An admin's lists are the same
    (every class counting as taught, nothing held back), not every instructor's drafts, though an admin may open
    any of them."""
    shared = sa.select(QuestionShare.question_id).where(QuestionShare.user_id == actor.user_id)
    not_held = Question.id.not_in([] if actor.role == "admin" else list(held_back()))
    return sa.or_(
        sa.and_(Question.bank == "course", not_held),
        sa.and_(Question.bank == "instructor", Question.author_id == actor.user_id),
        sa.and_(Question.bank == "class", Question.classroom_id.in_(list(actor.taught_classes))),
        sa.and_(Question.id.in_(shared), not_held))


def instructor_named(username: str | None, purpose: str) -> User:
    """The instructor (or admin) a form names, for ``purpose`` ("share": to share a question with, "add": to add as
    a co-instructor): 400 otherwise, with one answer for an unknown name and a student's (saying what to do), so the
    form cannot be used to learn who has an account and who is a student."""
    if not username or not username.strip():
        abort(400, description=_("Name the instructor to share with (a username of at most 40 characters). Nothing changed.")
              if purpose == "share" else
              _("Name the instructor to add (a username of at most 40 characters). Nothing changed."))
    name = username.strip()
    user = db.session.scalar(sa.select(User).where(User.username_key == username_key(name)))
    if user is None or user.role not in TEACHING_ROLES:
        abort(400, description=_("There is no instructor called “%(name)s”: questions are shared with instructors only. "
                                 "Nothing changed.", name=name) if purpose == "share" else
              _("There is no instructor called “%(name)s”: check the name, or ask an administrator to give that account "
                "the instructor role. Nothing changed.", name=name))
    return user
