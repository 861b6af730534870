"""Response analysis: the responses learners typed that scored less than full, grouped as a marker reads them,
and the question data that accepts one of them as a right or partly right answer.

Pure module. A response is grouped by its text with case and spacing normalised ("Wagha  Border" and "wagha
border" are one response; "Wagha-border" is another, as a marker would note it); a cloze answer is read blank by
blank, each blank the version that gave the mark did not accept being a response of its own.
"""

from __future__ import annotations

import unicodedata

import yaml
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from app.course import qtypes
from app.course.bank import check_question_data
from app.course.scoring import score
from app.course.words import _

ANALYSED_TYPES = tuple(name for name, qtype in qtypes.REGISTRY.items() if qtype.typed)
# Partial credit offered beside "right": a short list, so a teacher's choice is quick and marks stay comparable.
PARTIAL_CREDITS = (0.75, 0.5, 0.25)
# Scores are floats: a stored 1.0 may have passed through a sum or a database float.
FULL = 1 - 1e-9


@dataclass(frozen=True)
class Given:
    """One stored answer that scored less than full, as the report reads it."""

    response: Any  # text, or {blank id: text} for cloze
    owner_key: str
    score: float
    answered_at: datetime
    version_id: int  # the question version whose key gave the mark (a regrade's, else the one answered)...
    data: dict  # ...and its data


@dataclass
class Group:
    """One distinct response (in one blank, for cloze): how often, by whom, with what mark."""

    blank: str | None
    key: str
    answers: list[Given] = field(default_factory=list)  # newest first
    spellings: Counter = field(default_factory=Counter)

    @property
    def text(self) -> str:
        """The response as shown and accepted: its most frequent spelling, the newest one on a tie (the counter
        meets spellings newest first, and ``most_common`` keeps that order among equals)."""
        return self.spellings.most_common(1)[0][0]

    @property
    def newest(self) -> Given:
        """The latest answer that gave it."""
        return self.answers[0]

    @property
    def learners(self) -> list[tuple[str, int]]:
        """(owner key, times) of everyone who gave it, the most recent first."""
        times = Counter(given.owner_key for given in self.answers)
        return [(owner, times[owner]) for owner in dict.fromkeys(given.owner_key for given in self.answers)]

    @property
    def marks(self) -> list[float]:
        """The distinct marks these answers were given, lowest first."""
        return sorted({round(given.score, 4) for given in self.answers})


def tidy(text: str) -> str:
    """A response with its spacing tidied (what the page shows and an accepted answer stores)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def marker_key(text: str) -> str:
    """How a marker reads a response: compatibility forms folded, case ignored, spacing tidied."""
    return tidy(text).casefold()


def part_text(response: Any, blank: str | None) -> str:
    """The text of a response, or of one of its blanks."""
    if blank is None:
        return response if isinstance(response, str) else ""
    return (response.get(blank) or "") if isinstance(response, dict) else ""


def short_parts(data: dict, response: Any) -> list[str | None]:
    """The parts of an answer that fell short on ``data``: [None] for a typed short or numeric answer, the blanks
    ``data`` did not accept in full for cloze; nothing for an empty answer."""
    qtype = qtypes.of(data)
    return qtype.short_parts(data, response, score(data, response).parts if isinstance(response, dict) else {})


def group_responses(answers: list[Given]) -> list[Group]:
    """Distinct responses, newest first (each group ordered by its latest answer)."""
    groups: dict[tuple[str | None, str], Group] = {}
    for given in sorted(answers, key=lambda item: item.answered_at, reverse=True):
        for blank in short_parts(given.data, given.response):
            text = part_text(given.response, blank)
            group = groups.setdefault((blank, marker_key(text)), Group(blank, marker_key(text)))
            group.answers.append(given)
            group.spellings[tidy(text)] += 1
    return list(groups.values())


def credit_now(data: dict, text: str, blank: str | None = None) -> float:
    """What ``text`` earns on the question ``data`` (for cloze: in the blank ``blank``, as a share of that blank)."""
    return qtypes.of(data).part_credit(data, text, blank)


def with_accepted(data: dict, text: str, credit: float, blank: str | None = None) -> dict:
    """A copy of ``data`` that accepts ``text`` at ``credit``, where its type keeps accepted answers."""
    return qtypes.of(data).accepting(data, text, credit, blank, lambda one, other: marker_key(one) == marker_key(other))


def acceptance_refusal(data: dict, text: str, blank: str | None = None) -> str | None:
    """Why ``text`` cannot be accepted as right into ``data`` (in ``blank``, for cloze), or None if it can: it is one
    of the question's known wrong answers, or the bank checks refuse the version that would accept it."""
    outcome = score(data, text) if blank is None else score(data, {blank: text})
    matched = outcome.matched if blank is None else outcome.blanks.get(blank)
    if matched is not None and matched in qtypes.of(data).known_wrong(data, blank):
        return _("It is one of the question's known wrong answers, so it cannot be accepted in a click; edit the "
                 "question "
                 "to take it off that list first.")
    checked, messages = check_question_data(with_accepted(data, text, 1.0, blank), None)
    if messages:
        return _("It cannot be accepted: %(reasons)s",
                 reasons=" ".join(message.split(": ", 1)[-1] for message in messages))
    if credit_now(checked.data, text, blank) < FULL:
        return _("It cannot be accepted: the question's other rules would still not give it full marks.")
    return None


def file_snippet(data: dict, text: str, blank: str | None = None) -> str:
    """The YAML to add to a shipped question's bank file so it accepts ``text`` in full: the same change
    :func:`with_accepted` makes in the browser, written where the file keeps it (shipped questions change there)."""
    def entry(value: Any, flow: bool) -> str:  # "- {text: …, credit: 1}" or "- text"
        return yaml.safe_dump([value], allow_unicode=True, sort_keys=False, default_flow_style=None if flow else False,
                              width=1000).strip()
    return qtypes.of(data).accept_snippet(data, entry, text, blank)
