"""Deleting an account, an instructor's included: what goes, what moves, what stays, decided once.

The confirmation page shows a :class:`DeletionPlan` and the deletion carries out the same plan, so
the page lists exactly what happens:

- **Classes the account owns** move to their earliest-added co-instructor who is still an
  instructor, who becomes the owner (and stops being a co-instructor); a class without one is
  deleted with its enrolments, assignments and every attempt and answer given to them.
- **Questions the account wrote** in its own bank (or in the bank of a class that is deleted) are
  deleted, unless something still needs them: an answer or a review card outside the deleted
  classes, an attempt that drew them, an assignment or a class override that stays. Those are kept, with no author, so every
  answer keeps its meaning; where a class that moves uses one, its new owner becomes its author so
  they can still edit and regrade it. Questions the account published to the course bank, questions
  in the bank of a class that moves and lessons it wrote stay, with no author.
- **The account's own learning** (attempts, progress, reading time, cards, reviews), its sessions, API
  tokens, recovery codes, enrolments, co-teaching and shares are deleted.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.extensions import db
from app.models import (Answer, Assignment, Attempt, Classroom, ClassOverride, ClassroomInstructor, Enrollment, Lesson,
                        PublishRequest, Question, QuestionVersion, ReviewCard, ReviewLog, User)
from app.progress import delete_owner_data


@dataclass
class DeletedClass:
    """A class that goes, with what goes with it."""

    classroom: Classroom
    students: int
    assignments: int
    attempts: int


@dataclass
class MovedClass:
    """A class that moves to a co-instructor."""

    classroom: Classroom
    heir: User
    students: int
    assignments: int


@dataclass
class DeletionPlan:
    """Everything deleting ``user`` does, for the confirmation page and for :func:`delete_account`."""

    user: User
    deleted_classes: list[DeletedClass] = field(default_factory=list)
    moved_classes: list[MovedClass] = field(default_factory=list)
    deleted_questions: list[Question] = field(default_factory=list)
    kept_questions: list[Question] = field(default_factory=list)  # in use: kept without an author
    handed_questions: dict[str, User] = field(default_factory=dict)  # question id -> new author
    published_questions: list[Question] = field(default_factory=list)
    lessons: list[Lesson] = field(default_factory=list)
    co_taught: list[Classroom] = field(default_factory=list)

    @property
    def teaches(self) -> bool:
        """Whether the account has anything of an instructor's to list."""
        return bool(self.deleted_classes or self.moved_classes or self.deleted_questions or self.kept_questions
                    or self.published_questions or self.lessons or self.co_taught)


def _count(model, *conditions) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def _heir(classroom: Classroom) -> User | None:
    """The class's earliest-added co-instructor who still teaches (an instructor or admin, not the owner)."""
    return db.session.scalar(sa.select(User).join(ClassroomInstructor, ClassroomInstructor.user_id == User.id)
                             .where(ClassroomInstructor.classroom_id == classroom.id, User.id != classroom.instructor_id,
                                    User.role.in_(("instructor", "admin")))
                             .order_by(ClassroomInstructor.added_at, ClassroomInstructor.id).limit(1))


def plan_deletion(user: User) -> DeletionPlan:
    """Work out what deleting ``user`` deletes, moves and keeps; changes nothing."""
    plan = DeletionPlan(user)
    for classroom in db.session.scalars(sa.select(Classroom).where(Classroom.instructor_id == user.id).order_by(Classroom.id)):
        students = _count(Enrollment, Enrollment.classroom_id == classroom.id)
        assignments = _count(Assignment, Assignment.classroom_id == classroom.id)
        heir = _heir(classroom)
        if heir is not None:
            plan.moved_classes.append(MovedClass(classroom, heir, students, assignments))
        else:
            attempts = _count(Attempt, Attempt.assignment_id.in_(sa.select(Assignment.id).where(
                Assignment.classroom_id == classroom.id)))
            plan.deleted_classes.append(DeletedClass(classroom, students, assignments, attempts))
    plan.co_taught = list(db.session.scalars(sa.select(Classroom).join(
        ClassroomInstructor, ClassroomInstructor.classroom_id == Classroom.id).where(ClassroomInstructor.user_id == user.id)))
    plan.lessons = list(db.session.scalars(sa.select(Lesson).where(Lesson.author_id == user.id).order_by(Lesson.slug)))
    _plan_questions(plan)
    return plan


