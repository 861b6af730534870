"""Matching in GIFT: ``{=left -> right =left -> right = -> distractor}``. Pure."""

from __future__ import annotations

from app.course.formats.gift_text import clean, escape, split_answers
from app.course.qtypes.matching import from_sides


def reads(answers: str) -> bool:
    """Whether every answer is a ``=left -> right`` pair."""
    parts = split_answers(answers)
    return bool(parts) and all(marker == "=" and "->" in text for marker, text in parts)


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our matching from the pairs (a pair without a left side is a distractor)."""
    sides = []
    for _, text in split_answers(answers):
        left, _, right = text.partition("->")
        sides.append((clean(left), clean(right)))
    return from_sides(sides, meta)


def write(data: dict, meta: dict) -> str:
    """The pairs, then the distractors; their ids in the metadata."""
    meta["pairs"] = [pair["id"] for pair in data["pairs"]]
    meta["distractors"] = [distractor["id"] for distractor in data["distractors"]]
    lines = [f"\t={escape(pair['left'])} -> {escape(pair['right'])}" for pair in data["pairs"]]
    lines += [f"\t= -> {escape(distractor['text'])}" for distractor in data["distractors"]]
    return "\n" + "\n".join(lines) + "\n"
