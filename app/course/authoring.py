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
    "single_choice": ("options", "answer", "passage_lines", "passage_quote", "excludes"),
    "multiple_response": ("options", "answer", "passage_lines", "passage_quote", "excludes"),
    "true_false": ("answer", "feedback_true", "feedback_false", "excludes"),
    "short_answer": ("answers", "wrong_answers", "spelling", "excludes"),
    "numeric": ("answer", "tolerance", "unit", "units", "wrong_answers", "other_answers", "excludes"),
    "ordering": ("items", "excludes"),
    "matching": ("pairs", "distractors", "excludes"),
    "cloze": ("text", "blanks", "wrong_answers", "spelling", "excludes"),
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


def _known(text: str | None, with_credit: bool) -> list[dict]:
    """``answer | feedback`` lines (``answer | credit | feedback`` with credit) as bank entries."""
    entries = []
    for line in _lines(text):
        if with_credit:
            answer, credit, feedback = _parts(line, 3)
            entry = {"text": answer, "credit": _number(credit) if credit else 1}
        else:
            answer, feedback = _parts(line, 2)
            entry = {"text": answer}
        if feedback:
            entry["feedback"] = feedback
        entries.append(entry)
    return entries


def _known_lines(entries: list[dict], with_credit: bool) -> str:
    return "\n".join(SEPARATOR.join([e["text"]] + ([_fmt(e["credit"])] if with_credit else [])
                                    + ([e["feedback"]] if e.get("feedback") else [])) for e in entries)


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
        answers: list = []
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
        if wrong := _known(fields.get("wrong_answers"), with_credit=False):
            data["wrong_answers"] = wrong
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
        if wrong := _known(fields.get("wrong_answers"), with_credit=False):
            data["wrong_answers"] = wrong
        if other := _known(fields.get("other_answers"), with_credit=True):
            data["other_answers"] = other
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
        for line in _lines(fields.get("wrong_answers")):  # blank id | wrong answer | feedback
            ident, answer, feedback = _parts(line, 3)
            blank = next((b for b in data["blanks"] if b["id"] == ident), None)
            if blank is None:  # the checker names it: a blank the text does not have
                blank = {"id": ident, "accept": []}
                data["blanks"].append(blank)
            blank.setdefault("wrong_answers", []).append({"text": answer, **({"feedback": feedback} if feedback else {})})
    if qtype in ("short_answer", "cloze") and (fields.get("spelling") or "").strip():
        data["spelling"] = fields["spelling"].strip()
    if qtype in ("single_choice", "multiple_response") and ((fields.get("passage_lines") or "").strip() or (fields.get("passage_quote") or "").strip()):
        first, _, last = (fields.get("passage_lines") or "").partition("-")
        data["passage"] = {"lines": [_number(first), _number(last or first)], "quote": (fields.get("passage_quote") or "").strip()}
    if excludes := [ident.strip() for ident in (fields.get("excludes") or "").split(",") if ident.strip()]:
        data["excludes"] = excludes
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
        fields["wrong_answers"] = _known_lines(data.get("wrong_answers", []), with_credit=False)
    elif qtype == "numeric":
        fields["answer"] = _fmt(data["answer"])
        fields["tolerance"] = _fmt(data["tolerance"])
        fields["unit"] = data.get("unit") or ""
        fields["units"] = "\n".join(f"{name} = {_fmt(factor)}" for name, factor in data.get("units", {}).items())
        fields["wrong_answers"] = _known_lines(data.get("wrong_answers", []), with_credit=False)
        fields["other_answers"] = _known_lines(data.get("other_answers", []), with_credit=True)
    elif qtype == "ordering":
        fields["items"] = "\n".join(SEPARATOR.join((i["id"], i["text"])) for i in data["items"])
    elif qtype == "matching":
        fields["pairs"] = "\n".join(SEPARATOR.join((p["id"], p["left"], p["right"])) for p in data["pairs"])
        fields["distractors"] = "\n".join(SEPARATOR.join((d["id"], d["text"])) for d in data["distractors"])
    elif qtype == "cloze":
        fields["text"] = data["text"]
        fields["blanks"] = "\n".join(f"{b['id']}{SEPARATOR}{'; '.join(b['accept'])}" for b in data["blanks"])
        fields["wrong_answers"] = "\n".join(
            SEPARATOR.join([b["id"], w["text"]] + ([w["feedback"]] if w.get("feedback") else []))
            for b in data["blanks"] for w in b.get("wrong_answers", []))
    if "passage" in data:
        first, last = data["passage"]["lines"]
        fields["passage_lines"] = f"{first}-{last}"
        fields["passage_quote"] = data["passage"]["quote"]
    fields["spelling"] = data.get("spelling", "")
    fields["excludes"] = ", ".join(data.get("excludes", []))
    return common, fields
