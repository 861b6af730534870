"""Short answer: a typed word or phrase, read as a marker reads it. Pure.

Score: the response is read by ``answers.py`` (case, accents, punctuation, filler, plurals, other
spellings of names, one typo in a long answer) and compared with the known wrong answers first, then
the accepted ones; the best credit counts. A response that matches none scores 0 and is shown the
question's ``other_feedback``, if it has one.
"""

from __future__ import annotations

import copy
from html import escape
from typing import Any, Callable

from app.course.answers import match_text, seen_words
from app.course.limits import MAX_FIELD_CHARS, oversized
from app.course.qtypes import rows
from app.course.qtypes.base import FormRow, Outcome, outcome
from app.course.qtypes.fields import Checker, LineDict, credit_field, wrong_and_spelling
from app.course.qtypes.typed import OTHER_FEEDBACK_ROW, TypedType, other_feedback, text_answers
from app.course.words import N_


ACCEPTED_COLUMNS = (rows.Column("text", N_("Answer")), rows.Column("credit", N_("Part marks (optional)"), "number"),
                    rows.Column("feedback", N_("Feedback (optional)")))
WRONG_COLUMNS = (rows.Column("text", N_("Wrong answer")), rows.Column("feedback", N_("Feedback (optional)")))


class ShortAnswer(TypedType):
    name = "short_answer"
    label = N_("Short answer")
    fields = frozenset({"answers", "wrong_answers", "spelling", "other_feedback"})

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        raw = check.items(q, "answers", where, 1)
        if raw is None:
            return None
        answers = []
        for index, item in enumerate(raw, start=1):
            label = f"{where}, answer {index}"
            if not isinstance(item, LineDict):
                item_text = None if isinstance(item, bool) or item is None else str(item).strip()
                if not item_text:
                    check.add(q.line_of("answers"), f"{label} must be text or a mapping with 'text'")
                    continue
                if problem := oversized(item_text, MAX_FIELD_CHARS):
                    check.add(q.line_of("answers"), f"{label} {problem}")
                    continue
                answers.append({"text": item_text, "credit": 1.0})
                continue
            text = check.text(item, "text", label)
            credit = credit_field(check, item, label)
            for key in item:
                if key not in {"text", "credit", "feedback"}:
                    check.add(item.line_of(key), f"{label}: unknown field '{key}'")
            entry = {"text": text, "credit": credit}
            if "feedback" in item:
                entry["feedback"] = check.text(item, "feedback", label)
            if text is not None and credit is not None:
                answers.append(entry)
        if answers and not any(answer["credit"] == 1.0 for answer in answers):
            check.add(q.line_of("answers"), f"{where}: at least one answer must earn full credit")
            return None
        extra = wrong_and_spelling(check, q, q, where, [answer["text"] for answer in answers])
        other = other_feedback(check, q, where)
        if extra is None or other is None or len(answers) != len(raw):
            return None
        return {"answers": answers, **extra, **other}

    def score(self, data: dict, response: str | None) -> Outcome:
        if not (response or "").strip():
            return outcome(0.0, False)
        found = match_text(response, text_answers(data["answers"], data.get("wrong_answers", [])), data.get("spelling", "lenient"),
                           seen=seen_words(data.get("prompt", "")))
        return outcome(found.credit, True, note=found.note, matched=found.matched)

    def key_response(self, data: dict) -> Any:
        return next(a["text"] for a in data["answers"] if a["credit"] == 1.0)

    def accepting(self, data: dict, text: str, credit: float, part: str | None, same: Callable[[str, str], bool]) -> dict:
        """An entry in ``answers``; an entry of the same text earning less is raised instead."""
        accepted = copy.deepcopy(data)
        entry = next((entry for entry in accepted["answers"] if same(entry["text"], text)), None)
        if entry is not None:
            entry["credit"] = max(entry["credit"], credit)
        else:
            accepted["answers"].append({"text": text, "credit": credit})
        return accepted

    def accept_snippet(self, data: dict, entry: Callable[[Any, bool], str], text: str, part: str | None) -> str:
        return f"# question '{data['id']}': add to its answers list\nanswers:\n  {entry(text, False)}"

    def leak_keys(self, data: dict, keys: Any) -> list:
        return [key for answer in data["answers"] if answer["credit"] == 1.0 for key in keys.text(answer["text"], among_candidates=True)]

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("answers", N_("Accepted answers"), "rows", N_("One row per answer a learner may type. Part marks: from above 0 "
                        "to 1 (empty is full marks); at least one answer earns full marks."),
                        columns=ACCEPTED_COLUMNS, noun=N_("answer"), at_least=2),
                FormRow("wrong_answers", N_("Known wrong answers (optional)"), "rows", N_("Answers learners often give, with feedback "
                        "that helps them."), columns=WRONG_COLUMNS, noun=N_("wrong answer"), at_least=1),
                OTHER_FEEDBACK_ROW,
                FormRow("spelling", N_("Spelling"), "select", choices=rows.SPELLING_CHOICES))

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"answers": rows.known(rows.read_rows(fields, "answers", ACCEPTED_COLUMNS), with_credit=True)}
        if wrong := rows.known(rows.read_rows(fields, "wrong_answers", WRONG_COLUMNS), with_credit=False):
            data["wrong_answers"] = wrong
        if (fields.get("spelling") or "").strip():
            data["spelling"] = fields["spelling"].strip()
        if (fields.get("other_feedback") or "").strip():
            data["other_feedback"] = fields["other_feedback"].strip()
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        accepted = [{**row, "credit": "" if row["credit"] == "1" else row["credit"]} for row in rows.known_rows(data["answers"], True)]
        return {**rows.write_rows("answers", accepted),
                **rows.write_rows("wrong_answers", rows.known_rows(data.get("wrong_answers", []), with_credit=False)),
                "spelling": data.get("spelling", ""), "other_feedback": data.get("other_feedback", "")}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return "", " / ".join(escape(a["text"]) for a in data["answers"] if a["credit"] == 1.0)


TYPE = ShortAnswer()
