"""Essay: an argued answer in the learner's own words, graded with a rubric by a person. Pure.

No rule marks an essay: a submitted essay is ``pending`` until someone grades it, criterion by
criterion — the learner against the model answer (practice, self-learners) or an instructor
(assignments). Its mark is the points of the levels chosen over the points of the top levels.
"""

from __future__ import annotations

import re
from html import escape
from typing import Any, Callable, ClassVar

from app.course.qtypes import rows
from app.course.qtypes.base import FormRow, Outcome, QuestionType, outcome
from app.course.qtypes.fields import Checker, LineDict
from app.course.qtypes.forms import typed_text
from app.course.words import N_

MAX_WORDS = 2000
MAX_ESSAY_CHARS = 20_000  # 2,000 words of long ones
MAX_CRITERIA, MIN_LEVELS, MAX_LEVELS = 8, 2, 6
_WORD = re.compile(r"\S+")

RUBRIC_COLUMNS = (rows.Column("id", "Id", "hidden"), rows.Column("criterion", N_("Criterion")),
                  rows.Column("points", N_("Points"), "number"), rows.Column("description", N_("What an answer at this level does"), "text"))


def criterion_id(title: str, taken: set[str]) -> str:
    """An id for a new criterion: its title in lowercase words joined by hyphens, or the next free letter."""
    ident = "-".join(re.findall(r"[a-z0-9]+", title.lower()))[:40].strip("-")
    return ident if ident and ident not in taken else rows.fresh_id(taken)


def word_count(text: str) -> int:
    """Words as a reader counts them: runs of non-space characters (the page's counter counts the same)."""
    return len(_WORD.findall(text or ""))


def top_points(data: dict) -> float:
    return sum(criterion["levels"][-1]["points"] for criterion in data["rubric"])


def rubric_mark(data: dict, chosen: dict[str, float]) -> float | None:
    """The mark (0–1) of the levels ``chosen`` ({criterion id: points}), or None unless every criterion has one of its levels."""
    total = 0.0
    for criterion in data["rubric"]:
        points = chosen.get(criterion["id"])
        if points not in {level["points"] for level in criterion["levels"]}:
            return None
        total += points
    top = top_points(data)
    return total / top if top else 0.0


def graded(data: dict, chosen: dict[str, float]) -> Outcome:
    """The Outcome of a graded essay."""
    mark = rubric_mark(data, chosen)
    if mark is None:
        raise ValueError("every criterion needs one of its levels")
    return outcome(mark, True)


