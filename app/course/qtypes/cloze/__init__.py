"""Cloze: a passage with blanks written ``[[id]]``, each blank of its own kind (Moodle's embedded answers). Pure.

Kinds: ``short`` (typed words, read as for short answer; the default), ``numeric`` (a typed number
against answers with their own tolerance and credit), ``choice`` (one option, from a dropdown or a
radio group) and ``multi`` (checkboxes). Each blank has a ``weight``, a whole number (default 1).

Score: each blank earns a mark in [0, 1] —

- short: the best credit among the accepted answers it reads as (its known wrong answers first);
  with ``case: sensitive`` a response whose capitals differ from that answer's scores 0;
- numeric: the credit of the first of its answers the number is within the tolerance of;
- choice: the chosen option's credit;
- multi: the sum of the picked options' credits, held to [0, 1];

and the question's mark is the mean of the blanks' marks weighted by their ``weight``. With every
blank short, of weight 1 and accepting full-credit answers only, that is each blank filled right
earning 1/(number of blanks).
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass, field as dataclass_field
from html import escape
from typing import Any, Callable

from app.course.answers import NumberFrame, match_text, read_number, same_number, seen_words
from app.course.limits import MAX_FIELD_CHARS, oversized
from app.course.markup import render_block
from app.course.qtypes import rows
from app.course.qtypes.base import CANDIDATE, HTML_LIST, STATEMENT, FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.choice import credit_value, list_html
from app.course.qtypes.fields import MAX_KNOWN_ANSWERS, Checker, LineDict, credit_field, number_field, wrong_and_spelling
from app.course.qtypes.forms import AnswerForm, ForgedResponse, chosen, one, typed_text
from app.course.qtypes.typed import number_text, other_feedback, text_answers
from app.course.words import _, N_

BLANK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)\]\]")
_BLANKS = re.compile(r"\[\[[^\]]*\]\]")  # a cloze's blanks: their ids are never shown to the learner
# While a cloze text is rendered each blank is a placeholder that Markdown and the sanitiser leave as
# it is, so the rendered HTML shows where the blank landed: in text, or in an attribute, link or code.
_BLANK_OPEN, _BLANK_CLOSE = "\ue0f1", "\ue0f2"
_PLACED = re.compile(f"{_BLANK_OPEN}([a-z0-9][a-z0-9-]*){_BLANK_CLOSE}")
_HTML_TOKEN = re.compile(r"(<[^<>]*>)")  # the sanitiser escapes every '<' and '>' outside tags
_TAG_NAME = re.compile(r"<(/?)([a-z0-9]+)")

KINDS = ("short", "numeric", "choice", "multi")
TYPED_KINDS = ("short", "numeric")  # what response analysis and regrading read: the learner typed these
KIND_FIELDS = {"short": ("accept", "wrong_answers", "other_feedback", "case"), "numeric": ("answers", "other_feedback"),
               "choice": ("options", "display", "shuffle"), "multi": ("options", "display", "shuffle")}
DISPLAYS = {"choice": ("dropdown", "vertical", "horizontal"), "multi": ("vertical", "horizontal")}  # the first is the default
CREDIT_SUM_SLACK = 1e-6  # Moodle writes fractions such as 33.33333: three of them make 1 within this
_WORD = re.compile(r"[^\W_]+")


def kind_of(blank: dict) -> str:
    """A blank's kind: short, numeric, choice or multi (the bank leaves ``kind`` out for short)."""
    return blank.get("kind", "short")


def accepted(blank: dict) -> list[dict]:
    """A short blank's accepted answers as ``{text, credit, feedback?}`` (the bank writes a full-credit one as its text)."""
    return [{"text": entry, "credit": 1.0} if isinstance(entry, str) else entry for entry in blank["accept"]]


def key_entry(blank: dict) -> Any:
    """The first full-credit answer of a short or numeric blank, or the first full-credit option of a choice blank."""
    kind = kind_of(blank)
    entries = accepted(blank) if kind == "short" else blank["answers" if kind == "numeric" else "options"]
    return next(entry for entry in entries if entry["credit"] == 1)


def numeric_key(answer: dict) -> str:
    """How a numeric blank's answer is named (its feedback's key, and in known wrong answers): "2000", "2000 ± 1"."""
    return number_text(answer["value"]) + (f" ± {number_text(answer['tolerance'])}" if answer["tolerance"] else "")


def filled(value: Any) -> bool:
    """Whether a blank's response holds anything: typed text, a choice, or at least one pick."""
    return bool(value) if isinstance(value, list) else bool((value or "").strip())


def same_case(given: str, answer: str) -> bool:
    """Whether ``given`` writes ``answer``'s words in its capitals: each word of the answer the response holds
    (compared without case) exactly as the answer writes it; one the response spells otherwise (a plural, a
    typo, another spelling) with the same case of its first letter where a word starts with that letter."""
    mine = _WORD.findall(given)
    written: dict[str, set[str]] = {}
    for word in mine:
        written.setdefault(word.casefold(), set()).add(word)
    for word in _WORD.findall(answer):
        if word.casefold() in written:
            if word not in written[word.casefold()]:
                return False
            continue
        initials = [other[0] for other in mine if other[0].casefold() == word[0].casefold()]
        if initials and word[0] not in initials:
            return False
    return True


