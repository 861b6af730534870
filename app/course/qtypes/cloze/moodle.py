"""Cloze in Moodle XML: Moodle's ``cloze`` (multianswer), each blank an embedded answer ``{weight:KIND:answers}``. Pure.

Every Moodle kind has a place here (``SUBQUESTIONS``): SHORTANSWER / SA / MW (``_C``: case must
match), NUMERICAL / NM (``value:tolerance``, several weighted answers), MULTICHOICE / MC and its
``_V`` (vertical radios), ``_H`` (horizontal) and ``_S`` (shuffled) variants, MULTIRESPONSE / MR
and its ``_H`` and ``_S`` variants. Answers are ``~``-separated, each with a fraction (``=`` full,
``%n%``, none: 0), its text and ``#feedback``; ``\\}`` ``\\~`` ``\\#`` ``\\/`` escape those
characters. A ``*`` answer at 0 % is the blank's feedback for any other answer; a 0 % answer is a
known wrong answer (short), a wrong option or a 0-credit number. As in Moodle, a multi-response
blank's right fractions are scaled to add up to 1, and without any ``%n%`` its wrong options each
take back one right option's share. A blank inside a blank, one never closed, a kind with no
equivalent, or no blank at all refuses the question (with its line) and nothing of it is imported.

Moodle's "select missing words" (``gapselect``) and "drag and drop into text" (``ddwtos``) are clozes too:
each gap ``[[n]]`` is a choice blank (a dropdown) among the choices of choice n's group, choice n the
right one. Dragging becomes choosing, with a note.

Moodle has no prompt beside the text: the export puts ours first, as its own paragraph, and the
metadata names it so our import takes it off again.
"""

from __future__ import annotations

import html
import math
import re
import xml.etree.ElementTree as ET

from app.course.formats.gift_text import credit, percent
from app.course.formats.moodle_text import CLOZE_HEAD, cloze_blanks, text_of
from app.course.qtypes.cloze import BLANK, DISPLAYS
from app.course.qtypes.choice_moodle import options_ids
from app.course.qtypes.typed import number_text
from app.course.words import _

MOODLE_TYPES = ("cloze", "multianswer", "gapselect", "ddwtos")
GAP_CHOICES = {"gapselect": "selectoption", "ddwtos": "dragbox"}  # where each of these types keeps its choices
_GAP = re.compile(r"\[\[(\d+)\]\]")
DEFAULT_PROMPT = "Fill in the blanks."
# Moodle's kind (long and short names) → our kind and what the name says of it.
SUBQUESTIONS: dict[str, tuple[str, dict]] = {}
for _names, _kind, _extra in (
        (("SHORTANSWER", "SA", "MW"), "short", {}), (("SHORTANSWER_C", "SAC", "MWC"), "short", {"case": "sensitive"}),
        (("NUMERICAL", "NM"), "numeric", {}),
        (("MULTICHOICE", "MC"), "choice", {}), (("MULTICHOICE_S", "MCS"), "choice", {"shuffle": True}),
        (("MULTICHOICE_V", "MCV"), "choice", {"display": "vertical"}),
        (("MULTICHOICE_VS", "MCVS"), "choice", {"display": "vertical", "shuffle": True}),
        (("MULTICHOICE_H", "MCH"), "choice", {"display": "horizontal"}),
        (("MULTICHOICE_HS", "MCHS"), "choice", {"display": "horizontal", "shuffle": True}),
        (("MULTIRESPONSE", "MR"), "multi", {}), (("MULTIRESPONSE_S", "MRS"), "multi", {"shuffle": True}),
        (("MULTIRESPONSE_H", "MRH"), "multi", {"display": "horizontal"}),
        (("MULTIRESPONSE_HS", "MRHS"), "multi", {"display": "horizontal", "shuffle": True})):
    for _name in _names:
        SUBQUESTIONS[_name] = (_kind, _extra)
