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
import math
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import yaml

from app.course.answers import NumberFrame, read_number, text_form
from app.course.lessons import AliasRefused, NoAliasLoader, Problem, yaml_problem
from app.course.limits import MAX_FIELD_CHARS, UNLIMITED, Budget, oversized
from app.course.markup import render_block, render_inline
from app.course.names import name_problem

QUESTION_TYPES = (
    "single_choice", "multiple_response", "true_false", "short_answer",
    "numeric", "ordering", "matching", "cloze",
)
DIFFICULTIES = ("easy", "medium", "hard")
DEFAULT_TEST_SIZE = 10
COMMON_FIELDS = {"id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty", "excludes"}
TYPE_FIELDS = {
    "single_choice": {"options", "answer", "passage"},
    "multiple_response": {"options", "answer", "passage"},
    "true_false": {"answer", "feedback"},
    "short_answer": {"answers", "wrong_answers", "spelling"},
    "numeric": {"answer", "tolerance", "unit", "units", "wrong_answers", "other_answers"},
    "ordering": {"items"},
    "matching": {"pairs", "distractors"},
    "cloze": {"text", "blanks", "spelling"},
}
SPELLING_RULES = ("lenient", "strict")
PASSAGE_MAX_WORDS = 40
MAX_KNOWN_ANSWERS = 100  # known wrong answers, other numeric answers: a teacher's list, not a dictionary
PASSAGE_MAX_LINES = 12
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
BLANK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)\]\]")
# While a cloze text is rendered each blank is a placeholder that Markdown and the sanitiser leave as
# it is, so the rendered HTML shows where the blank landed: in text, or in an attribute, link or code.
_BLANK_OPEN, _BLANK_CLOSE = "\ue0f1", "\ue0f2"
_PLACED = re.compile(f"{_BLANK_OPEN}([a-z0-9][a-z0-9-]*){_BLANK_CLOSE}")
_HTML_TOKEN = re.compile(r"(<[^<>]*>)")  # the sanitiser escapes every '<' and '>' outside tags
_TAG_NAME = re.compile(r"<(/?)([a-z0-9]+)")


# --- YAML with line numbers --------------------------------------------------------------

class LineDict(dict):
    """A mapping from YAML that remembers its own line and the line of each key (1-based)."""

    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


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

class _Checker:
    """Collects problems for one file; each check names the line of the field at fault."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def text(self, mapping: LineDict, key: str, where: str, required: bool = True) -> str | None:
        """A non-empty string field; numbers are accepted as text (YAML reads `1996` as a number).

        An optional field given as null counts as absent.
        """
        if key not in mapping or (not required and mapping[key] is None):
            if required:
                self.add(mapping.line, f"{where} is missing '{key}'")
            return None
        value = mapping[key]
        if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
            self.add(mapping.line_of(key), f"{where}: '{key}' must be text" + (" (quote yes/no/true/false)" if isinstance(value, bool) else ""))
            return None
        text = str(value).strip()
        if not text:
            self.add(mapping.line_of(key), f"{where}: '{key}' must not be empty")
            return None
        if problem := oversized(text, MAX_FIELD_CHARS):
            self.add(mapping.line_of(key), f"{where}: '{key}' {problem}")
            return None
        return text

    def items(self, mapping: LineDict, key: str, where: str, minimum: int) -> list | None:
        if key not in mapping:
            self.add(mapping.line, f"{where} is missing '{key}'")
            return None
        value = mapping[key]
        if not isinstance(value, list) or len(value) < minimum:
            self.add(mapping.line_of(key), f"{where}: '{key}' must be a list of at least {minimum}")
            return None
        return value

    def mapping(self, value: Any, line: int, where: str) -> LineDict | None:
        if not isinstance(value, LineDict):
            self.add(line, f"{where} must be a mapping of fields")
            return None
        return value

    def identifier(self, mapping: LineDict, where: str, seen: dict[str, int]) -> str | None:
        ident = self.text(mapping, "id", where)
        if ident is None:
            return None
        if not ID_PATTERN.match(ident):
            self.add(mapping.line_of("id"), f"{where}: id '{ident}' must use lowercase letters, digits and hyphens")
            return None
        if ident in seen:
            place = f"on line {seen[ident]}" if seen[ident] else "by another question"
            self.add(mapping.line_of("id"), f"{where}: id '{ident}' is already used {place}")
            return None
        seen[ident] = mapping.line_of("id")
        return ident


def _labelled_items(check: _Checker, raw: list, line: int, where: str, label: str,
                    fields: tuple[str, ...]) -> tuple[list[dict], dict[str, int]]:
    """Check a list of ``{id, <fields>}`` mappings (options, items, pairs); return them and their ids' lines."""
    items, seen = [], {}
    for index, item in enumerate(raw, start=1):
        name = f"{where}, {label} {index}"
        mapping = check.mapping(item, line, name)
        if mapping is None:
            continue
        ident = check.identifier(mapping, name, seen)
        values = {key: check.text(mapping, key, name) for key in fields}
        for key in mapping:
            if key != "id" and key not in fields:
                check.add(mapping.line_of(key), f"{name}: unknown field '{key}'")
        if ident and all(values.values()):
            items.append({"id": ident, **values})
    return items, seen


