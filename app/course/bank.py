"""Question banks: parse, check and render ``quizzes/<slug>.yaml``.

Pure module, and the only way a bank becomes questions: files today, browser authoring and
imports (GIFT, Moodle XML) later all call :func:`parse_bank_text` / :func:`check_question`, so a
question is accepted or refused for the same reasons, with the same messages, on every path.

Every problem is reported with its file and line, and all problems at once. A bank with any
problem yields no questions at all: callers never see half a bank.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from app.course import qtypes
from app.course.lessons import AliasRefused, NoAliasLoader, Problem, yaml_problem
from app.course.limits import MAX_LIST_ITEMS, MAX_TAG_CHARS, UNLIMITED, Budget
from app.course.markup import render_block, render_inline
from app.course.names import name_problem
from app.course.qtypes.base import checked_hint
from app.course.qtypes.fields import ID_PATTERN, Checker, LineDict, with_lines

QUESTION_TYPES = qtypes.NAMES
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_TEST_SIZE = 10
COMMON_FIELDS = {"id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty", "excludes", "hint"}
PASSAGE_MAX_WORDS = 40
PASSAGE_MAX_LINES = 12


# --- YAML with line numbers --------------------------------------------------------------

class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int):
        super().__init__(key, line)
        self.key, self.line = key, line


class _LineLoader(NoAliasLoader):
    """A safe loader (libyaml's C parser when installed) whose mappings are LineDicts and which
    refuses a key given twice and any alias."""


@contextmanager
def _no_cyclic_gc():
    """Pause the cyclic garbage collector while a bank is built.

    Loading YAML allocates many small objects and no reference cycles; the collector, run over
    and over as the heap grows, made parsing time grow faster than the bank (measured in
    bench/course_load.py). Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, bool):  # YAML reads `true:` / `false:` keys as booleans
            key = "true" if key else "false"
        key = str(key)
        if key in mapping:
            raise _DuplicateKey(key, key_node.start_mark.line + 1)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


# --- The parsed bank ---------------------------------------------------------------------

@dataclass(frozen=True)
class Question:
    """One checked question. ``data`` is its canonical, JSON-ready form (what is stored and hashed)."""

    id: str
    type: str
    data: dict
    line: int = 0

    @property
    def version(self) -> str:
        """A hash of everything the learner sees and is scored on: a new version when any of it changes."""
        return version_of(self.data)

    @property
    def lesson_anchor(self) -> str:
        return self.data["lesson_anchor"]


@dataclass
class Bank:
    slug: str
    path: str
    test_size: int
    questions: list[Question] = field(default_factory=list)


@dataclass
class BankRead:
    banks: list[Bank]
    problems: list[Problem]

    @property
    def ok(self) -> bool:
        return not self.problems


def version_of(data: dict) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


# --- Checking ----------------------------------------------------------------------------

def _passage(check: Checker, q: LineDict, where: str) -> dict | None:
    """A quoted passage of the paper: ``{lines: [first, last], quote}``, short enough to quote fairly."""
    passage = check.mapping(q["passage"], q.line_of("passage"), f"{where}: 'passage'")
    if passage is None:
        return None
    for key in passage:
        if key not in {"lines", "quote"}:
            check.add(passage.line_of(key), f"{where}: passage: unknown field '{key}' (known: lines, quote)")
            return None
    quote = check.text(passage, "quote", f"{where} passage")
    lines = passage.get("lines")
    if not (isinstance(lines, list) and len(lines) == 2 and all(isinstance(n, int) and not isinstance(n, bool) for n in lines)
            and 1 <= lines[0] <= lines[1] < lines[0] + PASSAGE_MAX_LINES):
        check.add(passage.line_of("lines"), f"{where}: passage 'lines' must be [first, last], "
                  f"two line numbers of the paper at most {PASSAGE_MAX_LINES - 1} apart")
        return None
    if quote is None:
        return None
    if len(quote.split()) >= PASSAGE_MAX_WORDS:
        check.add(passage.line_of("quote"), f"{where}: a passage quotes fewer than {PASSAGE_MAX_WORDS} words "
                  f"(this one has {len(quote.split())}); cut it with ' … '")
        return None
    return {"lines": lines, "quote": quote}


def _excludes(check: Checker, q: LineDict, where: str, ident: str | None) -> list[str] | None:
    """Ids of questions never drawn into one test with this one (checked against the bank later)."""
    raw = check.items(q, "excludes", where, 1)
    if raw is None:
        return None
    ids = [str(item).strip() for item in raw if isinstance(item, (str, int)) and not isinstance(item, bool)]
    if len(ids) != len(raw) or not all(ID_PATTERN.match(other) for other in ids):
        check.add(q.line_of("excludes"), f"{where}: 'excludes' must be a list of question ids")
        return None
    if ident in ids:
        check.add(q.line_of("excludes"), f"{where}: a question cannot exclude itself")
        return None
    return sorted(set(ids))


