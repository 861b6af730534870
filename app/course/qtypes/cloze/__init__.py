"""Cloze: a passage with blanks written ``[[id]]``, each typed in. Pure.

Score: each blank filled with an accepted answer (read as for short answer, its known wrong answers
first) earns 1/(number of blanks).
"""

from __future__ import annotations

import copy
import re
from html import escape
from typing import Any, Callable

from app.course.answers import match_text, seen_words
from app.course.limits import MAX_FIELD_CHARS, oversized
from app.course.markup import render_block
from app.course.qtypes import rows
from app.course.qtypes.base import STATEMENT, FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.choice import list_html
from app.course.qtypes.fields import Checker, LineDict, wrong_and_spelling
from app.course.qtypes.forms import AnswerForm, typed_text
from app.course.qtypes.typed import text_answers

BLANK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)\]\]")
_BLANKS = re.compile(r"\[\[[^\]]*\]\]")  # a cloze's blanks: their ids are never shown to the learner
# While a cloze text is rendered each blank is a placeholder that Markdown and the sanitiser leave as
# it is, so the rendered HTML shows where the blank landed: in text, or in an attribute, link or code.
_BLANK_OPEN, _BLANK_CLOSE = "\ue0f1", "\ue0f2"
_PLACED = re.compile(f"{_BLANK_OPEN}([a-z0-9][a-z0-9-]*){_BLANK_CLOSE}")
_HTML_TOKEN = re.compile(r"(<[^<>]*>)")  # the sanitiser escapes every '<' and '>' outside tags
_TAG_NAME = re.compile(r"<(/?)([a-z0-9]+)")


