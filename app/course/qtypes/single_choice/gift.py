"""Single choice in GIFT: ``{=key ~%50%partly right ~wrong}``. Pure."""

from __future__ import annotations

from app.course.qtypes import choice_gift

read = choice_gift.read


def reads(answers: str) -> bool:
    """Whether it is a multiple-choice block with a ``=`` choice."""
    return choice_gift.is_choice(answers) and choice_gift.has_key(answers)


def write(data: dict, meta: dict) -> str:
    """The key as ``=``, the other options at their credit."""
    credits = {o["id"]: 1.0 if o["id"] == data["answer"] else o.get("credit", 0.0) for o in data["options"]}
    return choice_gift.write(data, meta, credits, one_key=True)
