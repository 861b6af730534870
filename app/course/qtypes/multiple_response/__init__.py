"""Multiple response: choose every right option. Pure.

Score, by the question's ``scoring``:

- ``per_pick`` (the default): with k right options, each right pick earns 1/k and each wrong pick costs
  1/k; never below 0, so picking everything never earns full marks.
- ``weights`` (Moodle's fractions): every option carries a ``credit`` from -1 to 1, the right ones
  (credit above 0) adding up to 1; the mark is the sum of the picked options' credits, held to [0, 1].
"""

from __future__ import annotations

import math
from typing import Any, Callable

from app.course.qtypes import rows
from app.course.qtypes.base import FormRow, Outcome, outcome
from app.course.qtypes.choice import ChoiceType, options
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import chosen
from app.course.words import N_

SCORING_RULES = ("per_pick", "weights")
CREDIT_SUM_SLACK = 1e-6  # Moodle writes fractions such as 33.33333: three of them make 1 within this


class MultipleResponse(ChoiceType):
    name = "multiple_response"
    label = N_("Multiple response")
    fields = ChoiceType.fields | {"scoring"}
    json_type = list
    json_help = "a list of option ids"
    option_columns = (rows.Column("id", "Id", "hidden"),
                      rows.Column("correct", N_("Correct"), "check"),
                      rows.Column("text", N_("Option")),
                      rows.Column("feedback", N_("Feedback when chosen")),
                      rows.Column("credit", N_("Weight (weights scoring only)"), "number",
                                  N_("From -1 to 1; the right options' weights add up to 1")))
    option_key = ""  # a tick box per row (the "correct" column) names the answers
    options_hint = N_("One row per option. Tick every right one; feedback says why each option is right or wrong.")

    def keyed(self, data: dict) -> set[str]:
        return set(data["answer"])

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        found = options(check, q, where)
        scoring = check.text(q, "scoring", where, required=False) or "per_pick"
        if scoring not in SCORING_RULES:
            check.add(q.line_of("scoring"), f"{where}: 'scoring' is 'per_pick' or 'weights', not '{scoring}'")
            return None
        if "answer" not in q:
            check.add(q.line, f"{where} is missing 'answer'")
            return None
        answer = q["answer"]
        if not isinstance(answer, list) or not answer or not all(isinstance(a, str) for a in answer):
            check.add(q.line_of("answer"), f"{where}: 'answer' must be a list of option ids")
            return None
        if found is None:
            return None
        listed, credit_lines = found
        ids = [o["id"] for o in listed]
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
        body = {"options": listed, "answer": sorted(answer, key=ids.index)}
        if scoring == "per_pick":
            for ident, line in credit_lines.items():
                check.add(line, f"{where}: option '{ident}' has a 'credit', which only 'scoring: weights' uses")
            return None if credit_lines else body
        return self._weights(check, q, where, body, len(credit_lines) == len(listed))

    def _weights(self, check: Checker, q: LineDict, where: str, body: dict, all_credited: bool) -> dict | None:
        """A weights question: every option has its credit, the right ones add up to 1, and ``answer`` names them."""
        if not all_credited:
            missing = [o["id"] for o in body["options"] if "credit" not in o]
            check.add(q.line_of("options"), f"{where}: with 'scoring: weights' every option needs a 'credit' "
                                            f"(missing: {', '.join(missing)})")
            return None
        right = [o for o in body["options"] if o["credit"] > 0]
        total = math.fsum(o["credit"] for o in right)
        if abs(total - 1) > CREDIT_SUM_SLACK:
            check.add(q.line_of("options"), f"{where}: the right options' credits add up to {total:g}, not 1")
            return None
        if [o["id"] for o in right] != body["answer"]:
            check.add(q.line_of("answer"), f"{where}: with 'scoring: weights', 'answer' lists exactly the options with credit "
                                           f"above 0 ({', '.join(o['id'] for o in right)})")
            return None
        return {**body, "scoring": "weights"}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        allowed = {o["id"] for o in data["options"]}
        picks = [chosen(value, allowed, field) for value in get_all(field)]
        return sorted({pick for pick in picks if pick}) or None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {field: list(response)}

    def score(self, data: dict, response: list[str] | None) -> Outcome:
        picks = set(response or [])
        key = set(data["answer"])
        parts = {option["id"]: (option["id"] in picks) == (option["id"] in key) for option in data["options"]}
        if data.get("scoring") == "weights":
            mark = math.fsum(option["credit"] for option in data["options"] if option["id"] in picks)
        else:
            mark = (len(picks & key) - len(picks - key)) / len(key)
        return outcome(mark, bool(picks), parts)

    def key_response(self, data: dict) -> Any:
        return list(data["answer"])

    def form_rows(self) -> tuple[FormRow, ...]:
        scoring = FormRow("scoring", N_("Scoring"), "select", choices=(
            ("", N_("Per pick (the default): each right pick earns 1/k of the mark, each wrong pick costs 1/k")),
            ("weights", N_("Weights: the sum of the picked options' weights (Moodle's fractions)"))))
        first, *rest = super().form_rows()
        return (first, scoring, *rest)

    def from_fields(self, fields: dict[str, str]) -> dict:
        data = {**super().from_fields(fields), "answer": [row["id"] for row in self.option_rows(fields) if row["correct"]]}
        if (fields.get("scoring") or "").strip():
            data["scoring"] = fields["scoring"].strip()
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        fields = {**super().to_fields(data), "scoring": data.get("scoring", "")}
        fields.update({rows.row_name("options", index, "correct"): "y" if option["id"] in data["answer"] else ""
                       for index, option in enumerate(data["options"])})
        return fields


TYPE = MultipleResponse()
