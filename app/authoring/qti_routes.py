"""QTI 3.0 in the teaching area: a lesson's questions as a content package. Packages are imported by the import view."""

from flask import Response

from app.authoring import bp
from app.authoring.access import instructor_required
from app.authoring.interop_routes import lesson_questions
from app.course.interop.qti import export_package


@bp.route("/lessons/<slug>/bank.qti.zip")
@instructor_required
def export_qti_file(slug: str):
    """The lesson's questions as a QTI 3.0 content package (every type), for Kolibri, TAO and other LMSs."""
    lesson, questions = lesson_questions(slug)
    return Response(export_package(questions, lesson.title), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{slug}.qti.zip"'})
