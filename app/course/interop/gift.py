"""GIFT (Moodle's plain-text question format): import and export. Pure.

Import turns each GIFT question into our question data, which the caller then checks with
``bank.check_question_data`` like any other question. Export writes valid GIFT; what GIFT cannot
hold (our ids, anchors, tags, difficulty, units) rides in a ``// backchannel: {...}`` comment
line before each question, which Moodle ignores and our importer reads back, so
import(export(bank)) gives the bank again for every type GIFT can express. A quoted passage of the
paper goes before the prompt as a block quote with its line reference, so Moodle shows it too.

Type mapping (GIFT → ours): multichoice with one ``=`` → single_choice; multichoice with weights
and no ``=`` → multiple_response (positive weight = correct); ``=`` answers only → short_answer
(``%n%`` weights become credit); ``{T}``/``{F}`` → true_false; ``{#...}`` → numeric (value:tolerance
or min..max); ``=a -> b`` → matching (``= -> x`` is a distractor). Essay ``{}``, descriptions and
"any other answer" (``*``) wildcards have no equivalent: essays and descriptions are reported and
skipped; wildcard answers are dropped with a note. Ordering and cloze questions cannot be written
in GIFT and are reported as skipped on export.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable

from app.course.limits import MAX_QUESTIONS_PER_FILE, UNLIMITED, Budget
from app.course.interop.extras import carried, restore
from app.course.passages import with_passage, without_passage

META = "// backchannel: "
_ESCAPES = {"\\\\": "\ue000", "\\~": "\ue001", "\\=": "\ue002", "\\#": "\ue003", "\\{": "\ue004",
            "\\}": "\ue005", "\\:": "\ue006", "\\n": "\ue007"}
_RESTORE = {"\ue000": "\\", "\ue001": "~", "\ue002": "=", "\ue003": "#", "\ue004": "{", "\ue005": "}",
            "\ue006": ":", "\ue007": "\n"}
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.I)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TAG = re.compile(r"<[^<>]*>")  # '[^>]+' ran to the end from every '<' of an unclosed run (quadratic)


@dataclass
class Imported:
    """One GIFT question turned into our data (still to be checked), with its name and line."""

    name: str
    line: int
    data: dict
    notes: list[str] = field(default_factory=list)


@dataclass
class Skipped:
    name: str
    line: int
    reason: str


def _protect(text: str) -> str:
    for escaped, marker in _ESCAPES.items():
        text = text.replace(escaped, marker)
    return text


def _restore(text: str) -> str:
    for marker, plain in _RESTORE.items():
        text = text.replace(marker, plain)
    return text.strip()


def _clean(text: str) -> str:
    """A text from GIFT: format marker dropped, escapes restored, surrounding space trimmed."""
    return _restore(_FORMAT.sub("", text))


def slug(text: str) -> str:
    value = re.sub(r"[^a-z0-9]+", "-", _TAG.sub(" ", text).lower()).strip("-")
    return value[:60] or "question"


def _blocks(text: str) -> list[tuple[int, list[str], dict | None, str | None]]:
    """(first line, lines, metadata, category) of each question; comments and category lines apart."""
    blocks, current, start, meta, category = [], [], 0, None, None
    pending_meta = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        stripped = line.strip()
        if stripped.startswith("//"):
            if stripped.startswith(META.strip()):
                try:
                    pending_meta = json.loads(stripped[len(META.strip()):].strip())
                except json.JSONDecodeError:
                    pending_meta = None
                except RecursionError:  # reported with the question it belongs to (parse_gift)
                    pending_meta = ValueError("the // backchannel: metadata is nested too deeply")
            continue
        if stripped.startswith("$CATEGORY:"):
            category = stripped[len("$CATEGORY:"):].strip()
            continue
        if not stripped:
            if current:
                blocks.append((start, current, meta, category))
                current, meta = [], None
            continue
        if not current:
            start, meta, pending_meta = number, pending_meta, None
        current.append(_protect(line))
    if current:
        blocks.append((start, current, meta, category))
    return blocks


def _split_answers(body: str) -> list[tuple[str, str]]:
    """Split an answer block into (marker, text) pairs at each unescaped = or ~."""
    parts, marker, buffer = [], None, []
    for char in body:
        if char in "=~":
            if marker is not None or "".join(buffer).strip():
                parts.append((marker or "", "".join(buffer)))
            marker, buffer = char, []
        else:
            buffer.append(char)
    if marker is not None or "".join(buffer).strip():
        parts.append((marker or "", "".join(buffer)))
    return parts


def _feedback(text: str) -> tuple[str, str]:
    answer, _, feedback = text.partition("#")
    return answer, feedback


def parse_gift(text: str, default_anchor: str, budget: Budget = UNLIMITED,
               max_questions: int = MAX_QUESTIONS_PER_FILE) -> tuple[list[Imported], list[Skipped]]:
    """Every question of a GIFT file as our data, and every question that had to be skipped.

    Raises ValueError when the file holds more than ``max_questions``; ``budget`` is asked
    before each question.
    """
    imported, skipped, used = [], [], UniqueIds()
    blocks = _blocks(text.replace("\r\n", "\n"))
    refuse_many(len(blocks), max_questions)
    for line, lines, meta, category in blocks:
        budget.check()
        source = "\n".join(lines).strip()
        name_match = re.match(r"^::(.*?)::", source, re.S)
        name = _restore(name_match.group(1)) if name_match else ""
        body_text = source[name_match.end():] if name_match else source
        display = name or _restore(body_text)[:40]
        opening, closing = body_text.find("{"), body_text.rfind("}")
        if opening < 0 or closing < opening:
            skipped.append(Skipped(display, line, "a description (no answers) has no equivalent here; skipped"))
            continue
        prompt = body_text[:opening]
        tail = body_text[closing + 1:]
        if tail.strip().strip('";'):
            prompt = f"{prompt} _____ {tail}"
        answers_text = body_text[opening + 1:closing]
        general = ""
        if "####" in answers_text:
            answers_text, general = answers_text.split("####", 1)
        if isinstance(meta, ValueError):
            skipped.append(Skipped(display, line, f"{meta}; skipped"))
            continue
        meta = meta if isinstance(meta, dict) else {}
        try:
            data, notes = _question(answers_text, meta)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            skipped.append(Skipped(display, line, f"{error}; skipped"))
            continue
        ident = meta_id(meta) or used.first_free(slug(name or _clean(prompt)))
        used.add(ident)
        prompt = _clean(prompt)
        if data["type"] in ("single_choice", "multiple_response"):
            prompt, passage = without_passage(prompt, meta.get("passage"))
            if passage:
                data["passage"] = passage
        data.update({
            "id": ident, "prompt": prompt,
            "explanation": _clean(general) or meta.get("explanation") or "No explanation was given in the imported file.",
            "lesson_anchor": meta.get("lesson_anchor", default_anchor),
            "tags": meta.get("tags") or ([category] if category else ["imported"]),
            "difficulty": meta.get("difficulty", "medium"),
        })
        imported.append(Imported(display, line, _ordered(restore(data, meta)), notes))
    return imported, skipped


def refuse_many(count: int, max_questions: int) -> None:
    """Refuse a file of more than ``max_questions`` questions before any of them is read."""
    if count > max_questions:
        raise ValueError(f"the file holds {count:,} questions; one import takes at most {max_questions:,}, so split it")


def meta_id(meta: dict) -> str | None:
    """The id our own export wrote into a question's metadata, if it is text."""
    ident = meta.get("id")
    return ident if isinstance(ident, str) and ident else None


