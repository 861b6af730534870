"""Course-wide timeline, people index and glossary, built from the lessons' own tables, and their filters.

Pure module. Each function takes lessons in course order: any objects with ``slug``,
``title``, ``position`` and the lists of dicts a loaded lesson keeps (``timeline``,
``people``, ``glossary``). The lessons are the only copy of these facts; nothing here is
stored twice. Every entry carries an ``anchor``, unique on its page, that search results link to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import Iterable, Protocol

_TAG = re.compile(r"<[^<>]*>")
_NOT_ANCHOR = re.compile(r"[^a-z0-9]+")
_QUOTES = "\"'“”‘’"
_HEADLINE_END = re.compile(r"[;(]")
_WORD = re.compile(r"[^\W_]+")


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
class Telling:
    """How one lesson tells a timeline event, and the paragraph that tells it."""

    event_html: str
    is_context: bool
    lesson: LessonLink


@dataclass
class TimelineItem:
    """One event on the course timeline: the first lesson's telling first, then every other lesson's."""

    year: int
    month: int
    date_label: str
    tellings: list[Telling]
    anchor: str = ""

    @property
    def event_html(self) -> str:
        return self.tellings[0].event_html

    @property
    def is_context(self) -> bool:
        return self.tellings[0].is_context

    @property
    def other_tellings(self) -> list[Telling]:
        """The other lessons' wordings, where they say more than the first one does."""
        return [telling for telling in self.tellings[1:] if _key(plain_text(telling.event_html)) != _key(plain_text(self.event_html))]

    @property
    def decade(self) -> int:
        return self.year // 10 * 10

    @property
    def text(self) -> str:
        return " ".join([self.date_label] + [plain_text(telling.event_html) for telling in self.tellings]
                        + [telling.lesson.title for telling in self.tellings])


@dataclass
class PersonItem:
    name: str
    side: str
    role_html: str
    lessons: list[LessonLink] = field(default_factory=list)
    anchor: str = ""

    @property
    def text(self) -> str:
        return " ".join([self.name, self.side, plain_text(self.role_html)] + [link.title for link in self.lessons])


@dataclass
class GlossaryItem:
    term: str
    definition_html: str
    lessons: list[LessonLink] = field(default_factory=list)
    anchor: str = ""

    @property
    def initial(self) -> str:
        letter = _sort_key(self.term)[:1].upper()
        return letter if letter.isalpha() else "#"

    @property
    def text(self) -> str:
        return " ".join([self.term, plain_text(self.definition_html)] + [link.title for link in self.lessons])


def plain_text(html: str) -> str:
    """The words of a piece of rendered HTML, tags dropped and entities read, spaces collapsed."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def anchor_text(text: str, words: int = 8) -> str:
    """An id made of the first ``words`` words of ``text``: lower case, hyphens between, ASCII letters and digits."""
    return "-".join(_NOT_ANCHOR.sub(" ", text.casefold()).split()[:words])


def _give_anchors(items: list, prefix: str, texts: Iterable[str]) -> None:
    """Give each item ``<prefix>-<its words>``, numbered from 2 where two would be the same."""
    seen: dict[str, int] = {}
    for item, text in zip(items, texts):
        anchor = f"{prefix}-{anchor_text(text) or 'entry'}"
        seen[anchor] = seen.get(anchor, 0) + 1
        item.anchor = anchor if seen[anchor] == 1 else f"{anchor}-{seen[anchor]}"


def _headline(event_html: str) -> list[str]:
    """The words naming an event: its text up to the first ';' or '(' ("Partition", "Kargil conflict")."""
    return _WORD.findall(_HEADLINE_END.split(plain_text(event_html), 1)[0].casefold())


def _same_event(first: Telling, second: Telling) -> bool:
    """Two tellings of one event: one's headline is how the other begins ("Partition" and "Partition of British India…")."""
    one, other = _headline(first.event_html), _headline(second.event_html)
    shorter, longer = sorted((one, other), key=len)
    return bool(shorter) and longer[:len(shorter)] == shorter


