"""Matching: a select of right-hand answers for each left-hand item, with optional distractors. Pure.

Score: each left item matched to its right-hand answer earns 1/(number of pairs); left items may
share a right-hand answer (the text is what counts, as in Moodle).
"""

from __future__ import annotations

from typing import Any, Callable

from app.course.qtypes import rows
from app.course.qtypes.base import CANDIDATE, HTML_LIST, FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.choice import list_html
from app.course.qtypes.fields import Checker, LineDict, labelled_items
from app.course.qtypes.forms import AnswerForm, ForgedResponse, chosen, one
from app.course.words import N_


PAIR_COLUMNS = (rows.Column("id", "Id", "hidden"), rows.Column("left", N_("Left")), rows.Column("right", N_("Matches")))
DISTRACTOR_COLUMNS = (rows.Column("id", "Id", "hidden"), rows.Column("text", N_("Extra answer")))


class Matching(QuestionType):
    name = "matching"
    label = N_("Matching")
    fields = frozenset({"pairs", "distractors"})
    json_type = dict
    json_help = "an object: left id → right id"
    api_schema = {"left": HTML_LIST, "right": HTML_LIST}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        raw = check.items(q, "pairs", where, 2)
        if raw is None:
            return None
        pairs, seen = labelled_items(check, raw, q.line_of("pairs"), where, "pair", ("left", "right"))
        distractors: list[dict] = []
        if "distractors" in q:
            raw_distractors = check.items(q, "distractors", where, 1) or []
            distractors, _ = labelled_items(check, raw_distractors, q.line_of("distractors"), where, "distractor", ("text",))
            for distractor in distractors:
                if distractor["id"] in seen:
                    check.add(q.line_of("distractors"), f"{where}: distractor id '{distractor['id']}' is also a pair id")
                    return None
        rights = {pair["right"] for pair in pairs}
        for distractor in distractors:
            if distractor["text"] in rights:
                check.add(q.line_of("distractors"), f"{where}: distractor '{distractor['text']}' is also a right-hand answer")
                return None
        if len(pairs) != len(raw):
            return None
        return {"pairs": pairs, "distractors": distractors}

    def export_form(self, data: dict) -> dict:
        return data if data.get("distractors") else {key: value for key, value in data.items() if key != "distractors"}

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        right = {p["id"]: inline(p["right"]) for p in data["pairs"]}
        right.update({d["id"]: inline(d["text"]) for d in data["distractors"]})
        return {"left": {p["id"]: inline(p["left"]) for p in data["pairs"]}, "right": right}

    def choice_ids(self, data: dict) -> list[str]:
        first_with_text: dict[str, str] = {}
        for pair in data["pairs"]:
            first_with_text.setdefault(pair["right"], pair["id"])  # a shared answer is offered once
        return list(first_with_text.values()) + [d["id"] for d in data["distractors"]]

    def answer_form(self, data: dict, field: str, order: list[str], token: Callable[[str, str], str]) -> AnswerForm:
        """Selects are named by a token of their left item, never by the pair id that is also the id of their answer."""
        idents = [pair["id"] for pair in data["pairs"]] + [d["id"] for d in data["distractors"]]
        tokens = {ident: token("right", ident) for ident in idents}
        names = {f"{field}-{pair['id']}": f"{field}-{token('left', pair['id'])}" for pair in data["pairs"]}
        selects = tuple((names[f"{field}-{pair['id']}"], pair["id"]) for pair in data["pairs"])
        return AnswerForm(field, tuple((tokens[ident], ident) for ident in order), selects, tokens, names)

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        allowed = {p["id"] for p in data["pairs"]} | {d["id"] for d in data["distractors"]}
        picked = {p["id"]: chosen(one(get_all(f"{field}-{p['id']}"), field), allowed, field) for p in data["pairs"]}
        return picked if any(picked.values()) else None

    def form_values(self, data: dict, field: str, response: Any) -> dict[str, list[str]]:
        return {f"{field}-{part}": [value or ""] for part, value in response.items()}

    def json_values(self, data: dict, form: AnswerForm, value: Any) -> dict[str, list[str]]:
        lefts = {form.part(name): name for name, _ in form.selects}
        unknown = next((key for key in value if key not in lefts), None)
        if unknown is not None:
            raise ForgedResponse(f"“{unknown[:40]}” is not one of the left items of {data['id']}.")
        return {name: [value.get(left) or ""] for left, name in lefts.items()}

    def score(self, data: dict, response: dict[str, str | None] | None) -> Outcome:
        response = response or {}
        texts = {pair["id"]: pair["right"] for pair in data["pairs"]} | {d["id"]: d["text"] for d in data["distractors"]}
        parts = {pair["id"]: texts.get(response.get(pair["id"])) == pair["right"] for pair in data["pairs"]}
        return outcome(sum(parts.values()) / len(parts), any(response.values()), parts)

    def key_response(self, data: dict) -> Any:
        return {pair["id"]: pair["id"] for pair in data["pairs"]}

    def api_fields(self, data: dict, html: dict, form: AnswerForm) -> dict:
        return {"left": [{"id": form.part(name), "html": html["left"][pair_id]} for name, pair_id in form.selects],
                "right": [{"id": token, "html": html["right"][ident]} for token, ident in form.choices]}

    def leak_keys(self, data: dict, keys: Any) -> list:
        return [key for pair in data["pairs"] for key in keys.pair(pair["left"], pair["right"])]

    def shown_texts(self, data: dict) -> list[tuple[str, str, str]]:
        return ([(f"pair {pair['id']}", CANDIDATE, text) for pair in data["pairs"] for text in (pair["left"], pair["right"])]
                + [(f"distractor {item['id']}", CANDIDATE, item["text"]) for item in data["distractors"]])

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("pairs", N_("Pairs"), "rows", N_("One row per pair: learners match each left-hand text to its right-hand one."),
                        columns=PAIR_COLUMNS, noun=N_("pair"), at_least=3),
                FormRow("distractors", N_("Extra right-hand answers (optional)"), "rows", N_("Right-hand answers that match nothing"),
                        columns=DISTRACTOR_COLUMNS, noun=N_("extra answer"), at_least=1))

    def from_fields(self, fields: dict[str, str]) -> dict:
        taken: set[str] = set()  # pairs and extra answers share one set of ids
        data: dict = {"pairs": [{"id": row["id"], "left": row["left"], "right": row["right"]}
                                for row in rows.with_ids(rows.read_rows(fields, "pairs", PAIR_COLUMNS), taken)]}
        if distractors := rows.with_ids(rows.read_rows(fields, "distractors", DISTRACTOR_COLUMNS), taken):
            data["distractors"] = [{"id": row["id"], "text": row["text"]} for row in distractors]
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        return {**rows.write_rows("pairs", [{"id": p["id"], "left": p["left"], "right": p["right"]} for p in data["pairs"]]),
                **rows.write_rows("distractors", [{"id": d["id"], "text": d["text"]} for d in data["distractors"]])}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return (list_html([html["left"][p["id"]] for p in data["pairs"]]),
                list_html([f"{html['left'][p['id']]} → {html['right'][p['id']]}" for p in data["pairs"]]))


def from_sides(sides: list[tuple[str, str]], meta: dict) -> dict:
    """Our matching from (left, right) texts as a file lists them (no left side: a distractor), with the ids our
    own export kept in its metadata, else p1, p2… and d1, d2…"""
    pairs = [side for side in sides if side[0]]
    distractors = [side for side in sides if not side[0]]
    pair_ids = meta.get("pairs") or [f"p{i + 1}" for i in range(len(pairs))]
    distractor_ids = meta.get("distractors") or [f"d{i + 1}" for i in range(len(distractors))]
    return {"type": "matching",
            "pairs": [{"id": i, "left": left, "right": right} for i, (left, right) in zip(pair_ids, pairs, strict=True)],
            **({"distractors": [{"id": i, "text": right} for i, (_, right) in zip(distractor_ids, distractors, strict=True)]}
               if distractors else {})}


TYPE = Matching()