@dataclass(frozen=True)
class ClozeForm(AnswerForm):
    """A cloze's answer form: typed blanks are sent as typed; each choice or multi blank offers its options as
    opaque tokens of its own (``blank_choices``: blank id -> (token, option id) in the order shown)."""

    blank_choices: dict[str, tuple[tuple[str, str], ...]] = dataclass_field(default_factory=dict)

    def _choices(self, name: str) -> tuple[tuple[str, str], ...] | None:
        """The (token, option id) pairs of the blank sent under ``name``; None for a typed blank."""
        return self.blank_choices.get(self.part(name)) if name.startswith(f"{self.field}-") else None

    def shown_values(self, values: dict[str, list[str]]) -> dict[str, list[str]]:
        """Form values in real option ids as this form shows them: each choice blank's ids as its own tokens."""
        shown = {}
        for name, sent in values.items():
            tokens = {ident: token for token, ident in self._choices(name) or ()}
            shown[name] = [tokens.get(value, value) for value in sent]
        return shown

    def reader(self, get_all: Callable[[str], list[str]]) -> Callable[[str], list[str]]:
        """``get_all`` answering in real option ids; a value that is no token of its own blank is forged."""
        def get_real(name: str) -> list[str]:
            sent = get_all(name)
            choices = self._choices(name)
            if choices is None:
                return sent
            real = dict(choices)
            unknown = next((value for value in sent if value and value not in real), None)
            if unknown is not None:
                raise ForgedResponse(f"“{unknown[:40]}” is not one of the choices of {name}.")
            return [real.get(value, "") for value in sent]
        return get_real


