"""What the search index holds, and how a typed query becomes a safe full-text query.

Pure module: the documents are cut from lessons' rendered HTML and the course-wide indexes
(:mod:`app.course.catalogue`); the query and snippet helpers take and return strings. The
database side (SQLite FTS5 or PostgreSQL ``tsvector``) is ``app.search.index``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

from app.course.catalogue import GlossaryItem, PersonItem, TimelineItem, plain_text
from app.course.words import N_

KINDS = ("lesson", "glossary", "person", "event")
# Lesson sections whose tables the glossary, people and timeline documents already hold.
INDEX_SECTIONS = frozenset({"timeline", "people", "glossary"})
MAX_QUERY_CHARS = 200
MAX_TERMS = 8
# Snippets come back with these around each match; they never occur in course text, and
# :func:`highlighted` escapes everything else before turning them into <mark>.
MARK_START, MARK_END = "\x02", "\x03"
_TERM = re.compile(r"[^\W_]+")
_HEADINGS = {"h2", "h3", "h4", "h5", "h6"}


@dataclass(frozen=True)
class Document:
    """One thing a search can find: where it lives (kind, lesson slug, anchor), what its link says, its words.

    ``title`` and ``body`` are searched (a title match counts more); ``label`` and ``detail`` are
    shown. ``section_key`` gathers a lesson section with its paragraphs, so results show each section once.
    """

    kind: str
    slug: str
    anchor: str
    label: str
    title: str
    body: str
    detail: str
    section_key: str
    position: int


@dataclass(frozen=True)
class Hit:
    """A found document as the results page shows it; ``snippet`` carries :data:`MARK_START`/``END`` marks."""

    kind: str
    slug: str
    anchor: str
    label: str
    detail: str
    section_key: str
    part: bool  # a paragraph, list or table, rather than a whole section
    snippet: str


@dataclass
class _Block:
    heading: str
    section: str
    anchor: str
    words: list[str]


class _LessonReader(HTMLParser):
    """Cuts a lesson body into its top-level blocks (paragraphs, lists, tables), each under its heading."""

    def __init__(self, lesson_title: str) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.heading, self.section = lesson_title, ""
        self.in_heading = False
        self.heading_words: list[str] = []
        self.blocks: list[_Block] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth == 0:
            anchor = dict(attrs).get("id") or ""
            if tag in _HEADINGS:
                self.in_heading, self.heading_words, self.section = True, [], anchor
            else:
                self.blocks.append(_Block(self.heading, self.section, anchor or self.section, []))
        if tag not in ("br", "hr", "img"):
            self.depth += 1

    def handle_endtag(self, tag: str) -> None:
        self.depth = max(self.depth - 1, 0)
        if self.depth == 0 and self.in_heading:
            self.in_heading, self.heading = False, " ".join(self.heading_words)

    def handle_data(self, data: str) -> None:
        if self.in_heading:
            self.heading_words.extend(data.split())
        elif self.depth and self.blocks:
            self.blocks[-1].words.extend(data.split())


def lesson_documents(slug: str, title: str, body_html: str) -> list[Document]:
    """A document per section (its heading and all its text) and per paragraph, list or table in it."""
    reader = _LessonReader(title)
    reader.feed(body_html)
    reader.close()
    documents: list[Document] = []
    sections: dict[str, list[_Block]] = {}
    for block in reader.blocks:
        if block.words and block.section not in INDEX_SECTIONS:
            sections.setdefault(block.section, []).append(block)
    for section, blocks in sections.items():
        group, heading = f"{slug}#{section}", blocks[0].heading
        detail = title if section else N_("The start of the lesson")  # its opening paragraphs come before any heading
        documents.append(Document("lesson", slug, section, heading, heading, " ".join(" ".join(b.words) for b in blocks),
                                  detail, group, 0))
        documents.extend(Document("lesson", slug, block.anchor, heading, "", " ".join(block.words), detail, group, 0)
                         for block in blocks)
    return documents


def _lesson_titles(titles: list[str]) -> str:
    return "In: " + ", ".join(dict.fromkeys(titles))


def catalogue_documents(timeline: list[TimelineItem], people: list[PersonItem],
                        glossary: list[GlossaryItem]) -> list[Document]:
    """A document per glossary term, person or organisation, and timeline event, linking to its anchor."""
    documents = [Document("glossary", "", term.anchor, term.term, term.term, plain_text(term.definition_html),
                          _lesson_titles([link.title for link in term.lessons]), term.anchor, 0) for term in glossary]
    documents += [Document("person", "", person.anchor, person.name, person.name,
                           f"{person.side}. {plain_text(person.role_html)}",
                           f"{person.side} · " + _lesson_titles([link.title for link in person.lessons]), person.anchor, 0)
                  for person in people]
    documents += [Document("event", "", event.anchor, event.date_label, event.date_label,
                           " ".join(plain_text(telling.event_html) for telling in event.tellings),
                           _lesson_titles([telling.lesson.title for telling in event.tellings]), event.anchor, 0)
                  for event in timeline]
    return documents


def numbered(documents: list[Document]) -> list[Document]:
    """The documents with their place in the course (the order results of equal rank keep)."""
    return [Document(**{**document.__dict__, "position": place}) for place, document in enumerate(documents)]


def query_terms(query: str) -> list[str]:
    """The words of a typed query, case-folded, each once: letters and digits only, so no query
    syntax (quotes, ``NEAR(``, ``*``, ``:``, ``&``, ``!``) ever reaches the database's parser."""
    return list(dict.fromkeys(_TERM.findall(query.casefold())))[:MAX_TERMS]


def fts5_query(terms: list[str]) -> str:
    """An FTS5 query finding documents with every term, each as a word (stemmed) or as the start of one."""
    return " AND ".join(f'("{term}" OR "{term}"*)' for term in terms)


def tsquery(terms: list[str]) -> str:
    """A PostgreSQL ``to_tsquery`` text finding documents with every term as the start of a word."""
    return " & ".join(f"{term}:*" for term in terms)


def grouped(hits: list[Hit]) -> dict[str, list[Hit]]:
    """The hits by kind (in :data:`KINDS` order, best first), each lesson section once.

    A section is shown by its best-ranked paragraph when one matched (the link lands on it), else
    by the section itself (the words matched across its paragraphs, or its heading).
    """
    by_kind: dict[str, list[Hit]] = {kind: [] for kind in KINDS}
    shown: dict[str, int] = {}
    for hit in hits:
        if hit.kind not in by_kind:
            continue
        place = shown.get(hit.section_key)
        if place is None:
            shown[hit.section_key] = len(by_kind[hit.kind])
            by_kind[hit.kind].append(hit)
        elif hit.part and not by_kind[hit.kind][place].part:
            by_kind[hit.kind][place] = hit
    return {kind: found for kind, found in by_kind.items() if found}


def highlighted(snippet: str) -> str:
    """A snippet as HTML: everything escaped, then each marked match in <mark>."""
    return (escape(snippet, quote=True).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))
