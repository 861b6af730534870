"""The question picker's two lists: the bank of questions an instructor may add (filtered, a page at a time, with
each question's past results) and the questions an assignment has chosen."""

import random

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring.assignment_pool import lesson_choices, question_pool
from app.authoring.forms import TYPE_LABELS
from app.authoring.picker_forms import PickerFilterForm
from app.course.assignment_rules import points_of
from app.course.catalogue import plain_text
from app.course.quiz import choice_order
from app.extensions import db
from app.models import Answer, Assignment, Attempt, Lesson, Question, QuestionShare, QuestionVersion

PAGE_SIZE = 15
# Below this many answers a share right says more about who happened to answer than about the question
# (the same floor the item analysis puts on facility).
FEW_ANSWERS = 10


def usable(assignment: Assignment) -> dict[str, int]:
    """{question id: lesson id} of every question this instructor may put in this class's assignment."""
    return dict(question_pool([choice.value for choice in lesson_choices()], "", assignment.classroom))


def facility_of(question_ids: list[str]) -> dict[str, tuple[float, int]]:
    """{question id: (share right, answers)} over every submitted test answer to it (essays waiting for a grade left out)."""
    rows = db.session.execute(
        sa.select(Answer.question_id, sa.func.avg(Answer.score), sa.func.count()).join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.mode == "test", Attempt.submitted_at.is_not(None), Answer.status != "pending", Answer.question_id.in_(question_ids))
        .group_by(Answer.question_id)).all()
    return {qid: (float(share), count) for qid, share, count in rows}


def band_of(facility: tuple[float, int] | None) -> str:
    """The past-results band of a question (``FACILITY_BANDS``)."""
    if facility is None or facility[1] < FEW_ANSWERS:
        return "few"
    return "high" if facility[0] >= 0.75 else "low" if facility[0] < 0.25 else "middle"


def source_of(question: Question, assignment: Assignment, shared: set[str]) -> str:
    """Where a usable question comes from, as the filter names it."""
    if question.bank == "course":
        return "course"
    if question.bank == "class" and question.classroom_id == assignment.classroom_id:
        return "class"
    return "mine" if question.bank == "instructor" and question.author_id == current_user.id and question.id not in shared else "shared"


def lesson_titles() -> dict[int, str]:
    """{lesson id: title} of every lesson."""
    return dict(db.session.execute(sa.select(Lesson.id, Lesson.title)).all())


def bank_rows(assignment: Assignment, args) -> tuple[PickerFilterForm, list[dict], dict]:
    """The filter form, one page of the usable questions it lets through, and the paging (number, count, total) with
    every tag of the usable questions (offered as the tag box's suggestions)."""
    filters = PickerFilterForm(args)
    lessons = lesson_choices()
    filters.lesson.choices = [SelectChoice("", _("All lessons"))] + [SelectChoice(str(c.value), c.label, render_kw=c.render_kw) for c in lessons]
    filters.qtype.choices = [SelectChoice("", _("Any"))] + [SelectChoice(name, label) for name, label in TYPE_LABELS.items()]
    if "lesson" not in args:
        filters.lesson.data = str(assignment.lesson_id)
    allowed = usable(assignment)
    found = db.session.execute(sa.select(Question, QuestionVersion).join(QuestionVersion, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_(list(allowed))).order_by(Question.lesson_id, Question.position)).all()
    order = {choice.value: at for at, choice in enumerate(lessons)}
    found.sort(key=lambda row: order.get(row[0].lesson_id, len(order)))
    shared = set(db.session.scalars(sa.select(QuestionShare.question_id).where(QuestionShare.user_id == current_user.id)))
    facility = facility_of(list(allowed))
    words = (filters.q.data or "").strip().casefold()
    tag = (filters.tag.data or "").strip().casefold()
    titles, chosen = lesson_titles(), set(assignment.question_ids)
    rows, known_tags = [], set()
    for question, version in found:
        tags = [str(t) for t in version.data.get("tags", [])]
        known_tags.update(tags)
        row = {"id": question.id, "question": question, "data": version.data, "html": version.html, "tags": tags,
               "lesson": titles.get(question.lesson_id, ""), "difficulty": version.data.get("difficulty", ""),
               "source": source_of(question, assignment, shared), "facility": facility.get(question.id),
               "chosen": question.id in chosen}
        if ((filters.lesson.data and str(question.lesson_id) != filters.lesson.data)
                or (filters.qtype.data and question.type != filters.qtype.data)
                or (filters.difficulty.data and row["difficulty"] != filters.difficulty.data)
                or (filters.source.data and row["source"] != filters.source.data)
                or (filters.facility.data and band_of(row["facility"]) != filters.facility.data)
                or (tag and tag not in {t.casefold() for t in tags})
                or (words and words not in " ".join([question.id, plain_text(version.html.get("prompt", ""))] + tags).casefold())):
            continue
        rows.append(row)
    total = len(rows)
    count = max(1, -(-total // PAGE_SIZE))
    number = min(max(args.get("page", 1, type=int) or 1, 1), count)
    shown = rows[(number - 1) * PAGE_SIZE:number * PAGE_SIZE]
    for row in shown:
        row["order"] = choice_order(row["data"], random.Random(0))
    return filters, shown, {"number": number, "count": count, "total": total, "tags": sorted(known_tags, key=str.casefold)}


def chosen_rows(question_ids: list[str], assignment: Assignment) -> list[dict]:
    """The chosen questions as new attempts get them (a pinned version where the assignment pins one)."""
    pins = assignment.pinned_version_ids or {}
    versions = {v.question_id: v for v in db.session.scalars(sa.select(QuestionVersion).where(
        QuestionVersion.id.in_([pins[qid] for qid in question_ids if qid in pins])))}
    versions.update({v.question_id: v for v in db.session.scalars(sa.select(QuestionVersion).join(Question, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version)).where(
        Question.id.in_([qid for qid in question_ids if qid not in versions])))})
    questions = {q.id: q for q in db.session.scalars(sa.select(Question).where(Question.id.in_(question_ids)))}
    worth = dict(zip(assignment.question_ids, points_of(assignment.question_ids, assignment.points), strict=True))
    drawn = set((assignment.pool or {}).get("drawn", []))
    titles = lesson_titles()
    rows = []
    for at, qid in enumerate(question_ids):
        version, question = versions.get(qid), questions.get(qid)
        if version is None or question is None:
            continue
        rows.append({"id": qid, "number": at + 1, "question": question, "data": version.data, "html": version.html,
                     "lesson": titles.get(question.lesson_id, ""), "lesson_id": question.lesson_id,
                     "points": worth.get(qid, 1.0), "drawn": qid in drawn})
    return rows