class Cloze(QuestionType):
    name = "cloze"
    label = N_("Cloze")
    fields = frozenset({"text", "blanks", "spelling"})
    typed = True
    json_type = dict
    json_item_lists = True
    json_help = ("an object: blank id → the text typed (short and numeric blanks), a choice id (choice blanks) "
                 "or a list of choice ids (multi blanks)")
    api_schema = {"text_parts": {"type": "array", "items": {"type": "string"},
                                 "description": "HTML and blank ids alternating: the blanks are the odd positions."},
                  "blanks": {"type": "array", "items": {"type": "string"}},
                  "blank_kinds": {"type": "object", "additionalProperties": {"enum": list(KINDS)},
                                  "description": "Each blank's kind: short and numeric take the text typed, choice one "
                                                 "choice id, multi a list of them."},
                  "blank_choices": {"type": "object", "additionalProperties": HTML_LIST,
                                    "description": "The choices of each choice or multi blank, in the order shown; "
                                                   "their ids are opaque and differ in every quiz."}}

    # --- the bank ------------------------------------------------------------------------
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
            body = self._blank(check, q, blank, f"{where}, blank {index}")
            if ident and body is not None:
                blanks.append({"id": ident, **body})
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

    def _blank(self, check: Checker, q: LineDict, blank: LineDict, label: str) -> dict | None:
        """One blank's fields beside its id, in canonical form (defaults left out), or None after a problem."""
        kind = check.text(blank, "kind", label, required=False) if blank.get("kind") is not None else "short"
        if kind is None:
            return None
        if kind not in KINDS:
            check.add(blank.line_of("kind"), f"{label}: 'kind' is {', '.join(KINDS[:-1])} or {KINDS[-1]}, not '{kind}'")
            return None
        fine = True
        for key in blank:
            if key not in {"id", "kind", "weight", *KIND_FIELDS[kind]}:
                owners = [other for other in KINDS if key in KIND_FIELDS[other]]
                check.add(blank.line_of(key), f"{label}: '{key}' belongs to a {' or '.join(owners)} blank, not a {kind} one"
                          if owners else f"{label}: unknown field '{key}'")
                fine = False
        weight = blank.get("weight", 1)
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 1:
            check.add(blank.line_of("weight"), f"{label}: 'weight' must be a whole number from 1")
            fine = False
        body = {"short": self._short, "numeric": self._numeric, "choice": self._options, "multi": self._options}[kind](
            check, q, blank, label, kind)
        if not fine or body is None:
            return None
        return {**({} if kind == "short" else {"kind": kind}), **body, **({"weight": weight} if weight != 1 else {})}

    def _short(self, check: Checker, q: LineDict, blank: LineDict, label: str, kind: str) -> dict | None:
        """``accept`` (text, or ``{text, credit, feedback}``), ``wrong_answers``, ``other_feedback`` and ``case``."""
        raw = check.items(blank, "accept", label, 1)
        if raw is None:
            return None
        answers: list[Any] = []
        for index, item in enumerate(raw, start=1):
            if isinstance(item, LineDict):
                entry = self._accepted_entry(check, item, f"{label}, accepted answer {index}")
                if entry is not None:
                    answers.append(entry)
                continue
            text = None if isinstance(item, (bool, list)) or item is None else str(item).strip()
            if not text:
                check.add(blank.line_of("accept"), f"{label}: every accepted answer must be text")
            elif problem := oversized(text, MAX_FIELD_CHARS):
                check.add(blank.line_of("accept"), f"{label}: an accepted answer {problem}")
            else:
                answers.append(text)
        if len(answers) != len(raw):
            return None
        entries = accepted({"accept": answers})
        if not any(entry["credit"] == 1 for entry in entries):
            check.add(blank.line_of("accept"), f"{label}: at least one accepted answer must earn full credit")
            return None
        extra = wrong_and_spelling(check, q, blank, label, [entry["text"] for entry in entries])
        other = other_feedback(check, blank, label)
        case = blank.get("case", "sensitive")
        if case != "sensitive":
            check.add(blank.line_of("case"), f"{label}: 'case' is 'sensitive' or left out, not '{case}'")
            return None
        if extra is None or other is None:
            return None
        return {"accept": answers, **extra, **other, **({"case": "sensitive"} if "case" in blank else {})}

    def _accepted_entry(self, check: Checker, item: LineDict, label: str) -> Any:
        """An accepted answer given as a mapping: its text alone when it earns full credit without feedback."""
        for key in item:
            if key not in {"text", "credit", "feedback"}:
                check.add(item.line_of(key), f"{label}: unknown field '{key}'")
                return None
        text, credit = check.text(item, "text", label), credit_field(check, item, label)
        feedback = check.text(item, "feedback", label) if "feedback" in item else None
        if text is None or credit is None or ("feedback" in item and feedback is None):
            return None
        if credit == 1 and feedback is None:
            return text
        return {"text": text, "credit": credit, **({"feedback": feedback} if feedback else {})}

    def _numeric(self, check: Checker, q: LineDict, blank: LineDict, label: str, kind: str) -> dict | None:
        """``answers``: ``{value, tolerance (0), credit (1), feedback}``, read in order; and ``other_feedback``."""
        raw = check.items(blank, "answers", label, 1)
        if raw is None:
            return None
        if len(raw) > MAX_KNOWN_ANSWERS:  # every one is read again for each answer marked
            check.add(blank.line_of("answers"), f"{label}: at most {MAX_KNOWN_ANSWERS} answers (this has {len(raw)})")
            return None
        answers = [answer for index, item in enumerate(raw, start=1)
                   if (answer := self._numeric_answer(check, item, blank.line_of("answers"), f"{label}, answer {index}"))]
        if len(answers) != len(raw):
            return None
        full = next((index for index, answer in enumerate(answers) if answer["credit"] == 1), None)
        if full is None:
            check.add(blank.line_of("answers"), f"{label}: at least one answer must earn full credit (credit 1)")
            return None
        # Answers are read in order, as Moodle reads them: an earlier one must not take the key, nor hide a later one whole.
        for index, answer in enumerate(answers):
            for before, other in enumerate(answers[:index]):
                if index == full and same_number(answer["value"], other["value"], other["tolerance"]):
                    check.add(blank.line_of("answers"), f"{label}: answer {index + 1} ({numeric_key(answer)}), the first with "
                              f"full credit, falls within answer {before + 1} ({numeric_key(other)}), which is read first")
                    return None
                if same_number(answer["value"], other["value"], other["tolerance"] - answer["tolerance"]):
                    check.add(blank.line_of("answers"), f"{label}: answer {index + 1} ({numeric_key(answer)}) lies within answer "
                              f"{before + 1} ({numeric_key(other)}), which is read first, so no number reaches it")
                    return None
        other = other_feedback(check, blank, label)
        return None if other is None else {"answers": answers, **other}

    def _numeric_answer(self, check: Checker, item: Any, line: int, label: str) -> dict | None:
        entry = check.mapping(item, line, label)
        if entry is None:
            return None
        for key in entry:
            if key not in {"value", "tolerance", "credit", "feedback"}:
                check.add(entry.line_of(key), f"{label}: unknown field '{key}'")
                return None
        if "value" not in entry:
            check.add(entry.line, f"{label} is missing 'value'")
            return None
        value = number_field(check, entry, "value", label)
        tolerance = number_field(check, entry, "tolerance", label) if "tolerance" in entry else 0.0
        credit = credit_value(check, entry, label, 0.0) if "credit" in entry else 1.0
        feedback = check.text(entry, "feedback", label) if "feedback" in entry else None
        if value is None or tolerance is None or credit is None or ("feedback" in entry and feedback is None):
            return None
        if tolerance < 0:
            check.add(entry.line_of("tolerance"), f"{label}: 'tolerance' must not be negative")
            return None
        return {"value": value, "tolerance": tolerance, "credit": credit, **({"feedback": feedback} if feedback else {})}

    def _options(self, check: Checker, q: LineDict, blank: LineDict, label: str, kind: str) -> dict | None:
        """A choice or multi blank's ``options`` (``{id, text, credit, feedback}``), ``display`` and ``shuffle``."""
        raw = check.items(blank, "options", label, 2)
        if raw is None:
            return None
        lowest = 0.0 if kind == "choice" else -1.0
        found, seen = [], {}
        for index, item in enumerate(raw, start=1):
            name = f"{label}, option {index}"
            option = check.mapping(item, blank.line_of("options"), name)
            if option is None:
                continue
            ident, text = check.identifier(option, name, seen), check.text(option, "text", name)
            for key in option:
                if key not in {"id", "text", "credit", "feedback"}:
                    check.add(option.line_of(key), f"{name}: unknown field '{key}'")
            credit = credit_value(check, option, name, lowest) if "credit" in option else 0.0
            feedback = check.text(option, "feedback", name) if "feedback" in option else None
            if ident and text and credit is not None and ("feedback" not in option or feedback):
                found.append({"id": ident, "text": text, "credit": credit, **({"feedback": feedback} if feedback else {})})
        display = check.text(blank, "display", label, required=False) or DISPLAYS[kind][0]
        if display not in DISPLAYS[kind]:
            check.add(blank.line_of("display"), f"{label}: a {kind} blank's 'display' is {' or '.join(DISPLAYS[kind])}, "
                                                f"not '{display}'")
            return None
        shuffle = blank.get("shuffle", False)
        if not isinstance(shuffle, bool):
            check.add(blank.line_of("shuffle"), f"{label}: 'shuffle' is true or false")
            return None
        if len(found) != len(raw):
            return None
        if kind == "choice" and not any(option["credit"] == 1 for option in found):
            check.add(blank.line_of("options"), f"{label}: at least one option must earn full credit (credit 1)")
            return None
        total = math.fsum(option["credit"] for option in found if option["credit"] > 0)
        if kind == "multi" and abs(total - 1) > CREDIT_SUM_SLACK:
            check.add(blank.line_of("options"), f"{label}: the right options' credits add up to {total:g}, not 1")
            return None
        return {"options": found, **({"display": display} if display != DISPLAYS[kind][0] else {}),
                **({"shuffle": True} if shuffle else {})}

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        # Alternating HTML and blank ids: ["<p>Set up in ", "city", " in ", "year", ".</p>"]
        html: dict[str, Any] = {"text_parts": place_blanks(block(mark_blanks(data["text"]))), "blank_feedback": {},
                                "blank_other": {}, "blank_options": {}}
        for blank in data["blanks"]:
            said = {key: inline(text) for key, text in feedback_texts(blank).items() if text}
            html["blank_feedback"][blank["id"]] = said
            if "other_feedback" in blank:
                html["blank_other"][blank["id"]] = inline(blank["other_feedback"])
            if "options" in blank:
                html["blank_options"][blank["id"]] = {option["id"]: inline(option["text"]) for option in blank["options"]}
        return html

    # --- answering -----------------------------------------------------------------------
    def choice_ids(self, data: dict) -> list[str]:
        """The options of each blank that shuffles them, as ``blank/option``; other blanks keep the author's order."""
        return [f"{blank['id']}/{option['id']}" for blank in data["blanks"] if blank.get("shuffle") for option in blank["options"]]

    def answer_form(self, data: dict, field: str, order: list[str], token: Callable[[str, str], str]) -> AnswerForm:
        place = {ident: index for index, ident in enumerate(order)}
        choices = {}
        for blank in data["blanks"]:
            if "options" not in blank:
                continue
            ids = [option["id"] for option in blank["options"]]
            if blank.get("shuffle"):  # an order drawn before the question changed puts options it lacks last
                ids.sort(key=lambda ident, blank=blank: place.get(f"{blank['id']}/{ident}", len(place)))
            choices[blank["id"]] = tuple((token(f"blank {blank['id']}", ident), ident) for ident in ids)
        return ClozeForm(field, blank_choices=choices)

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        given: dict[str, Any] = {}
        for blank in data["blanks"]:
            name, kind = f"{field}-{blank['id']}", kind_of(blank)
            ids = {option["id"] for option in blank.get("options", [])}
            if kind == "choice":
                given[blank["id"]] = chosen(one(get_all(name), name), ids, name)
            elif kind == "multi":
                given[blank["id"]] = sorted({pick for value in get_all(name) if (pick := chosen(value, ids, name))}) or None
            else:
                given[blank["id"]] = typed_text(get_all(name), field)
        return given if any(given.values()) else None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {f"{field}-{part}": list(value) if isinstance(value, list) else [value or ""] for part, value in response.items()}

    def json_values(self, data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
        blanks = {blank["id"] for blank in data["blanks"]}
        unknown = next((key for key in value if key not in blanks), None)
        if unknown is not None:  # a typo would otherwise score the blank it meant as unanswered, without a word
            raise ForgedResponse(f"'{unknown[:40]}' is not a blank of {data['id']}.")
        given = {}
        for blank in data["blanks"]:
            sent, multi = value.get(blank["id"]), kind_of(blank) == "multi"
            if sent is not None and isinstance(sent, list) != multi:
                raise ForgedResponse(f"Blank '{blank['id']}' of {data['id']} takes "
                                     f"{'a list of choice ids' if multi else 'a string'}.")
            given[blank["id"]] = sent
        return self.form_values(data, form.field, given)

    def score(self, data: dict, response: dict[str, Any] | None) -> Outcome:
        response = response or {}
        context = reading_context(data)
        marks, parts, notes, matched = {}, {}, [], {}
        for number, blank in enumerate(data["blanks"], start=1):
            mark, found, note = blank_mark(data, blank, response.get(blank["id"]), context)
            marks[blank["id"]], parts[blank["id"]] = mark, math.isclose(mark, 1.0)
            if note:
                notes.append(_("Blank %(number)s: %(note)s", number=number, note=note))
            if found is not None:
                matched[blank["id"]] = found
        weights = {blank["id"]: blank.get("weight", 1) for blank in data["blanks"]}
        mark = sum(weights[ident] * marks[ident] for ident in marks) / sum(weights.values())
        return outcome(mark, any(filled(value) for value in response.values()), parts, " ".join(notes), blanks=matched)

    def key_response(self, data: dict) -> Any:
        key: dict[str, Any] = {}
        for blank in data["blanks"]:
            kind = kind_of(blank)
            if kind == "multi":
                key[blank["id"]] = [option["id"] for option in blank["options"] if option["credit"] > 0]
            elif kind == "numeric":
                key[blank["id"]] = number_text(key_entry(blank)["value"])
            else:
                key[blank["id"]] = key_entry(blank)["text" if kind == "short" else "id"]
        return key

    def api_fields(self, data: dict, html: dict, form: ClozeForm) -> dict:
        return {"text_parts": html["text_parts"], "blanks": [b["id"] for b in data["blanks"]],
                "blank_kinds": {b["id"]: kind_of(b) for b in data["blanks"]},
                "blank_choices": {blank: [{"id": token, "html": html["blank_options"][blank][ident]} for token, ident in pairs]
                                  for blank, pairs in form.blank_choices.items()}}

    # --- typed responses: analysis and accepting one (short and numeric blanks) ---------------
    def typed_parts(self, data: dict) -> list[str | None]:
        return [blank["id"] for blank in data["blanks"] if kind_of(blank) in TYPED_KINDS]

    def short_parts(self, data: dict, response: Any, parts: dict[str, bool]) -> list[str | None]:
        if not isinstance(response, dict):
            return []
        return [blank["id"] for blank in data["blanks"] if kind_of(blank) in TYPED_KINDS
                and isinstance(response.get(blank["id"]), str) and filled(response[blank["id"]]) and not parts.get(blank["id"])]

    def part_credit(self, data: dict, text: str, part: str | None) -> float:
        blank = next(item for item in data["blanks"] if item["id"] == part)
        return blank_mark(data, blank, text, reading_context(data))[0]

    def accepting(self, data: dict, text: str, credit: float, part: str | None, same: Callable[[str, str], bool]) -> dict:
        """A short blank's ``accept`` list, or a numeric blank's ``answers`` just after its key (whole blanks only)."""
        accepting = copy.deepcopy(data)
        blank = next(item for item in accepting["blanks"] if item["id"] == part)
        if kind_of(blank) == "short":
            blank["accept"].append(text if credit == 1 else {"text": text, "credit": credit})
            return accepting
        reading = read_number(text, NumberFrame(prompt=reading_context(data)[1]))
        if reading.problem or len(reading.values) != 1:
            return accepting  # no number to accept: the checker finds nothing new, and the response still scores as it did
        key = next(index for index, answer in enumerate(blank["answers"]) if answer["credit"] == 1)
        blank["answers"].insert(key + 1, {"value": reading.values[0][0], "tolerance": 0.0, "credit": credit})
        return accepting

    def known_wrong(self, data: dict, part: str | None) -> set[str]:
        for blank in data["blanks"]:
            if blank["id"] == part:
                if kind_of(blank) == "numeric":
                    return {numeric_key(answer) for answer in blank["answers"] if answer["credit"] == 0}
                return {wrong["text"] for wrong in blank.get("wrong_answers", [])}
        return set()

    def accept_snippet(self, data: dict, entry: Callable[[Any, bool], str], text: str, part: str | None) -> str:
        blank = next(item for item in data["blanks"] if item["id"] == part)
        if kind_of(blank) == "short":
            return f"# question '{data['id']}', blank '{part}': add to its accept list\n{entry(text, False)}"
        reading = read_number(text, NumberFrame(prompt=reading_context(data)[1]))
        if reading.problem or len(reading.values) != 1:
            return f"# question '{data['id']}', blank '{part}': “{text}” reads as no one number, so there is nothing to add"
        return (f"# question '{data['id']}', blank '{part}': add to its answers list, just after its first full-credit answer\n"
                f"{entry({'value': reading.values[0][0], 'credit': 1}, True)}")

    # --- the key, as other questions might show it ----------------------------------------
    def leak_keys(self, data: dict, keys: Any) -> list:
        found = []
        for blank in data["blanks"]:
            kind = kind_of(blank)
            if kind == "short":
                found += [key for entry in accepted(blank) if entry["credit"] == 1
                          for key in keys.text(entry["text"], among_candidates=True)]
            elif kind == "numeric":
                found += [keys.numeric({"answer": answer["value"], "tolerance": answer["tolerance"]})
                          for answer in blank["answers"] if answer["credit"] == 1]
            else:  # as for a choice question: the learner sees the key among the blank's options already
                found += [key for option in blank["options"] if option["credit"] == 1 or (kind == "multi" and option["credit"] > 0)
                          for key in keys.text(option["text"], among_candidates=False)]
        return found

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        return [("cloze text", STATEMENT, BLANK.sub(" … ", data["text"]))] + [
            (f"blank {blank['id']} option {option['id']}", CANDIDATE, option["text"])
            for blank in data["blanks"] for option in blank.get("options", [])]

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        short_of_key = {blank["id"]: feedback_texts(blank, short_of_key=True) for blank in data["blanks"]}
        other = {blank["id"]: blank.get("other_feedback", "") for blank in data["blanks"]}
        return {**html,
                "blank_feedback": {blank: {key: notice if names_key(short_of_key[blank].get(key, "")) else said
                                           for key, said in said_of.items()}
                                   for blank, said_of in (html.get("blank_feedback") or {}).items()},
                "blank_other": {blank: notice if names_key(other.get(blank, "")) else said
                                for blank, said in (html.get("blank_other") or {}).items()}}

    # --- authoring -----------------------------------------------------------------------
    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("text", N_("Passage with blanks written [[name]] (Markdown)"), "text",
                        N_("Write [[city]] where a learner fills in the blank named city; give each blank a row below.")),
                FormRow("blanks", N_("Blanks"), "rows", BLANK_ROWS_HINT, columns=BLANK_COLUMNS, noun=N_("blank"), at_least=2),
                FormRow("wrong_answers", N_("Known wrong answers of short blanks (optional)"), "rows",
                        N_("A wrong answer learners often type in a blank, with feedback"), columns=WRONG_COLUMNS,
                        noun=N_("wrong answer"), at_least=1),
                FormRow("spelling", N_("Spelling"), "select", choices=rows.SPELLING_CHOICES))

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"text": fields.get("text", ""),
                      "blanks": [blank_of_line(line_of_row(row)) for row in rows.read_rows(fields, "blanks", BLANK_COLUMNS)]}
        for row in rows.read_rows(fields, "wrong_answers", WRONG_COLUMNS):
            blank = next((b for b in data["blanks"] if b["id"] == row["blank"]), None)
            if blank is None:  # the checker names it: a blank the text does not have
                blank = {"id": row["blank"], "accept": []}
                data["blanks"].append(blank)
            blank.setdefault("wrong_answers", []).append({"text": row["text"], **({"feedback": row["feedback"]} if row["feedback"] else {})})
        if (fields.get("spelling") or "").strip():
            data["spelling"] = fields["spelling"].strip()
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        return {"text": data["text"], **rows.write_rows("blanks", [row_of_line(line_of_blank(b)) for b in data["blanks"]]),
                **rows.write_rows("wrong_answers", [{"blank": b["id"], "text": w["text"], "feedback": w.get("feedback", "")}
                                                    for b in data["blanks"] for w in b.get("wrong_answers", [])]),
                "spelling": data.get("spelling", "")}

    # --- other formats -------------------------------------------------------------------
    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        form = self.answer_form(data, "", order, lambda kind, ident: ident)
        blanks = {blank["id"]: blank for blank in data["blanks"]}
        front = "".join(part if index % 2 == 0 else "_____" + offered(html, part, form.blank_choices.get(part, ()))
                        for index, part in enumerate(html["text_parts"]))
        return front, list_html([key_html(blanks[ident], html) for ident in html["text_parts"][1::2]], ordered=True)


