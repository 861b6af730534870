"""The question types: one package each, listed here. The rest of the app asks this registry.

Adding a type is one folder (a ``QuestionType`` subclass as ``TYPE`` and its ``question.html``)
and one line below. A type's mapping to another format is a module of its package named after the
format (``gift.py``, ``moodle.py``, ``anki.py``), found by :func:`mapping`; a type without one has no
place in that format.
"""

from __future__ import annotations

import functools
import importlib
import re
from types import ModuleType

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


# GIFT says a question's type by its answer block's syntax alone, so its readers are asked in a fixed
# order, Moodle's own (qformat_gift; plugins' syntax first): the first whose ``reads`` accepts a block reads it.
GIFT_READ_ORDER = ("ordering", "essay", "numeric", "single_choice", "multiple_response", "matching", "true_false",
                   "short_answer")
_FORMAT_NAME = re.compile(r"[a-z][a-z0-9_]*")


@functools.cache
def mapping(name: str, fmt: str) -> ModuleType | None:
    """The module ``app.course.qtypes.<name>.<fmt>``: type ``name``'s mapping to a format, or None when it has none."""
    if name not in REGISTRY or not _FORMAT_NAME.fullmatch(fmt):
        return None
    module = f"{__name__}.{name}.{fmt}"
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as missing:
        if missing.name != module:  # a mapping that exists but imports something missing is a bug: say so
            raise
        return None


@functools.cache
def moodle_readers() -> dict[str, ModuleType]:
    """Moodle's ``<question type="...">`` → the ``moodle.py`` that reads it, from what each declares in
    ``MOODLE_TYPES``. Types that share a Moodle type (single and multiple choice: ``multichoice``) share
    its reader, which tells them apart; the first in the registry answers."""
    readers: dict[str, ModuleType] = {}
    for name in NAMES:
        module = mapping(name, "moodle")
        for moodle_type in getattr(module, "MOODLE_TYPES", ()):
            readers.setdefault(moodle_type, module)
    return readers


def gift_readers() -> list[ModuleType]:
    """The types' ``gift.py`` modules in :data:`GIFT_READ_ORDER` (a type without one is not offered GIFT)."""
    return [module for name in GIFT_READ_ORDER if (module := mapping(name, "gift")) is not None]
