"""Answer keys stay secret until the rules say otherwise (issue 13, F-02 and F-03).

Two things every view that shows questions before they are answered goes through:
- opaque answer forms: option, item and pair values are tokens keyed by a secret derived from
  SECRET_KEY and scoped to one attempt, review or API quiz (``app.course.quiz.answer_form``);
- held-back questions: those an assignment uses while its answers are not yet shown ("never",
  or "after_due" before the due date) stay out of lesson tests, practice, spaced review, Anki
  decks, bank exports and the API for everyone but the instructors of that assignment's class;
  and until the rule allows, a student's own attempt shows only its total (:func:`answers_shown`);
- what is shown about a question already met (an attempt's page and result, review feedback, the
  data export) goes through :func:`withheld`, so an attempt opened before an exam was set shows
  none of that exam's keys either.
"""

import hashlib
import hmac
import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import current_app, g
from flask_babel import gettext as _
from flask_login import current_user

from app.course.grading import may_review
from app.course.quiz import AnswerForm, answer_form
from app import versions
from app.course.scheduling import aware
from app.extensions import db
from app.models import Assignment, AssignmentOverride, Attempt, Classroom, ClassroomInstructor, Question
from app.timezones import local_time


def answer_key() -> bytes:
    """The key of opaque answer values and secret shuffles, derived from SECRET_KEY (never the key itself)."""
    secret = current_app.secret_key
    secret = secret.encode("utf-8") if isinstance(secret, str) else secret
    return hmac.new(secret, b"backchannel: opaque answer values", hashlib.sha256).digest()


def secret_rng(scope: str) -> random.Random:
    """A shuffle that is the same every time for ``scope`` but cannot be replayed without the secret."""
    return random.Random(hmac.new(answer_key(), scope.encode("utf-8"), hashlib.sha256).digest())


def opaque_form(data: dict, field: str, order: list[str], scope: str) -> AnswerForm:
    """The answer form of one question as a learner's browser or an API client receives it."""
    return answer_form(data, field, order, answer_key(), scope)


def with_answer_form(item: dict, scope: str) -> dict:
    """A quiz item (data, field, order...) with its opaque ``form``: what the question templates render."""
    return {**item, "form": opaque_form(item["data"], item["field"], item["order"], scope)}


def _viewer_id() -> int | None:
    """The signed-in user of this request (web session or API token) if they hold a teaching role:
    an instructor demoted to student still owns their classes but no longer sees what they hold back."""
    user = current_user if current_user.is_authenticated else g.get("api_user")
    return user.id if user is not None and user.role in ("instructor", "admin") else None


def _holding_rows() -> tuple[tuple, ...]:
    """Every assignment that may hold questions back: (classroom, question ids, option, due date, latest override due),
    kept per process until the "holds" signal moves on (an assignment, override or teaching change was committed)."""
    token = versions.token("holds")
    cache = current_app.extensions.setdefault("backchannel.holds", {})
    known = cache.get("rows")
    unsaved = versions.unsaved(db.session, "holds")  # this transaction's own writes: read them, keep nothing
    if known is not None and known[0] == token and not unsaved:
        return known[1]
    # A student given a later due date (an override) is still answering: the key stays back until theirs passes too.
    latest = sa.select(sa.func.max(AssignmentOverride.due_at)).where(
        AssignmentOverride.assignment_id == Assignment.id).scalar_subquery()
    rows = tuple(tuple(row) for row in db.session.execute(
        sa.select(Assignment.classroom_id, Assignment.question_ids, Assignment.review_option, Assignment.due_at, latest)
        .where(Assignment.review_option.in_(("never", "after_due")))))
    if not unsaved:
        cache["rows"] = (token, rows)
    return rows


def _taught_classes(viewer: int) -> frozenset[int]:
    """The classes a teaching viewer owns or co-teaches (once per request)."""
    taught = g.get("taught_classes")
    if taught is None or taught[0] != viewer:
        ids = frozenset(db.session.scalars(sa.union(
            sa.select(Classroom.id).where(Classroom.instructor_id == viewer),
            sa.select(ClassroomInstructor.classroom_id).where(ClassroomInstructor.user_id == viewer))))
        g.taught_classes = taught = (viewer, ids)
    return taught[1]


