"""Load the checked course into the database, and the ``flask course`` commands that do it."""

from dataclasses import asdict
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.course.bank import Bank, read_banks
from app.course.lessons import Lesson as LessonDoc, Problem, read_course
from app.extensions import db
from app.models import Lesson


def read_everything(folder: Path) -> tuple[list[LessonDoc], list[Bank], list[Problem]]:
    """Read a course folder's lessons and banks, the banks checked against the lessons' anchors.

    Returns (lessons, banks, []) or, with any problem anywhere, ([], [], every problem). When the
    lessons themselves are broken the banks are still checked, short of their anchors.
    """
    course = read_course(folder)
    anchors = {lesson.slug: lesson.anchors for lesson in course.lessons} if course.ok else None
    banks = read_banks(folder, anchors)
    problems = course.problems + banks.problems
    if problems:
        return [], [], problems
    return course.lessons, banks.banks, []


def store_course(lessons: list[LessonDoc]) -> tuple[int, int, int]:
    """Replace the stored lessons with ``lessons`` in one transaction; return (added, updated, removed)."""
    existing = {lesson.slug: lesson for lesson in db.session.scalars(sa.select(Lesson))}
    added = updated = 0
    for doc in lessons:
        row = existing.pop(doc.slug, None)
        if row is None:
            row = Lesson(slug=doc.slug)
            db.session.add(row)
            added += 1
        elif row.content_hash != doc.content_hash:
            updated += 1
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
    for stale in existing.values():
        db.session.delete(stale)
    db.session.commit()
    return added, updated, len(existing)


course_cli = AppGroup("course", help="Check and load the course: lessons/ and quizzes/.")


@course_cli.command("check")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
def check_command(folder: Path | None) -> None:
    """Validate a course folder without loading anything; exit 1 on any problem."""
    lessons, banks, problems = read_everything(folder or current_app.config["COURSE_DIR"])
    if problems:
        for problem in problems:
            click.echo(str(problem))
        raise SystemExit(1)
    words = sum(lesson.word_count for lesson in lessons)
    questions = sum(len(bank.questions) for bank in banks)
    click.echo(f"ok: {len(lessons)} lessons, {words} words; {len(banks)} banks, {questions} questions")


@course_cli.command("load")
@click.option("--dir", "folder", type=click.Path(file_okay=False, path_type=Path), help="Course folder (default: the project's).")
def load_command(folder: Path | None) -> None:
    """(Re)load the lessons into the database, all or nothing."""
    lessons, _banks, problems = read_everything(folder or current_app.config["COURSE_DIR"])
    if problems:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems)} problem(s) found; nothing was loaded.", err=True)
        raise SystemExit(1)
    added, updated, removed = store_course(lessons)
    click.echo(f"loaded {len(lessons)} lessons ({added} added, {updated} changed, {removed} removed)")


def init_app(app: Flask) -> None:
    """Register the ``flask course`` commands."""
    app.cli.add_command(course_cli)
