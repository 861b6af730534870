"""Importing question files (GIFT, Moodle XML, QTI 3.0 packages) into a lesson, for the upload view and the CLI.

Each question goes through ``bank.check_question_data`` like any other. A question that fails, or
whose type has no equivalent here, is reported by name and line and skipped; the rest import, in
one transaction, with the images they show (a Moodle file's, checked by ``app.course.media``). A file that is neither format, or not UTF-8, or holds more questions than one
import or its lesson may take, or takes longer than its time budget, changes nothing.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa
from flask import has_request_context

from app.course import words
from app.course.bank import check_question_data, render_question
from app.course.interop.gift import UniqueIds, parse_gift
from app.course.interop.moodle_xml import parse_moodle_xml
from app.course.interop.qti import import_package
from app.course.lessons import anchors_of
from app.course.limits import MAX_QUESTIONS_PER_LESSON, UNLIMITED, Budget, OverBudget
from app.course.markup import media_hashes
from app.course.media import read_image
from app.extensions import db
from app.media.store import store_image, stored_images
from app.models import Lesson, Question, QuestionVersion


def _(text: str, **values) -> str:
    """``text`` in the reader's language during a request (the upload view); English on the command line
    (``flask bank import``), which has no reader's language."""
    if has_request_context():
        return words._(text, **values)
    return text % values if values else text


class ImportRefused(ValueError):
    """The whole file is unusable; nothing was imported."""


