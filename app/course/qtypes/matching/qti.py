"""Matching in QTI 3.0: a match interaction of two sets, scored by a mapping of each right pair to 1/n. Pure.

The left set holds the pairs' left items (each matched once); the right set holds each distinct
right-hand answer once (several left items may share it) and the distractors. A response is a set of
``directedPair`` values "left right"; each right pair maps to 1/(number of pairs). Right-hand choices
are named after the first pair that uses them (``R-<id>``) and distractors ``D-<id>``: upper case,
so no left item's identifier (our ids are lower case) can be the same.
"""

from __future__ import annotations

from app.course.formats.qti_item import (SCORE, ItemReader, ItemWriter, el, identifier, local, our_id, q, set_outcome)
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one match interaction."""
    interactions = item.interactions()
    return int(len(interactions) == 1 and local(interactions[0]) == "qti-match-interaction")


def write(data: dict, item: ItemWriter) -> None:
    """Write a matching question: its response declaration, interaction and response processing."""
    pairs = data["pairs"]
    targets: dict[str, tuple[str, int]] = {}  # right-hand text → (its choice's identifier, the pair that wrote it)
    for index, pair in enumerate(pairs):
        targets.setdefault(pair["right"], (f"R-{pair['id']}", index))
    correct = [f"{identifier(pair['id'])} {targets[pair['right']][0]}" for pair in pairs]
    item.declare(RESPONSE, "multiple", "directedPair", correct, dict.fromkeys(correct, 1 / len(pairs)), lower_bound=0,
                 upper_bound=1)
    lefts, rights = el("qti-simple-match-set"), el("qti-simple-match-set")
    for index, pair in enumerate(pairs):
        lefts.append(item.inline(el("qti-simple-associable-choice", identifier=identifier(pair["id"]), match_max="1"),
                                 f"pairs.{index}.left", pair["left"]))
    for text, (name, index) in targets.items():
        rights.append(item.inline(el("qti-simple-associable-choice", identifier=name, match_max="0"),
                                  f"pairs.{index}.right", text))
    for index, distractor in enumerate(data.get("distractors", [])):
        rights.append(item.inline(el("qti-simple-associable-choice", identifier=f"D-{distractor['id']}", match_max="0"),
                                  f"distractors.{index}.text", distractor["text"]))
    interaction = el("qti-match-interaction", lefts, rights, response_identifier=RESPONSE, shuffle="true",
                     max_associations=len(pairs))
    item.body.append(item.interaction(interaction, "matchInteraction"))
    item.rules.append(set_outcome(SCORE, el("qti-map-response", identifier=RESPONSE)))


def read(item: ItemReader) -> dict:
    """The fields of a matching question read from its item."""
    interaction = only(item, "qti-match-interaction")
    sets = interaction.findall(q("qti-simple-match-set"))
    if len(sets) != 2:
        raise ValueError(_("a match interaction has two sets of choices"))
    lefts, rights = ([choice for choice in match_set if local(choice) == "qti-simple-associable-choice"] for match_set in sets)
    declaration = item.declaration(interaction.get("response-identifier"))
    chosen = dict(value.split(None, 1) for value in declaration.correct if len(value.split()) == 2)
    right_of = {choice.get("identifier"): choice for choice in rights}
    pairs, writer = [], {}  # writer: right-hand choice → the first pair that uses it (the path of its text)
    for index, left in enumerate(lefts):
        name = left.get("identifier", "")
        if chosen.get(name) not in right_of:
            raise ValueError(_("left-hand choice '%(name)s' has no right-hand answer in the correct response",
                               name=name))
        target = writer.setdefault(chosen[name], index)
        pairs.append({"id": our_id(name), "left": item.inline(f"pairs.{index}.left", left),
                      "right": item.inline(f"pairs.{target}.right", right_of[chosen[name]])})
    used = set(chosen.values())
    distractors = [choice for choice in rights if choice.get("identifier") not in used]
    data: dict = {"pairs": pairs}
    if distractors:  # a bank leaves the list out when there are none
        data["distractors"] = [
            {"id": our_id(name.removeprefix("D-") if (name := choice.get("identifier", "")).startswith("D-") else name),
             "text": item.inline(f"distractors.{index}.text", choice)} for index, choice in enumerate(distractors)]
    return data