def held_back(now: datetime | None = None) -> dict[str, datetime | None]:
    """The questions whose key an assignment still keeps from the current viewer, each with the moment it
    comes back (None: no date will bring it back, the review option is "never" or there is no due date).

    An assignment holds its questions back while its review option is "never", or "after_due"
    and the due date has not passed (no due date: never passes); its class's instructors and
    co-instructors still see them. A question several assignments hold comes back with the last of
    them. The assignments come from memory (:func:`_holding_rows`); the rule runs here, at ``now``.
    """
    now = now or datetime.now(timezone.utc)
    viewer = _viewer_id()
    taught = _taught_classes(viewer) if viewer is not None else frozenset()
    until: dict[str, datetime | None] = {}
    for classroom_id, question_ids, option, due_at, extended in _holding_rows():
        if classroom_id in taught:
            continue
        if option == "after_due" and due_at is not None and aware(due_at) <= now and (extended is None or aware(extended) <= now):
            continue
        release = max(aware(due_at), aware(extended) if extended else aware(due_at)) if option == "after_due" and due_at else None
        for question_id in question_ids:
            known = until.get(question_id, release)
            until[question_id] = None if known is None or release is None else max(known, release)
    return until


def comes_back(until: datetime | None) -> str:
    """When a held-back key is shown again, in words (the time in the reader's zone)."""
    return _("after %(when)s", when=local_time(until)) if until else _("when the exam's instructor shows its answers")


@dataclass(frozen=True)
class Withheld:
    """Why a question's key, mark and right/wrong are not shown to a learner now."""

    reason: str
    answerable: bool  # an assignment's own questions are still answered; a held-back one in practice or a lesson test is not


def withheld(attempt: Attempt | None, question_ids: Iterable[str],
             holds: dict[str, datetime | None] | None = None) -> dict[str, Withheld]:
    """The one rule for what a learner is shown about questions they met in ``attempt`` (None: in spaced review):
    every question while the attempt's assignment keeps its answers (:func:`answers_shown`), and any question an
    assignment holds back now (:func:`held_back`), whenever the attempt or review was opened: a practice or
    test attempt started before the exam was set must not give its keys away, nor take answers to them."""
    holds = held_back() if holds is None else holds
    in_assignment = attempt is not None and attempt.assignment is not None
    own = None
    if in_assignment and not answers_shown(attempt):
        if attempt.assignment.review_option == "after_due":
            own = Withheld(_("Your instructor shows this assignment's answers after the due date; until then only your "
                             "total shows."), True)
        else:
            own = Withheld(_("Your instructor shows this assignment's answers not at all; until then only your total "
                             "shows."), True)
    hidden = {}
    for question_id in question_ids:
        if question_id in holds:
            hidden[question_id] = Withheld(_("This question is part of an exam whose answers are not shown yet; it "
                                             "comes back %(when)s.", when=comes_back(holds[question_id])), in_assignment)
        elif own is not None:
            hidden[question_id] = own
    return hidden


def open_to_learners(now: datetime | None = None) -> sa.ColumnElement[bool]:
    """The SQL condition on ``Question`` for what learners study now: live, in the course bank (never an
    instructor's draft or a class's bank), and not held back from this viewer by an assignment. Every
    learner-facing query (tests, practice, review, the due badge, the forecast, mastery, Anki, the API)
    goes through it, so the three rules cannot drift apart."""
    return sa.and_(Question.retired.is_(False), Question.bank == "course", Question.id.not_in(list(held_back(now))))


def answers_shown(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the learner may see per-question right/wrong, marks and the key of their attempt:
    always outside assignments, else as the assignment's review option says."""
    assignment = attempt.assignment
    if assignment is None:
        return True
    due_at = aware(assignment.due_at) if assignment.due_at else None
    if due_at is not None and assignment.review_option == "after_due":
        # Not while anyone given a later due date (an override) may still be answering.
        extended = db.session.scalar(sa.select(sa.func.max(AssignmentOverride.due_at)).where(
            AssignmentOverride.assignment_id == assignment.id))
        due_at = max(due_at, aware(extended)) if extended else due_at
    return may_review(assignment.review_option, due_at, now or datetime.now(timezone.utc))
