"""Read, check and render the course's Markdown lessons.

Pure module: plain data in, plain data out, no Flask and no database. The web app, the
``course`` CLI commands and the tests all go through :func:`read_course`, so a lesson that
passes ``course check`` is exactly a lesson that ``course load`` accepts.

A lesson is ``lessons/<slug>.md``: YAML front matter between ``---`` lines, then Markdown
(see ``lessons/README.md``). Rendering happens here, once per load, never per request.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import markdown
import yaml

from app.course.limits import MAX_LESSON_CHARS, MAX_NESTING, MAX_PASSAGE_CHARS, nesting_depth, too_long
from app.course.linear_markdown import LinearMarkdown
from app.course.markup import PAGE_IDS, render_inline, sanitise

READING_WORDS_PER_MINUTE = 200
SUMMARY_MAX_CHARS = 200
SIDES = ("Pakistan", "India", "Pakistan and India", "Regional", "Other")
MONTHS = {
    name: number
    for number, name in enumerate(
        ["january", "february", "march", "april", "may", "june", "july", "august",
         "september", "october", "november", "december"],
        start=1,
    )
}
REQUIRED_SECTIONS = ("key facts", "glossary")
MARKDOWN_EXTENSIONS = ["toc", "tables", "attr_list", "footnotes", "admonition", "sane_lists", LinearMarkdown()]
MARKDOWN_CONFIG = {"tables": {"use_align_attribute": True}}

# A heading line is read in two steps: one pattern with a lazy title before optional trailing
# parts backtracks over every space of a long line, for every character (quadratic).
_HEADING = re.compile(r"(#{2,6})\s+")
_HEADING_ANCHOR = re.compile(r"\{\s*#([A-Za-z][\w-]*)\s*\}$")
_ANY_HEADING = re.compile(r"^#{1,6}\s")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_TABLE_RULE = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_LIST_ITEM = re.compile(r"^[-*]\s")
_GLOSSARY_ITEM = re.compile(r"^\s*[-*]\s+\*\*(.+?)\*\*\s*:\s*(.*\S|\s)\s*$")
_LINK_TARGET = re.compile(r"\]\(([^()\s]*)\)")
_ID_ATTR = re.compile(r'\bid="([^"]+)"')
_TAG = re.compile(r"<[^<>]*>")
_PASSAGE_BREAK = re.compile(r"\n[ \t]*\n")
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)s?\b")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a course file, reported as ``file:line: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Heading:
    level: int
    anchor: str
    title: str


@dataclass(frozen=True)
class TimelineEntry:
    """A dated event; ``year``/``month`` order the course timeline (month 0 = unknown)."""

    date_label: str
    year: int
    month: int
    event_html: str
    anchor: str
    is_context: bool
    line: int


@dataclass(frozen=True)
class PersonEntry:
    name: str
    side: str
    role_html: str


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition_html: str


@dataclass
class Lesson:
    """A checked, rendered lesson: everything the web app needs, nothing it must compute."""

    slug: str
    title: str
    order: int
    summary: str
    objectives: list[str]
    source_lines: tuple[int, int]
    path: str
    markdown: str
    body_line: int = 1
    html: str = ""
    headings: list[Heading] = field(default_factory=list)
    anchors: set[str] = field(default_factory=set)
    timeline: list[TimelineEntry] = field(default_factory=list)
    people: list[PersonEntry] = field(default_factory=list)
    glossary: list[GlossaryEntry] = field(default_factory=list)
    word_count: int = 0
    content_hash: str = ""

    @property
    def reading_minutes(self) -> int:
        """Minutes to read the lesson at an unhurried 200 words a minute, at least one."""
        return max(1, math.ceil(self.word_count / READING_WORDS_PER_MINUTE))


@dataclass
class CourseRead:
    """The outcome of reading a course folder: lessons in course order, or problems."""

    lessons: list[Lesson]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


class AliasRefused(yaml.YAMLError):
    """A YAML alias (``*name``), refused when first met: a few lines of aliases can stand for billions of nodes."""

    def __init__(self, line: int):
        super().__init__("YAML aliases are not allowed")
        self.line = line  # 0-based, in the YAML text: the line of the anchor the alias names


class NoAliasLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader (libyaml's parser when installed) that refuses aliases before expanding anything."""

    def construct_object(self, node: yaml.Node, deep: bool = False) -> object:
        """Construct ``node``; the composer hands an alias over as the node it names, so a node met twice is one."""
        if node in self.constructed_objects or node in self.recursive_objects:
            raise AliasRefused(node.start_mark.line)
        return super().construct_object(node, deep=deep)


