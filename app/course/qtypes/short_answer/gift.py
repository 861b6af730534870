"""Short answer in GIFT: ``{=answer =%50%partly#feedback =%0%known wrong#feedback =%0%*#any other}``. Pure.

The fallback reader, as in Moodle: a block no other type reads is a short answer.
"""

from __future__ import annotations

from app.course.formats.gift_text import clean, escape, feedback, percent, split_answers, weight
from app.course.qtypes.short_answer.moodle import sort_answers


def reads(answers: str) -> bool:
    """Whether the block holds any answer (every block no other type read)."""
    return bool(split_answers(answers))


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our short answer from ``=`` answers and their weights."""
    found = []
    for _, text in split_answers(answers):
        share, rest = weight(text)
        answer, said = feedback(rest)
        found.append((1.0 if share is None else share, clean(answer), clean(said)))
    return sort_answers(found, notes)


def write(data: dict, meta: dict) -> str:
    """Accepted answers at their credit, known wrong ones and ``*`` at 0 %."""
    meta.pop("wrong_answers", None)  # GIFT holds them: zero-credit answers with feedback
    entries = [(a["credit"], a["text"], a.get("feedback", "")) for a in data["answers"]]
    entries += [(0.0, w["text"], w.get("feedback", "")) for w in data.get("wrong_answers", [])]
    entries += [(0.0, "*", data["other_feedback"])] if "other_feedback" in data else []
    lines = [f"\t={'' if share == 1 else f'%{percent(share)}%'}{escape(text)}{f'#{escape(said)}' if said else ''}"
             for share, text, said in entries]
    return "\n" + "\n".join(lines) + "\n"
