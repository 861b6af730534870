"""Short answer in GIFT: ``{=answer =%50%partly#feedback}``; the fallback reader, as in Moodle. Pure."""

from __future__ import annotations

from app.course.interop.gift import clean, escape, feedback, percent, split_answers, weight


def reads(answers: str) -> bool:
    return bool(split_answers(answers))


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    accepted = []
    for _, text in split_answers(answers):
        share, rest = weight(text)
        answer, said = feedback(rest)
        answer = clean(answer)
        credit = 1.0 if share is None else share
        if answer == "*" or credit <= 0:
            notes.append(f"answer “{answer}” ({percent(credit)} %) dropped: any-other-answer and zero-credit answers have no equivalent")
            continue
        entry = {"text": answer, "credit": min(1.0, credit)}
        if clean(said):
            entry["feedback"] = clean(said)
        accepted.append(entry)
    return {"type": "short_answer", "answers": accepted}


def write(data: dict, meta: dict) -> str:
    lines = []
    for entry in data["answers"]:
        share = "" if entry["credit"] == 1.0 else f"%{percent(entry['credit'])}%"
        said = f"#{escape(entry['feedback'])}" if entry.get("feedback") else ""
        lines.append(f"\t={share}{escape(entry['text'])}{said}")
    return "\n" + "\n".join(lines) + "\n"
