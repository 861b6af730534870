"""Load the checked course into the database, and the ``flask course`` commands that do it."""

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
from app.course.markup import media_hashes
from app.extensions import db
from app.models import Lesson, Media, Question, QuestionVersion
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


def lesson_values(doc: LessonDoc) -> dict:
    """A checked, rendered lesson as the values of its database row's columns."""
    first, last = doc.source_lines
    return {
        "title": doc.title, "position": doc.order, "summary": doc.summary, "objectives": doc.objectives,
        "source_first_line": first, "source_last_line": last, "body_markdown": doc.markdown, "body_html": doc.html,
        "headings": [_fields(heading) for heading in doc.headings], "timeline": [_fields(entry) for entry in doc.timeline],
        "people": [_fields(entry) for entry in doc.people], "glossary": [_fields(entry) for entry in doc.glossary],
        "word_count": doc.word_count, "reading_minutes": doc.reading_minutes, "content_hash": doc.content_hash,
    }


def _fields(entry: object) -> dict:
    """A flat dataclass (a heading, a timeline entry...) as a dict: ``asdict`` without its deep copy, a cost per row."""
    return dict(vars(entry))


def apply_lesson(row: Lesson, doc: LessonDoc) -> None:
    """Copy a checked, rendered lesson onto its database row."""
    for name, value in lesson_values(doc).items():
        setattr(row, name, value)


# The columns lesson_values fills: a changed lesson's bulk UPDATE sets them all, so the batch is one statement.
_LESSON_COLUMNS = ("title", "position", "summary", "objectives", "source_first_line", "source_last_line", "body_markdown",
                   "body_html", "headings", "timeline", "people", "glossary", "word_count", "reading_minutes", "content_hash")


# What store_course reads of a file lesson: enough to tell whether any column it writes would change.
_LESSON_READ = ("id", "slug", "retired", "loaded_at", "quiz_size", *_LESSON_COLUMNS)


def store_course(lessons: list[LessonDoc], banks: list[Bank] | None = None) -> tuple[int, int, int]:
    """Make the database hold exactly this course, in one transaction; return (added, changed, retired).

    Lessons and questions missing from the folder are retired, never deleted: attempts and
    answers keep pointing at them. Lessons and questions authored in the browser are left alone. A question whose content changed gets a new version; the old
    version stays for the answers given to it.

    A few statements whatever the course's size: what is stored is read in three queries, the new
    versions are rendered, and only then are the rows that differ written, each kind in one bulk
    statement (so SQLite's write lock is held for the writing alone). An unchanged course writes nothing.
    """
    db.session.flush()  # the caller's pending changes go first: the bulk statements below bypass the unit of work
    bank_by_slug = {bank.slug: bank for bank in banks or []}
    existing = {row.slug: row for row in db.session.execute(
        sa.select(*(getattr(Lesson, name) for name in _LESSON_READ)).where(Lesson.origin == "file"))}
    lesson_ids = {slug: row.id for slug, row in existing.items()}
    lesson_inserts, lesson_updates, changed, retired = _plan_lessons(lessons, bank_by_slug, existing)
    placed = [(doc.slug, position, question) for doc in lessons if doc.slug in bank_by_slug
              for position, question in enumerate(bank_by_slug[doc.slug].questions, start=1)]
    question_inserts, question_updates, new_versions = _plan_questions(placed, lesson_ids)
    _render(new_versions)

    if lesson_inserts:
        db.session.execute(sa.insert(Lesson), lesson_inserts)
        lesson_ids = dict(db.session.execute(sa.select(Lesson.slug, Lesson.id).where(Lesson.origin == "file")).all())
    for batch in _same_keys(lesson_updates):
        db.session.execute(sa.update(Lesson), batch)
    if question_inserts:
        db.session.execute(sa.insert(Question), _with_lessons(question_inserts, lesson_ids))
    for batch in _same_keys(_with_lessons(question_updates, lesson_ids)):
        db.session.execute(sa.update(Question), batch)
    if new_versions:
        db.session.execute(sa.insert(QuestionVersion), new_versions)
    db.session.expire_all()  # objects the caller holds read the new rows, not the ones the bulk statements replaced
    lessons_written = bool(lesson_inserts or lesson_updates)
    if lessons_written or db.session.execute(sa.text("SELECT 1 FROM search_document LIMIT 1")).first() is None:
        rebuild_index()  # an unchanged course keeps its index; an empty one (a database older than search) is filled
    db.session.commit()
    return len(lesson_inserts), changed, retired


