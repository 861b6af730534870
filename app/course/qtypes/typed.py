"""What short answer and numeric share: one typed answer, and feedback for known answers. Pure."""

from __future__ import annotations

from typing import Any, Callable

from app.course.answers import Answer
from app.course.qtypes.base import QuestionType
from app.course.qtypes.forms import AnswerForm, typed_text


def text_answers(accepted: list[dict], wrong: list[dict]) -> list[Answer]:
    """The known wrong answers (read first) and the accepted ones, as the answer reader takes them."""
    return ([Answer(w["text"], 0.0, w.get("feedback")) for w in wrong]
            + [Answer(a["text"], a["credit"], a.get("feedback")) for a in accepted])


class TypedType(QuestionType):
    """One text box; feedback per known answer (accepted, known wrong, other)."""

    typed = True
    json_help = "the text typed"

    def known(self, data: dict) -> list[dict]:
        return data.get("answers", []) + data.get("wrong_answers", []) + data.get("other_answers", [])

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"feedback": {a["text"]: inline(a["feedback"]) for a in self.known(data) if a.get("feedback")}}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        return typed_text(get_all(field), field)

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {}

    def short_parts(self, data: dict, response: Any, parts: dict[str, bool]) -> list[str | None]:
        return [None] if isinstance(response, str) and response.strip() else []

    def part_credit(self, data: dict, text: str, part: str | None) -> float:
        return self.score(data, text).score

    def known_wrong(self, data: dict, part: str | None) -> set[str]:
        return {wrong["text"] for wrong in data.get("wrong_answers", [])}

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        texts = {entry["text"]: entry.get("feedback", "") for entry in self.known(data) if entry.get("credit", 0) < 1}
        return {**html, "feedback": {text: notice if names_key(texts.get(text, "")) else said
                                     for text, said in (html.get("feedback") or {}).items()}}