def yaml_problem(path: str, error: yaml.YAMLError, first_line: int, prefix: str) -> Problem:
    """Turn a YAML syntax error into a Problem at the line where the faulty construct starts.

    For an unclosed ``[`` or ``{`` the parser notices only on a later line; the construct's
    own line (the error's context mark) is where the author must look, so that line is given
    and the later one named in the message.
    """
    if not isinstance(error, yaml.MarkedYAMLError):
        return Problem(path, first_line, f"{prefix}: {error}")
    problem, context = error.problem_mark, error.context_mark
    mark = context or problem
    line = mark.line + first_line if mark else first_line
    message = f"{prefix}: {error.problem or error.context}"
    if context and problem and problem.line != context.line:
        message += f" (noticed on line {problem.line + first_line})"
    return Problem(path, line, message)


def split_front_matter(text: str) -> tuple[str, str, int]:
    """Return (front matter, body, line number where the body starts).

    Raises ``ValueError`` with a line number in ``args[1]`` when the ``---`` fences are missing.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise ValueError("lesson must start with '---' and YAML front matter", 1)
    for number, line in enumerate(lines[1:], start=2):
        if line.strip() == "---":
            return "".join(lines[1:number - 1]), "".join(lines[number:]), number + 1
    raise ValueError("front matter is not closed by a '---' line", 1)


def _key_lines(front: str) -> dict[str, int]:
    """Map each top-level front matter key to its line in the file (front matter starts at 2)."""
    node = yaml.compose(front)
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {key.value: key.start_mark.line + 2 for key, _ in node.value}


def _check_front_matter(meta: object, key_lines: dict[str, int], slug: str, path: str) -> list[Problem]:
    if not isinstance(meta, dict):
        return [Problem(path, 2, "front matter must be a mapping of fields")]
    problems = []

    def bad(key: str, message: str) -> None:
        problems.append(Problem(path, key_lines.get(key, 1), message))

    for key in ("slug", "title", "order", "summary", "objectives", "source_lines"):
        if key not in meta:
            problems.append(Problem(path, 1, f"front matter is missing '{key}'"))
    if "slug" in meta and meta["slug"] != slug:
        bad("slug", f"slug '{meta['slug']}' does not match the file name '{slug}.md'")
    for key in ("title", "summary"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            bad(key, f"'{key}' must be non-empty text")
    if isinstance(meta.get("summary"), str) and len(meta["summary"]) > SUMMARY_MAX_CHARS:
        bad("summary", f"'summary' is {len(meta['summary'])} characters; keep it to {SUMMARY_MAX_CHARS}")
    if "order" in meta and (isinstance(meta["order"], bool) or not isinstance(meta["order"], int)
                            or meta["order"] < 1):
        bad("order", "'order' must be a whole number from 1")
    if "objectives" in meta:
        objectives = meta["objectives"]
        if (not isinstance(objectives, list) or not objectives
                or not all(isinstance(item, str) and item.strip() for item in objectives)):
            bad("objectives", "'objectives' must be a list of one or more sentences")
    if "source_lines" in meta:
        lines = meta["source_lines"]
        if (not isinstance(lines, list) or len(lines) != 2
                or not all(isinstance(n, int) and not isinstance(n, bool) and n > 0 for n in lines)
                or lines[0] > lines[1]):
            bad("source_lines", "'source_lines' must be [first, last], two line numbers with first <= last")
    known = {"slug", "title", "order", "summary", "objectives", "source_lines"}
    for key in meta:
        if key not in known:
            bad(str(key), f"unknown front matter field '{key}'")
    return problems


@dataclass
class _Section:
    title: str
    anchor: str | None
    line: int
    lines: list[tuple[int, str]] = field(default_factory=list)


def _heading(text: str) -> tuple[str, str | None] | None:
    """The title and explicit anchor of a ``##``-``######`` heading line, or None for any other line."""
    start = _HEADING.match(text)
    if start is None:
        return None
    rest = text[start.end():].rstrip()
    anchor = _HEADING_ANCHOR.search(rest)
    if anchor is None:
        return rest, None
    return rest[:anchor.start()].rstrip(), anchor.group(1)


def _sections(body: str, first_line: int) -> list[_Section]:
    """Cut the body into sections at each heading, remembering file line numbers."""
    sections = [_Section("", None, first_line)]
    fenced = False
    for offset, text in enumerate(body.splitlines()):
        number = first_line + offset
        if text.lstrip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else _heading(text)
        if heading:
            sections.append(_Section(*heading, number))
        else:
            sections[-1].lines.append((number, text))
    return sections


