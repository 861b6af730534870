"""Essay in Moodle XML: ``essay``. Pure.

``<graderinfo>`` (the information for graders) is the model answer and ``<minwordlimit>`` /
``<maxwordlimit>`` the word limits; the response format and field lines are the page's business and
are ignored; a response template and attachments have no place here and are dropped with a note.
Moodle has no rubric: ours rides in the metadata, and a Moodle essay gets a one-criterion rubric.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from app.course.formats.moodle_text import question_text, sub, text_of, value
from app.course.qtypes.essay import MAX_WORDS
from app.course.words import _

MOODLE_TYPES = ("essay", "essayautograde")  # the plugin's automatic grading is dropped, with a note
NO_MODEL_ANSWER = "No model answer was given in the imported file."
OVERALL = [{"id": "overall", "title": "Overall", "levels": [
    {"points": 0, "description": "Does not answer the question"},
    {"points": 1, "description": "Partly answers it"},
    {"points": 2, "description": "Answers it fully"}]}]


def essay(model_answer: str, limits: dict[str, str], meta: dict, notes: list[str]) -> dict:
    """Our essay from a model answer (may be empty), word limits as written ({min_words: "150"}) and our metadata."""
    data: dict = {"type": "essay", "model_answer": model_answer or meta.get("model_answer") or NO_MODEL_ANSWER}
    if data["model_answer"] == NO_MODEL_ANSWER:
        notes.append(_("no model answer in the file: a placeholder says so; write one before learners grade themselves"))
    for key, written in limits.items():
        if not written.strip() or written.strip() == "0":  # Moodle's "no limit"
            continue
        if not written.strip().isdigit():
            notes.append(_("the word limit “%(written)s” dropped: it is no whole number", written=written))
            continue
        words = int(written)
        if words <= MAX_WORDS:
            data[key] = words
        else:
            notes.append(_("a limit of %(words)s words dropped: limits here are 1 to %(most)s words",
                           words=words, most=format(MAX_WORDS, ",")))
    if isinstance(meta.get("rubric"), list):
        data["rubric"] = meta["rubric"]
    else:
        data["rubric"] = OVERALL
        notes.append(_("no rubric in the file: graded on one criterion, Overall (0 does not answer, 1 partly, 2 fully)"))
    return data


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our essay from Moodle's, noting what it drops."""
    if question.get("type") == "essayautograde":
        notes.append(_("essayautograde's automatic grading dropped: a person grades essays here, with the rubric"))
    if text_of(question.find("responsetemplate")):
        notes.append(_("the response template dropped: learners start from an empty page"))
    if (text_of(question, "attachments") or "0") != "0":
        notes.append(_("attachments dropped: an essay here is typed text"))
    return essay(text_of(question.find("graderinfo")),
                 {"min_words": text_of(question, "minwordlimit"), "max_words": text_of(question, "maxwordlimit")}, meta, notes)


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """Moodle's essay settings, the model answer as ``<graderinfo>``; the rubric in the metadata."""
    meta["rubric"] = data["rubric"]
    for tag, setting in (("responseformat", "editor"), ("responserequired", "1"), ("responsefieldlines", "15"),
                         ("minwordlimit", str(data.get("min_words", ""))), ("maxwordlimit", str(data.get("max_words", ""))),
                         ("attachments", "0"), ("attachmentsrequired", "0"), ("maxbytes", "0"), ("filetypeslist", "")):
        value(question, tag, setting)
    sub(question, "graderinfo", data["model_answer"], format="markdown")
    sub(question, "responsetemplate", "", format="markdown")
    return question_text(data)
