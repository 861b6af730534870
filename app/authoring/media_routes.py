""""Add an image" on the question form: the image is checked and stored, and its Markdown added to the prompt.

The button posts the whole question form here (``formaction``), so what the author has typed comes
back unchanged, plus ``![alt text](media:<sha256>)`` at the end of the prompt. Nothing of the
question is saved until they save it; a refused image (no alt text, not an image we accept, too
big) stores nothing and says why. An image already stored (the same bytes) is reused.
"""

from flask import abort, flash, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.authoring import bp
from app.authoring.access import instructor_required
from app.authoring.questions import editable_or_abort, editor_page, question_form
from app.course.bank import QUESTION_TYPES
from app.course.plain_errors import PlainError
from app.course.media import MAX_IMAGE_BYTES, ImageRefused
from app.extensions import db
from app.media.store import store_image

MAX_ALT_CHARS = 300  # a sentence or two; a longer description belongs in the question's text


def image_markdown(alt: str, sha256: str) -> str:
    """``![alt](media:<sha256>)`` with the alt text on one line and its brackets escaped."""
    alt = " ".join(alt.split()).replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
    return f"![{alt}](media:{sha256})"


def uploaded_image(messages: list[str]) -> tuple[bytes, str] | None:
    """The uploaded file's bytes and its alt text, or None with what is missing added to ``messages``."""
    upload, alt = request.files.get("image"), " ".join(request.form.get("image_alt", "").split())
    content = upload.read(MAX_IMAGE_BYTES + 1) if upload else b""
    if not content:
        messages.append(_("Choose the image file to add."))
    if not alt:
        messages.append(_("Write the image's alt text: what it shows, for readers who cannot see it."))
    elif len(alt) > MAX_ALT_CHARS:
        messages.append(_("The alt text is %(length)s characters; keep it under %(most)s and describe the rest in the question.",
                          length=format(len(alt), ","), most=MAX_ALT_CHARS))
    return (content, alt) if not messages else None


@bp.route("/questions/image", methods=["POST"])
@instructor_required
def add_image():
    """Store an uploaded image (checked by its content) and add its Markdown to the prompt of the form posted with it."""
    qtype, question_id = request.args.get("qtype", ""), request.args.get("question")
    existing = editable_or_abort(question_id) if question_id else None
    if existing is not None:
        qtype = existing.type
    if qtype not in QUESTION_TYPES:
        abort(404, description=_("There is no question type “%(type)s”.", type=qtype))
    form = question_form(qtype, None)
    messages: list[str] = []
    upload = uploaded_image(messages)
    if upload is not None:
        content, alt = upload
        try:
            image = store_image(content, current_user.id)
        except ImageRefused as refused:
            messages.append(_("The image was not added: %(reason)s.", reason=refused))
        else:
            db.session.commit()
            form.prompt.data = f"{(form.prompt.data or '').rstrip()}\n\n{image_markdown(alt, image.sha256)}".lstrip()
            flash(_("Image added at the end of the prompt (%(width)s × %(height)s pixels): move its line where it "
                    "belongs. The question is saved when you save it.", width=image.width, height=image.height), "success")
    back = (url_for("authoring.edit_question", question_id=existing.id) if existing is not None
            else url_for("authoring.new_question", qtype=qtype, copy=request.args.get("copy") or None))
    form.problems = [PlainError("image", message) for message in messages]
    form.field_errors = {"image": messages} if messages else {}
    return editor_page(form, qtype, existing, None, 400 if messages else 200, form_action=back)
