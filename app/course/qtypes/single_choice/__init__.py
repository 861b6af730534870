"""Single choice: one keyed option among shuffled options, each with its feedback. Pure.

Score: 1 for the keyed option, else 0.
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes.base import Outcome, outcome
from app.course.qtypes.choice import ChoiceType, options
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import chosen, one


class SingleChoice(ChoiceType):
    name = "single_choice"
    label = "Single choice"
    json_help = "an option id"

    def keyed(self, data: dict) -> set[str]:
        return {data["answer"]}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        found = options(check, q, where)
        answer = check.text(q, "answer", where)
        if found is None or answer is None:
            return None
        listed, ids = found
        if answer not in ids:
            check.add(q.line_of("answer"), f"{where}: answer '{answer}' is not among the options ({', '.join(sorted(ids))})")
            return None
        return {"options": listed, "answer": answer}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        return chosen(one(get_all(field), field), {o["id"] for o in data["options"]}, field)

    def score(self, data: dict, response: str | None) -> Outcome:
        return outcome(1.0 if response == data["answer"] else 0.0, response is not None)

    def key_response(self, data: dict) -> Any:
        return data["answer"]

    def from_fields(self, fields: dict[str, str]) -> dict:
        return {**super().from_fields(fields), "answer": (fields.get("answer") or "").strip()}

    def to_fields(self, data: dict) -> dict[str, str]:
        return {**super().to_fields(data), "answer": data["answer"]}


TYPE = SingleChoice()
