"""Numeric: a typed number, read with the course's scale words, measures and currencies. Pure.

Score: the number is compared with the answer, then the known wrong answers, then the other
answers: the first within its tolerance gives its credit (an other answer may have its own
tolerance; the rest use the question's). A number that matches none scores 0 and is shown the
question's ``other_feedback``, if it has one.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape
from typing import Any, Callable

from app.course.answers import NumberFrame, read_number, same_number, shown_number
from app.course.qtypes import rows
from app.course.qtypes.base import FormRow, Outcome, outcome
from app.course.qtypes.fields import Checker, LineDict, known_answers, number_field
from app.course.qtypes.typed import OTHER_FEEDBACK_ROW, TypedType, number_text, other_feedback
from app.course.words import English, N_, _



def number_frame(data: dict) -> NumberFrame:
    """What a numeric question tells the number reader."""
    return NumberFrame(data.get("unit") or "", data.get("units", {}), data.get("prompt", ""))


UNIT_COLUMNS = (rows.Column("name", N_("Unit")), rows.Column("factor", N_("Worth (in the unit above)"), "number"))
WRONG_COLUMNS = (rows.Column("text", N_("Wrong number")), rows.Column("feedback", N_("Feedback (optional)")))
OTHER_COLUMNS = (rows.Column("text", N_("Number")), rows.Column("tolerance", N_("Tolerance (optional)"), "number"),
                 rows.Column("credit", N_("Part marks"), "number"), rows.Column("feedback", N_("Feedback (optional)")))


class Numeric(TypedType):
    name = "numeric"
    label = N_("Numeric")
    fields = frozenset({"answer", "tolerance", "unit", "units", "wrong_answers", "other_answers", "other_feedback"})
    json_help = "the number typed, as text"
    api_schema = {"unit": {"type": ["string", "null"]}}

    def check(self, check: Checker, q: LineDict, where: str) -> dict | None:
        if "answer" not in q:
            check.add(q.line, f"{where} is missing 'answer'")
            return None
        answer = number_field(check, q, "answer", where)
        tolerance = number_field(check, q, "tolerance", where) if "tolerance" in q else 0.0
        if tolerance is not None and tolerance < 0:
            check.add(q.line_of("tolerance"), f"{where}: 'tolerance' must not be negative")
            return None
        unit = check.text(q, "unit", where, required=False)
        units: dict[str, float] = {}
        if "units" in q:
            mapping = check.mapping(q["units"], q.line_of("units"), f"{where}: 'units'")
            if mapping is None:
                return None
            for name, factor in mapping.items():
                if isinstance(factor, bool) or not isinstance(factor, (int, float)) or factor <= 0:
                    check.add(mapping.line_of(name), f"{where}: unit '{name}' needs a positive multiplier")
                    return None
                units[name.strip().lower()] = float(factor)
        if answer is None or tolerance is None:
            return None
        body: dict[str, Any] = {"answer": answer, "tolerance": tolerance, "unit": unit, "units": units}
        frame = NumberFrame(unit or "", units, str(q.get("prompt") or ""))
        for key, with_credit in (("wrong_answers", False), ("other_answers", True)):
            if key not in q:
                continue
            tolerances = own_tolerances(check, q, where) if with_credit else {}
            if tolerances is None:
                return None
            entries = known_answers(check, without_tolerances(q) if with_credit else q, key, where, with_credit)
            if entries is None:
                return None
            for index, entry in enumerate(entries):
                reading = read_number(entry["text"], frame)
                if reading.problem:
                    check.add(q.line_of(key), f"{where}: '{entry['text']}' in '{key}': {reading.problem}")
                    return None
                if index in tolerances:
                    entry["tolerance"] = tolerances[index]
                # The answer is read first: an entry whose whole range lies inside the answer's would never be reached.
                if abs(reading.values[0][0] - answer) + entry.get("tolerance", tolerance) <= tolerance:
                    check.add(q.line_of(key), f"{where}: '{entry['text']}' in '{key}' is the answer itself")
                    return None
            body[key] = entries
        # A number in both lists would always be marked wrong (known wrong answers are read first): say so.
        wrong = [read_number(entry["text"], frame).values[0][0] for entry in body.get("wrong_answers", [])]
        for entry in body.get("other_answers", []):
            if any(abs(read_number(entry["text"], frame).values[0][0] - value) <= tolerance for value in wrong):
                check.add(q.line_of("other_answers"), f"{where}: '{entry['text']}' is both a known wrong answer and an other answer")
                return None
        other = other_feedback(check, q, where)
        return None if other is None else {**body, **other}

    def export_form(self, data: dict) -> dict:
        exported = dict(data)
        if exported.get("unit") is None:
            exported.pop("unit", None)
        if not exported.get("units"):
            exported.pop("units", None)
        return exported

    def score(self, data: dict, response: str | None) -> Outcome:
        if not (response or "").strip():
            return outcome(0.0, False)
        frame = number_frame(data)
        reading = read_number(response, frame)
        if reading.problem:
            return outcome(0.0, True, note=reading.problem)
        tolerance = data["tolerance"]
        targets = [(w, 0.0) for w in data.get("wrong_answers", [])] + [(o, o["credit"]) for o in data.get("other_answers", [])]
        for value, assumed in reading.values:
            read_as = _("Read as %(number)s %(unit)s, the question's unit.",
                        number=shown_number(value), unit=English(assumed)) if assumed else ""
            if same_number(value, data["answer"], tolerance):  # the answer first, as Moodle reads its first answer
                return outcome(1.0, True, note=read_as)
            for target, credit in targets:
                known = read_number(target["text"], frame).values
                if known and same_number(value, known[0][0], target.get("tolerance", tolerance)):
                    return outcome(credit, True, note=read_as, matched=target["text"])
        value, assumed = reading.values[0]
        note = ""
        if assumed and len(reading.values) > 1:  # a bare number in a question with a scale (million)
            note = _("Read as %(number)s %(unit)s, the question's unit; if you meant another scale, "
                     "write it (thousand, lakh, crore, billion…).", number=shown_number(value), unit=English(assumed))
        return outcome(0.0, True, note=note)

    def key_response(self, data: dict) -> Any:
        return format(Decimal(repr(data["answer"])), "f")  # never "1e-05", which reads as two numbers

    def api_fields(self, data: dict, html: dict, form: Any) -> dict:
        return {"unit": data.get("unit")}

    def accepting(self, data: dict, text: str, credit: float, part: str | None, same: Callable[[str, str], bool]) -> dict:
        """The first entry of ``other_answers``: the first entry a number matches gives its credit, so an older
        entry for the same number cannot overrule the teacher's latest decision."""
        return {**data, "other_answers": [{"text": text, "credit": credit}] + data.get("other_answers", [])}

    def accept_snippet(self, data: dict, entry: Callable[[Any, bool], str], text: str, part: str | None) -> str:
        return f"# question '{data['id']}': add to its other_answers list\nother_answers:\n  {entry({'text': text, 'credit': 1}, True)}"

    def leak_keys(self, data: dict, keys: Any) -> list:
        return [keys.numeric(data)]

    def form_rows(self) -> tuple[FormRow, ...]:
        return (FormRow("answer", N_("Answer (a number)"), "line"),
                FormRow("tolerance", N_("Tolerance (±, optional)"), "line", N_("How far off an answer may be and still be right")),
                FormRow("unit", N_("Unit a bare number is read in (optional)"), "line"),
                FormRow("units", N_("Other accepted units (optional)"), "rows", N_("Each with how many of the unit above it makes"),
                        columns=UNIT_COLUMNS, noun=N_("unit"), at_least=1),
                FormRow("wrong_answers", N_("Known wrong answers (optional)"), "rows", N_("Numbers learners often give, with feedback"),
                        columns=WRONG_COLUMNS, noun=N_("wrong answer"), at_least=1),
                FormRow("other_answers", N_("Other answers with part marks (optional)"), "rows",
                        N_("A near miss worth part of the mark, with its own tolerance if it needs one"),
                        columns=OTHER_COLUMNS, noun=N_("answer"), at_least=1),
                OTHER_FEEDBACK_ROW)

    def from_fields(self, fields: dict[str, str]) -> dict:
        data: dict = {"answer": rows.number(fields.get("answer"))}
        if (fields.get("tolerance") or "").strip():
            data["tolerance"] = rows.number(fields.get("tolerance"))
        if (fields.get("unit") or "").strip():
            data["unit"] = fields["unit"].strip()
        if units := {row["name"]: rows.number(row["factor"]) for row in rows.read_rows(fields, "units", UNIT_COLUMNS)}:
            data["units"] = units
        if wrong := rows.known(rows.read_rows(fields, "wrong_answers", WRONG_COLUMNS), with_credit=False):
            data["wrong_answers"] = wrong
        other_rows = rows.read_rows(fields, "other_answers", OTHER_COLUMNS)
        if other := rows.known(other_rows, with_credit=True):
            data["other_answers"] = [{**entry, "tolerance": rows.number(row["tolerance"])} if row["tolerance"] else entry
                                     for entry, row in zip(other, other_rows, strict=True)]
        if (fields.get("other_feedback") or "").strip():
            data["other_feedback"] = fields["other_feedback"].strip()
        return data

    def to_fields(self, data: dict) -> dict[str, str]:
        other = [{**row, "tolerance": number_text(entry["tolerance"]) if "tolerance" in entry else ""}
                 for row, entry in zip(rows.known_rows(data.get("other_answers", []), True), data.get("other_answers", []), strict=True)]
        return {"answer": rows.fmt(data["answer"]), "tolerance": rows.fmt(data["tolerance"]), "unit": data.get("unit") or "",
                **rows.write_rows("units", [{"name": name, "factor": rows.fmt(factor)} for name, factor in data.get("units", {}).items()]),
                **rows.write_rows("wrong_answers", rows.known_rows(data.get("wrong_answers", []), with_credit=False)),
                **rows.write_rows("other_answers", other),
                "other_feedback": data.get("other_feedback", "")}

    def anki_card(self, data: dict, html: dict, order: list[str]) -> tuple[str, str]:
        return "", f"{data['answer']:g}" + (f" {escape(data['unit'])}" if data.get("unit") else "")


