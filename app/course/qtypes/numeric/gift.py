"""Numeric in GIFT: ``{#value:tolerance}`` or ``{#min..max}``. Pure."""

from __future__ import annotations

from app.course.interop.gift import feedback, split_answers, unprotect, weight


def reads(answers: str) -> bool:
    return answers.startswith("#")


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    body = answers.strip()[1:]
    parts = split_answers(body) or [("=", body)]
    first = next((text for marker, text in parts if marker in ("", "=") and feedback(text)[0].strip()), None)
    if first is None:
        raise ValueError("numerical question without a value")
    _, value_text = weight(feedback(first)[0])
    value_text = unprotect(value_text)
    if ".." in value_text:
        low, high = (float(v) for v in value_text.split(".."))
        answer, tolerance = (low + high) / 2, (high - low) / 2
    elif ":" in value_text:
        value, tol = value_text.split(":", 1)
        answer, tolerance = float(value), float(tol)
    else:
        answer, tolerance = float(value_text), 0.0
    if len(parts) > 1:
        notes.append("extra numerical answers (wrong-answer feedback, partial ranges) dropped")
    return {"type": "numeric", "answer": answer, "tolerance": tolerance, "unit": meta.get("unit"), "units": meta.get("units", {})}


def write(data: dict, meta: dict) -> str:
    meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
    return f"#{data['answer']!r}:{data['tolerance']!r}"
