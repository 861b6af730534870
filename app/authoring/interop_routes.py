"""Import (GIFT, Moodle XML) and export (GIFT, Moodle XML, Anki) in the teaching area."""

import sqlalchemy as sa
from flask import Response, abort, current_app, render_template
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.authoring import bp
from app.authoring.access import current_actor, instructor_required, listed_questions
from app.authoring.banks import bank_choices, chosen_bank
from app.authoring.forms import ImportForm
from app.authoring.importing import ImportRefused, import_questions
from app.course.interop.gift import export_gift
from app.course.interop.moodle_xml import export_moodle_xml
from app.course.limits import Budget
from app.extensions import db
from app.i18n import course_option
from app.learning.quiz_routes import live_versions
from app.media.store import image_files
from app.models import Lesson, Question, QuestionVersion


@bp.route("/import", methods=["GET", "POST"])
@instructor_required
def import_file():
    """Upload a question file into my own bank or a class's; see what came in, what was skipped and why."""
    form = ImportForm()
    form.lesson.choices = [SelectChoice(lesson.id, lesson.title, render_kw=course_option()) for lesson in db.session.scalars(
        sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position))]
    form.bank.choices = bank_choices()
    if form.validate_on_submit():
        lesson = db.session.get(Lesson, form.lesson.data)
        bank, classroom_id = chosen_bank(form.bank.data)
        try:
            report = import_questions(form.file.data.read(), form.file.data.filename or "", lesson, current_user.id,
                                      bank, classroom_id, Budget(current_app.config["IMPORT_TIME_BUDGET"]),
                                      visible=listed_questions(current_actor()))
        except ImportRefused as refused:
            form.file.errors = [_("Nothing was imported: %(reason)s", reason=refused)]
            return render_template("authoring/import.html", form=form, report=None), 400
        return render_template("authoring/import.html", form=form, report=report, lesson=lesson)
    return render_template("authoring/import.html", form=form, report=None), 400 if form.errors else 200


def lesson_questions(slug: str) -> tuple[Lesson, list[dict]]:
    """A lesson by slug (404 if unknown) and the data of its live questions the caller may export: the
    course bank as learners get it, then their own, shared and class-bank questions."""
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
    if lesson is None:
        abort(404, description=_("There is no lesson “%(slug)s”.", slug=slug))
    drafts = db.session.scalars(sa.select(QuestionVersion).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .where(Question.lesson_id == lesson.id, Question.retired.is_(False), Question.bank != "course",
               listed_questions(current_actor())).order_by(Question.position))
    return lesson, [version.data for version in [*live_versions(lesson.id), *drafts]]


@bp.route("/lessons/<slug>/bank.gift")
@instructor_required
def export_gift_file(slug: str):
    """The lesson's questions as GIFT; those GIFT cannot hold (cloze) are listed at the top."""
    _, questions = lesson_questions(slug)
    text, skipped = export_gift(questions)
    header = "".join(f"// not exported: {ident} ({reason})\n" for ident, reason in skipped)
    return Response(header + ("\n" if header else "") + text, mimetype="text/plain",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.gift.txt"'})


@bp.route("/lessons/<slug>/bank.xml")
@instructor_required
def export_moodle_file(slug: str):
    """The lesson's questions as Moodle XML (every type), the images they show as files beside their texts."""
    _, questions = lesson_questions(slug)
    return Response(export_moodle_xml(questions, image_files(questions)), mimetype="application/xml",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.moodle.xml"'})
