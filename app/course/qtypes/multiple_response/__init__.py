"""Multiple response: choose every right option. Pure.

Score: with k right options, each right pick earns 1/k and each wrong pick costs 1/k; never below 0,
so picking everything never earns full marks.
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes.base import Outcome, outcome
from app.course.qtypes.choice import ChoiceType, options
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import chosen


class MultipleResponse(ChoiceType):
    name = "multiple_response"
    label = "Multiple response"
    json_type = list
    json_help = "a list of option ids"
    answer_label = "Correct option ids, comma-separated"

    def keyed(self, data: dict) -> set[str]:
        return set(data["answer"])

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        found = options(check, q, where)
        if "answer" not in q:
            check.add(q.line, f"{where} is missing 'answer'")
            return None
        answer = q["answer"]
        if not isinstance(answer, list) or not answer or not all(isinstance(a, str) for a in answer):
            check.add(q.line_of("answer"), f"{where}: 'answer' must be a list of option ids")
            return None
        if found is None:
            return None
        listed, ids = found
        unknown = [a for a in answer if a not in ids]
        if unknown:
            check.add(q.line_of("answer"), f"{where}: answer '{unknown[0]}' is not among the options ({', '.join(sorted(ids))})")
            return None
        if len(set(answer)) != len(answer):
            check.add(q.line_of("answer"), f"{where}: 'answer' lists an option twice")
            return None
        if len(set(answer)) == len(ids):
            check.add(q.line_of("answer"), f"{where}: every option is correct; add at least one wrong option")
            return None
        return {"options": listed, "answer": sorted(answer, key=[o["id"] for o in listed].index)}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        allowed = {o["id"] for o in data["options"]}
        picks = [chosen(value, allowed, field) for value in get_all(field)]
        return sorted({pick for pick in picks if pick}) or None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {field: list(response)}

    def score(self, data: dict, response: list[str] | None) -> Outcome:
        picks = set(response or [])
        key = set(data["answer"])
        right, wrong = len(picks & key), len(picks - key)
        parts = {option["id"]: (option["id"] in picks) == (option["id"] in key) for option in data["options"]}
        return outcome((right - wrong) / len(key), bool(picks), parts)

    def key_response(self, data: dict) -> Any:
        return list(data["answer"])

    def from_fields(self, fields: dict[str, str]) -> dict:
        return {**super().from_fields(fields), "answer": [a.strip() for a in (fields.get("answer") or "").split(",") if a.strip()]}

    def to_fields(self, data: dict) -> dict[str, str]:
        return {**super().to_fields(data), "answer": ", ".join(data["answer"])}


TYPE = MultipleResponse()
