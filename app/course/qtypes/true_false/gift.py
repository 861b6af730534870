"""True / false in GIFT: ``{TRUE#feedback when wrong#feedback when right}``. Pure."""

from __future__ import annotations

import re

from app.course.formats.gift_text import clean, escape

_TRUTH = re.compile(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", re.S | re.I)


def reads(answers: str) -> bool:
    """Whether the block is T, TRUE, F or FALSE (and feedback)."""
    return _TRUTH.match(answers) is not None


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our true/false, with the feedback for the wrong and the right answer."""
    truth = _TRUTH.match(answers.strip())
    answer = truth.group(1).upper().startswith("T")
    feedback_parts = (truth.group(2) or "").split("#")[1:]
    data: dict = {"type": "true_false", "answer": answer}
    if feedback_parts:
        wrong, right = (feedback_parts + [""])[:2]
        by_choice = {str(answer).lower(): clean(right), str(not answer).lower(): clean(wrong)}
        if any(by_choice.values()):
            data["feedback"] = {key: by_choice[key] for key in ("true", "false") if by_choice[key]}
    return data


def write(data: dict, meta: dict) -> str:
    """The key, then the feedback for the wrong answer and for the right one."""
    feedback = data.get("feedback", {})
    right, wrong = feedback.get(str(data["answer"]).lower(), ""), feedback.get(str(not data["answer"]).lower(), "")
    return ("TRUE" if data["answer"] else "FALSE") + (f"#{escape(wrong)}#{escape(right)}" if feedback else "")
