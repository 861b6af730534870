"""True/false in QTI 3.0: a choice interaction of two choices, ``true`` and ``false``, matched against the key. Pure.

The feedback for each choice (optional here) is modal feedback of the choice's identifier. Another
tool's item is true/false when its one single-choice interaction offers exactly the texts True and False.
"""

from __future__ import annotations

from app.course.formats.qti_item import (FEEDBACK, SCORE, ItemReader, ItemWriter, base, condition, el, inline_markdown,
                                         set_outcome, var)
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _

VALUES = ("true", "false")


def _texts(item: ItemReader) -> dict[str, str]:
    """The identifier of each choice of the item's choice interaction, and its text in lower case."""
    choices = only(item, "qti-choice-interaction").iter("{*}qti-simple-choice")
    return {choice.get("identifier", ""): inline_markdown(choice, skip=frozenset({"qti-feedback-inline"})).lower() for choice in choices}


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one choice of exactly True and False (more specific than single choice)."""
    try:
        return 2 * (sorted(_texts(item).values()) == sorted(VALUES))
    except ValueError:
        return 0


def write(data: dict, item: ItemWriter) -> None:
    """Write a true/false question: its response declaration, interaction and response processing."""
    item.declare(RESPONSE, "single", "identifier", [str(data["answer"]).lower()])
    interaction = el("qti-choice-interaction", response_identifier=RESPONSE, shuffle="false", max_choices="1")
    for value in VALUES:
        interaction.append(el("qti-simple-choice", text=value.title(), identifier=value))
        if value in data.get("feedback", {}):
            item.modal(value, f"feedback.{value}", data["feedback"][value])
    item.body.append(item.interaction(interaction, "choiceInteraction"))
    item.rules.append(condition((el("qti-match", var(RESPONSE), el("qti-correct", identifier=RESPONSE)),
                                 [set_outcome(SCORE, base("float", 1))]),
                                (None, [set_outcome(SCORE, base("float", 0))])))
    item.rules.append(set_outcome(FEEDBACK, el("qti-multiple", var(FEEDBACK), var(RESPONSE))))


def read(item: ItemReader) -> dict:
    """The fields of a true/false question read from its item."""
    texts = _texts(item)
    declaration = item.declaration(only(item, "qti-choice-interaction").get("response-identifier"))
    if not declaration.correct or texts.get(declaration.correct[0]) not in VALUES:
        raise ValueError(_("a true/false question needs its correct choice"))
    data: dict = {"answer": texts[declaration.correct[0]] == "true"}
    feedback = {}
    for name, value in texts.items():
        text = item.feedback_for(name, f"feedback.{value}")
        if text:
            feedback[value] = text
    if feedback:
        data["feedback"] = {value: feedback[value] for value in VALUES if value in feedback}
    return data