TYPE = Numeric()


def own_tolerances(check: Checker, q: LineDict, where: str) -> dict[int, float] | None:
    """The ``tolerance`` each entry of ``other_answers`` gives itself, by its place in the list (None after a problem)."""
    found: dict[int, float] = {}
    raw = q.get("other_answers")
    for index, entry in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(entry, LineDict) and "tolerance" in entry:
            value = number_field(check, entry, "tolerance", f"{where}, other answer {index + 1}")
            if value is None:
                return None
            if value < 0:
                check.add(entry.line_of("tolerance"), f"{where}, other answer {index + 1}: 'tolerance' must not be negative")
                return None
            found[index] = value
    return found


def without_tolerances(q: LineDict) -> LineDict:
    """``q`` with its other answers' own tolerances set aside (read by :func:`own_tolerances`), lines kept."""
    def bare(entry: object) -> object:
        if not isinstance(entry, LineDict):
            return entry
        copy = LineDict((key, value) for key, value in entry.items() if key != "tolerance")
        copy.line, copy.key_lines = entry.line, entry.key_lines
        return copy
    holder = LineDict(q)
    holder.line, holder.key_lines = q.line, q.key_lines
    if isinstance(q.get("other_answers"), list):
        holder["other_answers"] = [bare(entry) for entry in q["other_answers"]]
    return holder