def _options(check: _Checker, q: LineDict, where: str) -> tuple[list[dict], set[str]] | None:
    raw = check.items(q, "options", where, 2)
    if raw is None:
        return None
    options, seen = _labelled_items(check, raw, q.line_of("options"), where, "option", ("text", "feedback"))
    return options, set(seen)


def _check_single_choice(check: _Checker, q: LineDict, where: str) -> dict | None:
    found = _options(check, q, where)
    answer = check.text(q, "answer", where)
    if found is None or answer is None:
        return None
    options, ids = found
    if answer not in ids:
        check.add(q.line_of("answer"), f"{where}: answer '{answer}' is not among the options ({', '.join(sorted(ids))})")
        return None
    return {"options": options, "answer": answer}


def _check_multiple_response(check: _Checker, q: LineDict, where: str) -> dict | None:
    found = _options(check, q, where)
    if "answer" not in q:
        check.add(q.line, f"{where} is missing 'answer'")
        return None
    answer = q["answer"]
    if not isinstance(answer, list) or not answer or not all(isinstance(a, str) for a in answer):
        check.add(q.line_of("answer"), f"{where}: 'answer' must be a list of option ids")
        return None
    if found is None:
        return None
    options, ids = found
    unknown = [a for a in answer if a not in ids]
    if unknown:
        check.add(q.line_of("answer"), f"{where}: answer '{unknown[0]}' is not among the options ({', '.join(sorted(ids))})")
        return None
    if len(set(answer)) != len(answer):
        check.add(q.line_of("answer"), f"{where}: 'answer' lists an option twice")
        return None
    if len(set(answer)) == len(ids):
        check.add(q.line_of("answer"), f"{where}: every option is correct; add at least one wrong option")
        return None
    return {"options": options, "answer": sorted(answer, key=[o["id"] for o in options].index)}


def _check_true_false(check: _Checker, q: LineDict, where: str) -> dict | None:
    if "answer" not in q:
        check.add(q.line, f"{where} is missing 'answer'")
        return None
    if not isinstance(q["answer"], bool):
        check.add(q.line_of("answer"), f"{where}: 'answer' must be true or false")
        return None
    body: dict = {"answer": q["answer"]}
    if "feedback" in q:
        feedback = check.mapping(q["feedback"], q.line_of("feedback"), f"{where}: 'feedback'")
        if feedback is None:
            return None
        for key in feedback:
            if key not in {"true", "false"}:
                check.add(feedback.line_of(key), f"{where}: feedback keys are 'true' and 'false', not '{key}'")
        body["feedback"] = {key: text for key in ("true", "false")
                            if key in feedback and (text := check.text(feedback, key, f"{where} feedback"))}
    return body


def _credit(check: _Checker, mapping: LineDict, where: str) -> float | None:
    credit = mapping.get("credit", 1)
    if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not 0 < credit <= 1:
        check.add(mapping.line_of("credit"), f"{where}: 'credit' must be a number above 0 and at most 1")
        return None
    return float(credit)