def tag_problem(tag: str) -> str | None:
    """Why ``tag`` cannot be a tag: too long (a Moodle category path becomes one tag), or a name's problems."""
    if len(tag) > MAX_TAG_CHARS:
        return f"it is {len(tag):,} characters; the most a tag may hold is {MAX_TAG_CHARS}"
    return name_problem(tag)


def check_question(check: Checker, q: LineDict, seen_ids: dict[str, int], anchors: set[str] | None) -> Question | None:
    """Check one question mapping; return it, or None with the reasons added to ``check``."""
    where = f"question '{q.get('id', '?')}'"
    ident = check.identifier(q, "question", seen_ids)
    qtype = check.text(q, "type", where)
    if qtype is not None and qtype not in qtypes.NAMES:
        check.add(q.line_of("type"), f"{where}: unknown type '{qtype}' (known: {', '.join(qtypes.NAMES)})")
        qtype = None
    prompt = check.text(q, "prompt", where)
    explanation = check.text(q, "explanation", where)
    hint = checked_hint(check, q, where)
    anchor = check.text(q, "lesson_anchor", where)
    if anchor is not None:
        anchor = anchor.lstrip("#")
        if anchors is not None and anchor not in anchors:
            check.add(q.line_of("lesson_anchor"), f"{where}: lesson_anchor '#{anchor}' is not a heading or paragraph anchor of the lesson")
            anchor = None
    difficulty = check.text(q, "difficulty", where)
    if difficulty is not None and difficulty not in DIFFICULTIES:
        check.add(q.line_of("difficulty"), f"{where}: difficulty must be one of {', '.join(DIFFICULTIES)}")
        difficulty = None
    tags = q.get("tags")
    if "tags" not in q:
        check.add(q.line, f"{where} is missing 'tags'")
    elif not isinstance(tags, list) or not tags or not all(isinstance(t, str) and t.strip() for t in tags):
        check.add(q.line_of("tags"), f"{where}: 'tags' must be a list of words")
        tags = None
    elif len(tags) > MAX_LIST_ITEMS:
        check.add(q.line_of("tags"), f"{where}: 'tags' holds {len(tags):,} entries; the most it may hold is {MAX_LIST_ITEMS}")
        tags = None
    else:  # imported tags (GIFT metadata, Moodle XML) come here too: one rule with the forms' names
        problems = [(tag.strip(), tag_problem(tag.strip())) for tag in tags]
        for tag, problem in problems:
            if problem:
                shown = tag if len(tag) <= 60 else tag[:60] + "…"
                check.add(q.line_of("tags"), f"{where}: tag {shown!r}: {problem}")
        if any(problem for _, problem in problems):
            tags = None
    body = None
    if qtype is not None:
        allowed = COMMON_FIELDS | qtypes.get(qtype).fields
        for key in q:
            if key not in allowed:
                check.add(q.line_of(key), f"{where}: field '{key}' does not belong to a {qtype} question")
        body = qtypes.get(qtype).check(check, q, where)
        if body is not None and "passage" in q:
            passage = _passage(check, q, where)
            body = None if passage is None else {**body, "passage": passage}
    if body is not None and "excludes" in q:
        excludes = _excludes(check, q, where, ident)
        body = None if excludes is None else {**body, "excludes": excludes}
    if None in (ident, qtype, prompt, explanation, hint, anchor, difficulty, tags, body):
        return None
    data = {
        "id": ident, "type": qtype, "prompt": prompt, "explanation": explanation,
        "lesson_anchor": anchor, "tags": [t.strip() for t in tags], "difficulty": difficulty, **body,
        **({"hint": hint} if hint else {}),  # left out when absent, so a question without one keeps its version
    }
    return Question(id=ident, type=qtype, data=data, line=q.line)


