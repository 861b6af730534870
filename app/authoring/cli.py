"""``flask bank ...``: import question files from the command line."""

from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup

from app.authoring.importing import ImportRefused, import_questions
from app.course.limits import Budget
from app.extensions import db
from app.models import Lesson

bank_cli = AppGroup("bank", help="Import question files.")


@bank_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--lesson", "slug", required=True, help="Slug of the lesson the questions belong to.")
def import_command(file: Path, slug: str) -> None:
    """Import a GIFT or Moodle XML file into a lesson; skipped questions are listed as file:line: reason."""
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False)))
    if lesson is None:
        raise click.ClickException(f"there is no lesson '{slug}'")
    try:
        report = import_questions(file.read_bytes(), file.name, lesson, None, budget=Budget(current_app.config["IMPORT_TIME_BUDGET"]))
    except ImportRefused as refused:
        raise click.ClickException(f"{file}: nothing was imported: {refused}") from refused
    for name, line, ident in report.imported:
        click.echo(f"{file}:{line}: imported {name!r} as {ident}")
    for name, line, note in report.notes:
        click.echo(f"{file}:{line}: note on {name!r}: {note}")
    for name, line, reason in report.skipped:
        click.echo(f"{file}:{line}: skipped {name!r}: {reason}", err=True)
    click.echo(f"{len(report.imported)} imported, {len(report.skipped)} skipped ({report.format})")


def init_app(app: Flask) -> None:
    """Register the ``flask bank`` commands."""
    app.cli.add_command(bank_cli)