class Essay(QuestionType):
    name = "essay"
    label = N_("Essay")
    fields = frozenset({"min_words", "max_words", "model_answer", "rubric"})
    json_help = "the essay's text"
    single_try: ClassVar[bool] = True
    graded_by_person: ClassVar[bool] = True

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        body: dict[str, Any] = {}
        for key in ("min_words", "max_words"):
            if key in q:
                value = q[key]
                if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WORDS:
                    check.add(q.line_of(key), f"{where}: '{key}' must be a whole number from 1 to {MAX_WORDS}")
                    return None
                body[key] = value
        if body.get("min_words", 0) > body.get("max_words", MAX_WORDS):
            check.add(q.line_of("max_words"), f"{where}: 'max_words' ({body['max_words']}) is below 'min_words' ({body['min_words']})")
            return None
        model = check.text(q, "model_answer", where)
        rubric = self._rubric(check, q, where)
        if model is None or rubric is None:
            return None
        return {**body, "model_answer": model, "rubric": rubric}

    def _rubric(self, check: Checker, q: LineDict, where: str) -> list[dict] | None:
        raw = check.items(q, "rubric", where, 1)
        if raw is None:
            return None
        if len(raw) > MAX_CRITERIA:
            check.add(q.line_of("rubric"), f"{where}: a rubric has at most {MAX_CRITERIA} criteria (this one has {len(raw)})")
            return None
        criteria, seen = [], {}
        for index, item in enumerate(raw, start=1):
            label = f"{where}, criterion {index}"
            criterion = check.mapping(item, q.line_of("rubric"), label)
            if criterion is None:
                return None
            for key in criterion:
                if key not in {"id", "title", "levels"}:
                    check.add(criterion.line_of(key), f"{label}: unknown field '{key}' (known: id, title, levels)")
                    return None
            ident = check.identifier(criterion, label, seen)
            title = check.text(criterion, "title", label)
            levels = self._levels(check, criterion, label)
            if None in (ident, title, levels):
                return None
            criteria.append({"id": ident, "title": title, "levels": levels})
        return criteria

    def _levels(self, check: Checker, criterion: LineDict, label: str) -> list[dict] | None:
        raw = check.items(criterion, "levels", label, MIN_LEVELS)
        if raw is None:
            return None
        if len(raw) > MAX_LEVELS:
            check.add(criterion.line_of("levels"), f"{label}: at most {MAX_LEVELS} levels (this one has {len(raw)})")
            return None
        levels = []
        for index, item in enumerate(raw, start=1):
            name = f"{label}, level {index}"
            level = check.mapping(item, criterion.line_of("levels"), name)
            if level is None:
                return None
            for key in level:
                if key not in {"points", "description"}:
                    check.add(level.line_of(key), f"{name}: unknown field '{key}' (known: points, description)")
                    return None
            points = level.get("points")
            if isinstance(points, bool) or not isinstance(points, (int, float)) or not 0 <= points <= 100:
                check.add(level.line_of("points"), f"{name}: 'points' must be a number from 0 to 100")
                return None
            if levels and points <= levels[-1]["points"]:
                check.add(level.line_of("points"), f"{name}: points must rise from level to level ({points:g} after {levels[-1]['points']:g})")
                return None
            description = check.text(level, "description", name)
            if description is None:
                return None
            levels.append({"points": points, "description": description})
        if levels[-1]["points"] <= 0:
            check.add(criterion.line_of("levels"), f"{label}: the top level must be worth some points")
            return None
        return levels

    def render(self, data: dict, inline: Callable[[str], str], block: Callable[[str], str]) -> dict:
        return {"model_answer": block(data["model_answer"]),
                "rubric": {criterion["id"]: {"title": inline(criterion["title"]),
                                             "levels": [inline(level["description"]) for level in criterion["levels"]]}
                           for criterion in data["rubric"]}}

    def parse_response(self, data: dict, field: str, get_all: Callable[[str], list[str]]) -> Any:
        """The essay as written: a browser sends each line break as CR LF where the textarea's limit counted one
        character, and paragraphs are split at blank lines."""
        return typed_text([value.replace("\r\n", "\n") for value in get_all(field)], field, MAX_ESSAY_CHARS)

    def score(self, data: dict, response: str | None) -> Outcome:
        """Pending once written: a person grades it with the rubric (:func:`graded`)."""
        if not (response or "").strip():
            return outcome(0.0, False)
        return Outcome(0.0, "pending")

    def key_response(self, data: dict) -> Any:
        return data["model_answer"]

    def api_fields(self, data: dict, html: dict, form: Any) -> dict:
        return {"min_words": data.get("min_words"), "max_words": data.get("max_words")}

    api_schema = {"min_words": {"type": ["integer", "null"]}, "max_words": {"type": ["integer", "null"]}}

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("min_words", N_("Fewest words (optional)"), "line"),
                FormRow("max_words", N_("Most words (optional)"), "line"),
                FormRow("model_answer", N_("Model answer (Markdown), shown after submitting"), "text"),
                FormRow("rubric", N_("Rubric"), "rows", N_("One row per level of a criterion, lowest first; rows with the same "
                        "criterion name make one criterion. Points rise from level to level."),
                        columns=RUBRIC_COLUMNS, noun=N_("level"), at_least=4))

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"model_answer": fields.get("model_answer", ""), "rubric": []}
        for key in ("min_words", "max_words"):
            if (fields.get(key) or "").strip():
                data[key] = rows.number(fields[key])
        taken: set[str] = set()
        for row in rows.read_rows(fields, "rubric", RUBRIC_COLUMNS):
            if not data["rubric"] or data["rubric"][-1]["title"] != row["criterion"]:
                ident = row["id"] if row["id"] and row["id"] not in taken else criterion_id(row["criterion"], taken)
                taken.add(ident)
                data["rubric"].append({"id": ident, "title": row["criterion"], "levels": []})
            data["rubric"][-1]["levels"].append({"points": rows.number(row["points"]), "description": row["description"]})
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        levels = [{"id": criterion["id"], "criterion": criterion["title"], "points": rows.fmt(level["points"]),
                   "description": level["description"]} for criterion in data["rubric"] for level in criterion["levels"]]
        return {"model_answer": data["model_answer"], **rows.write_rows("rubric", levels),
                "min_words": rows.fmt(data["min_words"]) if "min_words" in data else "",
                "max_words": rows.fmt(data["max_words"]) if "max_words" in data else ""}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        """Front: the task and its word limits. Back: the model answer and the whole rubric, to grade oneself by."""
        low, high = data.get("min_words"), data.get("max_words")
        limits = (f"{low}–{high} words" if low and high else f"at least {low} words" if low
                  else f"at most {high} words" if high else "")
        rows_html = "".join(
            f"<tr><th>{html['rubric'][c['id']]['title']}</th>"
            + "".join(f"<td><b>{escape(rows.fmt(level['points']))}</b> {html['rubric'][c['id']]['levels'][index]}</td>"
                      for index, level in enumerate(c["levels"])) + "</tr>"
            for c in data["rubric"])
        return (f"<p>Write an essay{' (' + limits + ')' if limits else ''}.</p>",
                f"{html['model_answer']}<table>{rows_html}</table>")


TYPE = Essay()
