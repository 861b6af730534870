"""What short answer and numeric share: one typed answer, and feedback for known answers. Pure."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable

from app.course.answers import Answer
from app.course.qtypes.base import FormRow, QuestionType
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import AnswerForm, typed_text
from app.course.words import N_

OTHER_FEEDBACK_ROW = FormRow("other_feedback", N_("Feedback for any other answer (optional)"), "text",
                             N_("Shown when the answer matches none of the answers above (Moodle's * answer)"))


def number_text(value: float) -> str:
    """A number written so that reading it back gives exactly the same float: "0.5", "-0.3333333333333333", "2000",
    never "1e-05" (which a marker reads as two numbers) nor a rounded "-0.333333"."""
    return format(Decimal(repr(float(value))).normalize(), "f") if value else "0"


def text_answers(accepted: list[dict], wrong: list[dict]) -> list[Answer]:
    """The known wrong answers (read first) and the accepted ones, as the answer reader takes them."""
    return ([Answer(w["text"], 0.0, w.get("feedback")) for w in wrong]
            + [Answer(a["text"], a["credit"], a.get("feedback")) for a in accepted])


def other_feedback(check: Checker, holder: LineDict, where: str) -> dict | None:
    """The optional ``other_feedback`` of a question or cloze blank (said to a response that matched no known
    answer) as ``{other_feedback: text}``, ``{}`` when absent, or None when it is no text."""
    if "other_feedback" not in holder:
        return {}
    text = check.text(holder, "other_feedback", where)
    return None if text is None else {"other_feedback": text}


class TypedType(QuestionType):
    """One text box; feedback per known answer (accepted, known wrong, other)."""

    typed = True
    json_help = "the text typed"

    def known(self, data: dict) -> list[dict]:
        return data.get("answers", []) + data.get("wrong_answers", []) + data.get("other_answers", [])

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        html = {"feedback": {a["text"]: inline(a["feedback"]) for a in self.known(data) if a.get("feedback")}}
        if "other_feedback" in data:
            html["other_feedback"] = inline(data["other_feedback"])
        return html

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        return typed_text(get_all(field), field)

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {}

    def typed_parts(self, data: dict) -> list[str | None]:
        return [None]

    def short_parts(self, data: dict, response: Any, parts: dict[str, bool]) -> list[str | None]:
        return [None] if isinstance(response, str) and response.strip() else []

    def part_credit(self, data: dict, text: str, part: str | None) -> float:
        return self.score(data, text).score

    def known_wrong(self, data: dict, part: str | None) -> set[str]:
        return {wrong["text"] for wrong in data.get("wrong_answers", [])}

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        texts = {entry["text"]: entry.get("feedback", "") for entry in self.known(data) if entry.get("credit", 0) < 1}
        hidden = {**html, "feedback": {text: notice if names_key(texts.get(text, "")) else said
                                       for text, said in (html.get("feedback") or {}).items()}}
        if html.get("other_feedback") and names_key(data.get("other_feedback", "")):
            hidden["other_feedback"] = notice
        return hidden
