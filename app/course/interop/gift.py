"""GIFT (Moodle's plain-text question format): the format itself. Pure.

This module knows GIFT, not our types: blocks, names, comments, ``$CATEGORY:``, escapes, ``[format]``
markers, weights, feedback, general feedback (``####``), limits and line numbers. Each type's own
``app/course/qtypes/<type>/gift.py`` says whether it reads an answer block (``reads``), reads it into
our data (``read``) and writes one (``write``); the registry asks them in GIFT's fixed order
(``qtypes.gift_readers``). A type without a ``gift.py`` has no place in GIFT and is reported as
skipped on export.

Import turns each question into our data, which the caller then checks with
``bank.check_question_data`` like any other. Export writes GIFT Moodle reads; what GIFT cannot hold
(our ids, anchors, tags, difficulty, and whatever a type adds) rides in a ``// backchannel: {...}``
comment line before each question, which Moodle ignores and our importer reads back, so
import(export(bank)) gives the bank again. A quoted passage of the paper goes before the prompt as a
block quote with its line reference, so Moodle shows it too. A ``$CATEGORY:`` becomes a tag holding its
path (``$course$/Top/History/Trade`` → ``History/Trade``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Iterable

from app.course import qtypes
from app.course.interop.extras import carried, category_tag, restore
from app.course.formats.gift_text import clean, escape, protect, unprotect
from app.course.limits import MAX_QUESTIONS_PER_FILE, UNLIMITED, Budget
from app.course.markup import without_foreign_images
from app.course.passages import with_passage, without_passage
from app.course.words import _

META = "// backchannel: "
_TAG = re.compile(r"<[^<>]*>")  # '[^>]+' ran to the end from every '<' of an unclosed run (quadratic)


@dataclass
class Imported:
    """One imported question turned into our data (still to be checked), with its name and line, and the
    images it shows (SHA-256 to bytes, checked by ``app.course.media``), to be stored with it."""

    name: str
    line: int
    data: dict
    notes: list[str] = field(default_factory=list)
    images: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        """Whatever the format, an image from elsewhere (a web address, a package's file) becomes its alt text, with a note."""
        self.data = without_foreign_images(self.data, self.notes)


@dataclass
class Skipped:
    """One question that could not be imported, with its name, line and why."""
    name: str
    line: int
    reason: str


def slug(text: str) -> str:
    """An id made of ``text``'s words (tags dropped), at most 60 characters."""
    value = re.sub(r"[^a-z0-9]+", "-", _TAG.sub(" ", text).lower()).strip("-")
    return value[:60] or "question"


# --- Import ----------------------------------------------------------------------------------

def _blocks(text: str) -> list[tuple[int, list[str], dict | ValueError | None, str | None]]:
    """(first line, lines, metadata, category) of each question; comments and category lines apart."""
    blocks, current, start, meta, category = [], [], 0, None, None
    pending_meta: dict | ValueError | None = None
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
                    pending_meta = ValueError(_("the // backchannel: metadata is nested too deeply"))
                except ValueError:  # valid JSON Python will not read: an integer of over 4,300 digits
                    pending_meta = ValueError(_("the // backchannel: metadata holds a number too long to read"))
            continue
        if stripped.startswith("$CATEGORY:"):
            category = category_tag(stripped[len("$CATEGORY:"):])
            continue
        if not stripped:
            if current:
                blocks.append((start, current, meta, category))
                current, meta = [], None
            continue
        if not current:
            start, meta, pending_meta = number, pending_meta, None
        current.append(protect(line))
    if current:
        blocks.append((start, current, meta, category))
    return blocks


def parse_gift(text: str, default_anchor: str, budget: Budget = UNLIMITED,
               max_questions: int = MAX_QUESTIONS_PER_FILE) -> tuple[list[Imported], list[Skipped]]:
    """Every question of a GIFT file as our data, and every question that had to be skipped.

    Raises ValueError when the file holds more than ``max_questions``; ``budget`` is asked
    before each question.
    """
    imported, skipped, used = [], [], UniqueIds()
    blocks = _blocks(text.replace("\r\n", "\n"))
    refuse_many(len(blocks), max_questions)
    readers = qtypes.gift_readers()
    for line, lines, meta, category in blocks:
        budget.check()
        source = "\n".join(lines).strip()
        name_match = re.match(r"^::(.*?)::", source, re.S)
        name = unprotect(name_match.group(1)) if name_match else ""
        body_text = source[name_match.end():] if name_match else source
        opening, closing = body_text.find("{"), body_text.rfind("}")
        display = name or " ".join(clean(body_text if opening < 0 else body_text[:opening]).split())[:40]
        if opening < 0 or closing < opening:
            skipped.append(Skipped(display, line, _("a description (no answers) has no equivalent here; skipped")))
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
            skipped.append(Skipped(display, line, _("%(meta)s; skipped", meta=meta)))
            continue
        meta = meta if isinstance(meta, dict) else {}
        notes: list[str] = []
        reader = next((module for module in readers if module.reads(answers_text.strip())), None)
        if reader is None:
            skipped.append(Skipped(display, line, _("no question type here reads this answer block; skipped")))
            continue
        try:
            data = reader.read(answers_text, meta, notes)
        except (ValueError, TypeError, KeyError, IndexError) as error:
            skipped.append(Skipped(display, line, _("%(error)s; skipped", error=error)))
            continue
        ident = meta_id(meta) or used.first_free(slug(name or clean(prompt)))
        used.add(ident)
        prompt, passage = without_passage(clean(prompt), meta.get("passage"))
        if passage:
            data["passage"] = passage
        data.update({
            "id": ident, "prompt": prompt,
            "explanation": clean(general) or meta.get("explanation") or "No explanation was given in the imported file.",
            "lesson_anchor": meta.get("lesson_anchor", default_anchor),
            "tags": meta.get("tags") or ([category] if category else ["imported"]),
            "difficulty": meta.get("difficulty", "medium"),
        })
        imported.append(Imported(display, line, ordered(restore(data, meta)), notes))
    return imported, skipped


def refuse_many(count: int, max_questions: int) -> None:
    """Refuse a file of more than ``max_questions`` questions before any of them is read."""
    if count > max_questions:
        raise ValueError(_("the file holds %(count)s questions; one import takes at most %(max_questions)s, so split "
                           "it", count=format(count, ","), max_questions=format(max_questions, ",")))


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
        """Start from the ids ``taken`` already."""
        self.used = set(taken)
        self.next_number: dict[str, int] = {}

    def __contains__(self, ident: str) -> bool:
        """Whether ``ident`` is in use."""
        return ident in self.used

    def add(self, ident: str) -> None:
        """Mark ``ident`` as used."""
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


def ordered(data: dict) -> dict:
    """Question data with the common fields first, as a bank file lists them."""
    first = ("id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty")
    return {**{key: data[key] for key in first}, **{k: v for k, v in data.items() if k not in first}}


# --- Export ------------------------------------------------------------------------------

def export_gift(questions: list[dict]) -> tuple[str, list[tuple[str, str]]]:
    """GIFT text for the questions GIFT can express, and (id, reason) for those it cannot."""
    chunks, skipped = [], []
    for data in questions:
        writer = qtypes.mapping(data["type"], "gift")
        if writer is None:
            skipped.append((data["id"], f"GIFT has no {qtypes.of(data).label.lower()} questions"))
            continue
        meta = {"id": data["id"], "lesson_anchor": data["lesson_anchor"], "tags": data["tags"], "difficulty": data["difficulty"],
                **carried(data)}
        if "passage" in data:
            meta["passage"] = data["passage"]
        answers = writer.write(data, meta)
        if getattr(writer, "GENERAL_FEEDBACK", True):
            general = f"####{escape(data['explanation'])}"
        else:  # the type's Moodle reader would take a "####" line for part of its answers
            general, meta["explanation"] = "", data["explanation"]
        chunks.append(f"{META}{json.dumps(meta, ensure_ascii=False)}\n"
                      f"::{escape(data['id'])}::[markdown]{escape(with_passage(data['prompt'], data.get('passage')))}{{{answers}{general}}}")
    return "\n\n".join(chunks) + "\n", skipped
