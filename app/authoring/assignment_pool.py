"""The questions an assignment may draw: the pool the instructor may use, the pairs that must not go together, a draw,
and the versions an assignment pins."""

import random
import secrets

import sqlalchemy as sa
from flask import flash
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring.access import current_actor, listed_questions
from app.course.leaks import cached_leak_graph, leak_free_sample
from app.extensions import db
from app.i18n import course_option
from app.models import Classroom, Lesson, Question, QuestionShare, QuestionVersion


def lesson_choices() -> list[SelectChoice]:
    """The live lessons, in course order, as a select's choices."""
    return [SelectChoice(lesson.id, lesson.title, render_kw=course_option()) for lesson in db.session.scalars(
        sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position))]


def draw_questions(pool: list[tuple[str, int]], count: int) -> list[tuple[str, int]]:
    """``count`` questions drawn from ``pool`` as a test's draw is: never two of which one shows the other's answer, as
    far as the count allows. An instructor who asks for more (a whole bank as homework) gets them, and is told."""
    lesson_of = dict(pool)
    rng = random.Random(secrets.randbits(64))
    drawn = leak_free_sample(list(lesson_of), count, leaking_pairs(pool), rng)
    if (free := len(drawn)) < count:
        rest = [ident for ident in lesson_of if ident not in drawn]
        drawn += rng.sample(rest, count - free)
        flash(_("Only %(free)s of these %(total)s questions can go together without one showing another's answer; "
                "the %(count)s set include some such pairs. Choose %(free)s or fewer to avoid them.",
                free=free, total=len(pool), count=count), "warning")
    return [(ident, lesson_of[ident]) for ident in drawn]


def question_pool(lesson_ids: list[int], tag: str, classroom: Classroom) -> list[tuple[str, int]]:
    """(question id, lesson id) of the live questions of these lessons an assignment of ``classroom`` draws from,
    only those tagged ``tag`` if given: what my lists hold (``listed_questions``: the course bank, my own
    questions, those shared with me, less what another class's exam holds back), of class banks only this class's."""
    shared = sa.select(QuestionShare.question_id).where(QuestionShare.user_id == current_user.id)
    rows = db.session.execute(
        sa.select(Question.id, Question.lesson_id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.lesson_id.in_(lesson_ids), Question.retired.is_(False), listed_questions(current_actor()), sa.or_(
            Question.bank != "class", Question.classroom_id == classroom.id, Question.id.in_(shared)))
        .order_by(Question.lesson_id, Question.position)).all()
    return [(ident, lesson_id) for ident, lesson_id, data in rows
            if not tag or tag in {t.lower() for t in data.get("tags", [])}]


def leaking_pairs(pool: list[tuple[str, int]]) -> frozenset[frozenset[str]]:
    """Pairs of pool questions never set together: one shows the other's answer. Each lesson's leak graph, and, when
    the pool mixes lessons, the graph of the whole pool, since a question of one lesson may print another's key."""
    rows = db.session.execute(sa.select(Question.id, Question.lesson_id, QuestionVersion.data).join(QuestionVersion, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_([question_id for question_id, _ in pool]))).all()
    by_lesson: dict[int, list[dict]] = {}
    for _, lesson_id, data in rows:
        by_lesson.setdefault(lesson_id, []).append(data)
    # Both: a key common across the mix (so not a leak in the whole pool's graph) may still leak within its lesson.
    mixed = [cached_leak_graph([data for _, _, data in rows]).pairs] if len(by_lesson) > 1 else []
    return frozenset().union(*(cached_leak_graph(bank).pairs for bank in by_lesson.values()), *mixed)


def current_version_ids(chosen: list[tuple[str, int]]) -> dict[str, int]:
    """{question id: id of its current version} for the questions drawn: what the assignment pins, so a shared
    question later revoked or edited by its author reaches the class as it was when set."""
    return dict(db.session.execute(sa.select(Question.id, QuestionVersion.id).join(QuestionVersion, sa.and_(
        QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
        .where(Question.id.in_([question_id for question_id, _ in chosen]))).all())