_ALTERNATIVE = re.compile(r"(?<!\\)~")
_FRACTION = re.compile(r"^\s*(?:(=)|%(-?\d+(?:[.,]\d*)?)%)")
_FEEDBACK = re.compile(r"(?<![\\&])#")  # "&#039;" is an entity of the answer, not its feedback
_ESCAPED = re.compile(r"\\([}~#/\\\"])")
_NUMBER = re.compile(r"^\s*(-?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][-+]?\d+)?)\s*(?::\s*(-?(?:\d+[.,]?\d*|[.,]\d+)(?:[eE][-+]?\d+)?))?\s*$")


def alternatives(answers: str) -> list[tuple[float, str, str, bool]]:
    """(credit, answer, feedback, whether a ``%n%`` gave the credit) of each ``~``-separated answer of a blank."""
    found = []
    for piece in _ALTERNATIVE.split(answers):
        fraction = _FRACTION.match(piece)
        share = 0.0 if fraction is None else 1.0 if fraction.group(1) else credit(fraction.group(2))
        answer, said = (_FEEDBACK.split(piece[fraction.end():] if fraction else piece, maxsplit=1) + [""])[:2]
        found.append((share, unescape(answer), unescape(said), bool(fraction and fraction.group(2) is not None)))
    return found


def unescape(text: str) -> str:
    """An answer or feedback as Moodle reads it: escapes taken off, HTML entities decoded, space trimmed."""
    return html.unescape(_ESCAPED.sub(r"\1", text)).strip()


def escape(text: str) -> str:
    """An answer or feedback written inside a blank: ``\\``, ``}``, ``~`` and ``#`` escaped."""
    return re.sub(r"([\\}~#])", r"\\\1", text)


def read_blank(ident: str, kind_name: str, answers: str, meta: dict, notes: list[str]) -> dict:
    """One blank of ours from Moodle's kind and answers."""
    if kind_name not in SUBQUESTIONS:
        raise ValueError(_("cloze blank type %(kind_name)s has no equivalent here", kind_name=kind_name))
    if head := CLOZE_HEAD.search(answers):
        raise ValueError(_("blank %(ident)s holds another blank (%(given)s…): cloze blanks cannot nest",
                           ident=ident, given=head.group(0)))
    kind, extra = SUBQUESTIONS[kind_name]
    found = alternatives(answers)
    blank: dict = {"id": ident, **({} if kind == "short" else {"kind": kind})}
    for share, text, said, _line in found:
        if text == "*":
            if share > 0:
                raise ValueError(_("blank %(ident)s: a “*” answer worth %(share)s gives credit for anything; that has "
                                   "no equivalent here", ident=ident, share=format(share, ".0%")))
            if said:
                blank["other_feedback"] = said
    found = [entry for entry in found if entry[1] != "*"]
    if kind == "short":
        blank.update(_short(ident, found, extra, notes))
    elif kind == "numeric":
        blank["answers"] = [_number(ident, share, text, said) for share, text, said, _ in found if share >= 0]
    else:
        ids = meta.get("blank_options", {}).get(ident) if isinstance(meta.get("blank_options"), dict) else None
        ids = options_ids({"options": ids}, len(found))
        shares = _multi(found) if kind == "multi" else [share for share, *_ in found]
        blank["options"] = [{"id": option, "text": text, "credit": share, **({"feedback": said} if said else {})}
                            for option, share, (_, text, said, _) in zip(ids, shares, found, strict=True)]
        blank.update({key: setting for key, setting in extra.items() if key != "case"})
    if any(share < 0 for share, *_ in found) and kind in ("short", "numeric"):
        notes.append(_("blank %(ident)s: answers of negative credit dropped", ident=ident))
    return blank