def _table_rows(section: _Section) -> list[tuple[int, list[str]]]:
    """The data rows of the first pipe table in a section, cells stripped."""
    rows: list[tuple[int, list[str]]] = []
    seen_rule = False
    for number, text in section.lines:
        row = _TABLE_ROW.match(text)
        if row is None:
            if rows or seen_rule:
                break
            continue
        if _TABLE_RULE.match(text):
            seen_rule = True
            continue
        if seen_rule:
            rows.append((number, [cell.strip() for cell in row.group(1).split("|")]))
    return rows


def _anchor_of(cell: str) -> str | None:
    target = _LINK_TARGET.search(cell)
    if target and target.group(1).startswith("#"):
        return target.group(1)[1:]
    return None


def parse_date(label: str) -> tuple[int, int] | None:
    """Return (year, month) for a timeline date such as ``March 1999`` or ``2004–2007``."""
    year = _YEAR.search(label)
    if year is None:
        return None
    month = next((number for name, number in MONTHS.items() if name in label.lower()), 0)
    return int(year.group(1)), month


def _read_timeline(section: _Section, path: str) -> tuple[list[TimelineEntry], list[Problem]]:
    entries, problems = [], []
    rows = _table_rows(section)
    if not rows:
        problems.append(Problem(path, section.line, "the Timeline section has no table rows"))
    for number, cells in rows:
        if len(cells) != 3:
            problems.append(Problem(path, number, "a timeline row needs three cells: Date | Event | Read more"))
            continue
        date_label, event, link = cells
        when = parse_date(date_label)
        if when is None:
            problems.append(Problem(path, number, f"timeline date '{date_label}' has no four-digit year"))
            continue
        anchor = _anchor_of(link)
        if anchor is None:
            problems.append(Problem(path, number, "the last timeline cell must link to an anchor like [text](#id)"))
            continue
        entries.append(TimelineEntry(
            date_label=date_label, year=when[0], month=when[1], event_html=render_inline(event),
            anchor=anchor, is_context=event.rstrip(". ").endswith("(context)"), line=number,
        ))
    return entries, problems


def _read_people(section: _Section, path: str) -> tuple[list[PersonEntry], list[Problem]]:
    entries, problems = [], []
    rows = _table_rows(section)
    if not rows:
        problems.append(Problem(path, section.line, "the People and organisations section has no table rows"))
    for number, cells in rows:
        if len(cells) != 3 or not all(cells):
            problems.append(Problem(path, number, "a people row needs three filled cells: Name | Side | Role"))
            continue
        name, side, role = cells
        if side not in SIDES:
            problems.append(Problem(path, number, f"side '{side}' must be one of: {', '.join(SIDES)}"))
            continue
        entries.append(PersonEntry(name=name, side=side, role_html=render_inline(role)))
    return entries, problems


def _read_glossary(section: _Section, path: str) -> tuple[list[GlossaryEntry], list[Problem]]:
    entries, problems = [], []
    for number, text in section.lines:
        if not text.strip():
            continue
        if not _LIST_ITEM.match(text):
            if entries or problems or text.startswith("!!!"):
                break  # the list has ended: what follows (a notes box, a sources line) is not glossary
            continue
        item = _GLOSSARY_ITEM.match(text)
        if item is None:
            problems.append(Problem(path, number, "a glossary item must read '- **Term**: definition'"))
            continue
        entries.append(GlossaryEntry(term=item.group(1).strip(), definition_html=render_inline(item.group(2))))
    if not entries and not problems:
        problems.append(Problem(path, section.line, "the Glossary section has no '- **Term**: definition' items"))
    return entries, problems


def anchors_of(html: str) -> set[str]:
    """Every id in rendered lesson HTML: the headings and paragraphs a question may point at."""
    return set(_ID_ATTR.findall(html))


def _plain_words(html: str) -> int:
    return len(_TAG.sub(" ", html).split())


def read_lesson(path: Path, display_path: str | None = None) -> tuple[Lesson | None, list[Problem]]:
    """Read, check and render one lesson file; return it with no problems, or None with all problems."""
    where = display_path or str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        return None, [Problem(where, 1, f"file is not valid UTF-8 ({error.reason} at byte {error.start})")]
    return parse_lesson_text(text, path.stem, where)


