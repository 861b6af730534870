"""Moodle XML's elements: texts, answers and cloze blanks, read and written. Pure.

The format module (:mod:`app.course.interop.moodle_xml`) and each type's ``moodle.py`` read and write
Moodle XML with these; they know the format's elements and nothing of our types.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

from app.course.formats.gift_text import credit, percent
from app.course.passages import with_passage

CLOZE_HEAD = re.compile(r"\{(\d+):([A-Z_]+):")


def text_of(element: ET.Element | None, path: str = "text") -> str:
    """The text at ``path`` under ``element`` (its ``<text>`` by default), trimmed; "" when absent."""
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def answers_of(question: ET.Element) -> list[tuple[float, str, str, ET.Element]]:
    """(credit, text, feedback, element) of each ``<answer>``: its ``fraction`` / 100, read exactly as written."""
    return [(credit(answer.get("fraction", "0")), text_of(answer), text_of(answer.find("feedback")), answer)
            for answer in question.findall("answer")]


def cloze_blanks(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, type, answers) of each ``{n:TYPE:answers}`` blank, the answers ending at the first unescaped ``}``.

    One pass: once no unescaped ``}`` follows a blank's opening, none follows any later one, so
    the scan stops there (a lazy regular expression rescanned to the end from every opening).
    """
    position = 0
    while head := CLOZE_HEAD.search(text, position):
        close = head.end()
        while (close := text.find("}", close)) >= 0 and text[close - 1] == "\\":
            close += 1
        if close < 0:
            return
        yield head.start(), close + 1, head.group(2), text[head.end():close]
        position = close + 1


def sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: object) -> ET.Element:
    """A child ``<tag>`` of ``parent``, holding ``<text>text</text>`` when ``text`` is given."""
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        ET.SubElement(element, "text").text = text
    return element


def value(parent: ET.Element, tag: str, content: str) -> ET.Element:
    """A child ``<tag>content</tag>`` of ``parent``."""
    element = ET.SubElement(parent, tag)
    element.text = content
    return element


def answer(parent: ET.Element, credit: float, text: str, feedback: str = "", **extra: str) -> ET.Element:
    """An ``<answer>`` worth ``credit`` (written as Moodle's percentage ``fraction``) with its text, feedback and ``extra`` elements."""
    element = sub(parent, "answer", text, fraction=percent(credit), format="markdown")
    sub(element, "feedback", feedback, format="markdown")
    for tag, content in extra.items():
        value(element, tag, content)
    return element


def question_text(data: dict) -> str:
    """The question text of a type that shows its prompt: the quoted passage first, when it has one."""
    return with_passage(data["prompt"], data.get("passage"))
