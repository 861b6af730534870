"""Moodle XML: the format itself. Pure.

This module knows Moodle XML, not our types: the document (expat, with each ``<question>``'s line
and no entities), categories, names, idnumbers, tags, general feedback, what every question may carry
and we drop (hints, combined feedback), the ``<backchannel>`` metadata and the limits; the images
its texts show travel as files (:mod:`app.course.interop.moodle_files`). Each
type's own ``app/course/qtypes/<type>/moodle.py`` declares the Moodle types it reads
(``MOODLE_TYPES``), reads one ``<question>`` into our data (``read``) and writes its part of one
(``write``); the registry maps Moodle's ``type`` attribute to them (``qtypes.moodle_readers``).
A Moodle type no type reads is reported by name and line and skipped.

Export adds a ``<backchannel>`` element with what Moodle has no place for (option ids, anchor,
difficulty, units...); Moodle ignores it, our importer reads it, so import(export(bank)) gives the
bank again for every type. A quoted passage of the paper goes before the question text as a block
quote with its line reference, so Moodle shows it too.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from xml.parsers import expat

from app.course import qtypes
from app.course.interop.extras import carried, category_tag, restore
from app.course.interop.gift import Imported, Skipped, UniqueIds, meta_id, ordered, refuse_many, slug
from app.course.interop.moodle_files import attach_files, embed_images
from app.course.formats.moodle_text import sub, text_of, value
from app.course.limits import MAX_QUESTIONS_PER_FILE, UNLIMITED, Budget
from app.course.passages import without_passage
from app.course.words import _

_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
# What a question may carry that no type here holds: dropped, with a note.
_DROPPED = ("hint", "correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")


def _parse(text: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's tree and the line of each ``<question>``, from expat (ElementTree keeps no lines).

    A DTD that declares entities is refused: Moodle never writes one, and it is how entity
    expansion bombs and external entities get in.
    """
    builder, parser = ET.TreeBuilder(), expat.ParserCreate()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        """Open an element, noting the line of each question."""
        element = builder.start(tag, attributes)
        if tag == "question":
            lines[element] = parser.CurrentLineNumber

    def refuse_entity(name: str, *_rest: object) -> None:
        """Refuse any entity declaration."""
        raise ValueError(f"line {parser.CurrentLineNumber}: " + _("the file declares an entity (%(name)s); Moodle XML "
                                                                  "has none", name=name))

    parser.StartElementHandler, parser.EndElementHandler = start, builder.end
    parser.CharacterDataHandler, parser.EntityDeclHandler = builder.data, refuse_entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ValueError(f"line {error.lineno}: " + _("not well-formed XML (%(error)s: line %(lineno)s, column "
                                                      "%(offset)s)",
                                                      lineno=error.lineno, error=expat.ErrorString(error.code), offset=error.offset)) from error
    return builder.close(), lines


def _meta(question: ET.Element) -> dict:
    """The ``<backchannel>`` metadata our export wrote, or {} (ValueError when it is there but no JSON object)."""
    element = question.find("backchannel")
    meta = json.loads(element.text) if element is not None and element.text else {}
    if not isinstance(meta, dict):
        raise ValueError(_("the <backchannel> element is not a JSON object"))
    return meta


def parse_moodle_xml(text: str, default_anchor: str, budget: Budget = UNLIMITED,
                     max_questions: int = MAX_QUESTIONS_PER_FILE) -> tuple[list[Imported], list[Skipped]]:
    """Every question of a Moodle XML file as our data, and those that had to be skipped.

    Raises ValueError (with a line) when the file is not well-formed Moodle XML, or holds more
    than ``max_questions``; ``budget`` is asked before each question.
    """
    root, lines = _parse(text)
    if root.tag != "quiz":
        raise ValueError("line 1: " + _("a Moodle XML file starts with <quiz>, not <%(tag)s>", tag=root.tag))
    questions = root.findall("question")
    refuse_many(sum(1 for question in questions if question.get("type") != "category"), max_questions)
    readers = qtypes.moodle_readers()
    imported, skipped, used, category = [], [], UniqueIds(), None
    for question in questions:
        budget.check()
        line = lines[question]
        kind = question.get("type", "")
        if kind == "category":
            category = category_tag(text_of(question.find("category")))
            continue
        name = text_of(question.find("name")) or f"question on line {line}"
        reader = readers.get(kind)
        if reader is None:
            skipped.append(Skipped(name, line, _("Moodle type '%(kind)s' has no equivalent here; skipped", kind=kind)))
            continue
        notes: list[str] = []
        images = embed_images(question, notes)  # before the type reads the texts: they then show media:<sha256>
        try:
            meta = _meta(question)
            data = reader.read(question, meta, notes)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            skipped.append(Skipped(name, line, _("%(error)s; skipped", error=error)))
            continue
        except RecursionError:
            skipped.append(Skipped(name, line, _("the <backchannel> metadata is nested too deeply; skipped")))
            continue
        for dropped in _DROPPED:
            if text_of(question.find(dropped)):
                notes.append(_("<%(dropped)s> dropped: no equivalent here", dropped=dropped))
        idnumber = text_of(question, "idnumber")
        ident = meta_id(meta) or (idnumber if _ID.match(idnumber or "") and idnumber not in used else used.first_free(slug(name)))
        used.add(ident)
        tags = [text_of(tag) for tag in question.findall("tags/tag") if text_of(tag)]
        tags += [category] if category and category not in tags else []
        prompt, passage = without_passage(data.pop("prompt", None) or text_of(question.find("questiontext")), meta.get("passage"))
        if passage:
            data["passage"] = passage
        data.update({
            "id": ident, "prompt": prompt,
            "explanation": text_of(question.find("generalfeedback")) or "No explanation was given in the imported file.",
            "lesson_anchor": meta.get("lesson_anchor", default_anchor),
            "tags": tags or ([category] if category else ["imported"]),
            "difficulty": meta.get("difficulty", "medium"),
        })
        imported.append(Imported(name, line, ordered(restore(data, meta)), notes, images))
    return imported, skipped


# --- Export ------------------------------------------------------------------------------

def export_moodle_xml(questions: list[dict], images: Mapping[str, tuple[str, bytes]] | None = None) -> str:
    """A Moodle XML file (``<quiz>``) holding every question, with the ``images`` they show (SHA-256 to media type
    and bytes) as ``<file>`` elements beside their texts."""
    quiz = ET.Element("quiz")
    for data in questions:
        writer = qtypes.mapping(data["type"], "moodle")
        question = ET.SubElement(quiz, "question", {"type": writer.MOODLE_TYPES[0]})
        sub(question, "name", data["id"])
        text = sub(question, "questiontext", "", format="markdown")
        sub(question, "generalfeedback", data["explanation"], format="markdown")
        value(question, "defaultgrade", "1.0000000")
        value(question, "penalty", "0.3333333")
        value(question, "hidden", "0")
        value(question, "idnumber", data["id"])
        meta = {"id": data["id"], "lesson_anchor": data["lesson_anchor"], "difficulty": data["difficulty"], **carried(data)}
        if "passage" in data:
            meta["passage"] = data["passage"]
        text.find("text").text = writer.write(question, data, meta)
        tags = ET.SubElement(question, "tags")
        for tag in data["tags"]:
            sub(tags, "tag", tag)
        value(question, "backchannel", json.dumps(meta, ensure_ascii=False))
        attach_files(question, images or {})
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