class UniqueIds:
    """Ids in use; ``first_free`` turns a taken id into the first free ``id-2``, ``id-3``...

    Each base remembers the last number it tried, so ten thousand questions of one name cost
    ten thousand steps, not fifty million.
    """

    def __init__(self, taken: Iterable[str] = ()):
        self.used = set(taken)
        self.next_number: dict[str, int] = {}

    def __contains__(self, ident: str) -> bool:
        return ident in self.used

    def add(self, ident: str) -> None:
        self.used.add(ident)

    def first_free(self, base: str) -> str:
        """``base`` if free, else its first free numbered form (the caller adds the one it uses)."""
        number = self.next_number.get(base, 1)
        candidate = base if number == 1 else f"{base}-{number}"
        while candidate in self.used:
            number += 1
            candidate = f"{base}-{number}"
        self.next_number[base] = number + 1
        return candidate


def _ordered(data: dict) -> dict:
    first = ("id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty")
    return {**{key: data[key] for key in first}, **{k: v for k, v in data.items() if k not in first}}


def _question(body: str, meta: dict | None) -> tuple[dict, list[str]]:
    """Our type-specific data for one GIFT answer block (raises ValueError when unsupported)."""
    meta = meta or {}
    stripped = body.strip()
    notes: list[str] = []
    if not stripped:
        raise ValueError("essay questions have no equivalent here")
    truth = re.match(r"^(T|TRUE|F|FALSE)\s*(#.*)?$", stripped, re.S | re.I)
    if truth:
        answer = truth.group(1).upper().startswith("T")
        feedback_parts = (truth.group(2) or "").split("#")[1:]
        data = {"type": "true_false", "answer": answer}
        if feedback_parts:
            wrong, right = (feedback_parts + [""])[:2]
            by_choice = {str(answer).lower(): _clean(right), str(not answer).lower(): _clean(wrong)}
            if any(by_choice.values()):
                data["feedback"] = {key: by_choice[key] for key in ("true", "false") if by_choice[key]}
        return data, notes
    if stripped.startswith("#"):
        return _numeric(stripped[1:], meta, notes), notes
    parts = _split_answers(body)
    if not parts:
        raise ValueError("no answers found")
    if all(marker == "=" and "->" in text for marker, text in parts):
        return _matching(parts, meta), notes
    if any(marker == "~" for marker, _ in parts):
        return _choice(parts, meta, notes), notes
    return _short(parts, notes), notes