def _plan_lessons(lessons: list[LessonDoc], bank_by_slug: dict[str, Bank],
                  existing: dict[str, sa.Row]) -> tuple[list[dict], list[dict], int, int]:
    """The file lessons to insert, the rows to update (changed, or gone and to retire), and how many changed and retired."""
    now = datetime.now(timezone.utc)
    inserts, updates, changed = [], [], 0
    for doc in lessons:
        bank = bank_by_slug.get(doc.slug)
        values = {**lesson_values(doc), "quiz_size": bank.test_size if bank else None, "retired": False}
        row = existing.get(doc.slug)
        if row is None:
            inserts.append({"slug": doc.slug, "loaded_at": now, **values})
            continue
        content_changed = row.content_hash != doc.content_hash or row.retired
        if content_changed:
            changed += 1
        if content_changed or any(getattr(row, name) != value for name, value in values.items()):
            updates.append({"id": row.id, "loaded_at": now if content_changed else row.loaded_at, **values})
    slugs = {doc.slug for doc in lessons}
    gone = [row for slug, row in existing.items() if slug not in slugs and (not row.retired or row.position != 0)]
    updates += [{"id": row.id, "position": 0, "retired": True} for row in gone]  # kept with their last content
    return inserts, updates, changed, sum(1 for row in gone if not row.retired)


Placed = list[tuple[str | None, dict]]  # a question row's values, with the slug of the lesson whose id it takes


def _plan_questions(placed: list[tuple[str, int, QuestionDoc]], lesson_ids: dict[str, int]) -> tuple[Placed, Placed, list[dict]]:
    """The questions to insert, the rows to update (moved, reordered, re-versioned or retired), and the new versions.

    ``placed`` is every bank question with its lesson's slug and its position there; ``lesson_ids``
    the file lessons stored so far. Questions authored in the browser (origin "authored") are the
    database's own and left alone, unless a bank claims their id (``course load`` refuses that first).
    """
    stored = {row.id: row for row in db.session.execute(sa.select(
        Question.id, Question.lesson_id, Question.position, Question.type, Question.version, Question.retired, Question.origin))}
    known_versions = {(ident, version) for ident, version in db.session.execute(
        sa.select(QuestionVersion.question_id, QuestionVersion.version))}
    inserts: Placed = []
    updates: Placed = []
    new_versions = []
    for slug, position, doc in placed:
        version = doc.version  # a hash of the whole question: worked out once
        values = {"id": doc.id, "position": position, "type": doc.type, "version": version, "retired": False}
        row = stored.pop(doc.id, None)
        if row is None:
            inserts.append((slug, values))
        elif (row.lesson_id, row.position, row.type, row.version, row.retired) != (lesson_ids.get(slug), position, doc.type, version, False):
            updates.append((slug, values))
        if (doc.id, version) not in known_versions:
            new_versions.append({"question_id": doc.id, "version": version, "data": doc.data})
    file_lessons = set(lesson_ids.values())
    updates += [(None, {"id": row.id, "retired": True}) for row in stored.values()
                if row.origin == "bank" and row.lesson_id in file_lessons and not row.retired]
    return inserts, updates, new_versions


def _with_lessons(rows: Placed, lesson_ids: dict[str, int]) -> list[dict]:
    """Question rows with their lessons' ids (a new lesson's known only once it is inserted)."""
    return [values if slug is None else {**values, "lesson_id": lesson_ids[slug]} for slug, values in rows]


def _same_keys(rows: list[dict]) -> list[list[dict]]:
    """Rows grouped by the columns they set: each group is one executemany."""
    groups: dict[tuple, list[dict]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    return list(groups.values())


def _render(versions: list[dict]) -> None:
    """Give each new version its HTML, showing the stored images it names (found in one query per 500 images)."""
    shown = [media_hashes(version["data"]) for version in versions]
    hashes = sorted(set().union(*shown))
    stored: dict[str, str] = {}
    for start in range(0, len(hashes), 500):
        stored.update(db.session.execute(sa.select(Media.sha256, Media.media_type)
                                         .where(Media.sha256.in_(hashes[start:start + 500]))).all())
    for version, images in zip(versions, shown):
        version["html"] = render_question(version["data"], media={sha: stored[sha] for sha in images if sha in stored})


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