def _short(ident: str, found: list[tuple[float, str, str, bool]], extra: dict, notes: list[str]) -> dict:
    """A short blank's accepted and known wrong answers (and ``case``)."""
    accepted = [text if share == 1 and not said else {"text": text, "credit": share, **({"feedback": said} if said else {})}
                for share, text, said, _ in found if share > 0]
    right = {(entry if isinstance(entry, str) else entry["text"]).casefold() for entry in accepted}
    wrong = []
    for share, text, said, _line in found:
        if share != 0:
            continue
        if extra.get("case") and text.casefold() in right:  # Moodle's way of marking capitals wrong; ours is ``case``
            notes.append(_("blank %(ident)s: the wrong answer “%(given)s” differs from a right one only in capitals, "
                           "which the blank's case rule marks wrong already; its feedback dropped",
                           ident=ident, given=text))
            continue
        wrong.append({"text": text, **({"feedback": said} if said else {})})
    return {"accept": accepted, **({"wrong_answers": wrong} if wrong else {}), **extra}


def _number(ident: str, share: float, text: str, said: str) -> dict:
    """A numeric blank's answer from ``value:tolerance``."""
    match = _NUMBER.match(text)
    if match is None:
        raise ValueError(_("blank %(ident)s: “%(given)s” is not a number (value or value:tolerance)",
                           ident=ident, given=text))
    value, tolerance = (float(part.replace(",", ".")) for part in (match.group(1), match.group(2) or "0"))
    return {"value": value, "tolerance": tolerance, "credit": share, **({"feedback": said} if said else {})}


def _multi(found: list[tuple[float, str, str, bool]]) -> list[float]:
    """Moodle's reading of a multi-response blank's fractions: the right ones scaled to add up to 1; without any
    ``%n%``, each wrong option takes back one right option's share."""
    shares = [share for share, *_ in found]
    total = math.fsum(share for share in shares if share > 0)
    if not total:
        return shares
    specific = any(given for *_, given in found)
    scale = 1.0 if math.isclose(total, 1, abs_tol=1e-9) else total
    return [share / scale if share > 0 else share if specific else -1 / total for share in shares]


def read_gaps(question: ET.Element, notes: list[str]) -> dict:
    """A ``gapselect`` or ``ddwtos`` question as a cloze of dropdown choice blanks."""
    kind = question.get("type")
    choices = [(text_of(choice), text_of(choice, "group") or "1") for choice in question.findall(GAP_CHOICES[kind])]
    shuffle = text_of(question, "shuffleanswers") in ("1", "true")
    if kind == "ddwtos":
        notes.append(_("drag and drop became a choice from a list in each gap"))
    text, blanks = text_of(question.find("questiontext")), []

    def blank(gap: re.Match) -> str:
        """A gap as its choice blank's placeholder."""
        number = int(gap.group(1))
        if not 1 <= number <= len(choices):
            raise ValueError(_("gap [[%(number)s]] names no choice (there are %(count)s)",
                               number=number, count=len(choices)))
        group = [index for index, (_, in_group) in enumerate(choices, start=1) if in_group == choices[number - 1][1]]
        ident = f"b{len(blanks) + 1}"
        blanks.append({"id": ident, "kind": "choice", **({"shuffle": True} if shuffle else {}), "options": [
            {"id": option, "text": choices[index - 1][0], "credit": 1.0 if index == number else 0.0}
            for option, index in zip(options_ids({}, len(group)), group, strict=True)]})
        return f"[[{ident}]]"

    text = _GAP.sub(blank, text)
    if not blanks:
        raise ValueError(_("a question without gaps ([[1]])"))
    return {"type": "cloze", "prompt": DEFAULT_PROMPT, "text": text, "blanks": blanks}