def _weight(text: str) -> tuple[float | None, str]:
    match = _WEIGHT.match(text.strip())
    if match:
        return float(match.group(1)), text.strip()[match.end():]
    return None, text


def _choice(parts: list[tuple[str, str]], meta: dict, notes: list[str]) -> dict:
    option_ids = meta.get("options") or [chr(ord("a") + i) for i in range(len(parts))]
    if len(option_ids) != len(parts):
        option_ids = [chr(ord("a") + i) for i in range(len(parts))]
    options, correct = [], []
    for ident, (marker, text) in zip(option_ids, parts, strict=True):
        weight, rest = _weight(text)
        answer, feedback = _feedback(rest)
        is_right = marker == "=" or (weight is not None and weight > 0)
        options.append({"id": ident, "text": _clean(answer),
                        "feedback": _clean(feedback) or ("Correct." if is_right else "Not correct.")})
        if is_right:
            correct.append(ident)
    single = sum(1 for marker, _ in parts if marker == "=") == 1 and len(correct) == 1
    if single:
        return {"type": "single_choice", "options": options, "answer": correct[0]}
    if any(_weight(text)[0] is not None for _, text in parts):
        notes.append("weights were read as right (positive) or wrong; our rule scores ±1/k per pick")
    return {"type": "multiple_response", "options": options, "answer": correct}


def _short(parts: list[tuple[str, str]], notes: list[str]) -> dict:
    answers = []
    for _, text in parts:
        weight, rest = _weight(text)
        answer, feedback = _feedback(rest)
        answer = _clean(answer)
        credit = 1.0 if weight is None else weight / 100
        if answer == "*" or credit <= 0:
            notes.append(f"answer “{answer}” ({weight or 0:g} %) dropped: any-other-answer and zero-credit answers have no equivalent")
            continue
        entry = {"text": answer, "credit": min(1.0, credit)}
        if _clean(feedback):
            entry["feedback"] = _clean(feedback)
        answers.append(entry)
    return {"type": "short_answer", "answers": answers}


def _numeric(body: str, meta: dict, notes: list[str]) -> dict:
    parts = _split_answers(body) or [("=", body)]
    first = next((text for marker, text in parts if marker in ("", "=") and _feedback(text)[0].strip()), None)
    if first is None:
        raise ValueError("numerical question without a value")
    _, value_text = _weight(_feedback(first)[0])
    value_text = _restore(value_text)
    if ".." in value_text:
        low, high = (float(v) for v in value_text.split(".."))
        answer, tolerance = (low + high) / 2, (high - low) / 2
    elif ":" in value_text:
        value, tol = value_text.split(":", 1)
        answer, tolerance = float(value), float(tol)
    else:
        answer, tolerance = float(value_text), 0.0
    if len(parts) > 1:
        notes.append("extra numerical answers (wrong-answer feedback, partial ranges) dropped")
    data = {"type": "numeric", "answer": answer, "tolerance": tolerance, "unit": meta.get("unit"), "units": meta.get("units", {})}
    return data