TYPE = Cloze()


def offered(html: dict, blank: str, choices: tuple[tuple[str, str], ...]) -> str:
    """A choice or multi blank's options, as a card's front lists them after the blank: " (Lahore / Delhi)"."""
    return f" ({' / '.join(html['blank_options'][blank][ident] for _, ident in choices)})" if choices else ""


def key_html(blank: dict, html: dict) -> str:
    """A blank's key as a card's back shows it."""
    kind = kind_of(blank)
    if kind == "short":
        return escape(key_entry(blank)["text"])
    if kind == "numeric":
        answer = key_entry(blank)
        return escape(number_text(answer["value"])) + (f" (± {number_text(answer['tolerance'])})" if answer["tolerance"] else "")
    right = [html["blank_options"][blank["id"]][option["id"]] for option in blank["options"]
             if option["credit"] == 1 or (kind == "multi" and option["credit"] > 0)]
    return (" or " if kind == "choice" else ", ").join(right)


def feedback_texts(blank: dict, short_of_key: bool = False) -> dict[str, str]:
    """A blank's feedback texts by what the response matched (an answer's text, a numeric answer's key, an
    option id); ``short_of_key`` keeps only those of answers that earn less than the full mark."""
    kind = kind_of(blank)
    if kind == "short":
        entries = [(entry["text"], entry.get("feedback", ""), entry["credit"]) for entry in accepted(blank)]
        entries += [(wrong["text"], wrong.get("feedback", ""), 0.0) for wrong in blank.get("wrong_answers", [])]
    elif kind == "numeric":
        entries = [(numeric_key(answer), answer.get("feedback", ""), answer["credit"]) for answer in blank["answers"]]
    else:
        entries = [(option["id"], option.get("feedback", ""), option["credit"]) for option in blank["options"]]
    return {key: text for key, text, credit in entries if not short_of_key or (credit < 1 and not (kind == "multi" and credit > 0))}