def _check_short_answer(check: _Checker, q: LineDict, where: str) -> dict | None:
    raw = check.items(q, "answers", where, 1)
    if raw is None:
        return None
    answers = []
    for index, item in enumerate(raw, start=1):
        label = f"{where}, answer {index}"
        if not isinstance(item, LineDict):
            item_text = None if isinstance(item, bool) or item is None else str(item).strip()
            if not item_text:
                check.add(q.line_of("answers"), f"{label} must be text or a mapping with 'text'")
                continue
            if problem := oversized(item_text, MAX_FIELD_CHARS):
                check.add(q.line_of("answers"), f"{label} {problem}")
                continue
            answers.append({"text": item_text, "credit": 1.0})
            continue
        text = check.text(item, "text", label)
        credit = _credit(check, item, label)
        for key in item:
            if key not in {"text", "credit", "feedback"}:
                check.add(item.line_of(key), f"{label}: unknown field '{key}'")
        entry = {"text": text, "credit": credit}
        if "feedback" in item:
            entry["feedback"] = check.text(item, "feedback", label)
        if text is not None and credit is not None:
            answers.append(entry)
    if answers and not any(answer["credit"] == 1.0 for answer in answers):
        check.add(q.line_of("answers"), f"{where}: at least one answer must earn full credit")
        return None
    extra = _wrong_and_spelling(check, q, q, where, [answer["text"] for answer in answers])
    if extra is None or len(answers) != len(raw):
        return None
    return {"answers": answers, **extra}


def _known_answers(check: _Checker, mapping: LineDict, key: str, where: str, with_credit: bool) -> list[dict] | None:
    """A list of ``{text, feedback}`` (and ``credit`` when asked): known wrong or other answers."""
    raw = check.items(mapping, key, where, 1)
    if raw is None:
        return None
    if len(raw) > MAX_KNOWN_ANSWERS:  # every one is read again for each answer marked
        check.add(mapping.line_of(key), f"{where}: at most {MAX_KNOWN_ANSWERS} {key.replace('_', ' ')} (this has {len(raw)})")
        return None
    found = []
    for index, item in enumerate(raw, start=1):
        label = f"{where}, {key.replace('_', ' ')[:-1]} {index}"
        if not isinstance(item, LineDict):
            item = _with_lines({"text": item})
            item.line = mapping.line_of(key)
        for field_name in item:
            if field_name not in ({"text", "feedback", "credit"} if with_credit else {"text", "feedback"}):
                check.add(item.line_of(field_name), f"{label}: unknown field '{field_name}'")
                return None
        text = check.text(item, "text", label)
        if text is None:
            return None
        entry = {"text": text}
        if with_credit:
            if (credit := _credit(check, item, label)) is None:
                return None
            entry["credit"] = credit
        if "feedback" in item:
            if (feedback := check.text(item, "feedback", label)) is None:
                return None
            entry["feedback"] = feedback
        found.append(entry)
    return found


def _plain_value(text: str) -> float | None:
    """The one number a text reads as with no unit in mind, as the marker reads a typed answer, or None."""
    reading = read_number(text, NumberFrame())
    return reading.values[0][0] if not reading.problem and len(reading.values) == 1 else None


def _wrong_and_spelling(check: _Checker, q: LineDict, holder: LineDict, where: str, accepted: list[str]) -> dict | None:
    """The optional ``wrong_answers`` of ``holder`` (a question or a cloze blank) and the question's ``spelling``.

    A wrong answer that reads as an accepted one would make the question contradict itself.
    """
    extra: dict[str, Any] = {}
    if "wrong_answers" in holder:
        wrong = _known_answers(check, holder, "wrong_answers", where, with_credit=False)
        if wrong is None:
            return None
        # As the marker reads them: the same words, or the same number however written ("two thousand five", "2005").
        forms = [(text, text_form(text), _plain_value(text)) for text in accepted]
        for entry in wrong:
            value = _plain_value(entry["text"])
            clash = next((text for text, form, number in forms
                          if form.same(text_form(entry["text"])) or (value is not None and number == value)), None)
            if clash is not None:
                check.add(holder.line_of("wrong_answers"), f"{where}: wrong answer '{entry['text']}' reads the same as the accepted '{clash}'")
                return None
        extra["wrong_answers"] = wrong
    if holder is q and "spelling" in q:
        spelling = check.text(q, "spelling", where)
        if spelling not in SPELLING_RULES:
            if spelling is not None:
                check.add(q.line_of("spelling"), f"{where}: 'spelling' is 'lenient' or 'strict', not '{spelling}'")
            return None
        extra["spelling"] = spelling
    return extra


