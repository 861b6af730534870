"""Multiple response in GIFT: ``{~%50%right ~%50%right ~%-50%wrong}``. Pure."""

from __future__ import annotations

from app.course.qtypes import choice_gift

reads, read = choice_gift.reads, choice_gift.read


def write(data: dict, meta: dict) -> str:
    return choice_gift.write(data, meta, set(data["answer"]), single=False)