def reading_context(data: dict) -> tuple[Any, str]:
    """What a learner reads around the blanks (prompt and text, blank ids left out): its words, and the text itself."""
    shown = f"{data.get('prompt', '')}\n{_BLANKS.sub(' ', data.get('text', ''))}"
    return seen_words(shown), shown


def blank_mark(data: dict, blank: dict, given: Any, context: tuple[Any, str]) -> tuple[float, str | None, str]:
    """One blank's mark in [0, 1] for ``given``, what it matched (the key of its feedback) and a note for the learner."""
    kind = kind_of(blank)
    if kind == "choice":
        option = next((option for option in blank["options"] if option["id"] == given), None)
        return (0.0, None, "") if option is None else (option["credit"], option["id"], "")
    if kind == "multi":
        picks = set(given) if isinstance(given, list) else set()
        return min(1.0, max(0.0, math.fsum(o["credit"] for o in blank["options"] if o["id"] in picks))), None, ""
    if not isinstance(given, str) or not given.strip():
        return 0.0, None, ""
    seen, shown = context
    if kind == "numeric":
        reading = read_number(given, NumberFrame(prompt=shown))
        if reading.problem:
            return 0.0, None, reading.problem
        for value, _unit in reading.values:
            answer = next((answer for answer in blank["answers"] if same_number(value, answer["value"], answer["tolerance"])), None)
            if answer is not None:
                return answer["credit"], numeric_key(answer), ""
        return 0.0, None, ""
    answers = text_answers(accepted(blank), blank.get("wrong_answers", []))
    found = match_text(given, answers, data.get("spelling", "lenient"), seen=seen)
    if blank.get("case") == "sensitive" and found.credit > 0 and not same_case(given, found.matched or ""):
        return 0.0, None, _("this blank minds capitals: write it with the capitals it takes.")
    return found.credit, found.matched, found.note


