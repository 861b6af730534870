"""Cloze in QTI 3.0: the text with an interaction where each blank is, one response declaration per blank. Pure.

Typed blanks (short, numeric) are text entries scored as short answer and numeric questions are;
a choice blank shown as a drop-down is an inline choice interaction; one shown as radios, and a multi
blank, is a choice interaction (``orientation`` says vertical or horizontal), which QTI allows only
between paragraphs, so the paragraph is split around it. Each blank scores into its own outcome
``SCORE-<id>``; the item's SCORE is their mean weighted by each blank's weight. The text sits in one
``<div>`` after the prompt.
"""

from __future__ import annotations

import copy
import re

from lxml import etree

from app.course.formats.qti_item import (INTERACTIONS, SCORE, ItemReader, ItemWriter, base, block_markdown, content_of, el,
                                         identifier, local, number, our_id, q, set_outcome, var, xhtml_into)
from app.course.markup import render_block
from app.course.qtypes.numeric.qti import Branch, number_rules, read_number_rules
from app.course.qtypes.short_answer.qti import read_answers, text_entry, write_answers
from app.course.qtypes.single_choice.qti import choice_interaction, read_options, score_and_show

_BLANK = re.compile(r"\[\[([a-z0-9][a-z0-9-]*)\]\]")
_OPEN, _CLOSE = "\ue0f3", "\ue0f4"  # a blank while the text is rendered: Markdown and the sanitiser leave it be
_PLACED = re.compile(f"{_OPEN}([a-z0-9][a-z0-9-]*){_CLOSE}")
_BLOCK_INTERACTIONS = frozenset({"qti-choice-interaction"})
_CLOZE_INTERACTIONS = frozenset({"qti-text-entry-interaction", "qti-inline-choice-interaction", "qti-choice-interaction"})


def _response(ident: str) -> str:
    """The response declared for a blank."""
    return f"RESPONSE-{ident}"


def _outcome(ident: str) -> str:
    """The outcome a blank scores into."""
    return f"SCORE-{ident}"


# --- Writing -------------------------------------------------------------------------

def _typed(item: ItemWriter, blank: dict, path: str) -> etree._Element:
    """A short blank: the short-answer mapping and feedback rules."""
    response = _response(blank["id"])
    accepted = [entry if isinstance(entry, dict) else {"text": entry, "credit": 1.0} for entry in blank["accept"]]
    write_answers(item, response, accepted, blank.get("wrong_answers", []), blank.get("other_feedback"), path,
                  case_sensitive=blank.get("case") == "sensitive", answers_key="accept")
    item.rules.append(set_outcome(_outcome(blank["id"]), el("qti-map-response", identifier=response)))
    return text_entry(item, response)


def _numeric(item: ItemWriter, blank: dict, path: str) -> etree._Element:
    """A numeric blank: a float text entry and the tolerance chain of its answers."""
    response = _response(blank["id"])
    answers = blank["answers"]
    item.declare(response, "single", "float", [number(next(a["value"] for a in answers if a.get("credit", 1) == 1))])
    branches = []
    for index, answer in enumerate(answers):
        feedback_id = f"{response}-PARTIAL-{index + 1}" if answer.get("feedback") else None
        if feedback_id:
            item.modal(feedback_id, f"{path}answers.{index}.feedback", answer["feedback"])
        branches.append(Branch(number(answer["value"]), answer.get("tolerance", 0.0), answer.get("credit", 1.0), feedback_id))
    any_id = f"{response}-ANY" if blank.get("other_feedback") else None
    if any_id:
        item.modal(any_id, f"{path}other_feedback", blank["other_feedback"])
    item.rules.append(number_rules(response, _outcome(blank["id"]), branches, any_id))
    return text_entry(item, response)


