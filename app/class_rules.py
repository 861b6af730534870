"""An assignment's rules for each student (overrides applied) and whether its marks are out, read from the database.

The decisions are ``app.course.assignment_rules``'s (pure); this module only fetches their inputs, in
one query per assignment whatever the size of the class, so the gradebook and the students' pages
agree on every deadline, limit and release.
"""

from datetime import datetime, timezone

import sqlalchemy as sa

from app.course.assignment_rules import Override, Rules, effective_rules, marks_released
from app.course.scheduling import aware
from app.extensions import db
from app.models import Assignment, AssignmentOverride, ClassGroup, Enrollment


def visible_to_students():
    """The SQL condition for the assignments a class's students see: published and not deleted."""
    return sa.and_(Assignment.status == "published", Assignment.deleted_at.is_(None))


def _override(row: AssignmentOverride, group_name: str = "") -> Override:
    return Override(aware(row.due_at) if row.due_at else None, row.extra_minutes, row.extra_attempts,
                    "group" if row.group_id is not None else "student", group_name)


def class_rules(assignment: Assignment, user_ids: list[int] | None = None) -> dict[int, Rules]:
    """{user id: their rules} for the class's enrolled students (or just ``user_ids``, enrolled or not)."""
    groups = dict(db.session.execute(sa.select(Enrollment.user_id, Enrollment.group_id).where(
        Enrollment.classroom_id == assignment.classroom_id,
        *([Enrollment.user_id.in_(user_ids)] if user_ids is not None else []))).all())
    if user_ids is not None:
        groups = {user_id: groups.get(user_id) for user_id in user_ids}
    own: dict[int, Override] = {}
    by_group: dict[int, Override] = {}
    for row, group_name in db.session.execute(
            sa.select(AssignmentOverride, ClassGroup.name).outerjoin(ClassGroup, ClassGroup.id == AssignmentOverride.group_id)
            .where(AssignmentOverride.assignment_id == assignment.id)):
        if row.user_id is not None:
            own[row.user_id] = _override(row)
        else:
            by_group[row.group_id] = _override(row, group_name or "")
    base = (aware(assignment.opens_at), aware(assignment.due_at) if assignment.due_at else None,
            assignment.time_limit_minutes, assignment.attempt_limit)
    return {user_id: effective_rules(*base, own.get(user_id), [by_group[group_id]] if group_id in by_group else [])
            for user_id, group_id in groups.items()}


def rules_for(assignment: Assignment, user_id: int) -> Rules:
    """One student's rules for ``assignment``."""
    return class_rules(assignment, [user_id])[user_id]


def released(assignment: Assignment, now: datetime | None = None) -> bool:
    """Whether the assignment's students see their marks and feedback now."""
    return marks_released(assignment.release_mode, aware(assignment.release_at) if assignment.release_at else None,
                          aware(assignment.released_at) if assignment.released_at else None,
                          now or datetime.now(timezone.utc))