# --- Authoring lines -----------------------------------------------------------------------

BLANK_ROWS_HINT = N_(
    "One row per blank. Answers are separated by ; and each may end in *part marks and #feedback: a short blank: "
    "Islamabad; Isl*0.5#Write it in full; a numeric one: 2000±1*0.5#Close; a choice or multi one: a=Lahore*1#Yes; b=Delhi. "
    "Settings, separated by bars, all optional: dropdown, vertical or horizontal (choice, multi), shuffle, weight=2, "
    "case=sensitive (short), other=feedback for any other answer (short, numeric). Write \\ before a | ; # * = that is "
    "part of a text.")
BLANK_COLUMNS = (rows.Column("id", N_("Blank name"), hint=N_("As written [[name]] in the passage")),
                 rows.Column("kind", N_("Kind"), "select", choices=(("short", N_("Short: typed words")), ("numeric", N_("Numeric: a typed number")),
                                                                ("choice", N_("Choice: pick one")), ("multi", N_("Multi: tick several")))),
                 rows.Column("answers", N_("Answers")), rows.Column("settings", N_("Settings (optional)")))
WRONG_COLUMNS = (rows.Column("blank", N_("Blank name")), rows.Column("text", N_("Wrong answer")), rows.Column("feedback", N_("Feedback (optional)")))