def parse_lesson_text(text: str, slug: str, where: str) -> tuple[Lesson | None, list[Problem]]:
    """Check and render a lesson's text (front matter and Markdown) as if it were ``lessons/<slug>.md``."""
    if problem := too_long(text, MAX_LESSON_CHARS):
        return None, [Problem(where, 1, f"the lesson {problem}")]
    try:
        front, body, body_line = split_front_matter(text)
    except ValueError as error:
        return None, [Problem(where, error.args[1], error.args[0])]
    try:
        meta = yaml.load(front, Loader=NoAliasLoader)  # noqa: S506 - a safe loader
        key_lines = _key_lines(front)
    except AliasRefused as alias:
        return None, [Problem(where, alias.line + 2, str(alias))]
    except yaml.YAMLError as error:
        return None, [yaml_problem(where, error, first_line=2, prefix="front matter is not valid YAML")]
    problems = _check_front_matter(meta, key_lines, slug, where) or _long_passages(body, body_line, where)
    if problems:
        return None, problems

    sections = _sections(body, body_line)
    problems.extend(_check_headings(sections, where))
    by_title = {section.title.lower(): section for section in sections}
    for required in REQUIRED_SECTIONS:
        if required not in by_title:
            problems.append(Problem(where, body_line, f"lesson has no '## {required.capitalize()}' section"))

    lesson = Lesson(
        slug=slug, title=meta["title"].strip(), order=meta["order"], summary=meta["summary"].strip(),
        objectives=[item.strip() for item in meta["objectives"]],
        source_lines=(meta["source_lines"][0], meta["source_lines"][1]),
        path=where, markdown=body, body_line=body_line, content_hash=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    readers = {"timeline": _read_timeline, "people and organisations": _read_people, "glossary": _read_glossary}
    for title, reader in readers.items():
        if title in by_title:
            entries, found = reader(by_title[title], where)
            setattr(lesson, title.split()[0], entries)
            problems.extend(found)

    renderer = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, extension_configs=MARKDOWN_CONFIG)
    html, found = _source_labels(renderer.convert(body), body, body_line, where)
    problems.extend(found)
    lesson.html = sanitise(html, anchors=True)
    lesson.headings = [Heading(level, anchor, title) for level, anchor, title in _flatten(renderer.toc_tokens)]
    lesson.anchors = anchors_of(lesson.html)
    lesson.word_count = _plain_words(lesson.html)
    problems.extend(_check_local_links(body, body_line, lesson.anchors, where))
    return (None, problems) if problems else (lesson, [])


_SOURCE_ATTRIBUTE = re.compile(r'<p([^>]*?) source="([^"]*)"')
_SOURCE_RANGES = re.compile(r"\d+(?:-\d+)?(?:, ?\d+(?:-\d+)?)*")


def _source_labels(html: str, body: str, body_line: int, where: str) -> tuple[str, list[Problem]]:
    """Turn each paragraph's ``source="216-225"`` into the label the page shows on demand.

    ``source="context"`` marks a paragraph that is added context; anything else is a problem at
    the line that wrote it.
    """
    problems = []

    def label(match: re.Match) -> str:
        value = match.group(2).strip()
        if value == "context":
            return f'<p{match.group(1)} data-source="Added context, not in the paper"'
        ranges = [part.strip().split("-") for part in value.split(",")] if _SOURCE_RANGES.fullmatch(value) else []
        if not ranges or any(int(r[0]) < 1 or int(r[-1]) < int(r[0]) for r in ranges):
            offset = body.find(f'source="{match.group(2)}"')
            line = body_line + body.count("\n", 0, offset) if offset >= 0 else body_line
            problems.append(Problem(where, line, f'source="{value}": write paper lines as "216-225" '
                                    '(several: "216-225, 230"), first line before last, or "context"'))
            return match.group(0)
        shown = ", ".join("–".join(r) if len(r) > 1 and r[0] != r[1] else r[0] for r in ranges)
        plural = "s" if len(ranges) > 1 or len(ranges[0]) > 1 and ranges[0][0] != ranges[0][1] else ""
        return f'<p{match.group(1)} data-source="Paper, line{plural} {shown}"'
    return _SOURCE_ATTRIBUTE.sub(label, html), problems


def _flatten(tokens: list[dict]) -> list[tuple[int, str, str]]:
    flat = []
    for token in tokens:
        # The name is HTML; the page escapes the title it is given, so give it plain text.
        flat.append((token["level"], token["id"], unescape(_TAG.sub("", token["name"]))))
        flat.extend(_flatten(token["children"]))
    return flat


