"""``flask bank ...``: import question files (and export a lesson as QTI 3.0) from the command line."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.authoring.importing import ImportRefused, import_questions
from app.course.interop.qti import export_package
from app.course import qtypes
from app.progress import attempt_total
from app.course.scoring import score
from app.course.limits import Budget
from app.extensions import db
from app.models import Answer, Attempt, Lesson, Question, QuestionVersion, User, username_key

bank_cli = AppGroup("bank", help="Import question files; mark typed answers again under today's answer rules.")


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lesson", "slug", required=True, help="Slug of the lesson the questions belong to.")
@click.option("--owner", help="Username of the instructor whose drafts the questions become.")
@click.option("--bank", type=click.Choice(["instructor", "course"]), default="instructor", show_default=True,
              help="'instructor': drafts in --owner's own bank; 'course': straight into the course bank every learner uses.")
def import_command(file: Path, slug: str, owner: str | None, bank: str) -> None:
    """Import a GIFT or Moodle XML file into a lesson; skipped questions are listed as file:line: reason.

    Imports are an instructor's drafts unless the operator says ``--bank course``: nothing reaches
    learners by accident.
    """
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False)))
    if lesson is None:
        raise click.ClickException(f"there is no lesson '{slug}'")
    author = None
    if bank == "course" and owner:
        raise click.ClickException("--owner goes with the instructor bank; course-bank questions belong to the course")
    if bank == "instructor":
        if not owner:
            raise click.ClickException("say whose drafts these become (--owner USERNAME), or import straight into the "
                                       "course bank learners use with --bank course")
        author = db.session.scalar(sa.select(User).where(User.username_key == username_key(owner)))
        if author is None or author.role not in ("instructor", "admin"):
            raise click.ClickException(f"there is no instructor '{owner}'")
    try:
        # Excludes may name the lesson's course questions and, for drafts, the owner's own.
        visible = Question.bank == "course" if author is None else sa.or_(
            Question.bank == "course", sa.and_(Question.bank == "instructor", Question.author_id == author.id))
        report = import_questions(file.read_bytes(), file.name, lesson, author.id if author else None, bank,
                                  budget=Budget(current_app.config["IMPORT_TIME_BUDGET"]), visible=visible)
    except ImportRefused as refused:
        raise click.ClickException(f"{file}: nothing was imported: {refused}") from refused
    for name, line, ident in report.imported:
        click.echo(f"{file}:{line}: imported {name!r} as {ident}")
    for name, line, note in report.notes:
        click.echo(f"{file}:{line}: note on {name!r}: {note}")
    for name, line, reason in report.skipped:
        click.echo(f"{file}:{line}: skipped {name!r}: {reason}", err=True)
    click.echo(f"{len(report.imported)} imported, {len(report.skipped)} skipped ({report.format})")


@bank_cli.command("export-qti")
@click.argument("slug")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
def export_qti_command(slug: str, out: Path) -> None:
    """Write a lesson's course-bank questions to OUT as a QTI 3.0 content package (a zip)."""
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False)))
    if lesson is None:
        raise click.ClickException(f"there is no lesson '{slug}'")
    questions = list(db.session.scalars(sa.select(QuestionVersion.data).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .where(Question.lesson_id == lesson.id, Question.retired.is_(False), Question.bank == "course")
        .order_by(Question.position)))
    out.write_bytes(export_package(questions, lesson.title))
    click.echo(f"{out}: {len(questions)} questions of '{slug}' as a QTI 3.0 package")


@bank_cli.command("remark")
@click.option("--apply", is_flag=True, help="Change the marks (without it: a dry run that changes nothing).")
def remark_command(apply: bool) -> None:
    """Mark every typed answer again with the version it was marked with and today's answer rules.

    After the rules for reading typed answers change (quizzes/rules/answers.yaml, or a release), marks already
    given still follow the old rules; this brings them in line, as a regrade does for a changed key.
    """
    typed = [name for name, qtype in qtypes.REGISTRY.items() if qtype.typed]
    rows = db.session.scalars(sa.select(Answer).join(Question, Question.id == Answer.question_id)
                              .where(Question.type.in_(typed))).all()
    marked_with = {answer.regraded_version_id or answer.question_version_id for answer in rows}
    data_of = dict(db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.data)
                                      .where(QuestionVersion.id.in_(marked_with))).all()) if rows else {}
    changed, attempts, up, down = 0, set(), 0, 0
    for answer in rows:  # each version's data read once, however many answers it marked
        outcome = score(data_of[answer.regraded_version_id or answer.question_version_id], answer.response)
        if abs(outcome.score - answer.score) <= 1e-9:
            continue
        changed += 1
        up, down = up + (outcome.score > answer.score), down + (outcome.score < answer.score)
        attempts.add(answer.attempt_id)
        if apply:
            answer.score, answer.status = outcome.score, outcome.status
    if apply:
        db.session.flush()
        for attempt in db.session.scalars(sa.select(Attempt).where(Attempt.id.in_(attempts))):
            if attempt.is_submitted:
                attempt.score = attempt_total(attempt)
        db.session.commit()
    click.echo(f"{'Re-marked' if apply else 'Dry run: would re-mark'} {changed} of {len(rows)} typed answers "
               f"({up} up, {down} down) in {len(attempts)} attempts." + ("" if apply or not changed else " Run with --apply to change them."))


def init_app(app: Flask) -> None:
    """Register the ``flask bank`` commands."""
    app.cli.add_command(bank_cli)