def line_of_row(row: dict[str, str]) -> str:
    """A blank's authoring line (:func:`blank_of_line` reads it) from its row."""
    kind, settings = row["kind"] or "short", row["settings"]
    if kind == "short" and not settings:
        return rows.SEPARATOR.join([row["id"], row["answers"]])
    return rows.SEPARATOR.join([row["id"], kind, *([settings] if settings else []), row["answers"]])


def row_of_line(line: str) -> dict[str, str]:
    """A blank's row from its authoring line (:func:`line_of_blank` writes it)."""
    parts = [part.strip() for part in _split(line, "|")]
    if len(parts) == 2:
        return {"id": parts[0], "kind": "short", "answers": parts[1], "settings": ""}
    return {"id": parts[0], "kind": parts[1], "answers": parts[-1], "settings": rows.SEPARATOR.join(parts[2:-1])}


_SPECIAL = "\\|;#*="


def _escaped(text: str) -> str:
    return "".join(f"\\{ch}" if ch in _SPECIAL else ch for ch in text)


def _plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text).strip()


def _split(text: str, mark: str) -> list[str]:
    """``text`` cut at each ``mark`` not written after a backslash; the pieces keep their escapes."""
    pieces, current, index = [], "", 0
    while index < len(text):
        if text[index] == "\\" and index + 1 < len(text):
            current += text[index:index + 2]
            index += 2
            continue
        if text[index] == mark:
            pieces.append(current)
            current = ""
        else:
            current += text[index]
        index += 1
    return pieces + [current]


