"""Moodle XML: import and export. Pure.

Type mapping (Moodle → ours): multichoice single → single_choice, multichoice multiple →
multiple_response (fraction > 0 = correct), truefalse → true_false, shortanswer → short_answer
(fraction/100 = credit), numerical → numeric (first full-credit answer and its tolerance; units),
matching → matching (an empty subquestion is a distractor), ordering → ordering, cloze
(multianswer) with SHORTANSWER blanks → cloze. Anything else (essay, description, calculated,
drag-and-drop, gapselect, multianswer with other blanks) is reported by name and line and skipped.
Lost on import, with a note: hints, combined feedback, penalties, "any other answer" (*) answers,
case-sensitive matching, embedded files. Export adds a ``<backchannel>`` element with what Moodle
has no place for (option ids, anchor, difficulty, units); Moodle ignores it, our importer reads it,
so import(export(bank)) gives the bank again for every type. A quoted passage of the paper goes
before the question text as a block quote with its line reference, so Moodle shows it too.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from typing import Iterator
from xml.parsers import expat

from app.course.interop.gift import Imported, Skipped, UniqueIds, _ordered, meta_id, refuse_many, slug
from app.course.limits import MAX_QUESTIONS_PER_FILE, UNLIMITED, Budget
from app.course.interop.extras import carried, restore
from app.course.passages import with_passage, without_passage

SUPPORTED = {"multichoice", "truefalse", "shortanswer", "numerical", "matching", "ordering", "cloze"}
SHORT_BLANKS = ("SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC")
_CLOZE_HEAD = re.compile(r"\{(\d+):([A-Z_]+):")
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def _text(element: ET.Element | None, path: str = "text") -> str:
    if element is None:
        return ""
    found = element.find(path) if path else element
    return (found.text or "").strip() if found is not None else ""


def _parse(text: str) -> tuple[ET.Element, dict[ET.Element, int]]:
    """The document's tree and the line of each ``<question>``, from expat (ElementTree keeps no lines).

    A DTD that declares entities is refused: Moodle never writes one, and it is how entity
    expansion bombs and external entities get in.
    """
    builder, parser = ET.TreeBuilder(), expat.ParserCreate()
    lines: dict[ET.Element, int] = {}

    def start(tag: str, attributes: dict[str, str]) -> None:
        element = builder.start(tag, attributes)
        if tag == "question":
            lines[element] = parser.CurrentLineNumber

    def refuse_entity(name: str, *_: object) -> None:
        raise ValueError(f"line {parser.CurrentLineNumber}: the file declares an entity ({name}); Moodle XML has none")

    parser.StartElementHandler, parser.EndElementHandler = start, builder.end
    parser.CharacterDataHandler, parser.EntityDeclHandler = builder.data, refuse_entity
    try:
        parser.Parse(text, True)
    except expat.ExpatError as error:
        raise ValueError(f"line {error.lineno}: not well-formed XML ({expat.ErrorString(error.code)}: "
                         f"line {error.lineno}, column {error.offset})") from error
    return builder.close(), lines


def parse_moodle_xml(text: str, default_anchor: str, budget: Budget = UNLIMITED,
                     max_questions: int = MAX_QUESTIONS_PER_FILE) -> tuple[list[Imported], list[Skipped]]:
    """Every question of a Moodle XML file as our data, and those that had to be skipped.

    Raises ValueError (with a line) when the file is not well-formed Moodle XML, or holds more
    than ``max_questions``; ``budget`` is asked before each question.
    """
    root, lines = _parse(text)
    if root.tag != "quiz":
        raise ValueError(f"line 1: a Moodle XML file starts with <quiz>, not <{root.tag}>")
    questions = root.findall("question")
    refuse_many(sum(1 for question in questions if question.get("type") != "category"), max_questions)
    imported, skipped, used, category = [], [], UniqueIds(), None
    for question in questions:
        budget.check()
        line = lines[question]
        kind = question.get("type", "")
        if kind == "category":
            category = _text(question.find("category"))
            continue
        name = _text(question.find("name")) or f"question on line {line}"
        if kind not in SUPPORTED:
            skipped.append(Skipped(name, line, f"Moodle type '{kind}' has no equivalent here; skipped"))
            continue
        notes: list[str] = []
        try:
            meta_element = question.find("backchannel")
            meta = json.loads(meta_element.text) if meta_element is not None and meta_element.text else {}
            if not isinstance(meta, dict):
                raise ValueError("the <backchannel> element is not a JSON object")
            data = _READERS[kind](question, meta, notes)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            skipped.append(Skipped(name, line, f"{error}; skipped"))
            continue
        except RecursionError:
            skipped.append(Skipped(name, line, "the <backchannel> metadata is nested too deeply; skipped"))
            continue
        for dropped in ("hint", "correctfeedback", "partiallycorrectfeedback", "incorrectfeedback"):
            if question.find(dropped) is not None and _text(question.find(dropped)):
                notes.append(f"<{dropped}> dropped: no equivalent here")
        if question.find(".//file") is not None:
            notes.append("embedded files were not imported")
        idnumber = _text(question, "idnumber")
        ident = meta_id(meta) or (idnumber if _ID.match(idnumber or "") and idnumber not in used else used.first_free(slug(name)))
        used.add(ident)
        tags = [_text(tag) for tag in question.findall("tags/tag") if _text(tag)]
        prompt = data.pop("prompt") if kind == "cloze" else _text(question.find("questiontext"))
        if kind == "multichoice":
            prompt, passage = without_passage(prompt, meta.get("passage"))
            if passage:
                data["passage"] = passage
        data.update({
            "id": ident, "prompt": prompt,
            "explanation": _text(question.find("generalfeedback")) or "No explanation was given in the imported file.",
            "lesson_anchor": meta.get("lesson_anchor", default_anchor),
            "tags": tags or ([category] if category else ["imported"]),
            "difficulty": meta.get("difficulty", "medium"),
        })
        imported.append(Imported(name, line, _ordered(restore(data, meta)), notes))
    return imported, skipped


def _answers(question: ET.Element) -> list[tuple[float, str, str, ET.Element]]:
    return [(float(answer.get("fraction", "0")), _text(answer), _text(answer.find("feedback")), answer)
            for answer in question.findall("answer")]


def _read_multichoice(question, meta, notes):
    answers = _answers(question)
    ids = meta.get("options") if len(meta.get("options", [])) == len(answers) else [chr(ord("a") + i) for i in range(len(answers))]
    options = [{"id": ident, "text": text, "feedback": feedback or ("Correct." if fraction > 0 else "Not correct.")}
               for ident, (fraction, text, feedback, _) in zip(ids, answers, strict=True)]
    if _text(question, "single").lower() in ("true", "1"):
        best = max(range(len(answers)), key=lambda i: answers[i][0])
        if sum(1 for fraction, *_ in answers if 0 < fraction < 100):
            notes.append("partial-credit choices became wrong choices: a single-choice question has one key here")
        return {"type": "single_choice", "options": options, "answer": ids[best]}
    if any(fraction not in (0.0,) for fraction, *_ in answers):
        notes.append("fractions were read as right (positive) or wrong; our rule scores ±1/k per pick")
    return {"type": "multiple_response", "options": options, "answer": [i for i, (f, *_ ) in zip(ids, answers, strict=True) if f > 0]}


def _read_truefalse(question, meta, notes):
    answers = _answers(question)
    key = next((text.lower() == "true" for fraction, text, _, _ in answers if fraction >= 100), None)
    if key is None:
        raise ValueError("a true/false question without a right answer")
    data = {"type": "true_false", "answer": key}
    feedback = {text.lower(): fb for _, text, fb, _ in answers if fb and text.lower() in ("true", "false")}
    if feedback:
        data["feedback"] = {k: feedback[k] for k in ("true", "false") if k in feedback}
    return data


def _read_shortanswer(question, meta, notes):
    answers, wrong = [], []
    if _text(question, "usecase") == "1":
        notes.append("case-sensitive matching became case-insensitive")
    for fraction, text, feedback, _ in _answers(question):
        if text == "*" or fraction < 0:
            notes.append(f"answer “{text}” ({fraction:g} %) dropped: any-other-answer and negative-credit answers have no equivalent")
            continue
        if fraction == 0:  # Moodle's specific feedback for a wrong response: a known wrong answer here
            wrong.append({"text": text, **({"feedback": feedback} if feedback else {})})
            continue
        entry = {"text": text, "credit": min(1.0, fraction / 100)}
        if feedback:
            entry["feedback"] = feedback
        answers.append(entry)
    return {"type": "short_answer", "answers": answers, **({"wrong_answers": wrong} if wrong else {})}


def _read_numerical(question, meta, notes):
    full = [(text, answer) for fraction, text, _, answer in _answers(question) if fraction >= 100 and text != "*"]
    if not full:
        raise ValueError("a numerical question without a full-credit number")
    text, answer = full[0]
    if len(_answers(question)) > 1:
        notes.append("other numerical answers (partial credit, any-other-answer) dropped")
    units = {_text(unit, "unit_name"): float(_text(unit, "multiplier") or 1) for unit in question.findall("units/unit")}
    base = next((name for name, factor in units.items() if factor == 1), None)
    return {"type": "numeric", "answer": float(text), "tolerance": float(_text(answer, "tolerance") or 0),
            "unit": meta.get("unit", base), "units": meta.get("units", {name.lower(): factor for name, factor in units.items() if name})}


def _read_matching(question, meta, notes):
    pairs, distractors = [], []
    for sub in question.findall("subquestion"):
        left, right = _text(sub), _text(sub.find("answer"))
        (pairs if left else distractors).append((left, right))
    pair_ids = meta.get("pairs") or [f"p{i + 1}" for i in range(len(pairs))]
    distractor_ids = meta.get("distractors") or [f"d{i + 1}" for i in range(len(distractors))]
    return {"type": "matching",
            "pairs": [{"id": i, "left": l, "right": r} for i, (l, r) in zip(pair_ids, pairs, strict=True)],
            "distractors": [{"id": i, "text": r} for i, (_, r) in zip(distractor_ids, distractors, strict=True)]}


def _read_ordering(question, meta, notes):
    texts = [text for _, text, _, _ in _answers(question)]
    ids = meta.get("items") if len(meta.get("items", [])) == len(texts) else [f"i{n + 1}" for n in range(len(texts))]
    return {"type": "ordering", "items": [{"id": i, "text": t} for i, t in zip(ids, texts, strict=True)]}


def _cloze_blanks(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, type, answers) of each ``{n:TYPE:answers}`` blank, the answers ending at the first unescaped ``}``.

    One pass: once no unescaped ``}`` follows a blank's opening, none follows any later one, so
    the scan stops there (a lazy regular expression rescanned to the end from every opening).
    """
    position = 0
    while head := _CLOZE_HEAD.search(text, position):
        close = head.end()
        while (close := text.find("}", close)) >= 0 and text[close - 1] == "\\":
            close += 1
        if close < 0:
            return
        yield head.start(), close + 1, head.group(2), text[head.end():close]
        position = close + 1


