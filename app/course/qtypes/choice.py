"""What single choice and multiple response share: options with feedback, shown shuffled, and a quoted passage. Pure."""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes import rows
from app.course.qtypes.base import CANDIDATE, HTML_LIST, FormRow, QuestionType
from app.course.qtypes.fields import Checker, LineDict, labelled_items
from app.course.qtypes.forms import AnswerForm


def options(check: Checker, q: LineDict, where: str) -> tuple[list[dict], set[str]] | None:
    raw = check.items(q, "options", where, 2)
    if raw is None:
        return None
    found, seen = labelled_items(check, raw, q.line_of("options"), where, "option", ("text", "feedback"))
    return found, set(seen)


class ChoiceType(QuestionType):
    """Options with feedback; ``keyed(data)`` is the set of right option ids."""

    fields = frozenset({"options", "answer", "passage"})
    api_schema = {"choices": HTML_LIST}

    def keyed(self, data: dict) -> set[str]:
        raise NotImplementedError

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"options": {o["id"]: inline(o["text"]) for o in data["options"]},
                "feedback": {o["id"]: inline(o["feedback"]) for o in data["options"]}}

    def choice_ids(self, data: dict) -> list[str]:
        return [option["id"] for option in data["options"]]

    def answer_form(self, data: dict, field: str, order: list[str], token: Callable[[str, str], str]) -> AnswerForm:
        tokens = {option["id"]: token("option", option["id"]) for option in data["options"]}
        return AnswerForm(field, tuple((tokens[ident], ident) for ident in order), (), tokens)

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {"choices": [{"id": token, "html": html["options"][ident]} for token, ident in form.choices]}

    def leak_keys(self, data: dict, keys: Any) -> list:
        # The learner sees a choice key among A's own options already: it leaks only where it is stated.
        keyed = self.keyed(data)
        return [key for option in data["options"] if option["id"] in keyed for key in keys.text(option["text"], among_candidates=False)]

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        return [(f"option {option['id']}", CANDIDATE, option["text"]) for option in data["options"]]

    def hide_key_feedback(self, data: dict, html: dict, names_key: Callable[[str], bool], notice: str) -> dict:
        keyed = self.keyed(data)
        return {**html, "feedback": {option["id"]: notice if option["id"] not in keyed and names_key(option["feedback"])
                                     else html["feedback"][option["id"]] for option in data["options"]}}

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("options", "Options", "text", rows.LINE_HINT + "id | text | feedback"),
                FormRow("answer", self.answer_label, "line"),
                FormRow("passage_lines", "Quoted passage: the paper's lines (optional)", "line", "first-last, e.g. 712-714"),
                FormRow("passage_quote", "Quoted passage: the paper's words (optional)", "text", "Under 40 words; mark a cut with …"))

    answer_label = "Correct option id"

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"options": rows.labelled(fields.get("options"), ("id", "text", "feedback"))}
        if (fields.get("passage_lines") or "").strip() or (fields.get("passage_quote") or "").strip():
            first, _, last = (fields.get("passage_lines") or "").partition("-")
            data["passage"] = {"lines": [rows.number(first), rows.number(last or first)], "quote": (fields.get("passage_quote") or "").strip()}
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        fields = {"options": rows.labelled_lines(data["options"], ("id", "text", "feedback"))}
        if "passage" in data:
            first, last = data["passage"]["lines"]
            fields["passage_lines"] = f"{first}-{last}"
            fields["passage_quote"] = data["passage"]["quote"]
        return fields

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return (list_html([html["options"][ident] for ident in order]),
                list_html([html["options"][option["id"]] for option in data["options"] if option["id"] in self.keyed(data)]))


def list_html(items: list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    return f"<{tag}>" + "".join(f"<li>{item}</li>" for item in items) + f"</{tag}>"
