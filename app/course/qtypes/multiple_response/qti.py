"""Multiple response in QTI 3.0: a choice interaction of any number of choices, scored by a mapping. Pure.

Our scoring rules are both mappings held to [0, 1]: ``per_pick`` maps each of the k right options to
1/k and each wrong one to -1/k; ``weights`` maps every option to its own credit. Reading an item back,
a mapping of exactly ±1/k is ``per_pick``; any other is ``weights`` (another tool's values taken as
shares of what the right options earn together, so they add up to 1 as ours do).
"""

from __future__ import annotations

import math

from app.course.formats.qti_item import ItemReader, ItemWriter, identifier, local
from app.course.qtypes.single_choice.qti import RESPONSE, choice_interaction, only, read_options, score_and_show


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one choice interaction of several choices."""
    interactions = item.interactions()
    return int(len(interactions) == 1 and local(interactions[0]) == "qti-choice-interaction"
               and interactions[0].get("max-choices", "1") != "1")


def write(data: dict, item: ItemWriter) -> None:
    """Write a multiple-response question: its response declaration, interaction and response processing."""
    right = set(data["answer"])
    if data.get("scoring") == "weights":
        credits = {o["id"]: o["credit"] for o in data["options"]}
    else:
        credits = {o["id"]: (1 if o["id"] in right else -1) / len(right) for o in data["options"]}
    item.declare(RESPONSE, "multiple", "identifier", [identifier(ident) for ident in data["answer"]],
                 {identifier(ident): credit for ident, credit in credits.items()}, lower_bound=0, upper_bound=1)
    item.body.append(choice_interaction(item, data["options"], RESPONSE, 0))
    score_and_show(item, RESPONSE)


def read(item: ItemReader) -> dict:
    """The fields of a multiple-response question read from its item."""
    interaction = only(item, "qti-choice-interaction")
    declaration = item.declaration(interaction.get("response-identifier"))
    right = set(declaration.correct) or {name for name, credit in declaration.mapping.items() if credit > 0}
    options, ids = read_options(item, interaction, right=right)
    data = {"options": options, "answer": [ids[name] for name in ids if name in right]}
    # Another tool's mapping may add up to 2 points, or 100: our credits are shares of what the right options earn.
    total = math.fsum(credit for name, credit in declaration.mapping.items() if name in right and credit > 0) or 1.0
    credits = {name: declaration.mapping.get(name, 0.0) / total for name in ids}
    per_pick = {name: (1 if name in right else -1) / len(right) for name in ids} if right else {}
    if declaration.mapping and not all(math.isclose(credits[name], per_pick.get(name, 0.0)) for name in ids):
        for name, option in zip(ids, options, strict=True):
            option["credit"] = credits[name]
        data["scoring"] = "weights"
    return data