def _read_cloze(question, meta, notes):
    text = _text(question.find("questiontext"))
    blank_ids = meta.get("blanks", [])
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
        blanks.append({"id": ident, "accept": accepted})
        pieces += [text[position:start], f"[[{ident}]]"]
        position = end
    prompt = meta.get("prompt", "Fill in the blanks.")
    return {"type": "cloze", "prompt": prompt, "text": "".join(pieces) + text[position:], "blanks": blanks}


_READERS = {"multichoice": _read_multichoice, "truefalse": _read_truefalse, "shortanswer": _read_shortanswer,
            "numerical": _read_numerical, "matching": _read_matching, "ordering": _read_ordering, "cloze": _read_cloze}


# --- Export ------------------------------------------------------------------------------

def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        ET.SubElement(element, "text").text = text
    return element


def _answer(parent, fraction: float, text: str, feedback: str = "", **extra) -> ET.Element:
    answer = _sub(parent, "answer", text, fraction=f"{fraction:.7g}", format="markdown")
    _sub(answer, "feedback", feedback, format="markdown")
    for tag, value in extra.items():
        ET.SubElement(answer, tag).text = value
    return answer


def export_moodle_xml(questions: list[dict]) -> str:
    """A Moodle XML file (``<quiz>``) holding every question."""
    quiz = ET.Element("quiz")
    for data in questions:
        kind = data["type"]
        moodle_type = {"single_choice": "multichoice", "multiple_response": "multichoice", "true_false": "truefalse",
                       "short_answer": "shortanswer", "numeric": "numerical", "matching": "matching",
                       "ordering": "ordering", "cloze": "cloze"}[kind]
        question = ET.SubElement(quiz, "question", {"type": moodle_type})
        _sub(question, "name", data["id"])
        # A short answer's known wrong answers are Moodle's own zero-credit answers with feedback.
        meta = {"id": data["id"], "lesson_anchor": data["lesson_anchor"], "difficulty": data["difficulty"],
                **carried(data, skip=("wrong_answers",) if kind == "short_answer" else ())}
        text = with_passage(data["prompt"], data.get("passage"))
        if kind == "cloze":
            meta["prompt"], meta["blanks"] = data["prompt"], [b["id"] for b in data["blanks"]]
            text = data["text"]
            for number, blank in enumerate(data["blanks"], start=1):
                answers = "~".join(f"={a.replace('}', chr(92) + '}')}" for a in blank["accept"])
                text = text.replace(f"[[{blank['id']}]]", f"{{{number}:SHORTANSWER:{answers}}}")
        _sub(question, "questiontext", text, format="markdown")
        _sub(question, "generalfeedback", data["explanation"], format="markdown")
        ET.SubElement(question, "defaultgrade").text = "1.0000000"
        ET.SubElement(question, "penalty").text = "0.3333333"
        ET.SubElement(question, "hidden").text = "0"
        ET.SubElement(question, "idnumber").text = data["id"]
        if kind in ("single_choice", "multiple_response"):
            meta["options"] = [o["id"] for o in data["options"]]
            if "passage" in data:
                meta["passage"] = data["passage"]
            single = kind == "single_choice"
            ET.SubElement(question, "single").text = "true" if single else "false"
            ET.SubElement(question, "shuffleanswers").text = "true"
            ET.SubElement(question, "answernumbering").text = "abc"
            k = 1 if single else len(data["answer"])
            for option in data["options"]:
                right = option["id"] == data["answer"] if single else option["id"] in data["answer"]
                _answer(question, (100 / k if right else (0 if single else -100 / k)), option["text"], option["feedback"])
        elif kind == "true_false":
            for value in ("true", "false"):
                right = (value == "true") == data["answer"]
                _answer(question, 100 if right else 0, value, data.get("feedback", {}).get(value, ""))
        elif kind == "short_answer":
            ET.SubElement(question, "usecase").text = "0"
            for entry in data["answers"]:
                _answer(question, entry["credit"] * 100, entry["text"], entry.get("feedback", ""))
            for entry in data.get("wrong_answers", []):
                _answer(question, 0, entry["text"], entry.get("feedback", ""))
        elif kind == "numeric":
            meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
            _answer(question, 100, repr(data["answer"]), "", tolerance=repr(data["tolerance"]))
            if data.get("unit"):
                units = ET.SubElement(question, "units")
                for name, factor in {data["unit"]: 1.0, **data.get("units", {})}.items():
                    unit = ET.SubElement(units, "unit")
                    ET.SubElement(unit, "multiplier").text = repr(factor)
                    ET.SubElement(unit, "unit_name").text = name
        elif kind == "matching":
            meta["pairs"], meta["distractors"] = [p["id"] for p in data["pairs"]], [d["id"] for d in data["distractors"]]
            ET.SubElement(question, "shuffleanswers").text = "true"
            for pair in data["pairs"]:
                sub = _sub(question, "subquestion", pair["left"], format="markdown")
                _sub(sub, "answer", pair["right"])
            for distractor in data["distractors"]:
                sub = _sub(question, "subquestion", "", format="markdown")
                _sub(sub, "answer", distractor["text"])
        elif kind == "ordering":
            meta["items"] = [item["id"] for item in data["items"]]
            ET.SubElement(question, "layouttype").text = "VERTICAL"
            ET.SubElement(question, "selecttype").text = "ALL"
            ET.SubElement(question, "gradingtype").text = "RELATIVE_NEXT_EXCLUDE_LAST"
            for number, item in enumerate(data["items"], start=1):
                _answer(question, number, item["text"])
        tags = ET.SubElement(question, "tags")
        for tag in data["tags"]:
            _sub(tags, "tag", tag)
        ET.SubElement(question, "backchannel").text = json.dumps(meta, ensure_ascii=False)
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"