def _choice(item: ItemWriter, blank: dict, path: str) -> etree._Element:
    """A choice or multi blank: a mapping of each option to its credit; a drop-down, or radios or boxes."""
    response, multi = _response(blank["id"]), blank["kind"] == "multi"
    prefix = f"{identifier(blank['id'])}."  # option ids repeat from blank to blank
    credits = {prefix + option["id"]: option["credit"] for option in blank["options"]}
    right = [name for name, credit in credits.items() if (credit > 0 if multi else credit == 1)]
    item.declare(response, "multiple" if multi else "single", "identifier", right, credits, lower_bound=0,
                 upper_bound=1 if multi else None)
    score_and_show(item, response, _outcome(blank["id"]))
    display = blank.get("display", "vertical" if multi else "dropdown")
    shuffle = blank.get("shuffle", False)
    if display != "dropdown":
        return choice_interaction(item, blank["options"], response, 0 if multi else 1, f"{path}options", prefix,
                                  shuffle, display)
    interaction = el("qti-inline-choice-interaction", response_identifier=response, shuffle=str(shuffle).lower())
    for index, option in enumerate(blank["options"]):
        interaction.append(item.inline(el("qti-inline-choice", identifier=prefix + option["id"]),
                                       f"{path}options.{index}.text", option["text"]))
        if option.get("feedback"):
            item.modal(prefix + option["id"], f"{path}options.{index}.feedback", option["feedback"])
    return item.interaction(interaction, "inlineChoiceInteraction")


_WRITERS = {"short": _typed, "numeric": _numeric, "choice": _choice, "multi": _choice}


def _fill(parent: etree._Element, after: etree._Element | None, text: str, interactions: dict[str, etree._Element]) -> None:
    """Put ``text`` as ``parent``'s text (``after`` None) or ``after``'s tail, each placed blank becoming its interaction."""
    pieces = _PLACED.split(text)
    if after is None:
        parent.text, position = pieces[0], 0
    else:
        after.tail, position = pieces[0], parent.index(after) + 1
    for index in range(1, len(pieces), 2):
        interaction = interactions[pieces[index]]
        interaction.tail = pieces[index + 1]
        parent.insert(position, interaction)
        position += 1


def _lift(interaction: etree._Element) -> None:
    """Move a block interaction out of its paragraph: the paragraph is split in two around it."""
    paragraph = interaction.getparent()
    if local(paragraph) != "p":
        return
    rest = el("p", text=interaction.tail)
    rest.extend(list(paragraph)[paragraph.index(interaction) + 1:])
    interaction.tail = None
    paragraph.remove(interaction)
    holder = paragraph.getparent()
    position = holder.index(paragraph)
    rest.tail, paragraph.tail = paragraph.tail, None
    holder.insert(position + 1, interaction)
    if rest.text or len(rest):
        holder.insert(position + 2, rest)
    if not (paragraph.text or len(paragraph)):
        holder.remove(paragraph)


def write(data: dict, item: ItemWriter) -> None:
    """Write a cloze: its response declaration, interaction and response processing."""
    interactions = {}
    for index, blank in enumerate(data["blanks"]):
        item.outcome(_outcome(blank["id"]))
        interactions[blank["id"]] = _WRITERS[blank.get("kind", "short")](item, blank, f"blanks.{index}.")
    text = el("div")
    xhtml_into(text, render_block(_BLANK.sub(lambda found: f"{_OPEN}{found.group(1)}{_CLOSE}", data["text"])))
    holders = list(text.iter())
    for holder in holders:
        if holder.text and _OPEN in holder.text:
            _fill(holder, None, holder.text, interactions)
    for holder in holders[1:]:
        if holder.tail and _OPEN in holder.tail:
            _fill(holder.getparent(), holder, holder.tail, interactions)
    for interaction in [element for element in text.iter() if local(element) in _BLOCK_INTERACTIONS]:
        _lift(interaction)
    item.body.append(text)
    written = copy.deepcopy(text)
    item.carry("text", data["text"], _text(written, [e for e in written.iter() if local(e) in _CLOZE_INTERACTIONS]))
    weights = [(blank.get("weight", 1), blank["id"]) for blank in data["blanks"]]
    weighted = [el("qti-product", base("float", weight), var(_outcome(ident))) for weight, ident in weights]
    item.rules.append(set_outcome(SCORE, el("qti-divide", el("qti-sum", *weighted),
                                            base("float", sum(weight for weight, _ in weights)))))


# --- Reading -------------------------------------------------------------------------

