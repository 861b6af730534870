"""Question authoring forms as plain text fields, and back. Pure.

The browser edits a question through simple fields: one line per option, pair or item, with
parts separated by `` | `` (space, bar, space). :func:`fields_to_data` turns the fields into the
same plain data a bank file gives, which ``bank.check_question_data`` then checks with the
file rules; :func:`data_to_fields` fills the form from a stored question. The two are inverse:
``fields_to_data(data_to_fields(d)) == d`` for every valid question.
"""

from __future__ import annotations

SEPARATOR = " | "
TYPE_FIELDS = {
    "single_choice": ("options", "answer"),
    "multiple_response": ("options", "answer"),
    "true_false": ("answer", "feedback_true", "feedback_false"),
    "short_answer": ("answers",),
    "numeric": ("answer", "tolerance", "unit", "units"),
    "ordering": ("items",),
    "matching": ("pairs", "distractors"),
    "cloze": ("text", "blanks"),
}


def _lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _parts(line: str, count: int) -> list[str]:
    parts = [part.strip() for part in line.split(SEPARATOR.strip(), count - 1)]
    return parts + [""] * (count - len(parts))


def _number(text: str | None):
    """A number if the text is one; otherwise the text itself, so the checker names the problem."""
    value = (text or "").strip()
    try:
        number = float(value)
    except ValueError:
        return value
    return int(number) if number.is_integer() and "." not in value else number


def _labelled(text: str | None, keys: tuple[str, ...]) -> list[dict]:
    rows = []
    for line in _lines(text):
        values = _parts(line, len(keys))
        rows.append({key: value for key, value in zip(keys, values, strict=True) if value != ""})
    return rows


def fields_to_data(qtype: str, common: dict, fields: dict[str, str]) -> dict:
    """Plain question data (as a bank file would give it) from the authoring form's fields."""
    data = {"id": common.get("id", ""), "type": qtype, "prompt": common.get("prompt", ""),
            "explanation": common.get("explanation", ""), "lesson_anchor": common.get("lesson_anchor", ""),
            "tags": [tag.strip() for tag in (common.get("tags") or "").split(",") if tag.strip()],
            "difficulty": common.get("difficulty", "")}
    if qtype in ("single_choice", "multiple_response"):
        data["options"] = _labelled(fields.get("options"), ("id", "text", "feedback"))
        answer = (fields.get("answer") or "").strip()
        data["answer"] = [a.strip() for a in answer.split(",") if a.strip()] if qtype == "multiple_response" else answer
    elif qtype == "true_false":
        data["answer"] = {"true": True, "false": False}.get((fields.get("answer") or "").strip().lower(), fields.get("answer"))
        feedback = {key: (fields.get(f"feedback_{key}") or "").strip() for key in ("true", "false")}
        if any(feedback.values()):
            data["feedback"] = {key: text for key, text in feedback.items() if text}
    elif qtype == "short_answer":
        answers = []
        for line in _lines(fields.get("answers")):
            text, credit, feedback = _parts(line, 3)
            if not credit and not feedback:
                answers.append(text)
                continue
            entry = {"text": text, "credit": _number(credit) if credit else 1}
            if feedback:
                entry["feedback"] = feedback
            answers.append(entry)
        data["answers"] = answers
    elif qtype == "numeric":
        data["answer"] = _number(fields.get("answer"))
        if (fields.get("tolerance") or "").strip():
            data["tolerance"] = _number(fields.get("tolerance"))
        if (fields.get("unit") or "").strip():
            data["unit"] = fields["unit"].strip()
        units = {}
        for line in _lines(fields.get("units")):
            name, _, factor = line.partition("=")
            units[name.strip()] = _number(factor)
        if units:
            data["units"] = units
    elif qtype == "ordering":
        data["items"] = _labelled(fields.get("items"), ("id", "text"))
    elif qtype == "matching":
        data["pairs"] = _labelled(fields.get("pairs"), ("id", "left", "right"))
        distractors = _labelled(fields.get("distractors"), ("id", "text"))
        if distractors:
            data["distractors"] = distractors
    elif qtype == "cloze":
        data["text"] = fields.get("text", "")
        data["blanks"] = [{"id": ident, "accept": [a.strip() for a in accepted.split(";") if a.strip()]}
                          for ident, accepted in (_parts(line, 2) for line in _lines(fields.get("blanks")))]
    return data


def _fmt(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def data_to_fields(data: dict) -> tuple[dict, dict[str, str]]:
    """The authoring form's (common, type) fields for a stored question's canonical data."""
    common = {"id": data["id"], "prompt": data["prompt"], "explanation": data["explanation"],
              "lesson_anchor": data["lesson_anchor"], "tags": ", ".join(data["tags"]), "difficulty": data["difficulty"]}
    qtype, fields = data["type"], {}
    if qtype in ("single_choice", "multiple_response"):
        fields["options"] = "\n".join(SEPARATOR.join((o["id"], o["text"], o["feedback"])) for o in data["options"])
        fields["answer"] = ", ".join(data["answer"]) if qtype == "multiple_response" else data["answer"]
    elif qtype == "true_false":
        fields["answer"] = "true" if data["answer"] else "false"
        for key in ("true", "false"):
            fields[f"feedback_{key}"] = data.get("feedback", {}).get(key, "")
    elif qtype == "short_answer":
        fields["answers"] = "\n".join(
            a["text"] if a["credit"] == 1.0 and not a.get("feedback")
            else SEPARATOR.join([a["text"], _fmt(a["credit"])] + ([a["feedback"]] if a.get("feedback") else []))
            for a in data["answers"])
    elif qtype == "numeric":
        fields["answer"] = _fmt(data["answer"])
        fields["tolerance"] = _fmt(data["tolerance"])
        fields["unit"] = data.get("unit") or ""
        fields["units"] = "\n".join(f"{name} = {_fmt(factor)}" for name, factor in data.get("units", {}).items())
    elif qtype == "ordering":
        fields["items"] = "\n".join(SEPARATOR.join((i["id"], i["text"])) for i in data["items"])
    elif qtype == "matching":
        fields["pairs"] = "\n".join(SEPARATOR.join((p["id"], p["left"], p["right"])) for p in data["pairs"])
        fields["distractors"] = "\n".join(SEPARATOR.join((d["id"], d["text"])) for d in data["distractors"])
    elif qtype == "cloze":
        fields["text"] = data["text"]
        fields["blanks"] = "\n".join(f"{b['id']}{SEPARATOR}{'; '.join(b['accept'])}" for b in data["blanks"])
    return common, fields
