"""GIFT for single choice and multiple response: one answer block syntax, ``{=right ~wrong ~%50%partly}``. Pure."""

from __future__ import annotations

from app.course.interop.gift import clean, escape, feedback, percent, split_answers, weight


def reads(answers: str) -> bool:
    """A multiple-choice block: a ``~`` choice (Moodle's rule, before matching and short answer)."""
    return any(marker == "~" for marker, _ in split_answers(answers))


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Single choice when exactly one choice is right, else multiple response (a positive weight is right)."""
    parts = split_answers(answers)
    option_ids = meta.get("options") or [chr(ord("a") + i) for i in range(len(parts))]
    if len(option_ids) != len(parts):
        option_ids = [chr(ord("a") + i) for i in range(len(parts))]
    options, correct = [], []
    for ident, (marker, text) in zip(option_ids, parts, strict=True):
        share, rest = weight(text)
        answer, said = feedback(rest)
        is_right = marker == "=" or (share is not None and share > 0)
        options.append({"id": ident, "text": clean(answer), "feedback": clean(said) or ("Correct." if is_right else "Not correct.")})
        if is_right:
            correct.append(ident)
    if sum(1 for marker, _ in parts if marker == "=") == 1 and len(correct) == 1:
        return {"type": "single_choice", "options": options, "answer": correct[0]}
    if any(weight(text)[0] is not None for _, text in parts):
        notes.append("weights were read as right (positive) or wrong; our rule scores ±1/k per pick")
    return {"type": "multiple_response", "options": options, "answer": correct}


def write(data: dict, meta: dict, keyed: set[str], single: bool) -> str:
    """The answer block: ``=`` for the key of a single choice, ``~%±100/k%`` for multiple response."""
    meta["options"] = [option["id"] for option in data["options"]]
    lines = []
    for option in data["options"]:
        right = option["id"] in keyed
        prefix = ("=" if right else "~") if single else f"~%{percent((1 if right else -1) / len(keyed))}%"
        lines.append(f"\t{prefix}{escape(option['text'])}#{escape(option['feedback'])}")
    return "\n" + "\n".join(lines) + "\n"
