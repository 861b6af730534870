"""What single choice and multiple response share: options with feedback (and credit), shown shuffled, and a quoted passage. Pure."""

from __future__ import annotations

import math
from typing import Any, Callable

from app.course.qtypes import rows
from app.course.qtypes.base import CANDIDATE, HTML_LIST, FormRow, QuestionType
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import AnswerForm
from app.course.qtypes.typed import number_text
from app.course.words import N_

OPTION_FIELDS = ("text", "feedback")


def credit_value(check: Checker, mapping: LineDict, where: str, lowest: float) -> float | None:
    """An option's ``credit``: a number from ``lowest`` to 1 (Moodle's fraction / 100)."""
    credit = mapping["credit"]
    if isinstance(credit, bool) or not isinstance(credit, (int, float)) or not math.isfinite(credit) or not lowest <= credit <= 1:
        check.add(mapping.line_of("credit"), f"{where}: 'credit' must be a number from {lowest:g} to 1")
        return None
    return float(credit)


def options(check: Checker, q: LineDict, where: str) -> tuple[list[dict], dict[str, int]] | None:
    """The question's options, each ``{id, text, feedback}`` and its ``credit`` (from -1 to 1) where given,
    with the line of each given credit by option id (the type judges the credits)."""
    raw = check.items(q, "options", where, 2)
    if raw is None:
        return None
    found, seen, credit_lines = [], {}, {}
    for index, item in enumerate(raw, start=1):
        name = f"{where}, option {index}"
        mapping = check.mapping(item, q.line_of("options"), name)
        if mapping is None:
            continue
        ident = check.identifier(mapping, name, seen)
        values = {key: check.text(mapping, key, name) for key in OPTION_FIELDS}
        for key in mapping:
            if key not in {"id", "credit", *OPTION_FIELDS}:
                check.add(mapping.line_of(key), f"{name}: unknown field '{key}'")
        credit = credit_value(check, mapping, name, -1.0) if "credit" in mapping else None
        if ident and all(values.values()) and ("credit" not in mapping or credit is not None):
            found.append({"id": ident, **values, **({"credit": credit} if credit is not None else {})})
            if credit is not None:
                credit_lines[ident] = mapping.line_of("credit")
    if len(found) != len(raw):  # an option was refused (and said why): the answer is not judged against the rest
        return None
    return found, credit_lines


class ChoiceType(QuestionType):
    """Options with feedback; ``keyed(data)`` is the set of right option ids."""

    fields = frozenset({"options", "answer", "passage"})
    api_schema = {"choices": HTML_LIST}

    def keyed(self, data: dict) -> set[str]:
        raise NotImplementedError

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"options": {o["id"]: inline(o["text"]) for o in data["options"]},
                "feedback": {o["id"]: inline(o["feedback"]) for o in data["options"]}}

    def keyed_options(self, data: dict) -> tuple[list[dict], set[str]] | None:
        return data["options"], self.keyed(data)

    def option_ids(self, data: dict) -> list[str]:
        return [option["id"] for option in data["options"]]

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

    option_columns = (rows.Column("id", "Id", "hidden"),
                      rows.Column("text", N_("Option")),
                      rows.Column("feedback", N_("Feedback when chosen")),
                      rows.Column("credit", N_("Part marks (optional)"), "number", N_("From -1 to 1, for an option that is partly right")))
    option_key = "one"  # a radio per row names the answer
    options_hint = N_("One row per option. Mark the right one; feedback says why each option is right or wrong.")

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("options", N_("Options"), "rows", self.options_hint, columns=self.option_columns, noun=N_("option"),
                        at_least=4, key=self.option_key),
                FormRow("passage_lines", N_("Quoted passage: the paper's lines (optional)"), "line", N_("first-last, e.g. 712-714")),
                FormRow("passage_quote", N_("Quoted passage: the paper's words (optional)"), "text", N_("Under 40 words; mark a cut with …")))

    def option_rows(self, fields: dict[str, str]) -> list[dict]:
        """The options' rows, each with an id (a new row gets the next free letter)."""
        return rows.with_ids(rows.read_rows(fields, "options", self.option_columns), set())

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"options": [{"id": row["id"], "text": row["text"], "feedback": row["feedback"],
                                   **({"credit": rows.number(row["credit"])} if row["credit"] else {})}
                                  for row in self.option_rows(fields)]}
        if (fields.get("passage_lines") or "").strip() or (fields.get("passage_quote") or "").strip():
            first, _, last = (fields.get("passage_lines") or "").partition("-")
            data["passage"] = {"lines": [rows.number(first), rows.number(last or first)], "quote": (fields.get("passage_quote") or "").strip()}
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        fields = rows.write_rows("options", [{"id": o["id"], "text": o["text"], "feedback": o["feedback"],
                                               "credit": number_text(o["credit"]) if "credit" in o else ""} for o in data["options"]])
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