def _matching(parts: list[tuple[str, str]], meta: dict) -> dict:
    pairs, distractors = [], []
    for _, text in parts:
        left, _, right = text.partition("->")
        left, right = _clean(left), _clean(right)
        (pairs if left else distractors).append((left, right))
    pair_ids = meta.get("pairs") or [f"p{i + 1}" for i in range(len(pairs))]
    distractor_ids = meta.get("distractors") or [f"d{i + 1}" for i in range(len(distractors))]
    return {"type": "matching",
            "pairs": [{"id": i, "left": left, "right": right} for i, (left, right) in zip(pair_ids, pairs, strict=True)],
            "distractors": [{"id": i, "text": right} for i, (_, right) in zip(distractor_ids, distractors, strict=True)]}


# --- Export ------------------------------------------------------------------------------

def _escape(text: str) -> str:
    escaped = text.replace("\\", "\\\\")
    for char in "~=#{}:":
        escaped = escaped.replace(char, "\\" + char)
    return escaped.replace("\n", "\\n")


def _percent(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


def export_gift(questions: list[dict]) -> tuple[str, list[tuple[str, str]]]:
    """GIFT text for the questions GIFT can express, and (id, reason) for those it cannot."""
    chunks, skipped = [], []
    for data in questions:
        meta = {"id": data["id"], "lesson_anchor": data["lesson_anchor"], "tags": data["tags"], "difficulty": data["difficulty"],
                **carried(data)}
        kind = data["type"]
        if kind in ("ordering", "cloze"):
            skipped.append((data["id"], f"GIFT has no {kind} questions"))
            continue
        if kind in ("single_choice", "multiple_response"):
            meta["options"] = [o["id"] for o in data["options"]]
            if "passage" in data:
                meta["passage"] = data["passage"]
            k = len(data["answer"]) if kind == "multiple_response" else 1
            lines = []
            for option in data["options"]:
                right = option["id"] in (data["answer"] if kind == "multiple_response" else [data["answer"]])
                if kind == "single_choice":
                    prefix = "=" if right else "~"
                else:
                    prefix = f"~%{_percent(100 / k if right else -100 / k)}%"
                lines.append(f"\t{prefix}{_escape(option['text'])}#{_escape(option['feedback'])}")
            answers = "\n" + "\n".join(lines) + "\n"
        elif kind == "true_false":
            answer = "TRUE" if data["answer"] else "FALSE"
            feedback = data.get("feedback", {})
            right, wrong = feedback.get(str(data["answer"]).lower(), ""), feedback.get(str(not data["answer"]).lower(), "")
            answers = answer + (f"#{_escape(wrong)}#{_escape(right)}" if feedback else "")
        elif kind == "short_answer":
            lines = []
            for entry in data["answers"]:
                weight = "" if entry["credit"] == 1.0 else f"%{_percent(entry['credit'] * 100)}%"
                feedback = f"#{_escape(entry['feedback'])}" if entry.get("feedback") else ""
                lines.append(f"\t={weight}{_escape(entry['text'])}{feedback}")
            answers = "\n" + "\n".join(lines) + "\n"
        elif kind == "numeric":
            meta["unit"], meta["units"] = data.get("unit"), data.get("units", {})
            answers = f"#{data['answer']!r}:{data['tolerance']!r}"
        else:  # matching
            meta["pairs"] = [p["id"] for p in data["pairs"]]
            meta["distractors"] = [d["id"] for d in data["distractors"]]
            lines = [f"\t={_escape(p['left'])} -> {_escape(p['right'])}" for p in data["pairs"]]
            lines += [f"\t= -> {_escape(d['text'])}" for d in data["distractors"]]
            answers = "\n" + "\n".join(lines) + "\n"
        general = f"####{_escape(data['explanation'])}"
        chunks.append(f"{META}{json.dumps(meta, ensure_ascii=False)}\n"
                      f"::{_escape(data['id'])}::[markdown]{_escape(with_passage(data['prompt'], data.get('passage')))}{{{answers}{general}}}")
    return "\n\n".join(chunks) + "\n", skipped
