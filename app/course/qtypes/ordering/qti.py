"""Ordering in QTI 3.0: an order interaction; the score counts the key's neighbours the learner kept together. Pure.

Our rule (Moodle's "relative to the next item") gives 1/(n-1) for each pair of items adjacent in the
key that the learner placed adjacent in the same order. In response processing that is one rule per
pair: ``qti-contains`` of an ordered container holds when the pair is a run of the response.
"""

from __future__ import annotations

from app.course.formats.qti_item import (SCORE, ItemReader, ItemWriter, base, condition, el, identifier, local, number,
                                         our_id, set_outcome, var)
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one order interaction."""
    interactions = item.interactions()
    return int(len(interactions) == 1 and local(interactions[0]) == "qti-order-interaction")


def write(data: dict, item: ItemWriter) -> None:
    """Write an ordering question: its response declaration, interaction and response processing."""
    names = [identifier(entry["id"]) for entry in data["items"]]
    item.declare(RESPONSE, "ordered", "identifier", names)
    interaction = el("qti-order-interaction", response_identifier=RESPONSE, shuffle="true", orientation="vertical")
    for index, (name, entry) in enumerate(zip(names, data["items"], strict=True)):
        interaction.append(item.inline(el("qti-simple-choice", identifier=name), f"items.{index}.text", entry["text"]))
    item.body.append(item.interaction(interaction, "orderInteraction"))
    share = number(1 / (len(names) - 1))
    for first, second in zip(names, names[1:]):
        kept = el("qti-contains", var(RESPONSE), el("qti-ordered", base("identifier", first), base("identifier", second)))
        item.rules.append(condition((kept, [set_outcome(SCORE, el("qti-sum", var(SCORE), base("float", share)))])))


def read(item: ItemReader) -> dict:
    """The fields of an ordering question read from its item."""
    interaction = only(item, "qti-order-interaction")
    declaration = item.declaration(interaction.get("response-identifier"))
    choices = {choice.get("identifier", ""): (index, choice)
               for index, choice in enumerate(choice for choice in interaction if local(choice) == "qti-simple-choice")}
    if sorted(declaration.correct) != sorted(choices):
        raise ValueError(_("an ordering question needs its correct order of every choice"))
    return {"items": [{"id": our_id(name), "text": item.inline(f"items.{choices[name][0]}.text", choices[name][1])}
                      for name in declaration.correct]}
