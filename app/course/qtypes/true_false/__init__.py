"""True / false: a statement judged true or false, with optional feedback for each answer. Pure.

Score: 1 for the keyed answer, else 0.
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes.base import FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import chosen, one
from app.course.words import N_


class TrueFalse(QuestionType):
    name = "true_false"
    label = N_("True / false")
    fields = frozenset({"answer", "feedback"})
    json_type = bool
    json_help = "true or false"

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        if "answer" not in q:
            check.add(q.line, f"{where} is missing 'answer'")
            return None
        if not isinstance(q["answer"], bool):
            check.add(q.line_of("answer"), f"{where}: 'answer' must be true or false")
            return None
        body: dict = {"answer": q["answer"]}
        if "feedback" in q:
            feedback = check.mapping(q["feedback"], q.line_of("feedback"), f"{where}: 'feedback'")
            if feedback is None:
                return None
            for key in feedback:
                if key not in {"true", "false"}:
                    check.add(feedback.line_of(key), f"{where}: feedback keys are 'true' and 'false', not '{key}'")
            body["feedback"] = {key: text for key in ("true", "false")
                                if key in feedback and (text := check.text(feedback, key, f"{where} feedback"))}
        return body

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"feedback": {key: inline(text) for key, text in data.get("feedback", {}).items()}}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        value = chosen(one(get_all(field), field), {"true", "false"}, field)
        return None if value is None else value == "true"

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {field: ["true" if response else "false"]}

    def score(self, data: dict, response: bool | None) -> Outcome:
        return outcome(1.0 if response is data["answer"] else 0.0, response is not None)

    def key_response(self, data: dict) -> Any:
        return data["answer"]

    def yes_or_no(self, data: dict) -> bool | None:
        return data["answer"]

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("answer", N_("The statement is"), "radio", choices=(("true", N_("True")), ("false", N_("False")))),
                FormRow("feedback_true", N_("Feedback for “True” (optional)"), "text"),
                FormRow("feedback_false", N_("Feedback for “False” (optional)"), "text"))

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"answer": {"true": True, "false": False}.get((fields.get("answer") or "").strip().lower(), fields.get("answer"))}
        feedback = {key: (fields.get(f"feedback_{key}") or "").strip() for key in ("true", "false")}
        if any(feedback.values()):
            data["feedback"] = {key: text for key, text in feedback.items() if text}
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        return {"answer": "true" if data["answer"] else "false",
                **{f"feedback_{key}": data.get("feedback", {}).get(key, "") for key in ("true", "false")}}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return "<p>True or false?</p>", "True" if data["answer"] else "False"


TYPE = TrueFalse()
