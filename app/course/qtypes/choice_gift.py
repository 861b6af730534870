"""GIFT for single choice and multiple response: one answer block syntax, ``{=right ~wrong ~%50%partly}``. Pure.

As in Moodle, a block with a ``=`` choice is a single choice (its first ``=`` is the key, a ``~%n%``
choice earns n %), and one with only ``~`` choices is a multiple response whose weights are the
options' credits.
"""

from __future__ import annotations

from app.course.formats.gift_text import clean, escape, feedback, percent, split_answers, weight
from app.course.qtypes.choice_moodle import option_feedback, options_ids, responses, single


def is_choice(answers: str) -> bool:
    """A multiple-choice block: it has a ``~`` choice (Moodle tells it so before matching and short answer)."""
    return any(marker == "~" for marker, _ in split_answers(answers))


def has_key(answers: str) -> bool:
    """A ``=`` choice: Moodle's sign of a single choice."""
    return any(marker == "=" for marker, _ in split_answers(answers))


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our single choice or multiple response for a multiple-choice block, each option's credit as its weight says."""
    parts = split_answers(answers)
    ids = options_ids(meta, len(parts))
    key = next((ident for ident, (marker, _) in zip(ids, parts, strict=True) if marker == "="), None)
    credits, options = {}, []
    for ident, (marker, text) in zip(ids, parts, strict=True):
        share, rest = weight(text)
        answer, said = feedback(rest)
        credits[ident] = 1.0 if marker == "=" else share or 0.0
        options.append({"id": ident, "text": clean(answer), "feedback": clean(said) or option_feedback(credits[ident])})
    return responses(options, credits, meta) if key is None else single(options, credits, key)


def write(data: dict, meta: dict, credits: dict[str, float], one_key: bool) -> str:
    """The answer block: ``=`` for a single choice's key, ``~%n%`` for a credit, ``~`` for none."""
    meta["options"] = [option["id"] for option in data["options"]]
    lines = []
    for option in data["options"]:
        share = credits[option["id"]]
        prefix = "=" if one_key and option["id"] == data["answer"] else "~" if share == 0 else f"~%{percent(share)}%"
        lines.append(f"\t{prefix}{escape(option['text'])}#{escape(option['feedback'])}")
    return "\n" + "\n".join(lines) + "\n"
