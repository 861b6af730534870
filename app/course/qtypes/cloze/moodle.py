"""Cloze in Moodle XML: Moodle's ``cloze`` (multianswer), each blank written ``{n:SHORTANSWER:=answer~=answer}``. Pure."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from app.course.interop.moodle_xml import _cloze_blanks, text_of

MOODLE_TYPES = ("cloze", "multianswer")
SHORT_BLANKS = ("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC")


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    text = text_of(question.find("questiontext"))
    blank_ids = meta.get("blanks", [])
    wrong = meta.get("blank_wrong_answers") if isinstance(meta.get("blank_wrong_answers"), dict) else {}
    blanks, pieces, position = [], [], 0
    for start, end, kind, answers in _cloze_blanks(text):
        if kind not in SHORT_BLANKS:
            raise ValueError(f"cloze blank type {kind} has no equivalent here")
        ident = blank_ids[len(blanks)] if len(blanks) < len(blank_ids) else f"b{len(blanks) + 1}"
        accepted = []
        for part in re.split(r"(?<!\\)~", answers):
            part = part.strip()
            full = part.startswith("=") or part.startswith("%100%")
            answer = re.sub(r"^(=|%\d+%)", "", part).split("#")[0].replace("\\}", "}").strip()
            if full and answer:
                accepted.append(answer)
        blanks.append({"id": ident, "accept": accepted, **({"wrong_answers": wrong[ident]} if ident in wrong else {})})
        pieces += [text[position:start], f"[[{ident}]]"]
        position = end
    return {"type": "cloze", "prompt": meta.get("prompt", "Fill in the blanks."), "text": "".join(pieces) + text[position:],
            "blanks": blanks}


def write(question: ET.Element, data: dict, meta: dict) -> str:
    meta["prompt"], meta["blanks"] = data["prompt"], [blank["id"] for blank in data["blanks"]]
    wrong = {blank["id"]: blank["wrong_answers"] for blank in data["blanks"] if blank.get("wrong_answers")}
    if wrong:
        meta["blank_wrong_answers"] = wrong
    text = data["text"]
    for number, blank in enumerate(data["blanks"], start=1):
        answers = "~".join(f"={accepted.replace('}', chr(92) + '}')}" for accepted in blank["accept"])
        text = text.replace(f"[[{blank['id']}]]", f"{{{number}:SHORTANSWER:{answers}}}")
    return text