def parse_bank_text(text: str, path: str, slug: str, anchors: set[str] | None = None,
                    seen_ids: dict[str, int] | None = None,
                    media: Mapping[str, str] | None = None) -> tuple[Bank | None, list[Problem]]:
    """Parse a bank's YAML text; return the bank and no problems, or None and every problem.

    ``anchors`` are the paired lesson's anchors (None skips that check); ``seen_ids`` carries
    question ids across banks so an id is unique in the whole course; ``media`` (the stored
    images, SHA-256 to media type) refuses an image that is not stored (None skips that check).
    """
    check = Checker(path, media)
    try:
        with _no_cyclic_gc():
            document = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - _LineLoader is a SafeLoader
    except _DuplicateKey as duplicate:
        return None, [Problem(path, duplicate.line, f"key '{duplicate.key}' appears twice in one mapping")]
    except AliasRefused as alias:
        return None, [Problem(path, alias.line + 1, str(alias))]
    except yaml.YAMLError as error:
        return None, [yaml_problem(path, error, first_line=1, prefix="not valid YAML")]
    if not isinstance(document, LineDict):
        return None, [Problem(path, 1, "a bank must be a mapping with a 'questions' list")]
    for key in document:
        if key not in {"questions", "test_size"}:
            check.add(document.line_of(key), f"unknown bank field '{key}' (known: questions, test_size)")
    raw_questions = document.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        check.add(document.line_of("questions"), "'questions' must be a non-empty list")
        raw_questions = []
    test_size = document.get("test_size", DEFAULT_TEST_SIZE)
    if isinstance(test_size, bool) or not isinstance(test_size, int) or test_size < 1:
        check.add(document.line_of("test_size"), "'test_size' must be a whole number from 1")
        test_size = DEFAULT_TEST_SIZE
    seen = {} if seen_ids is None else seen_ids
    questions = []
    for raw in raw_questions:
        mapping = check.mapping(raw, document.line_of("questions"), "each question")
        if mapping is not None and (question := check_question(check, mapping, seen, anchors)):
            questions.append(question)
    in_bank = {question.id for question in questions}
    for question in questions:
        for other in question.data.get("excludes", []):
            if other not in in_bank:
                check.add(question.line, f"question '{question.id}': excludes '{other}', which is not a question of this bank")
    if check.problems:
        return None, check.problems
    return Bank(slug=slug, path=path, test_size=min(test_size, len(questions)), questions=questions), []


def read_banks(folder: Path, lesson_anchors: dict[str, set[str]] | None) -> BankRead:
    """Read every ``quizzes/*.yaml`` of a course folder, checked against the lessons' anchors.

    ``lesson_anchors`` maps each lesson slug to its anchors; a bank without a lesson of its slug
    is a problem. Question ids must be unique across all banks.
    """
    quizzes = folder / "quizzes"
    if not quizzes.is_dir():
        return BankRead([], [])
    banks, problems = [], []
    seen_ids: dict[str, int] = {}
    for path in sorted(quizzes.glob("*.yaml")):
        slug = path.stem
        anchors = None
        if lesson_anchors is not None:
            if slug not in lesson_anchors:
                problems.append(Problem(str(path), 1, f"there is no lesson '{slug}' for this bank (lessons/{slug}.md)"))
                continue
            anchors = lesson_anchors[slug]
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(Problem(str(path), 1, f"file is not valid UTF-8 ({error.reason} at byte {error.start})"))
            continue
        bank, found = parse_bank_text(text, str(path), slug, anchors, seen_ids)
        problems.extend(found)
        if bank is not None:
            banks.append(bank)
    return BankRead([] if problems else banks, problems)


# --- Rendering ---------------------------------------------------------------------------

def render_question(data: dict, budget: Budget = UNLIMITED, media: Mapping[str, str] | None = None) -> dict:
    """Sanitised HTML for every authored text of a question, keyed as the templates use it.

    ``budget`` is asked before each text: a question may hold many long fields. ``media`` maps
    the stored images the question shows (SHA-256 to media type); an image not in it is left out.
    """
    def block(text: str) -> str:
        budget.check()
        return render_block(text, media)

    def inline(text: str) -> str:
        budget.check()
        return render_inline(text, media)

    html: dict[str, Any] = {"prompt": block(data["prompt"]), "explanation": block(data["explanation"])}
    if data.get("hint"):
        html["hint"] = inline(data["hint"])
    html.update(qtypes.of(data).render(data, inline, block))
    if "passage" in data:
        html["passage"] = inline(data["passage"]["quote"])
    return html


# --- Questions that do not come from a file (browser authoring, imports) ----------------

def check_question_data(data: dict, anchors: set[str] | None, taken_ids: set[str] = frozenset(),
                        where: str = "question", media: Mapping[str, str] | None = None) -> tuple[Question | None, list[str]]:
    """Check one question given as plain data, by exactly the rules and messages of bank files.

    ``taken_ids`` are ids already used by other questions; ``media`` as for :func:`parse_bank_text`.
    Returns the question, or None and the messages (without file and line, which plain data does not have).
    """
    check = Checker(where, media)
    # Only the question's own id can collide (copying every taken id for each question made imports quadratic).
    ident = data.get("id")
    own_id = None if ident is None or isinstance(ident, (bool, list, dict)) else str(ident).strip()
    seen = {own_id: 0} if own_id in taken_ids else {}
    question = check_question(check, with_lines(data), seen, anchors)
    return question, [problem.message for problem in check.problems]


def dump_bank(questions: list[dict], test_size: int | None = None) -> str:
    """A bank file (YAML) holding these questions' canonical data: parsing it gives the same data back."""
    document: dict[str, Any] = {}
    if test_size is not None:
        document["test_size"] = test_size
    document["questions"] = [_export_form(data) for data in questions]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _export_form(data: dict) -> dict:
    """Canonical data written back in the file form (each type leaves out its defaults)."""
    return qtypes.of(data).export_form(dict(data))