def _cut(text: str, mark: str, last: bool = False) -> tuple[str, str | None]:
    """``text`` before and after its first (or last) unescaped ``mark``; None after when it has none."""
    pieces = _split(text, mark)
    if len(pieces) == 1:
        return text, None
    return (mark.join(pieces[:-1]), pieces[-1]) if last else (pieces[0], mark.join(pieces[1:]))


def _entry(kind: str, text: str) -> Any:
    """One answer or option of a blank line, as the bank file would give it."""
    head, feedback = _cut(text, "#")
    head, credit = _cut(head, "*", last=True)
    entry: dict[str, Any] = {"feedback": _plain(feedback)} if feedback is not None else {}
    if credit is not None:
        entry["credit"] = rows.number(_plain(credit))
    if kind == "numeric":
        value, _, tolerance = _plain(head).partition("±")
        return {"value": rows.number(value), **({"tolerance": rows.number(tolerance)} if tolerance.strip() else {}), **entry}
    if kind in ("choice", "multi"):
        ident, text_part = _cut(head, "=")
        return {"id": _plain(ident), "text": _plain(text_part or ""), **entry}
    return {"text": _plain(head), **entry} if entry else _plain(head)


def blank_of_line(line: str) -> dict:
    """A blank from its authoring line (see BLANK_LINES_HINT); the checker judges what it holds."""
    parts = [part.strip() for part in _split(line, "|")]
    if len(parts) < 3:  # id | answer; another answer
        return {"id": _plain(parts[0]), "accept": [_entry("short", text) for text in _split(parts[1] if len(parts) > 1 else "", ";")
                                                   if text.strip()]}
    blank: dict[str, Any] = {"id": _plain(parts[0]), "kind": _plain(parts[1])}
    for setting in parts[2:-1]:
        name, equals, value = setting.partition("=")
        name = name.strip()
        if not name:
            continue
        if not equals:
            blank.update({"display": name} if name in DISPLAYS["choice"] else {name: True})
        elif name == "weight":
            blank["weight"] = rows.number(value)
        else:
            blank["other_feedback" if name == "other" else name] = _plain(value)
    answers = [_entry(blank["kind"], text) for text in _split(parts[-1], ";") if text.strip()]
    blank[{"numeric": "answers", "choice": "options", "multi": "options"}.get(blank["kind"], "accept")] = answers
    return blank


def _ending(entry: dict, with_credit: bool) -> str:
    """How an answer or option ends its authoring line: ``*credit`` (when ``with_credit``), then ``#feedback``."""
    return (f"*{number_text(entry['credit'])}" if with_credit else "") + (f"#{_escaped(entry['feedback'])}" if "feedback" in entry else "")


def line_of_blank(blank: dict) -> str:
    """A blank's authoring line: :func:`blank_of_line` reads it back to the same blank."""
    kind = kind_of(blank)
    if kind == "short":
        answers = [_escaped(entry) if isinstance(entry, str) else _escaped(entry["text"]) + _ending(entry, True)
                   for entry in blank["accept"]]
    elif kind == "numeric":
        answers = [number_text(a["value"]) + (f"±{number_text(a['tolerance'])}" if a["tolerance"] else "") + _ending(a, a["credit"] != 1)
                   for a in blank["answers"]]
    else:
        answers = [f"{o['id']}={_escaped(o['text'])}" + _ending(o, o["credit"] != 0) for o in blank["options"]]
    settings = [blank["display"]] if "display" in blank else []
    settings += ["shuffle"] if blank.get("shuffle") else []
    settings += [f"weight={blank['weight']}"] if "weight" in blank else []
    settings += [f"case={blank['case']}"] if "case" in blank else []
    settings += [f"other={_escaped(blank['other_feedback'])}"] if "other_feedback" in blank else []
    if kind == "short" and not settings:
        return f"{blank['id']}{rows.SEPARATOR}{'; '.join(answers)}"
    return rows.SEPARATOR.join([blank["id"], kind, *settings, "; ".join(answers)])


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