def _long_passages(body: str, first_line: int, path: str) -> list[Problem]:
    """Passages (lines up to a blank one) over the cap: Markdown's inline work grows with a passage's
    length; and lines nested too deep in lists or quotes, which Markdown parses by recursion."""
    problems: list[Problem] = []
    size, start = 0, first_line
    for number, line in enumerate(body.split("\n"), start=first_line):
        if (depth := nesting_depth(line)) > MAX_NESTING:
            problems.append(Problem(path, number, f"this line nests lists or quotes {depth} levels deep; "
                                                  f"the most a lesson may is {MAX_NESTING}"))
        if not line.strip():
            size = 0
            continue
        if size == 0:
            start = number
        size += len(line) + 1
        if size > MAX_PASSAGE_CHARS and (not problems or problems[-1].line != start):
            problems.append(Problem(path, start, f"this passage (the lines up to the next blank one) is over "
                                                 f"{MAX_PASSAGE_CHARS:,} characters; break it up with blank lines"))
    return problems


def _check_headings(sections: list[_Section], path: str) -> list[Problem]:
    problems = []
    for section in sections[1:]:
        if section.anchor is None:
            problems.append(Problem(path, section.line, f"heading '{section.title}' needs an explicit anchor, e.g. {{#some-id}}"))
    for section in sections:
        for number, text in section.lines:
            if text.startswith("# ") or text == "#":
                problems.append(Problem(path, number, "no level-1 headings in a lesson: the page shows the title"))
            elif _ANY_HEADING.match(text):
                problems.append(Problem(path, number, f"malformed heading '{text.strip()}'"))
    seen: dict[str, int] = {}
    for section in sections[1:]:
        if section.anchor in PAGE_IDS:
            problems.append(Problem(path, section.line, f"anchor '#{section.anchor}' belongs to the page around the lesson; choose another"))
        elif section.anchor in seen:
            problems.append(Problem(path, section.line, f"anchor '#{section.anchor}' is already used on line {seen[section.anchor]}"))
        elif section.anchor:
            seen[section.anchor] = section.line
    return problems


def _check_local_links(body: str, first_line: int, anchors: set[str], path: str) -> list[Problem]:
    problems = []
    for offset, text in enumerate(body.splitlines()):
        for target in _LINK_TARGET.findall(text):
            if target.startswith("#") and target[1:] not in anchors:
                problems.append(Problem(path, first_line + offset, f"link to '{target}' but the lesson has no such anchor"))
    return problems


def read_course(folder: Path) -> CourseRead:
    """Read every ``lessons/*.md`` of a course folder (README.md aside) and check them together.

    Returns the lessons in course order when nothing is wrong; otherwise no lessons and every
    problem found in every file, so a broken course is never half-loaded.
    """
    lessons_dir = folder / "lessons"
    if not lessons_dir.is_dir():
        return CourseRead([], [Problem(str(lessons_dir), 0, "no lessons/ folder here")])
    lessons, problems = [], []
    for path in sorted(lessons_dir.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        lesson, found = read_lesson(path, str(path))
        problems.extend(found)
        if lesson is not None:
            lessons.append(lesson)
    if not lessons and not problems:
        problems.append(Problem(str(lessons_dir), 0, "no lessons (*.md) found"))
    problems.extend(_check_course_order(lessons))
    problems.extend(_check_cross_links(lessons))
    if problems:
        return CourseRead([], problems)
    return CourseRead(sorted(lessons, key=lambda lesson: lesson.order), [])


def _check_course_order(lessons: list[Lesson]) -> list[Problem]:
    problems, seen = [], {}
    for lesson in sorted(lessons, key=lambda item: item.path):
        if lesson.order in seen:
            problems.append(Problem(lesson.path, 1, f"order {lesson.order} is already taken by {seen[lesson.order]}"))
        else:
            seen[lesson.order] = lesson.path
    return problems


_CROSS_LINK = re.compile(r"\]\(/lessons/([a-z0-9-]+)(?:#([\w-]+))?\)")


def _check_cross_links(lessons: list[Lesson]) -> list[Problem]:
    """Links between lessons (``/lessons/<slug>#anchor``) must land on a real lesson and anchor."""
    by_slug = {lesson.slug: lesson for lesson in lessons}
    problems = []
    for lesson in lessons:
        for offset, text in enumerate(lesson.markdown.splitlines()):
            for slug, anchor in _CROSS_LINK.findall(text):
                target = by_slug.get(slug)
                line = lesson.body_line + offset
                if target is None:
                    problems.append(Problem(lesson.path, line, f"link to unknown lesson '/lessons/{slug}'"))
                elif anchor and anchor not in target.anchors:
                    problems.append(Problem(lesson.path, line, f"link to '/lessons/{slug}#{anchor}' but that lesson has no such anchor"))
    return problems
