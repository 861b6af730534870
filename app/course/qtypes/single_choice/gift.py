"""Single choice in GIFT: ``{=key ~other ~other}``. Pure."""

from __future__ import annotations

from app.course.qtypes import choice_gift

reads, read = choice_gift.reads, choice_gift.read


def write(data: dict, meta: dict) -> str:
    return choice_gift.write(data, meta, {data["answer"]}, single=True)
