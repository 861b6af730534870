"""The question types: one package each, listed here. The rest of the app asks this registry.

Adding a type is one folder (a ``QuestionType`` subclass as ``TYPE`` and its ``question.html``)
and one line below.
"""

from __future__ import annotations

from app.course.qtypes.base import QuestionType
from app.course.qtypes.cloze import TYPE as cloze
from app.course.qtypes.essay import TYPE as essay
from app.course.qtypes.matching import TYPE as matching
from app.course.qtypes.multiple_response import TYPE as multiple_response
from app.course.qtypes.numeric import TYPE as numeric
from app.course.qtypes.ordering import TYPE as ordering
from app.course.qtypes.short_answer import TYPE as short_answer
from app.course.qtypes.single_choice import TYPE as single_choice
from app.course.qtypes.true_false import TYPE as true_false

REGISTRY: dict[str, QuestionType] = {qtype.name: qtype for qtype in (
    single_choice, multiple_response, true_false, short_answer, numeric, ordering, matching, cloze, essay,
)}
NAMES = tuple(REGISTRY)


def get(name: str) -> QuestionType:
    """The type named ``name`` (KeyError for a name no type has: callers check names against NAMES first)."""
    return REGISTRY[name]


def of(data: dict) -> QuestionType:
    """The type of a question's canonical data."""
    return REGISTRY[data["type"]]