def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): several text entries or inline choices in the text, or one inline choice."""
    kinds = [local(interaction) for interaction in item.interactions()]
    if not kinds or not set(kinds) <= _CLOZE_INTERACTIONS:
        return 0
    return int(len(kinds) > 1 or kinds == ["qti-inline-choice-interaction"])


def _blank_id(response: str) -> str:
    """A blank's id from its response: ours by name, another tool's made an id."""
    return our_id(response.removeprefix("RESPONSE-"))


def _read_blank(item: ItemReader, interaction: etree._Element, path: str) -> dict:
    """One blank's data, by its interaction and response declaration."""
    response = interaction.get("response-identifier", "")
    declaration = item.declaration(response)
    blank: dict = {"id": _blank_id(response)}
    kind = local(interaction)
    if kind == "qti-text-entry-interaction" and declaration.base_type in ("float", "integer"):
        branches, any_id = read_number_rules(item, response)
        if not branches and declaration.correct:
            branches = [Branch(declaration.correct[0], 0.0, 1.0)]
        answers = []
        for index, branch in enumerate(branches):
            answer: dict = {"value": float(branch.value or "nan"), "tolerance": branch.tolerance, "credit": branch.credit}
            feedback = item.feedback_for(branch.feedback_id, f"{path}answers.{index}.feedback") if branch.feedback_id else None
            answers.append({**answer, **({"feedback": feedback} if feedback else {})})
        blank.update(kind="numeric", answers=answers)
        other = item.feedback_for(any_id, f"{path}other_feedback") if any_id else None
    elif kind == "qti-text-entry-interaction":
        accepted, wrong, other = read_answers(item, response, path, answers_key="accept")
        blank["accept"] = [entry["text"] if entry["credit"] == 1 and "feedback" not in entry else entry for entry in accepted]
        if wrong:
            blank["wrong_answers"] = wrong
        if declaration.case_sensitive and declaration.mapping:
            blank["case"] = "sensitive"
    else:
        prefix = f"{identifier(blank['id'])}."
        tag = "qti-inline-choice" if kind == "qti-inline-choice-interaction" else "qti-simple-choice"
        options, ids = read_options(item, interaction, f"{path}options", prefix, tag, right=None)
        credits = declaration.mapping or dict.fromkeys(declaration.correct, 1.0)
        for name, option in zip(ids, options, strict=True):
            option["credit"] = credits.get(name, 0.0)
        multi = kind == "qti-choice-interaction" and interaction.get("max-choices", "1") != "1"
        blank.update(kind="multi" if multi else "choice", options=options)
        display = "dropdown" if tag == "qti-inline-choice" else interaction.get("orientation", "vertical")
        if display != ("vertical" if multi else "dropdown"):
            blank["display"] = display
        if interaction.get("shuffle") == "true":
            blank["shuffle"] = True
        other = None
    if other:
        blank["other_feedback"] = other
    return blank


def _weights(item: ItemReader) -> dict[str, float]:
    """Each blank's weight, from the products in the rule that sets SCORE."""
    weights = {}
    for product in item.all("qti-product"):
        value, variable = product.find(q("qti-base-value")), product.find(q("qti-variable"))
        if value is not None and variable is not None and variable.get("identifier", "").startswith("SCORE-"):
            weights[variable.get("identifier").removeprefix("SCORE-")] = float(value.text or 1)
    return weights


def _text(container: etree._Element, interactions: list[etree._Element]) -> str:
    """The cloze text of ``container`` (a copy is changed): each interaction becomes its ``[[id]]``."""
    for interaction in interactions:
        marker = f"[[{_blank_id(interaction.get('response-identifier', ''))}]]" + (interaction.tail or "")
        before, parent = interaction.getprevious(), interaction.getparent()
        if before is not None:
            before.tail = (before.tail or "") + marker
        else:
            parent.text = (parent.text or "") + marker
        parent.remove(interaction)
    return block_markdown(content_of(container))


def read(item: ItemReader) -> dict:
    """The fields of a cloze read from its item."""
    holders = [child for child in item.body if isinstance(child.tag, str)
               and any(local(inner) in INTERACTIONS for inner in child.iter())]
    if len(holders) == 1 and local(holders[0]) == "div":
        container = copy.deepcopy(holders[0])
    else:
        container = el("div", *(copy.deepcopy(holder) for holder in holders))
    interactions = [element for element in container.iter() if local(element) in _CLOZE_INTERACTIONS]
    blanks = [_read_blank(item, interaction, f"blanks.{index}.") for index, interaction in enumerate(interactions)]
    weights = _weights(item)
    for blank in blanks:
        weight = weights.get(blank["id"], 1.0)
        if weight != 1:
            blank["weight"] = int(weight) if weight == int(weight) else weight
    return {"text": item.text("text", _text(container, interactions)), "blanks": blanks}