@dataclass
class ImportReport:
    format: str
    imported: list[tuple[str, int, str]] = field(default_factory=list)  # (name, line, new id)
    skipped: list[tuple[str, int, str]] = field(default_factory=list)   # (name, line, reason)
    notes: list[tuple[str, int, str]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRefused(_("the file is not UTF-8 text (invalid byte at position %(position)s); "
                              "save it as UTF-8 and try again", position=error.start)) from error


FORMAT_NAMES = {"moodle-xml": "Moodle XML file", "gift": "GIFT file", "qti": "QTI package"}
NOTHING_FOUND = {"moodle-xml": words.N_("no questions found in this Moodle XML file"),
                 "gift": words.N_("no questions found in this GIFT file"),
                 "qti": words.N_("no questions found in this QTI package")}


def is_package(filename: str, raw: bytes) -> bool:
    """A zip (a QTI 3.0 content package) by its name or its first bytes."""
    return filename.lower().endswith(".zip") or raw.startswith(b"PK\x03\x04")


def detect_format(filename: str, text: str) -> str:
    head = text.lstrip()[:200].lower()
    if filename.lower().endswith(".xml") or head.startswith("<?xml") or head.startswith("<quiz"):
        return "moodle-xml"
    if "{" in text and "}" in text:  # GIFT questions keep their answers in braces
        return "gift"
    raise ImportRefused(_("this is neither a GIFT file (questions with answers in {...}) nor Moodle XML (<quiz>)"))


def _all_or_nothing(run_import: Callable[..., ImportReport]) -> Callable[..., ImportReport]:
    """An import that runs out of time leaves nothing behind: the session is rolled back, the file refused."""
    @functools.wraps(run_import)
    def guarded(*args, **kwargs) -> ImportReport:
        try:
            return run_import(*args, **kwargs)
        except OverBudget as over:
            db.session.rollback()
            raise ImportRefused(_("%(reason)s, so nothing was imported; split the file and import the parts",
                                  reason=over)) from over
    return guarded


def lesson_question_ids(lesson: Lesson, visible: sa.ColumnElement[bool]) -> set[str]:
    """Ids of the lesson's live questions that ``visible`` (an SQL condition on ``Question``) lets someone see."""
    return set(db.session.scalars(sa.select(Question.id).where(Question.lesson_id == lesson.id, Question.retired.is_(False), visible)))


def stray_excludes(data: dict, where: str, known: set[str]) -> list[str]:
    """The bank files' rule for a question written or imported one by one: every id it ``excludes`` is a question it
    could be drawn with (``known``), so a typo, another lesson's question or one its author cannot see is refused."""
    # English, like the bank checker's own messages: ``app.course.plain_errors`` reads it and says it in plain words.
    return [f"{where}: excludes '{other}', which is not a question of this lesson you can see"
            for other in data.get("excludes", []) if other not in known]


@_all_or_nothing
def import_questions(raw: bytes, filename: str, lesson: Lesson, author_id: int | None, bank: str,
                     classroom_id: int | None = None, budget: Budget = UNLIMITED,
                     visible: sa.ColumnElement[bool] | None = None) -> ImportReport:
    """Import every usable question of a file into ``lesson`` and ``bank`` (an instructor's own drafts, a
    class's bank, or, from the command line only, the course bank); commit once; report everything.

    ``excludes`` may name the file's own questions (followed when an id is taken and renamed) and the lesson's
    questions ``visible`` lets the importer see (the course bank when not given)."""
    kind = "qti" if is_package(filename, raw) else detect_format(filename, text := decode(raw))
    anchors = anchors_of(lesson.body_html)
    default_anchor = "key-facts" if "key-facts" in anchors else next(iter(sorted(anchors)), "")
    try:
        if kind == "qti":
            found, skipped = import_package(raw, default_anchor, budget)
        else:
            found, skipped = (parse_moodle_xml if kind == "moodle-xml" else parse_gift)(text, default_anchor, budget)
    except ValueError as error:
        raise ImportRefused(str(error)) from error
    if not found and not skipped:
        raise ImportRefused(_(NOTHING_FOUND[kind]))
    held = db.session.scalar(sa.select(sa.func.count()).select_from(Question).where(Question.lesson_id == lesson.id))
    if held + len(found) > MAX_QUESTIONS_PER_LESSON:
        raise ImportRefused(_("the lesson holds %(held)s questions and the file %(found)s; a lesson holds at most "
                              "%(most)s", held=format(held, ","), found=format(len(found), ","), most=format(MAX_QUESTIONS_PER_LESSON, ",")))
    report = ImportReport(kind, skipped=[(s.name, s.line, s.reason) for s in skipped])
    taken = UniqueIds(db.session.scalars(sa.select(Question.id)))
    # Every taken id is renamed before any question is checked, so one question's excludes follow another's new id.
    planned, renamed = UniqueIds(taken.used), {}
    for item in found:
        base = item.data["id"]
        if base in planned:
            renamed[base] = planned.first_free(base)
        planned.add(renamed.get(base, base))
    known = lesson_question_ids(lesson, Question.bank == "course" if visible is None else visible) | {
        renamed.get(item.data["id"], item.data["id"]) for item in found}
    position = db.session.scalar(sa.select(sa.func.max(Question.position)).where(Question.lesson_id == lesson.id)) or 0
    for item in found:
        budget.check()
        data = dict(item.data)
        if data["id"] in renamed:
            base = data["id"]
            data["id"] = renamed[base]
            report.notes.append((item.name, item.line, _("id '%(old)s' is taken; imported as '%(new)s'", old=base,
                                                         new=data["id"])))
        if isinstance(data.get("excludes"), list):
            data["excludes"] = [renamed.get(other, other) if isinstance(other, str) else other for other in data["excludes"]]
        brought = {sha256: read_image(content).media_type for sha256, content in item.images.items()}
        media = stored_images(data, also=brought)
        checked, messages = check_question_data(data, anchors, taken.used, where=f"question '{item.name}'", media=media)
        if checked is not None:
            messages = stray_excludes(checked.data, f"question '{item.name}'", known)
        if checked is None or messages:
            report.skipped.append((item.name, item.line, "; ".join(messages)))
            continue
        taken.add(checked.id)
        position += 1
        for sha256 in media_hashes(checked.data) & brought.keys():  # stored with the question, in its transaction
            store_image(item.images[sha256], author_id)
        db.session.add(Question(id=checked.id, lesson_id=lesson.id, position=position, type=checked.type,
                                version=checked.version, origin="authored", author_id=author_id, bank=bank,
                                classroom_id=classroom_id))
        db.session.add(QuestionVersion(question_id=checked.id, version=checked.version, data=checked.data,
                                       html=render_question(checked.data, budget, media)))
        report.imported.append((item.name, item.line, checked.id))
        report.notes.extend((item.name, item.line, note) for note in item.notes)
    db.session.commit()
    return report