def read(question: ET.Element, meta: dict, notes: list[str]) -> dict:
    """Our cloze from Moodle's (or from select missing words and drag into text)."""
    if question.get("type") in GAP_CHOICES:
        return read_gaps(question, notes)
    text = text_of(question.find("questiontext"))
    prompt = meta.get("prompt") if isinstance(meta.get("prompt"), str) else None
    if prompt and text.startswith(prompt + "\n\n"):
        text = text[len(prompt) + 2:]
    names = meta.get("blanks") if isinstance(meta.get("blanks"), list) else []
    blanks, pieces, position = [], [], 0
    for start, end, kind_name, answers in cloze_blanks(text):
        ident = names[len(blanks)] if len(blanks) < len(names) else f"b{len(blanks) + 1}"
        weight = int(text[start + 1:text.index(":", start)])
        blank = read_blank(ident, kind_name, answers, meta, notes)
        blanks.append({**blank, **({"weight": weight} if weight != 1 else {})})
        pieces += [text[position:start], f"[[{ident}]]"]
        position = end
    if head := CLOZE_HEAD.search(text, position):
        raise ValueError(_("the blank “%(given)s…” is never closed: no unescaped '}' follows it", given=head.group(0)))
    if not blanks:
        raise ValueError(_("a cloze question without blanks ({1:SHORTANSWER:=answer})"))
    return {"type": "cloze", "prompt": prompt or DEFAULT_PROMPT, "text": "".join(pieces) + text[position:], "blanks": blanks}


# --- Export ------------------------------------------------------------------------------

def kind_name(blank: dict) -> str:
    """Moodle's name for a blank's kind and settings."""
    kind = blank.get("kind", "short")
    if kind == "short":
        return "SHORTANSWER_C" if blank.get("case") else "SHORTANSWER"
    if kind == "numeric":
        return "NUMERICAL"
    display = blank.get("display", DISPLAYS[kind][0])
    suffix = {"dropdown": "", "vertical": "_V" if kind == "choice" else "", "horizontal": "_H"}[display]
    suffix += "S" if blank.get("shuffle") and suffix else "_S" if blank.get("shuffle") else ""
    return ("MULTICHOICE" if kind == "choice" else "MULTIRESPONSE") + suffix


def written(share: float, text: str, said: str, always: bool = False) -> str:
    """One answer of a blank: ``=`` for full credit (unless ``always`` asks for ``%n%``), ``%n%`` else."""
    fraction = "=" if share == 1 and not always else f"%{percent(share)}%"
    return f"{fraction}{escape(text)}" + (f"#{escape(said)}" if said else "")


def blank_code(blank: dict) -> str:
    """A blank as Moodle's embedded answer: ``{weight:KIND:answer~answer}``."""
    kind = blank.get("kind", "short")
    if kind == "short":
        answers = [written(1.0, entry, "") if isinstance(entry, str) else written(entry["credit"], entry["text"], entry.get("feedback", ""))
                   for entry in blank["accept"]]
        answers += [written(0.0, entry["text"], entry.get("feedback", ""), always=True) for entry in blank.get("wrong_answers", [])]
    elif kind == "numeric":
        answers = [written(a["credit"], f"{number_text(a['value'])}:{number_text(a['tolerance'])}", a.get("feedback", ""))
                   for a in blank["answers"]]
    else:  # a multi blank writes every fraction, so Moodle keeps its wrong options' credits as they are
        answers = [written(o["credit"], o["text"], o.get("feedback", ""), always=kind == "multi") for o in blank["options"]]
    if "other_feedback" in blank:
        answers.append(written(0.0, "*", blank["other_feedback"], always=True))
    return f"{{{blank.get('weight', 1)}:{kind_name(blank)}:{'~'.join(answers)}}}"


def write(question: ET.Element, data: dict, meta: dict) -> str:
    """The prompt, then the text with each blank as Moodle's embedded answer; ids in the metadata."""
    blanks = {blank["id"]: blank for blank in data["blanks"]}
    meta["prompt"], meta["blanks"] = data["prompt"], [ident for ident in BLANK.findall(data["text"])]
    options = {blank["id"]: [option["id"] for option in blank["options"]] for blank in data["blanks"] if "options" in blank}
    if options:
        meta["blank_options"] = options
    return f"{data['prompt']}\n\n" + BLANK.sub(lambda match: blank_code(blanks[match.group(1)]), data["text"])
