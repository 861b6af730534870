"""Single choice in QTI 3.0: a choice interaction of one choice; the score maps each option to its credit. Pure.

Each option is a ``qti-simple-choice`` whose identifier is the option's id; its feedback is modal
feedback of the same identifier, shown when it was chosen. The mapping gives every option its credit
(1 for the key, 0 by default), held at 0 from below as our scoring floors it. The functions for
options are shared with multiple response and the cloze's choice blanks.
"""

from __future__ import annotations

from lxml import etree

from app.course.formats.qti_item import (FEEDBACK, SCORE, ItemReader, ItemWriter, el, identifier, local, our_id, set_outcome,
                                         var)
from app.course.words import _

RESPONSE = "RESPONSE"


def choice_interaction(item: ItemWriter, options: list[dict], response: str, max_choices: int, path: str = "options",
                       prefix: str = "", shuffle: bool = True, orientation: str | None = None) -> etree._Element:
    """A choice interaction offering ``options``, their feedback as modal feedback.

    ``prefix`` (an XML name ending in a dot: a cloze blank's) keeps the options of several interactions apart.
    """
    interaction = el("qti-choice-interaction", response_identifier=response, shuffle=str(shuffle).lower(),
                     max_choices=max_choices, orientation=orientation)
    for index, option in enumerate(options):
        name = prefix + option["id"] if prefix else identifier(option["id"])
        interaction.append(item.inline(el("qti-simple-choice", identifier=name), f"{path}.{index}.text", option["text"]))
        if option.get("feedback"):
            item.modal(name, f"{path}.{index}.feedback", option["feedback"])
    return item.interaction(interaction, "choiceInteraction")


def score_and_show(item: ItemWriter, response: str, outcome: str = SCORE) -> None:
    """The outcome is the mapped credit of what was chosen; the chosen options' feedback shows."""
    item.rules.append(set_outcome(outcome, el("qti-map-response", identifier=response)))
    item.rules.append(set_outcome(FEEDBACK, el("qti-multiple", var(FEEDBACK), var(response))))


def read_options(item: ItemReader, interaction: etree._Element, path: str = "options", prefix: str = "",
                 choice_tag: str = "qti-simple-choice", right: set[str] | None = frozenset()) -> tuple[list[dict], dict[str, str]]:
    """The options of an interaction (ids, texts, feedback) and our id of each QTI identifier.

    An option without feedback (another tool's) gets "Correct." or "Not correct." as the GIFT and Moodle
    importers give it, by whether its identifier is in ``right``; with ``right`` None it gets none.
    """
    options, ids = [], {}
    for index, choice in enumerate(choice for choice in interaction if local(choice) == choice_tag):
        name = choice.get("identifier", "")
        ident = our_id(name[len(prefix):] if prefix and name.startswith(prefix) else name)
        ids[name] = ident
        feedback = item.feedback_for(name, f"{path}.{index}.feedback")
        if feedback is None and right is not None:
            feedback = "Correct." if name in right else "Not correct."
        options.append({"id": ident, "text": item.inline(f"{path}.{index}.text", choice),
                        **({"feedback": feedback} if feedback is not None else {})})
    return options, ids


def only(item: ItemReader, tag: str) -> etree._Element:
    """The item's single interaction, which must be a ``tag``."""
    interactions = item.interactions()
    if len(interactions) != 1 or local(interactions[0]) != tag:
        raise ValueError(_("expected one %(tag)s", tag=tag))
    return interactions[0]


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one choice interaction of one choice."""
    interactions = item.interactions()
    return int(len(interactions) == 1 and local(interactions[0]) == "qti-choice-interaction"
               and interactions[0].get("max-choices", "1") == "1")


def write(data: dict, item: ItemWriter) -> None:
    """Write a single choice: its response declaration, interaction and response processing."""
    key = data["answer"]
    credits = {identifier(o["id"]): o.get("credit", 1.0 if o["id"] == key else 0.0) for o in data["options"]}
    item.declare(RESPONSE, "single", "identifier", [identifier(key)], credits, lower_bound=0)
    item.body.append(choice_interaction(item, data["options"], RESPONSE, 1))
    score_and_show(item, RESPONSE)


def read(item: ItemReader) -> dict:
    """The fields of a single choice read from its item."""
    interaction = only(item, "qti-choice-interaction")
    declaration = item.declaration(interaction.get("response-identifier"))
    credits = declaration.mapping
    key = declaration.correct[0] if declaration.correct else max(credits, key=credits.get, default=None)
    options, ids = read_options(item, interaction, right={key})
    if key not in ids:
        raise ValueError(_("a single choice needs a correct choice among its choices"))
    full = credits.get(key) or 1.0  # another tool may give the key 2 points, or 100: credits are shares of it
    for name, option in zip(ids, options, strict=True):
        credit = credits.get(name, full if name == key else 0.0) / full
        if name != key and credit != 0:  # the bank's defaults are left out of the data, as the checker leaves them
            option["credit"] = credit
    return {"options": options, "answer": ids[key]}