def _number(check: _Checker, q: LineDict, key: str, where: str) -> float | None:
    value = q.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        check.add(q.line_of(key), f"{where}: '{key}' must be a number")
        return None
    return float(value)


def _check_numeric(check: _Checker, q: LineDict, where: str) -> dict | None:
    if "answer" not in q:
        check.add(q.line, f"{where} is missing 'answer'")
        return None
    answer = _number(check, q, "answer", where)
    tolerance = _number(check, q, "tolerance", where) if "tolerance" in q else 0.0
    if tolerance is not None and tolerance < 0:
        check.add(q.line_of("tolerance"), f"{where}: 'tolerance' must not be negative")
        return None
    unit = check.text(q, "unit", where, required=False)
    units: dict[str, float] = {}
    if "units" in q:
        mapping = check.mapping(q["units"], q.line_of("units"), f"{where}: 'units'")
        if mapping is None:
            return None
        for name, factor in mapping.items():
            if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor <= 0:
                check.add(mapping.line_of(name), f"{where}: unit '{name}' needs a positive multiplier")
                return None
            units[name.strip().lower()] = float(factor)
    if answer is None or tolerance is None:
        return None
    body: dict[str, Any] = {"answer": answer, "tolerance": tolerance, "unit": unit, "units": units}
    frame = NumberFrame(unit or "", units, str(q.get("prompt") or ""))
    for key, with_credit in (("wrong_answers", False), ("other_answers", True)):
        if key not in q:
            continue
        entries = _known_answers(check, q, key, where, with_credit)
        if entries is None:
            return None
        for entry in entries:
            reading = read_number(entry["text"], frame)
            if reading.problem:
                check.add(q.line_of(key), f"{where}: '{entry['text']}' in '{key}': {reading.problem}")
                return None
            if abs(reading.values[0][0] - answer) <= tolerance:
                check.add(q.line_of(key), f"{where}: '{entry['text']}' in '{key}' is the answer itself")
                return None
        body[key] = entries
    # A number in both lists would always be marked wrong (known wrong answers are read first): say so.
    wrong = [read_number(entry["text"], frame).values[0][0] for entry in body.get("wrong_answers", [])]
    for entry in body.get("other_answers", []):
        if any(abs(read_number(entry["text"], frame).values[0][0] - value) <= tolerance for value in wrong):
            check.add(q.line_of("other_answers"), f"{where}: '{entry['text']}' is both a known wrong answer and an other answer")
            return None
    return body


def _check_ordering(check: _Checker, q: LineDict, where: str) -> dict | None:
    raw = check.items(q, "items", where, 3)
    if raw is None:
        return None
    items, _ = _labelled_items(check, raw, q.line_of("items"), where, "item", ("text",))
    return {"items": items} if len(items) == len(raw) else None


def _check_matching(check: _Checker, q: LineDict, where: str) -> dict | None:
    raw = check.items(q, "pairs", where, 2)
    if raw is None:
        return None
    pairs, seen = _labelled_items(check, raw, q.line_of("pairs"), where, "pair", ("left", "right"))
    distractors: list[dict] = []
    if "distractors" in q:
        raw_distractors = check.items(q, "distractors", where, 1) or []
        distractors, _ = _labelled_items(check, raw_distractors, q.line_of("distractors"), where, "distractor", ("text",))
        for distractor in distractors:
            if distractor["id"] in seen:
                check.add(q.line_of("distractors"), f"{where}: distractor id '{distractor['id']}' is also a pair id")
                return None
    rights = {pair["right"] for pair in pairs}
    for distractor in distractors:
        if distractor["text"] in rights:
            check.add(q.line_of("distractors"), f"{where}: distractor '{distractor['text']}' is also a right-hand answer")
            return None
    if len(pairs) != len(raw):
        return None
    return {"pairs": pairs, "distractors": distractors}