def course_timeline(lessons: Iterable[LoadedLesson]) -> list[TimelineItem]:
    """Every dated event of the course, oldest first, each event once with every lesson that tells it.

    Events of the same year without a month come before that year's dated months; ties keep
    course order, then the order within the lesson, so the result is stable across loads. Rows of
    different lessons with the same date whose headlines agree (three lessons date Partition to
    1947) are one event.
    """
    rows = []
    for lesson in lessons:
        for index, entry in enumerate(lesson.timeline):
            rows.append(((entry["year"], entry["month"], lesson.position, index), entry["date_label"], Telling(
                entry["event_html"], entry["is_context"], LessonLink(lesson.slug, lesson.title, entry["anchor"]))))
    items: list[TimelineItem] = []
    for (year, month, _, _), date_label, telling in sorted(rows, key=lambda row: row[0]):
        same = [item for item in items if (item.year, item.month, item.date_label) == (year, month, date_label)
                and all(told.lesson.slug != telling.lesson.slug for told in item.tellings)
                and any(_same_event(told, telling) for told in item.tellings)]
        if not same:
            items.append(TimelineItem(year, month, date_label, [telling]))
            continue
        first, *others = same  # a telling can join two events that each matched only it ("Partition")
        first.tellings.append(telling)
        for other in others:
            first.tellings.extend(other.tellings)
            items.remove(other)
    _give_anchors(items, "event", (f"{item.date_label} {plain_text(item.event_html)}" for item in items))
    return items


def _key(name: str) -> str:
    return " ".join(name.casefold().split())


def _sort_key(name: str) -> str:
    """Where a name sorts: quotation marks in front of it ("‘Out-of-the-box’ approach") count for nothing."""
    return _key(name).lstrip(_QUOTES)


def _unquoted(name: str) -> str:
    """A name without the quotation marks a lesson may wrap it in (the paper's own wording, quoted)."""
    stripped = name.strip()
    return stripped.strip(_QUOTES).strip() if len(stripped) > 2 and stripped[0] in _QUOTES and stripped[-1] in _QUOTES else stripped


def people_index(lessons: Iterable[LoadedLesson]) -> list[PersonItem]:
    """One entry per person or organisation, alphabetical, with every lesson that names them.

    Side and role come from the first lesson (in course order) that lists the name.
    """
    by_name: dict[str, PersonItem] = {}
    for lesson in lessons:
        for entry in lesson.people:
            name = _unquoted(entry["name"])
            item = by_name.setdefault(_key(name), PersonItem(name, entry["side"], entry["role_html"]))
            if all(link.slug != lesson.slug for link in item.lessons):
                item.lessons.append(LessonLink(lesson.slug, lesson.title, "people"))
    people = sorted(by_name.values(), key=lambda item: _sort_key(item.name))
    _give_anchors(people, "person", (item.name for item in people))
    return people


def glossary_index(lessons: Iterable[LoadedLesson]) -> list[GlossaryItem]:
    """One entry per term, alphabetical; the definition comes from the first lesson that gives one."""
    by_term: dict[str, GlossaryItem] = {}
    for lesson in lessons:
        for entry in lesson.glossary:
            item = by_term.setdefault(_key(entry["term"]), GlossaryItem(entry["term"], entry["definition_html"]))
            if all(link.slug != lesson.slug for link in item.lessons):
                item.lessons.append(LessonLink(lesson.slug, lesson.title, "glossary"))
    terms = sorted(by_term.values(), key=lambda item: _sort_key(item.term))
    _give_anchors(terms, "term", (item.term for item in terms))
    return terms


def filter_words(query: str) -> list[str]:
    """The words a filter box's text asks for, case-folded (what filter.js splits it into, too)."""
    return query.casefold().split()[:20]


def matches(text: str, words: list[str]) -> bool:
    """Whether every word appears in the text, case ignored: the filter boxes' rule, here and in filter.js."""
    folded = text.casefold()
    return all(word in folded for word in words)
