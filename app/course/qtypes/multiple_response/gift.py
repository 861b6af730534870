"""Multiple response in GIFT: ``{~%50%right ~%50%right ~%-50%wrong}``, the weights being the options' credits. Pure."""

from __future__ import annotations

from app.course.qtypes import choice_gift
from app.course.qtypes.multiple_response.moodle import credits

read = choice_gift.read


def reads(answers: str) -> bool:
    """Whether it is a multiple-choice block without a ``=`` choice."""
    return choice_gift.is_choice(answers) and not choice_gift.has_key(answers)


def write(data: dict, meta: dict) -> str:
    """Every option at its credit; the scoring rule in the metadata."""
    meta["scoring"] = data.get("scoring", "per_pick")
    return choice_gift.write(data, meta, credits(data), one_key=False)
