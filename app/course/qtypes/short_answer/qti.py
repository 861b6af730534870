"""Short answer in QTI 3.0: a text entry whose mapping gives each accepted answer its credit. Pure.

The mapping matches case-insensitively, as our marking does; the rest of how we read a typed answer
(spelling, filler words, other spellings of names) has no place in QTI, whose players compare the
text as typed. Feedback is response processing's: each accepted answer with feedback, and each known
wrong answer, is a ``qti-string-match`` rule that shows its modal feedback; "any other answer" shows
when the response matched none of them. The functions are shared with the cloze's typed blanks.
"""

from __future__ import annotations

from lxml import etree

from app.course.formats.qti_item import (SCORE, ItemReader, ItemWriter, base, child_text, condition, el, local, set_outcome,
                                         show, var)
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _


def _match(response: str, text: str, case_sensitive: bool) -> etree._Element:
    """The test that the response is ``text``."""
    return el("qti-string-match", var(response), base("string", text), case_sensitive=str(case_sensitive).lower())


def write_answers(item: ItemWriter, response: str, answers: list[dict], wrong: list[dict], other: str | None,
                  path: str, case_sensitive: bool = False, answers_key: str = "answers") -> None:
    """Declare ``response`` with its mapping, and the feedback rules of its known answers.

    Texts' paths start with ``path`` (a cloze blank's ``blanks.2.``); ``answers_key`` names the list of accepted answers.
    """
    full = [answer["text"] for answer in answers if answer["credit"] == 1]
    item.declare(response, "single", "string", full[:1], {answer["text"]: answer["credit"] for answer in answers},
                 case_sensitive, lower_bound=0, upper_bound=1)
    for index, answer in enumerate(answers):
        if answer.get("feedback"):
            item.modal(f"{response}-ACCEPT-{index + 1}", f"{path}{answers_key}.{index}.feedback", answer["feedback"])
            item.rules.append(condition((_match(response, answer["text"], case_sensitive), [show(f"{response}-ACCEPT-{index + 1}")])))
    for index, answer in enumerate(wrong):
        if answer.get("feedback"):
            item.modal(f"{response}-WRONG-{index + 1}", f"{path}wrong_answers.{index}.feedback", answer["feedback"])
        item.rules.append(condition((_match(response, answer["text"], case_sensitive), [show(f"{response}-WRONG-{index + 1}")])))
    if other:
        item.modal(f"{response}-ANY", f"{path}other_feedback", other)
        known = [_match(response, entry["text"], case_sensitive) for entry in [*answers, *wrong]]
        item.rules.append(condition((el("qti-and", el("qti-not", el("qti-is-null", var(response))),
                                        el("qti-not", el("qti-or", *known))), [show(f"{response}-ANY")])))


def read_answers(item: ItemReader, response: str, path: str,
                 answers_key: str = "answers") -> tuple[list[dict], list[dict], str | None]:
    """The accepted answers, known wrong answers and "any other answer" feedback of ``response``, as written above."""
    declaration = item.declaration(response)
    mapping = declaration.mapping or dict.fromkeys(declaration.correct, 1.0)
    answers = []
    for index, (text, credit) in enumerate(mapping.items()):
        if credit <= 0:
            item.notes.append(_("answer “%(given)s” (%(credit)s) dropped: an accepted answer here earns some credit",
                                given=text, credit=format(credit, "g")))
            continue
        entry = {"text": text, "credit": min(1.0, credit)}
        feedback = item.feedback_for(f"{response}-ACCEPT-{index + 1}", f"{path}{answers_key}.{index}.feedback")
        answers.append({**entry, **({"feedback": feedback} if feedback else {})})
    wrong = []
    for test, feedback_id in item.feedback_rules():
        if feedback_id.startswith(f"{response}-WRONG-") and local(test) == "qti-string-match":
            index = len(wrong)
            feedback = item.feedback_for(feedback_id, f"{path}wrong_answers.{index}.feedback")
            wrong.append({"text": child_text(test, "qti-base-value"), **({"feedback": feedback} if feedback else {})})
    return answers, wrong, item.feedback_for(f"{response}-ANY", f"{path}other_feedback")


def text_entry(item: ItemWriter, response: str) -> etree._Element:
    """A text entry for ``response`` (inline: its caller puts it in a paragraph)."""
    return item.interaction(el("qti-text-entry-interaction", response_identifier=response), "textEntryInteraction")


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one text entry of a string."""
    interactions = item.interactions()
    if len(interactions) != 1 or local(interactions[0]) != "qti-text-entry-interaction":
        return 0
    try:
        return int(item.declaration(interactions[0].get("response-identifier")).base_type == "string")
    except ValueError:
        return 0


def write(data: dict, item: ItemWriter) -> None:
    """Write a short-answer question: its response declaration, interaction and response processing."""
    write_answers(item, RESPONSE, data["answers"], data.get("wrong_answers", []), data.get("other_feedback"), "")
    item.rules.append(set_outcome(SCORE, el("qti-map-response", identifier=RESPONSE)))
    item.body.append(el("p", text_entry(item, RESPONSE)))


def read(item: ItemReader) -> dict:
    """The fields of a short-answer question read from its item."""
    interaction = only(item, "qti-text-entry-interaction")
    response = interaction.get("response-identifier")
    declaration = item.declaration(response)
    if declaration.case_sensitive and declaration.mapping:
        item.notes.append(_("case-sensitive matching became case-insensitive"))
    answers, wrong, other = read_answers(item, response, "")
    data: dict = {"answers": answers}
    if wrong:
        data["wrong_answers"] = wrong
    if other:
        data["other_feedback"] = other
    return data