class Cloze(QuestionType):
    name = "cloze"
    label = "Cloze"
    fields = frozenset({"text", "blanks", "spelling"})
    typed = True
    json_type = dict
    json_help = "an object: blank id → text"
    api_schema = {"text_parts": {"type": "array", "items": {"type": "string"},
                                 "description": "HTML and blank ids alternating: the blanks are the odd positions."},
                  "blanks": {"type": "array", "items": {"type": "string"}}}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
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
                extra = wrong_and_spelling(check, q, blank, f"{where}, blank {index}", texts)
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
        misplaced = misplaced_blanks(render_block(mark_blanks(text)), in_text)
        for ident, reason in misplaced.items():
            check.add(q.line_of("text"), f"{where}: blank [[{ident}]] is {reason}; write it in plain text")
        spelling = wrong_and_spelling(check, q, q, where, [])
        return None if misplaced or spelling is None else {"text": text, "blanks": blanks, **spelling}

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        # Alternating HTML and blank ids: ["<p>Set up in ", "city", " in ", "year", ".</p>"]
        return {"text_parts": place_blanks(block(mark_blanks(data["text"]))),
                "blank_feedback": {b["id"]: {w["text"]: inline(w["feedback"]) for w in b.get("wrong_answers", []) if w.get("feedback")}
                                   for b in data["blanks"]}}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        filled = {b["id"]: typed_text(get_all(f"{field}-{b['id']}"), field) for b in data["blanks"]}
        return filled if any(filled.values()) else None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {f"{field}-{part}": [value or ""] for part, value in response.items()}

    def json_values(self, data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
        return self.form_values(data, form.field, {blank["id"]: value.get(blank["id"]) for blank in data["blanks"]})

    def score(self, data: dict, response: dict[str, str] | None) -> Outcome:
        response = response or {}
        parts, notes, matched = {}, [], {}
        seen = seen_words(f"{data.get('prompt', '')}\n{_BLANKS.sub(' ', data.get('text', ''))}")
        for number, blank in enumerate(data["blanks"], start=1):
            given = response.get(blank["id"]) or ""
            if not given.strip():
                parts[blank["id"]] = False
                continue
            answers = text_answers([{"text": text, "credit": 1.0} for text in blank["accept"]], blank.get("wrong_answers", []))
            found = match_text(given, answers, data.get("spelling", "lenient"), seen=seen)
            parts[blank["id"]] = found.credit == 1.0
            if found.note:
                notes.append(f"Blank {number}: {found.note}")
            if found.matched:
                matched[blank["id"]] = found.matched
        answered = any((value or "").strip() for value in response.values())
        return outcome(sum(parts.values()) / len(parts), answered, parts, " ".join(notes), blanks=matched)

    def key_response(self, data: dict) -> Any:
        return {blank["id"]: blank["accept"][0] for blank in data["blanks"]}

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {"text_parts": html["text_parts"], "blanks": [b["id"] for b in data["blanks"]]}

    def short_parts(self, data: dict, response: Any, parts: dict[str, bool]) -> list[str | None]:
        if not isinstance(response, dict):
            return []
        return [blank["id"] for blank in data["blanks"] if (response.get(blank["id"]) or "").strip() and not parts.get(blank["id"])]

    def part_credit(self, data: dict, text: str, part: str | None) -> float:
        filled = {item["id"]: text if item["id"] == part else None for item in data["blanks"]}
        return float(self.score(data, filled).parts.get(part) or 0)

    def accepting(self, data: dict, text: str, credit: float, part: str | None, same: Callable[[str, str], bool]) -> dict:
        """The blank's ``accept`` list (whole blanks only)."""
        accepted = copy.deepcopy(data)
        next(item for item in accepted["blanks"] if item["id"] == part)["accept"].append(text)
        return accepted

    def known_wrong(self, data: dict, part: str | None) -> set[str]:
        return {wrong["text"] for blank in data["blanks"] if blank["id"] == part for wrong in blank.get("wrong_answers", [])}

    def accept_snippet(self, data: dict, entry: Callable[[Any, bool], str], text: str, part: str | None) -> str:
        return f"# question '{data['id']}', blank '{part}': add to its accept list\n{entry(text, False)}"

    def leak_keys(self, data: dict, keys: Any) -> list:
        return [key for blank in data["blanks"] for text in blank["accept"] for key in keys.text(text, among_candidates=True)]

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        return [("cloze text", STATEMENT, BLANK.sub(" … ", data["text"]))]

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        wrong = {blank["id"]: {entry["text"]: entry.get("feedback", "") for entry in blank.get("wrong_answers", [])}
                 for blank in data["blanks"]}
        return {**html, "blank_feedback": {blank: {text: notice if names_key(wrong[blank].get(text, "")) else said
                                                   for text, said in said_of.items()}
                                           for blank, said_of in (html.get("blank_feedback") or {}).items()}}

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("text", "Passage with blanks written [[id]] (Markdown)", "text"),
                FormRow("blanks", "Blanks", "text", "One per line: id | accepted answer; another accepted answer"),
                FormRow("wrong_answers", "Known wrong answers (optional)", "text", rows.LINE_HINT + "blank id | answer | feedback"),
                FormRow("spelling", "Spelling", "select", choices=rows.SPELLING_CHOICES))

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"text": fields.get("text", ""),
                      "blanks": [{"id": ident, "accept": [a.strip() for a in accepted.split(";") if a.strip()]}
                                 for ident, accepted in (rows.parts(line, 2) for line in rows.lines(fields.get("blanks")))]}
        for line in rows.lines(fields.get("wrong_answers")):  # blank id | wrong answer | feedback
            ident, answer, feedback = rows.parts(line, 3)
            blank = next((b for b in data["blanks"] if b["id"] == ident), None)
            if blank is None:  # the checker names it: a blank the text does not have
                blank = {"id": ident, "accept": []}
                data["blanks"].append(blank)
            blank.setdefault("wrong_answers", []).append({"text": answer, **({"feedback": feedback} if feedback else {})})
        if (fields.get("spelling") or "").strip():
            data["spelling"] = fields["spelling"].strip()
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        return {"text": data["text"],
                "blanks": "\n".join(f"{b['id']}{rows.SEPARATOR}{'; '.join(b['accept'])}" for b in data["blanks"]),
                "wrong_answers": "\n".join(rows.SEPARATOR.join([b["id"], w["text"]] + ([w["feedback"]] if w.get("feedback") else []))
                                           for b in data["blanks"] for w in b.get("wrong_answers", [])),
                "spelling": data.get("spelling", "")}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        parts = html["text_parts"]
        return ("".join(part if index % 2 == 0 else "_____" for index, part in enumerate(parts)),
                list_html([escape(b["accept"][0]) for b in data["blanks"]], ordered=True))


TYPE = Cloze()


def mark_blanks(text: str) -> str:
    """The cloze text with each ``[[id]]`` turned into its placeholder (any stray placeholder character dropped)."""
    text = text.replace(_BLANK_OPEN, "").replace(_BLANK_CLOSE, "")
    return BLANK.sub(lambda match: f"{_BLANK_OPEN}{match.group(1)}{_BLANK_CLOSE}", text)


def misplaced_blanks(html: str, idents: list[str]) -> dict[str, str]:
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


def place_blanks(html: str) -> list[str]:
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
