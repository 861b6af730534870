"""Single choice: one keyed option among shuffled options, each with its feedback, some perhaps partly right. Pure.

Score: the chosen option's credit, floored at 0: 1 for the keyed option, an option's own ``credit``
(Moodle's fraction / 100, from -1 to 1) for the others, 0 when it has none.
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes.base import Outcome, outcome
from app.course.qtypes.choice import ChoiceType, options
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import chosen, one
from app.course.words import N_


class SingleChoice(ChoiceType):
    name = "single_choice"
    label = N_("Single choice")
    json_help = "an option id"
    one_key = True

    def keyed(self, data: dict) -> set[str]:
        return {data["answer"]}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        found = options(check, q, where)
        answer = check.text(q, "answer", where)
        if found is None or answer is None:
            return None
        listed, credit_lines = found
        ids = {option["id"] for option in listed}
        if answer not in ids:
            check.add(q.line_of("answer"), f"{where}: answer '{answer}' is not among the options ({', '.join(sorted(ids))})")
            return None
        canonical, fine = [], True
        for option in listed:
            credit = option.get("credit")
            if option["id"] == answer and credit is not None and credit != 1:
                check.add(credit_lines[answer], f"{where}: option '{answer}' is the answer, so it earns full credit: "
                                                f"leave its 'credit' out (it is {credit:g})")
                fine = False
            elif option["id"] != answer and credit == 1:
                check.add(credit_lines[option["id"]], f"{where}: option '{option['id']}' has credit 1, but only the answer "
                                                      f"('{answer}') earns full credit: make it the answer or give it less")
                fine = False
            # The defaults (1 for the answer, 0 for the rest) are left out, so a question without credits keeps its version.
            canonical.append({key: value for key, value in option.items() if key != "credit" or value not in (0, 1)})
        return {"options": canonical, "answer": answer} if fine else None

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        return chosen(one(get_all(field), field), {o["id"] for o in data["options"]}, field)

    def score(self, data: dict, response: str | None) -> Outcome:
        if response == data["answer"]:
            return outcome(1.0, True)
        credit = next((option.get("credit", 0.0) for option in data["options"] if option["id"] == response), 0.0)
        return outcome(max(0.0, credit), response is not None)

    def key_response(self, data: dict) -> Any:
        return data["answer"]

    def from_fields(self, fields: dict[str, str]) -> dict:
        """The options and the id of the row whose radio is on (empty: none, which the checker refuses)."""
        return {**super().from_fields(fields), "answer": (fields.get("answer") or "").strip()}

    def to_fields(self, data: dict) -> dict[str, str]:
        return {**super().to_fields(data), "answer": data["answer"]}


TYPE = SingleChoice()