def _check_cloze(check: _Checker, q: LineDict, where: str) -> dict | None:
    text = check.text(q, "text", where)
    raw = check.items(q, "blanks", where, 1)
    if text is None or raw is None:
        return None
    blanks, seen = [], {}
    for index, item in enumerate(raw, start=1):
        blank = check.mapping(item, q.line_of("blanks"), f"{where}, blank {index}")
        if blank is None:
            continue
        ident = check.identifier(blank, f"{where}, blank {index}", seen)
        accepted = check.items(blank, "accept", f"{where}, blank {index}", 1)
        for key in blank:
            if key not in {"id", "accept", "wrong_answers"}:
                check.add(blank.line_of(key), f"{where}, blank {index}: unknown field '{key}'")
        if ident and accepted:
            texts = [str(a).strip() for a in accepted if not isinstance(a, (bool, list, dict)) and str(a).strip()]
            if len(texts) != len(accepted):
                check.add(blank.line_of("accept"), f"{where}, blank {index}: every accepted answer must be text")
                continue
            if problem := next(filter(None, (oversized(text, MAX_FIELD_CHARS) for text in texts)), None):
                check.add(blank.line_of("accept"), f"{where}, blank {index}: an accepted answer {problem}")
                continue
            extra = _wrong_and_spelling(check, q, blank, f"{where}, blank {index}", texts)
            if extra is not None:
                blanks.append({"id": ident, "accept": texts, **extra})
    in_text = BLANK.findall(text)
    for ident in in_text:
        if ident not in seen:
            check.add(q.line_of("text"), f"{where}: the text has [[{ident}]] but no blank with that id")
    for ident in seen:
        if ident not in in_text:
            check.add(seen[ident], f"{where}: blank '{ident}' does not appear in the text as [[{ident}]]")
    if len(set(in_text)) != len(in_text):
        check.add(q.line_of("text"), f"{where}: a blank appears twice in the text")
    if len(blanks) != len(raw) or set(in_text) != set(seen) or len(set(in_text)) != len(in_text):
        return None
    misplaced = _misplaced_blanks(render_block(_mark_blanks(text)), in_text)
    for ident, reason in misplaced.items():
        check.add(q.line_of("text"), f"{where}: blank [[{ident}]] is {reason}; write it in plain text")
    spelling = _wrong_and_spelling(check, q, q, where, [])
    return None if misplaced or spelling is None else {"text": text, "blanks": blanks, **spelling}


def _mark_blanks(text: str) -> str:
    """The cloze text with each ``[[id]]`` turned into its placeholder (any stray placeholder character dropped)."""
    text = text.replace(_BLANK_OPEN, "").replace(_BLANK_CLOSE, "")
    return BLANK.sub(lambda match: f"{_BLANK_OPEN}{match.group(1)}{_BLANK_CLOSE}", text)


def _misplaced_blanks(html: str, idents: list[str]) -> dict[str, str]:
    """Why each blank that did not land in plain text is not there, by id."""
    reasons: dict[str, str] = {}
    in_text: set[str] = set()
    open_tags = {"a": 0, "code": 0, "pre": 0}
    for token in _HTML_TOKEN.split(html):
        if token.startswith("<"):
            for ident in _PLACED.findall(token):
                reasons[ident] = "inside a tag (an attribute or a link's address)"
            name = _TAG_NAME.match(token)
            if name and name.group(2) in open_tags:
                open_tags[name.group(2)] += -1 if name.group(1) else 1
            continue
        for ident in _PLACED.findall(token):
            if open_tags["a"]:
                reasons[ident] = "inside a link's text"
            elif open_tags["code"] or open_tags["pre"]:
                reasons[ident] = "inside code"
            else:
                in_text.add(ident)
    for ident in idents:
        if ident not in in_text and ident not in reasons:
            reasons[ident] = "lost when the text is rendered (in a comment, an image or markup that is removed)"
    return reasons


