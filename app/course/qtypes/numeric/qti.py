"""Numeric in QTI 3.0: a float text entry scored by ``qti-equal`` with an absolute tolerance. Pure.

Response processing is one chain, in the order our scoring reads a number: known wrong answers (0, with
their feedback), other answers (their credit and own tolerance), the answer (1), and anything else (0,
with the "any other answer" feedback). A known or other answer that is no plain decimal ("2 lakh")
cannot be a QTI float and rides in the package metadata; so do ``unit`` and ``units``: a QTI player
reads a bare number, never "403 mn" or "twelve". The chain's functions are shared with the cloze's
numeric blanks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from app.course.formats.qti_item import (SCORE, ItemReader, ItemWriter, base, child_text, condition, el, local, number, q,
                                         set_outcome, show, var)
from app.course.qtypes.short_answer.qti import text_entry
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _

DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")  # what xs:double reads, less INF and NaN


@dataclass
class Branch:
    """One link of the chain: a value (None: the declared correct response), its tolerance, credit and feedback."""

    value: str | None
    tolerance: float
    credit: float
    feedback_id: str | None = None


def number_rules(response: str, outcome: str, branches: list[Branch], any_feedback_id: str | None) -> etree._Element:
    """The chain: the first branch the response equals (within its tolerance) sets ``outcome`` to its credit."""
    links: list[tuple[etree._Element | None, list[etree._Element]]] = [
        (el("qti-is-null", var(response)), [set_outcome(outcome, base("float", 0))])]
    for branch in branches:
        target = el("qti-correct", identifier=response) if branch.value is None else base("float", branch.value)
        test = el("qti-equal", var(response), target, tolerance_mode="absolute", tolerance=number(branch.tolerance))
        links.append((test, [set_outcome(outcome, base("float", number(branch.credit))),
                             *([show(branch.feedback_id)] if branch.feedback_id else [])]))
    links.append((None, [set_outcome(outcome, base("float", 0)), *([show(any_feedback_id)] if any_feedback_id else [])]))
    return condition(*links)


def read_number_rules(item: ItemReader, response: str) -> tuple[list[Branch], str | None]:
    """The chain :func:`number_rules` wrote for ``response`` (none for another tool's item), and its any-other feedback id."""
    for chain in item.all("qti-response-condition"):
        first = chain.find(q("qti-response-if"))
        if first is None or not len(first) or local(first[0]) != "qti-is-null" or _tested_variable(first[0]) != response:
            continue
        branches, any_id = [], None
        for link in chain:
            rules = [rule for rule in link if local(rule) == "qti-set-outcome-value"]  # its own, not a nested condition's
            shown = [child_text(rule, "qti-base-value") for rule in rules if rule.get("identifier") == "FEEDBACK"]
            if local(link) == "qti-response-else":
                any_id = shown[0] if shown else None
            elif local(link) == "qti-response-else-if" and local(link[0]) == "qti-equal" and len(link[0]) == 2:
                test, target = link[0], link[0][1]
                credit = next((child_text(rule, "qti-base-value") for rule in rules if rule.get("identifier") != "FEEDBACK"), "0")
                branches.append(Branch(None if local(target) == "qti-correct" else (target.text or "").strip(),
                                       float((test.get("tolerance") or "0").split()[0]), float(credit),
                                       shown[0] if shown else None))
        return branches, any_id
    return [], None


def _tested_variable(test: etree._Element) -> str | None:
    """The variable a ``qti-is-null`` tests."""
    variable = test.find(q("qti-variable"))
    return None if variable is None else variable.get("identifier")


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one text entry of a number (more specific than short answer)."""
    interactions = item.interactions()
    if len(interactions) != 1 or local(interactions[0]) != "qti-text-entry-interaction":
        return 0
    try:
        return 2 * (item.declaration(interactions[0].get("response-identifier")).base_type in ("float", "integer"))
    except ValueError:
        return 0


def write(data: dict, item: ItemWriter) -> None:
    """Write a numeric question: its response declaration, interaction and response processing."""
    item.declare(RESPONSE, "single", "float", [number(data["answer"])])
    tolerance = data["tolerance"]
    branches = [Branch(entry["text"], tolerance, 0.0, f"{RESPONSE}-WRONG-{index + 1}")
                for index, entry in enumerate(data.get("wrong_answers", [])) if DECIMAL.match(entry["text"])]
    branches += [Branch(entry["text"], entry.get("tolerance", tolerance), entry["credit"],
                        f"{RESPONSE}-PARTIAL-{index + 1}" if entry.get("feedback") else None)
                 for index, entry in enumerate(data.get("other_answers", [])) if DECIMAL.match(entry["text"])]
    branches.append(Branch(None, tolerance, 1.0))
    for key, kind in (("wrong_answers", "WRONG"), ("other_answers", "PARTIAL")):
        for index, entry in enumerate(data.get(key, [])):
            if entry.get("feedback") and DECIMAL.match(entry["text"]):
                item.modal(f"{RESPONSE}-{kind}-{index + 1}", f"{key}.{index}.feedback", entry["feedback"])
    if data.get("other_feedback"):
        item.modal(f"{RESPONSE}-ANY", "other_feedback", data["other_feedback"])
    item.rules.append(number_rules(RESPONSE, SCORE, branches, f"{RESPONSE}-ANY" if data.get("other_feedback") else None))
    item.body.append(el("p", text_entry(item, RESPONSE)))


def read(item: ItemReader) -> dict:
    """The fields of a numeric question read from its item."""
    response = only(item, "qti-text-entry-interaction").get("response-identifier")
    declaration = item.declaration(response)
    branches, any_id = read_number_rules(item, response)
    if not declaration.correct:
        raise ValueError(_("a numeric question needs its correct number"))
    answer = float(declaration.correct[0])
    tolerance = next((branch.tolerance for branch in branches if branch.value is None), 0.0)
    data: dict = {"answer": answer, "tolerance": tolerance, "unit": None, "units": {}}
    wrong, other = [], []
    for branch in branches:
        if branch.value is None:
            continue
        kind, entries = ("wrong_answers", wrong) if branch.credit == 0 else ("other_answers", other)
        entry: dict = {"text": branch.value}
        if branch.credit:
            entry["credit"] = branch.credit
        if branch.credit and branch.tolerance != tolerance:
            entry["tolerance"] = branch.tolerance
        feedback = item.feedback_for(branch.feedback_id, f"{kind}.{len(entries)}.feedback") if branch.feedback_id else None
        entries.append({**entry, **({"feedback": feedback} if feedback else {})})
    if wrong:
        data["wrong_answers"] = wrong
    if other:
        data["other_answers"] = other
    if any_id and (feedback := item.feedback_for(any_id, "other_feedback")):
        data["other_feedback"] = feedback
    return data
