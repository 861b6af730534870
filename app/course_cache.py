"""The course as each worker keeps it in memory: lessons, the question catalogue and question versions.

Every page reads lessons and questions, and they change only when a course is loaded or an instructor
edits a question. Each process keeps one snapshot built from the database beside the "course" signal's
token (``app.versions``) and rebuilds it when the token moves on, so a request reads them with no
database round trip. Snapshots hold frozen copies, never ORM objects: they are shared by every thread,
and nothing written to one can reach the database.

Question versions are kept forever (``QuestionVersion``'s docstring) and their ids are never reused, so
their content is cached by id across snapshots, up to ``VERSION_CACHE_SIZE`` of them.
"""

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app import versions
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion

VERSION_CACHE_SIZE = 50_000


@dataclass(frozen=True)
class LessonInfo:
    """A lesson row's columns, read-only (templates use it as they used the row)."""

    id: int
    slug: str
    title: str
    position: int
    summary: str
    objectives: list
    source_first_line: int
    source_last_line: int
    body_markdown: str
    body_html: str
    headings: list
    timeline: list
    people: list
    glossary: list
    word_count: int
    reading_minutes: int
    content_hash: str
    loaded_at: datetime
    quiz_size: int | None
    retired: bool
    origin: str
    author_id: int | None


@dataclass(frozen=True)
class QuestionInfo:
    """A question row's columns, with the id of its current version."""

    id: str
    lesson_id: int
    position: int
    type: str
    version: str
    retired: bool
    origin: str
    author_id: int | None
    bank: str
    classroom_id: int | None
    copied_from_id: str | None
    version_id: int | None


@dataclass(frozen=True)
class VersionInfo:
    """One question version's content: what a quiz draws, marks and renders."""

    id: int
    question_id: str
    version: str
    data: dict
    html: dict


LESSON_COLUMNS = [getattr(Lesson, field.name) for field in fields(LessonInfo)]
QUESTION_COLUMNS = [getattr(Question, field.name) for field in fields(QuestionInfo) if field.name != "version_id"]


@dataclass(frozen=True)
class CourseSnapshot:
    """The course at one token: every lesson (retired ones too, for old attempts) and every question."""

    token: str
    lessons_by_id: dict[int, LessonInfo]
    lessons: tuple[LessonInfo, ...]  # live lessons in course order
    by_slug: dict[str, LessonInfo]  # live lessons
    questions: dict[str, QuestionInfo]
    stamp: datetime | None  # the latest lesson load: the visitor pages' Last-Modified

    def lesson(self, slug: str) -> LessonInfo | None:
        return self.by_slug.get(slug)

    def course_questions(self, lesson_id: int) -> list[QuestionInfo]:
        """A lesson's live course-bank questions in bank order (before any assignment's hold)."""
        return sorted((q for q in self.questions.values()
                       if q.lesson_id == lesson_id and q.bank == "course" and not q.retired), key=lambda q: q.position)


_lock = threading.Lock()
_versions: OrderedDict[int, VersionInfo] = OrderedDict()


def _build(token: str) -> CourseSnapshot:
    every = [LessonInfo(*row) for row in db.session.execute(sa.select(*LESSON_COLUMNS))]
    live = sorted((lesson for lesson in every if not lesson.retired), key=lambda lesson: (lesson.position, lesson.id))
    current = dict(db.session.execute(
        sa.select(QuestionVersion.question_id, QuestionVersion.id).join(Question, sa.and_(
            QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))).all())
    questions = {row.id: QuestionInfo(*row, version_id=current.get(row.id))
                 for row in db.session.execute(sa.select(*QUESTION_COLUMNS))}
    stamps = [lesson.loaded_at for lesson in every if lesson.loaded_at is not None]
    return CourseSnapshot(token, {lesson.id: lesson for lesson in every}, tuple(live),
                          {lesson.slug: lesson for lesson in live}, questions, max(stamps) if stamps else None)


def snapshot() -> CourseSnapshot:
    """This process's course, rebuilt first if the course signal moved on since it was built."""
    token = versions.token("course")
    if versions.unsaved(db.session, "course"):
        return _build(token)  # this transaction's own uncommitted changes: read, keep nothing
    cache = current_app.extensions.setdefault("backchannel.course", {})
    known = cache.get("snapshot")
    if known is not None and known.token == token:
        return known
    built = _build(token)  # two threads may both build once; either result is right for this token
    cache["snapshot"] = built
    return built


def version_contents(ids: Iterable[int]) -> dict[int, VersionInfo]:
    """Question versions by id: from memory, the missing ones in one query."""
    wanted = set(ids)
    key = current_app.extensions.setdefault("backchannel.versions_cache", OrderedDict())
    with _lock:
        found = {ident: key[ident] for ident in wanted if ident in key}
        for ident in found:
            key.move_to_end(ident)
    missing = wanted - found.keys()
    if missing:
        rows = db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.version,
                                            QuestionVersion.data, QuestionVersion.html)
                                  .where(QuestionVersion.id.in_(missing)))
        fresh = {row.id: VersionInfo(*row) for row in rows}
        with _lock:
            key.update(fresh)
            while len(key) > VERSION_CACHE_SIZE:
                key.popitem(last=False)
        found.update(fresh)
    return found