def _place_blanks(html: str) -> list[str]:
    """Rendered cloze HTML cut at its blanks: [html, id, html, id, ..., html].

    Only a placeholder in text becomes a blank; one inside a tag (a question checked before
    blanks were checked for this) is written back as ``[[id]]``, never markup in an attribute.
    """
    parts, current = [], []
    for token in _HTML_TOKEN.split(html):
        if token.startswith("<"):
            current.append(_PLACED.sub(r"[[\1]]", token))
            continue
        pieces = _PLACED.split(token)
        current.append(pieces[0])
        for ident, after in zip(pieces[1::2], pieces[2::2], strict=True):
            parts += ["".join(current), ident]
            current = [after]
    return parts + ["".join(current)]


TYPE_CHECKS: dict[str, Callable[[_Checker, LineDict, str], dict | None]] = {
    "single_choice": _check_single_choice,
    "multiple_response": _check_multiple_response,
    "true_false": _check_true_false,
    "short_answer": _check_short_answer,
    "numeric": _check_numeric,
    "ordering": _check_ordering,
    "matching": _check_matching,
    "cloze": _check_cloze,
}


def _passage(check: _Checker, q: LineDict, where: str) -> dict | None:
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


def _excludes(check: _Checker, q: LineDict, where: str, ident: str | None) -> list[str] | None:
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


def check_question(check: _Checker, q: LineDict, seen_ids: dict[str, int], anchors: set[str] | None) -> Question | None:
    """Check one question mapping; return it, or None with the reasons added to ``check``."""
    where = f"question '{q.get('id', '?')}'"
    ident = check.identifier(q, "question", seen_ids)
    qtype = check.text(q, "type", where)
    if qtype is not None and qtype not in QUESTION_TYPES:
        check.add(q.line_of("type"), f"{where}: unknown type '{qtype}' (known: {', '.join(QUESTION_TYPES)})")
        qtype = None
    prompt = check.text(q, "prompt", where)
    explanation = check.text(q, "explanation", where)
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
    else:  # imported tags (GIFT metadata, Moodle XML) come here too: one rule with the forms' names
        problems = [(tag, name_problem(tag.strip())) for tag in tags]
        for tag, problem in problems:
            if problem:
                check.add(q.line_of("tags"), f"{where}: tag {tag.strip()!r}: {problem}")
        if any(problem for _, problem in problems):
            tags = None
    body = None
    if qtype is not None:
        allowed = COMMON_FIELDS | TYPE_FIELDS[qtype]
        for key in q:
            if key not in allowed:
                check.add(q.line_of(key), f"{where}: field '{key}' does not belong to a {qtype} question")
        body = TYPE_CHECKS[qtype](check, q, where)
        if body is not None and "passage" in q:
            passage = _passage(check, q, where)
            body = None if passage is None else {**body, "passage": passage}
    if body is not None and "excludes" in q:
        excludes = _excludes(check, q, where, ident)
        body = None if excludes is None else {**body, "excludes": excludes}
    if None in (ident, qtype, prompt, explanation, anchor, difficulty, tags, body):
        return None
    data = {
        "id": ident, "type": qtype, "prompt": prompt, "explanation": explanation,
        "lesson_anchor": anchor, "tags": [t.strip() for t in tags], "difficulty": difficulty, **body,
    }
    return Question(id=ident, type=qtype, data=data, line=q.line)


def parse_bank_text(text: str, path: str, slug: str, anchors: set[str] | None = None,
                    seen_ids: dict[str, int] | None = None) -> tuple[Bank | None, list[Problem]]:
    """Parse a bank's YAML text; return the bank and no problems, or None and every problem.

    ``anchors`` are the paired lesson's anchors (None skips that check); ``seen_ids`` carries
    question ids across banks so an id is unique in the whole course.
    """
    check = _Checker(path)
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

