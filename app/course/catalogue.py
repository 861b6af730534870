"""Course-wide timeline, people index and glossary, built from the lessons' own tables.

Pure module. Each function takes lessons in course order: any objects with ``slug``,
``title``, ``position`` and the lists of dicts a loaded lesson keeps (``timeline``,
``people``, ``glossary``). The lessons are the only copy of these facts; nothing here is
stored twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Protocol


class LoadedLesson(Protocol):
    slug: str
    title: str
    position: int
    timeline: list[dict]
    people: list[dict]
    glossary: list[dict]


@dataclass(frozen=True)
class LessonLink:
    slug: str
    title: str
    anchor: str = ""


@dataclass(frozen=True)
class TimelineItem:
    year: int
    month: int
    date_label: str
    event_html: str
    is_context: bool
    lesson: LessonLink


@dataclass
class PersonItem:
    name: str
    side: str
    role_html: str
    lessons: list[LessonLink] = field(default_factory=list)


@dataclass
class GlossaryItem:
    term: str
    definition_html: str
    lessons: list[LessonLink] = field(default_factory=list)

    @property
    def initial(self) -> str:
        letter = self.term[:1].upper()
        return letter if letter.isalpha() else "#"


def course_timeline(lessons: Iterable[LoadedLesson]) -> list[TimelineItem]:
    """Every dated event of the course, oldest first.

    Events of the same year without a month come before that year's dated months; ties keep
    course order, then the order within the lesson, so the result is stable across loads.
    """
    items = []
    for lesson in lessons:
        for index, entry in enumerate(lesson.timeline):
            items.append(((entry["year"], entry["month"], lesson.position, index), TimelineItem(
                year=entry["year"], month=entry["month"], date_label=entry["date_label"],
                event_html=entry["event_html"], is_context=entry["is_context"],
                lesson=LessonLink(lesson.slug, lesson.title, entry["anchor"]),
            )))
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def people_index(lessons: Iterable[LoadedLesson]) -> list[PersonItem]:
    """One entry per person or organisation, alphabetical, with every lesson that names them.

    Side and role come from the first lesson (in course order) that lists the name.
    """
    by_name: dict[str, PersonItem] = {}
    for lesson in lessons:
        for entry in lesson.people:
            item = by_name.setdefault(_key(entry["name"]), PersonItem(entry["name"], entry["side"], entry["role_html"]))
            if all(link.slug != lesson.slug for link in item.lessons):
                item.lessons.append(LessonLink(lesson.slug, lesson.title, "people"))
    return sorted(by_name.values(), key=lambda item: _key(item.name))


def glossary_index(lessons: Iterable[LoadedLesson]) -> list[GlossaryItem]:
    """One entry per term, alphabetical; the definition comes from the first lesson that gives one."""
    by_term: dict[str, GlossaryItem] = {}
    for lesson in lessons:
        for entry in lesson.glossary:
            item = by_term.setdefault(_key(entry["term"]), GlossaryItem(entry["term"], entry["definition_html"]))
            if all(link.slug != lesson.slug for link in item.lessons):
                item.lessons.append(LessonLink(lesson.slug, lesson.title, "glossary"))
    return sorted(by_term.values(), key=lambda item: _key(item.term))
