"""Load the checked course into the database, and the ``flask course`` commands that do it."""

from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.course.answers import read_rules, use_rules
from app.course.bank import Bank, Question as QuestionDoc, read_banks, render_question
from app.course.key_patterns import key_pattern_warnings
from app.course.leaks import bank_leak_report
from app.course.lessons import Lesson as LessonDoc, Problem, read_course
from app.extensions import db
from app.media.store import stored_images
from app.models import Lesson, Question, QuestionVersion
from app.search.index import rebuild_index


def read_everything(folder: Path) -> tuple[list[LessonDoc], list[Bank], list[Problem]]:
    """Read a course folder's lessons and banks, the banks checked against the lessons' anchors.

    Returns (lessons, banks, []) or, with any problem anywhere, ([], [], every problem). When the
    lessons themselves are broken the banks are still checked, short of their anchors.
    """
    rules, rule_problems = read_rules(Path(folder))
    if rules is not None:
        use_rules(rules)  # banks are checked, and answers later marked, with this course's tables
    course = read_course(folder)
    anchors = {lesson.slug: lesson.anchors for lesson in course.lessons} if course.ok else None
    banks = read_banks(folder, anchors)
    problems = rule_problems + course.problems + banks.problems
    if problems:
        return [], [], problems
    return course.lessons, banks.banks, []


def apply_lesson(row: Lesson, doc: LessonDoc) -> None:
    """Copy a checked, rendered lesson onto its database row."""
    row.title = doc.title
    row.position = doc.order
    row.summary = doc.summary
    row.objectives = doc.objectives
    row.source_first_line, row.source_last_line = doc.source_lines
    row.body_markdown = doc.markdown
    row.body_html = doc.html
    row.headings = [asdict(heading) for heading in doc.headings]
    row.timeline = [asdict(entry) for entry in doc.timeline]
    row.people = [asdict(entry) for entry in doc.people]
    row.glossary = [asdict(entry) for entry in doc.glossary]
    row.word_count = doc.word_count
    row.reading_minutes = doc.reading_minutes
    row.content_hash = doc.content_hash


def store_course(lessons: list[LessonDoc], banks: list[Bank] | None = None) -> tuple[int, int, int]:
    """Make the database hold exactly this course, in one transaction; return (added, changed, retired).

    Lessons and questions missing from the folder are retired, never deleted: attempts and
    answers keep pointing at them. Lessons and questions authored in the browser are left alone. A question whose content changed gets a new version; the old
    version stays for the answers given to it.
    """
    existing = {lesson.slug: lesson for lesson in db.session.scalars(sa.select(Lesson).where(Lesson.origin == "file"))}
    was_live = {slug for slug, row in existing.items() if not row.retired}
    bank_by_slug = {bank.slug: bank for bank in banks or []}
    added = changed = 0
    for doc in lessons:
        row = existing.pop(doc.slug, None)
        if row is None:
            row = Lesson(slug=doc.slug)
            db.session.add(row)
            added += 1
        elif row.content_hash != doc.content_hash or row.retired:
            changed += 1
            row.loaded_at = datetime.now(timezone.utc)
        row.retired = False
        apply_lesson(row, doc)
        bank = bank_by_slug.get(doc.slug)
        row.quiz_size = bank.test_size if bank else None
        db.session.flush()
        _store_questions(row, bank.questions if bank else [])
    retired = [row for row in existing.values() if row.slug in was_live]
    for row in existing.values():
        row.retired = True
        row.position = 0
        _store_questions(row, [])
    rebuild_index()
    db.session.commit()
    return added, changed, len(retired)


