"""Ordering: put events in order, one select per place. Pure.

Score: with n items, each adjacent pair placed in the key's order (item i directly followed by item
i+1) earns 1/(n-1).
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes import rows
from app.course.qtypes.base import HTML_LIST, STATEMENT, FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.choice import list_html
from app.course.qtypes.fields import Checker, LineDict, labelled_items
from app.course.qtypes.forms import AnswerForm, ForgedResponse, chosen, one
from app.course.words import N_


ITEM_COLUMNS = (rows.Column("id", "Id", "hidden"), rows.Column("text", N_("Item")))


class Ordering(QuestionType):
    name = "ordering"
    label = N_("Ordering")
    fields = frozenset({"items"})
    json_type = list
    json_help = "a list of item ids, first to last"
    api_schema = {"items": HTML_LIST}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        raw = check.items(q, "items", where, 3)
        if raw is None:
            return None
        items, _ = labelled_items(check, raw, q.line_of("items"), where, "item", ("text",))
        return {"items": items} if len(items) == len(raw) else None

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"items": {item["id"]: inline(item["text"]) for item in data["items"]}}

    def choice_ids(self, data: dict) -> list[str]:
        # Every order may be shown, the right one too (as often as any other): an order that never
        # appeared would name the key to anyone who fetched the quiz a few hundred times.
        return [item["id"] for item in data["items"]]

    def answer_form(self, data: dict, field: str, order: list[str], token: Callable[[str, str], str]) -> AnswerForm:
        tokens = {item["id"]: token("item", item["id"]) for item in data["items"]}
        places = tuple((f"{field}-{slot}", str(slot)) for slot in range(len(tokens)))
        return AnswerForm(field, tuple((tokens[ident], ident) for ident in order), places, tokens)

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        allowed = {item["id"] for item in data["items"]}
        slots = [chosen(one(get_all(f"{field}-{slot}"), field), allowed, field) for slot in range(len(data["items"]))]
        return slots if any(slots) else None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {f"{field}-{slot}": [ident or ""] for slot, ident in enumerate(response)}

    def json_values(self, data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
        if len(value) > len(data["items"]):
            raise ForgedResponse(f"The answer to {data['id']} lists more items than the question has.")
        return self.form_values(data, form.field, value)

    def score(self, data: dict, response: list[str | None] | None) -> Outcome:
        key = [item["id"] for item in data["items"]]
        rank = {ident: index for index, ident in enumerate(key)}
        placed: list[str | None] = []
        for ident in response or []:
            placed.append(ident if ident in rank and ident not in placed else None)
        pairs = {}
        for index in range(len(key) - 1):
            first = placed[index] if index < len(placed) else None
            second = placed[index + 1] if index + 1 < len(placed) else None
            pairs[str(index)] = first is not None and second is not None and rank[second] == rank[first] + 1
        return outcome(sum(pairs.values()) / (len(key) - 1), any(placed), pairs)

    def key_response(self, data: dict) -> Any:
        return [item["id"] for item in data["items"]]

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {"items": [{"id": token, "html": html["items"][ident]} for token, ident in form.choices]}

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        return [(f"item {item['id']}", STATEMENT, item["text"]) for item in data["items"]]

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("items", N_("Items in the right order"), "rows", N_("One row per item, first to last; learners see them shuffled."),
                        columns=ITEM_COLUMNS, noun=N_("item"), at_least=4),)

    def from_fields(self, fields: dict[str, str]) -> dict:
        return {"items": [{"id": row["id"], "text": row["text"]}
                          for row in rows.with_ids(rows.read_rows(fields, "items", ITEM_COLUMNS), set())]}

    def to_fields(self, data: dict) -> dict[str, str]:
        return rows.write_rows("items", [{"id": item["id"], "text": item["text"]} for item in data["items"]])

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return ("<p>Put in order:</p>" + list_html([html["items"][ident] for ident in order]),
                list_html([html["items"][item["id"]] for item in data["items"]], ordered=True))


TYPE = Ordering()