def _plan_questions(plan: DeletionPlan) -> None:
    """Sort the account's questions into published, handed to a new class owner, kept, and deleted."""
    doomed = {entry.classroom.id for entry in plan.deleted_classes}
    moving = {entry.classroom.id: entry.heir for entry in plan.moved_classes}
    authored = list(db.session.scalars(sa.select(Question).where(Question.author_id == plan.user.id).order_by(Question.id)))
    plan.published_questions = [q for q in authored if q.bank == "course" or (q.bank == "class" and q.classroom_id in moving)]
    own = [q for q in authored if q not in plan.published_questions]
    if not own:
        return
    ids, mine = [q.id for q in own], plan.user.owner_key
    # Answers that go anyway (in the deleted classes, or the account's own) do not keep a question.
    gone = sa.select(Attempt.id).outerjoin(Assignment, Attempt.assignment_id == Assignment.id).where(
        sa.or_(Assignment.classroom_id.in_(doomed), Attempt.owner_key == mine))
    answered = set(db.session.scalars(sa.select(Answer.question_id).where(
        Answer.question_id.in_(ids), Answer.attempt_id.not_in(gone)).distinct()))
    for model in (ReviewCard, ReviewLog):
        answered |= set(db.session.scalars(sa.select(model.question_id).where(model.question_id.in_(ids), model.owner_key != mine)))
    answered |= set(db.session.scalars(sa.select(ClassOverride.question_id).where(
        ClassOverride.question_id.in_(ids), ClassOverride.classroom_id.not_in(doomed))))
    # Assignments keep their questions as a JSON list of ids, which no index can search: read those that stay.
    used_by: dict[str, int] = {}
    for classroom_id, question_ids in db.session.execute(sa.select(Assignment.classroom_id, Assignment.question_ids)
                                                         .where(Assignment.classroom_id.not_in(doomed))):
        for question_id in set(question_ids) & set(ids):
            used_by.setdefault(question_id, classroom_id)
    # An attempt that stays may have drawn a question without answering it yet; its layout (JSON) names it.
    for question_id in set(ids) - answered - set(used_by):
        if db.session.scalar(sa.select(Attempt.id).where(
                Attempt.id.not_in(gone), sa.cast(Attempt.layout, sa.Text).contains(f'"{question_id}"', autoescape=True)).limit(1)):
            answered.add(question_id)
    for question in own:
        if used_by.get(question.id) in moving:
            plan.handed_questions[question.id] = moving[used_by[question.id]]
        elif question.id in answered or question.id in used_by:
            plan.kept_questions.append(question)
        else:
            plan.deleted_questions.append(question)


def delete_account(plan: DeletionPlan) -> None:
    """Carry out ``plan`` and delete the account; the caller commits."""
    user = plan.user
    for entry in plan.moved_classes:
        db.session.execute(sa.update(Classroom).where(Classroom.id == entry.classroom.id).values(instructor_id=entry.heir.id))
        db.session.execute(sa.delete(ClassroomInstructor).where(ClassroomInstructor.classroom_id == entry.classroom.id,
                                                                ClassroomInstructor.user_id == entry.heir.id))
    for question_id, heir in plan.handed_questions.items():
        db.session.execute(sa.update(Question).where(Question.id == question_id).values(author_id=heir.id))
    # Enrolments, assignments, their attempts and answers, overrides and co-instructors go by ON DELETE CASCADE.
    classroom_ids = [entry.classroom.id for entry in plan.deleted_classes]
    if classroom_ids:
        db.session.execute(sa.delete(Classroom).where(Classroom.id.in_(classroom_ids)))
    delete_owner_data(user.owner_key)
    doomed_ids = [q.id for q in plan.deleted_questions]
    if doomed_ids:  # shares go by ON DELETE CASCADE; publish requests name a version, so they go first
        db.session.execute(sa.delete(PublishRequest).where(PublishRequest.question_id.in_(doomed_ids)))
        db.session.execute(sa.delete(QuestionVersion).where(QuestionVersion.question_id.in_(doomed_ids)))
        db.session.execute(sa.delete(Question).where(Question.id.in_(doomed_ids)))
    # Sessions, tokens, recovery codes, enrolments, co-teaching and shares go by ON DELETE CASCADE; authorship
    # becomes NULL.
    db.session.execute(sa.delete(User).where(User.id == user.id))
    db.session.expunge_all()