def _store_questions(lesson: Lesson, questions: list[QuestionDoc]) -> None:
    """Bring one lesson's file questions in line with its bank: add, re-version, reorder, retire.

    Questions authored in the browser (origin "authored") are the database's own and left alone.
    """
    stored = {q.id: q for q in db.session.scalars(
        sa.select(Question).where(Question.lesson_id == lesson.id, Question.origin == "bank"))}
    known_versions = {
        (question_id, version)
        for question_id, version in db.session.execute(
            sa.select(QuestionVersion.question_id, QuestionVersion.version)
            .join(Question).where(Question.lesson_id == lesson.id))
    }
    for position, doc in enumerate(questions, start=1):
        row = stored.pop(doc.id, None) or db.session.get(Question, doc.id)
        if row is None:
            row = Question(id=doc.id, lesson_id=lesson.id, position=position, type=doc.type, version=doc.version)
            db.session.add(row)
            db.session.flush()
        row.lesson_id, row.position, row.type, row.version, row.retired = lesson.id, position, doc.type, doc.version, False
        if (doc.id, doc.version) not in known_versions:
            db.session.add(QuestionVersion(question_id=doc.id, version=doc.version, data=doc.data,
                                           html=render_question(doc.data, media=stored_images(doc.data))))
    for row in stored.values():
        row.retired = True


def authored_conflicts(lessons: list[LessonDoc], banks: list[Bank]) -> list[str]:
    """Slugs and question ids in the folder that lessons or questions written in the browser already use."""
    slugs = {doc.slug for doc in lessons}
    ids = {question.id for bank in banks for question in bank.questions}
    taken_slugs = db.session.scalars(sa.select(Lesson.slug).where(Lesson.origin != "file", Lesson.slug.in_(slugs))).all()
    taken_ids = db.session.scalars(sa.select(Question.id).where(Question.origin != "bank", Question.id.in_(ids))).all()
    return ([f"lesson '{slug}' is already a lesson written in the browser; rename one of them" for slug in taken_slugs]
            + [f"question id '{ident}' is already used by a question written in the browser" for ident in taken_ids])


course_cli = AppGroup("course", help="Check and load the course: lessons/ and quizzes/.")


@course_cli.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(folder: Path | None) -> None:
    """Validate a course folder without loading anything; exit 1 on any problem (warnings alone exit 0)."""
    lessons, banks, problems = read_everything(folder or current_app.config["COURSE_DIR"])
    if problems:
        for problem in problems:
            click.echo(str(problem))
        raise SystemExit(1)
    warnings = _echo_warnings(banks, err=False)
    pairs = 0
    for bank in banks:  # the leak graph is information (tests keep its pairs apart); what the draw cannot mend warns
        report = bank_leak_report(bank)
        for line in report.lines:
            click.echo(str(line))
        pairs += report.pairs
        warnings += len(report.warnings)
    words = sum(lesson.word_count for lesson in lessons)
    questions = sum(len(bank.questions) for bank in banks)
    click.echo(f"ok: {len(lessons)} lessons, {words} words; {len(banks)} banks, {questions} questions"
               + (f"; {pairs} leaking pair(s) kept apart in tests" if pairs else "")
               + (f"; {warnings} warning(s)" if warnings else ""))


def _echo_warnings(banks: list[Bank], err: bool) -> int:
    """Print every bank's key-pattern warnings as ``file:line: warning: ...``; return how many."""
    warnings = [warning for bank in banks for warning in key_pattern_warnings(bank)]
    for warning in warnings:
        click.echo(str(warning), err=err)
    return len(warnings)


@course_cli.command("load")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), help="Course folder (default: the project's).")
def load_command(folder: Path | None) -> None:
    """(Re)load the lessons and their question banks into the database, all or nothing."""
    lessons, banks, problems = read_everything(folder or current_app.config["COURSE_DIR"])
    messages = [str(problem) for problem in problems] or authored_conflicts(lessons, banks)
    if messages:
        for message in messages:
            click.echo(message, err=True)
        click.echo(f"{len(messages)} problem(s) found; nothing was loaded.", err=True)
        raise SystemExit(1)
    _echo_warnings(banks, err=True)
    added, changed, retired = store_course(lessons, banks)
    questions = sum(len(bank.questions) for bank in banks)
    click.echo(f"loaded {len(lessons)} lessons ({added} added, {changed} changed, {retired} retired) "
               f"and {len(banks)} banks with {questions} questions")


def init_app(app: Flask) -> None:
    """Mark answers with the course folder's answer rules; register the ``flask course`` commands."""
    rules, _ = read_rules(Path(app.config["COURSE_DIR"]))
    use_rules(rules)  # a broken rules file falls back to the project's; `course check` names the problem
    app.cli.add_command(course_cli)
