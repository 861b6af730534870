"""What every question type declares, and the plain results the rest of the app gets from it. Pure.

A type is one package under ``app/course/qtypes/`` holding a :class:`QuestionType` subclass and its
template partial (``question.html``). The registry (``qtypes/__init__.py``) lists them; the rest of
the app asks the registry and never branches on a type's name. The defaults here fit a type with no
choices to shuffle, no typed answers and nothing to say in a given format; a type overrides what it has.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Callable, ClassVar

from app.course.qtypes.forms import AnswerForm

STATEMENT, CANDIDATE = "statement", "candidate"  # a shown text that says something, or one offered as a choice
HTML_LIST = {"type": "array", "items": {"type": "object", "required": ["id", "html"],
                                        "properties": {"id": {"type": "string"}, "html": {"type": "string"}}}}


HINT_MAX_CHARS = 300  # a nudge of a sentence or two, not a second explanation
HINT_ABSENT = ""  # what :func:`checked_hint` gives for a question without a hint


def checked_hint(check: Any, q: Any, where: str) -> str | None:
    """The question's optional ``hint`` (any type): its text, HINT_ABSENT when it has none, or None when it is
    refused (a problem added to ``check`` at the hint's line). Practice and review show it; graded tests never do."""
    if q.get("hint") is None:
        return HINT_ABSENT
    hint = check.text(q, "hint", where, required=False)
    if hint is not None and len(hint) > HINT_MAX_CHARS:
        check.add(q.line_of("hint"), f"{where}: 'hint' is {len(hint):,} characters; a hint holds at most {HINT_MAX_CHARS}")
        return None
    return hint


@dataclass(frozen=True)
class Outcome:
    """A scored response: ``score`` in [0, 1], a status for display, and which parts were right.

    ``pending`` is an answer no rule can mark (an essay): it waits for a person's grade and counts
    in no total until then.
    """

    score: float
    status: str  # "correct", "partial", "wrong", "unanswered" or "pending"
    parts: dict[str, bool] = field(default_factory=dict)
    note: str = ""
    matched: str | None = None  # the answer (accepted or known wrong) that matched, for its feedback
    blanks: dict[str, str] = field(default_factory=dict)  # cloze: blank id -> the answer it matched


def outcome(score: float, answered: bool, parts: dict[str, bool] | None = None, note: str = "",
            matched: str | None = None, blanks: dict[str, str] | None = None) -> Outcome:
    """An Outcome with ``score`` held to [0, 1] and its status read from it."""
    score = min(1.0, max(0.0, score))
    if not answered:
        status = "unanswered"
    elif math.isclose(score, 1.0):
        status, score = "correct", 1.0
    elif score > 0:
        status = "partial"
    else:
        status = "wrong"
    return Outcome(score, status, parts or {}, note, matched, blanks or {})


@dataclass(frozen=True)
class FormRow:
    """One authoring form field a type adds to the common ones: a WTForms field built from plain data."""

    name: str
    label: str
    widget: str = "text"  # "line" (one line), "text" (a text area), "select", "radio" or "rows"
    description: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    columns: tuple[Any, ...] = ()  # "rows": each row's fields (``rows.Column``), posted as ``<name>-<n>-<column>``
    noun: str = ""  # "rows": what one row is ("option"), for its buttons and messages
    at_least: int = 0  # "rows": rows shown even when empty, so a new question starts with room to type
    key: str = ""  # "rows": "one" puts a radio named ``answer`` (valued with the row's id) on each row


class QuestionType:
    """A question type: everything the app asks of one. Subclasses set ``name`` and override what they have."""

    name: ClassVar[str]
    label: ClassVar[str]  # shown to authors: "Single choice"
    fields: ClassVar[frozenset[str]] = frozenset()  # bank fields beside the common ones
    json_type: ClassVar[type] = str  # the JSON type of a response in the API
    json_item_lists: ClassVar[bool] = False  # an object response's values may be lists of ids too (a cloze's multi blanks)
    json_help: ClassVar[str] = ""
    api_schema: ClassVar[dict] = {}  # JSON Schema of the properties :meth:`api_fields` adds
    typed: ClassVar[bool] = False  # the learner types words or numbers (response analysis, regrading)
    single_try: ClassVar[bool] = False  # practice gives one try, not several (an essay is written once, then graded)
    graded_by_person: ClassVar[bool] = False  # a rubric and a person give the mark (``pending`` until then)
    one_key: ClassVar[bool] = False  # exactly one of its options is right (single choice)

    # --- the bank ------------------------------------------------------------------------
    def check(self, check: Any, q: Any, where: str) -> dict | None:
        """The type's fields of the question mapping ``q`` in canonical form, or None with problems added to ``check``."""
        raise NotImplementedError

    def export_form(self, data: dict) -> dict:
        """Canonical data as a bank file writes it (defaults left out)."""
        return data

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        """Sanitised HTML of the type's own texts, keyed as its template uses them."""
        return {}

    # --- answering -----------------------------------------------------------------------
    def choice_ids(self, data: dict) -> list[str]:
        """The ids shown in a shuffled order (options, items); empty for typed answers."""
        return []

    def answer_form(self, data: dict, field: str, order: list[str], token: Callable[[str, str], str]) -> AnswerForm:
        """How the question's fields appear in a form; ``token(kind, id)`` is the opaque stand-in of an id."""
        return AnswerForm(field)

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        """The response in the submitted form values (None parts: unanswered); ForgedResponse for impossible values."""
        raise NotImplementedError

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        """The form values that would submit ``response``: the inverse of :meth:`parse_response`."""
        return {field: [str(response)]}

    def json_values(self, data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
        """Form values, as ``form`` shows them, for a response sent as JSON of :attr:`json_type` (already checked)."""
        return self.form_values(data, form.field, value)

    def score(self, data: dict, response: Any) -> Outcome:
        raise NotImplementedError

    def key_response(self, data: dict) -> Any:
        """The response the answer key gives: it scores full marks."""
        raise NotImplementedError

    def keyed_options(self, data: dict) -> tuple[list[dict], set[str]] | None:
        """(options, ids of the right ones) for a type whose key is among shown options; None otherwise.
        The key-pattern warnings (a key's place, length, wording) read choice questions through this."""
        return None

    def yes_or_no(self, data: dict) -> bool | None:
        """The answer of a type that has only true or false for one (for the balance warning); None otherwise."""
        return None

    def option_ids(self, data: dict) -> list[str]:
        """The ids of the options a learner picks from, for item analysis's share of each (none: not a choice)."""
        return []

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        """What the API shows of the question beside its id, type and prompt (never the key)."""
        return {}

    # --- the key, as other questions might show it ----------------------------------------
    def leak_keys(self, data: dict, keys: Any) -> list:
        """The forms in which this question's key could be read elsewhere, built with ``keys`` (leaks.KeyMaker)."""
        return []

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        """(place, STATEMENT or CANDIDATE, text) of every text shown before answering, beside prompt and passage."""
        return []

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        """``html`` with the feedback of wrong answers that names the key (``names_key(text)``) replaced by ``notice``."""
        return html

    # --- typed responses: analysis and accepting one (``typed`` types only) -------------------
    def typed_parts(self, data: dict) -> list[str | None]:
        """The parts a learner types into, each analysed on its own (None: the whole answer); empty if none."""
        return []

    def short_parts(self, data: dict, response: Any, parts: dict[str, bool]) -> list[str | None]:
        """The parts of a response that fell short (None: the whole answer), given its scored ``parts``."""
        return []

    def part_credit(self, data: dict, text: str, part: str | None) -> float:
        """What ``text`` earns in ``part`` (None: the whole question), as a share of that part."""
        raise NotImplementedError

    def accepting(self, data: dict, text: str, credit: float, part: str | None, same: Callable[[str, str], bool]) -> dict:
        """A copy of ``data`` that accepts ``text`` in ``part`` at ``credit``; ``same`` tells two texts a marker reads alike."""
        raise NotImplementedError

    def known_wrong(self, data: dict, part: str | None) -> set[str]:
        """The known wrong answers of ``part`` (None: the whole question)."""
        return set()

    def accept_snippet(self, data: dict, entry: Callable[[Any, bool], str], text: str, part: str | None) -> str:
        """The YAML to add to a bank file so it accepts ``text``; ``entry(value, flow)`` writes one list item."""
        raise NotImplementedError

    # --- authoring -----------------------------------------------------------------------
    def form_rows(self) -> tuple[FormRow, ...]:
        return ()

    def from_fields(self, fields: dict[str, str]) -> dict:
        """The type's part of plain question data from its authoring fields (the bank checker judges it)."""
        return {}

    def to_fields(self, data: dict) -> dict[str, str]:
        """The authoring fields for a stored question: ``from_fields(to_fields(d))`` gives ``d`` back."""
        return {}

    # --- other formats -------------------------------------------------------------------
    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        """(what the card's front adds below the prompt, its back), both HTML; ``order`` is :meth:`choice_ids` shuffled."""
        raise NotImplementedError