def render_question(data: dict, budget: Budget = UNLIMITED) -> dict:
    """Sanitised HTML for every authored text of a question, keyed as the templates use it.

    ``budget`` is asked before each text: a question may hold many long fields.
    """
    def block(text: str) -> str:
        budget.check()
        return render_block(text)

    def inline(text: str) -> str:
        budget.check()
        return render_inline(text)

    html: dict[str, Any] = {"prompt": block(data["prompt"]), "explanation": block(data["explanation"])}
    qtype = data["type"]
    if qtype in ("single_choice", "multiple_response"):
        html["options"] = {o["id"]: inline(o["text"]) for o in data["options"]}
        html["feedback"] = {o["id"]: inline(o["feedback"]) for o in data["options"]}
    elif qtype == "true_false":
        html["feedback"] = {key: inline(text) for key, text in data.get("feedback", {}).items()}
    elif qtype in ("short_answer", "numeric"):
        known = data.get("answers", []) + data.get("wrong_answers", []) + data.get("other_answers", [])
        html["feedback"] = {a["text"]: inline(a["feedback"]) for a in known if a.get("feedback")}
    elif qtype == "ordering":
        html["items"] = {item["id"]: inline(item["text"]) for item in data["items"]}
    elif qtype == "matching":
        html["left"] = {p["id"]: inline(p["left"]) for p in data["pairs"]}
        html["right"] = {p["id"]: inline(p["right"]) for p in data["pairs"]}
        html["right"].update({d["id"]: inline(d["text"]) for d in data["distractors"]})
    elif qtype == "cloze":
        # Alternating HTML and blank ids: ["<p>Set up in ", "city", " in ", "year", ".</p>"]
        html["text_parts"] = _place_blanks(block(_mark_blanks(data["text"])))
        html["blank_feedback"] = {b["id"]: {w["text"]: inline(w["feedback"]) for w in b.get("wrong_answers", []) if w.get("feedback")}
                                  for b in data["blanks"]}
    if "passage" in data:
        html["passage"] = inline(data["passage"]["quote"])
    return html


# --- Questions that do not come from a file (browser authoring, imports) ----------------

def _with_lines(value: Any) -> Any:
    """Wrap plain dicts (recursively) as LineDicts with no line, so the file checks apply as they are."""
    if isinstance(value, dict):
        mapping = LineDict((key, _with_lines(item)) for key, item in value.items())
        mapping.line = 0
        mapping.key_lines = {}
        return mapping
    if isinstance(value, list):
        return [_with_lines(item) for item in value]
    return value


def check_question_data(data: dict, anchors: set[str] | None, taken_ids: set[str] = frozenset(),
                        where: str = "question") -> tuple[Question | None, list[str]]:
    """Check one question given as plain data, by exactly the rules and messages of bank files.

    ``taken_ids`` are ids already used by other questions. Returns the question, or None and the
    messages (without file and line, which plain data does not have).
    """
    check = _Checker(where)
    # Only the question's own id can collide (copying every taken id for each question made imports quadratic).
    ident = data.get("id")
    own_id = None if ident is None or isinstance(ident, (bool, list, dict)) else str(ident).strip()
    seen = {own_id: 0} if own_id in taken_ids else {}
    question = check_question(check, _with_lines(data), seen, anchors)
    return question, [problem.message for problem in check.problems]


def dump_bank(questions: list[dict], test_size: int | None = None) -> str:
    """A bank file (YAML) holding these questions' canonical data: parsing it gives the same data back."""
    document: dict[str, Any] = {}
    if test_size is not None:
        document["test_size"] = test_size
    document["questions"] = [_export_form(data) for data in questions]
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def _export_form(data: dict) -> dict:
    """Canonical data written back in the file form (numeric defaults and empty lists left out)."""
    exported = dict(data)
    if exported["type"] == "numeric":
        if exported.get("unit") is None:
            exported.pop("unit", None)
        if not exported.get("units"):
            exported.pop("units", None)
    if exported["type"] == "matching" and not exported.get("distractors"):
        exported.pop("distractors", None)
    return exported
