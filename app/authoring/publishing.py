"""Publishing into the course bank: an instructor asks for one version of their question, an admin decides.

The admin sees who asked and when, the question as learners would see it, and a diff against the
course question it was copied from (or "new question"). Approving moves that exact version into the
course bank, where learners' quizzes, practice, review and mastery find it and its author can no longer
edit it in place; declining keeps it a draft and tells the author why. Asking again after a change
supersedes the pending request.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user

from app.authoring import bp
from app.authoring.access import admin_required, instructor_required, question_or_abort
from app.authoring.banks import back_to, current_version, preview_item
from app.authoring.forms import ConfirmForm, DeclineForm
from app.course.ownership import version_diff
from app.extensions import db
from app.i18n import course_text, user_text
from app.models import PublishRequest, Question, QuestionVersion

RECENT_DECISIONS = 20
# A decided request's status in words (the stored status stays the code). The notes the app writes into requests
# ("Withdrawn by the instructor.") are stored text, kept in English like what people type.
DECISIONS = {"published": _l("published"), "declined": _l("declined"), "withdrawn": _l("withdrawn")}


def pending_requests(question_id: str) -> list[PublishRequest]:
    """The question's requests still waiting for an admin (normally one)."""
    return list(db.session.scalars(sa.select(PublishRequest).where(
        PublishRequest.question_id == question_id, PublishRequest.status == "pending").order_by(PublishRequest.id)))


def close_requests(requests: list[PublishRequest], status: str, note: str | None) -> None:
    """Mark requests decided (by the current user, now)."""
    now = datetime.now(timezone.utc)
    for asked in requests:
        asked.status, asked.decided_by_id, asked.decided_at, asked.note = status, current_user.id, now, note


def confirmed() -> None:
    """A 400 unless the submit-only form came with its CSRF token."""
    if not ConfirmForm().validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))


@bp.route("/questions/<question_id>/publish", methods=["POST"])
@instructor_required
def request_publish(question_id: str):
    """Ask an admin to publish the question's current version (a new ask replaces a pending one)."""
    question = question_or_abort(question_id, "edit")
    confirmed()
    if question.bank == "course":
        abort(400, description=_("%(id)s is already in the course bank. Nothing changed.", id=question.id))
    if question.retired:
        abort(400, description=_("%(id)s is retired; restore it before asking to publish it. Nothing changed.", id=question.id))
    version = current_version(question)
    pending = pending_requests(question.id)
    if any(asked.question_version_id == version.id for asked in pending):
        flash(_("Version %(version)s of %(id)s is already waiting for an administrator.", version=version.version,
                id=user_text(question.id)), "info")
        return back_to(question)
    close_requests(pending, "withdrawn", f"Replaced by a request for version {version.version}.")
    db.session.add(PublishRequest(question_id=question.id, question_version_id=version.id, requested_by_id=current_user.id))
    db.session.commit()
    flash(_("Asked an administrator to publish version %(version)s of %(id)s. "
            "It stays a draft, visible to you alone (and whoever you shared it with), until then.", version=version.version,
            id=user_text(question.id)), "success")
    return back_to(question)


@bp.route("/questions/<question_id>/publish/withdraw", methods=["POST"])
@instructor_required
def withdraw_publish(question_id: str):
    """Take back a pending request to publish."""
    question = question_or_abort(question_id, "edit")
    confirmed()
    pending = pending_requests(question.id)
    if not pending:
        abort(400, description=_("No request to publish %(id)s is waiting. Nothing changed.", id=question.id))
    close_requests(pending, "withdrawn", "Withdrawn by the instructor.")
    db.session.commit()
    flash(_("The request to publish %(id)s is withdrawn.", id=user_text(question.id)), "success")
    return back_to(question)


def course_source(question: Question) -> Question | None:
    """The nearest course-bank question this one descends from by copying (copies of copies included)."""
    seen: set[str] = set()
    source_id = question.copied_from_id
    while source_id is not None and source_id not in seen:
        seen.add(source_id)
        source = db.session.get(Question, source_id)
        if source is None:
            return None
        if source.bank == "course":
            return source
        source_id = source.copied_from_id
    return None


def review_entry(asked: PublishRequest, position: int) -> dict:
    """What the admin reads about one request: the question rendered, and its diff against the course version."""
    version = asked.question_version
    source = course_source(asked.question)
    previous = current_version(source) if source is not None else None
    diff = version_diff(previous.data if previous else None, version.data,
                        f"{source.id} (course bank, version {previous.version})" if previous else "",
                        f"{asked.question_id} (version {version.version}, asked for)")
    return {"request": asked, "item": preview_item(version.data, version.html, position), "source": source, "diff": diff}


@bp.route("/publish")
@admin_required
def publish_requests():
    """Pending requests to publish, oldest first, each with the question and its diff; then recent decisions."""
    pending = db.session.scalars(sa.select(PublishRequest).where(PublishRequest.status == "pending")
                                 .order_by(PublishRequest.requested_at, PublishRequest.id)).all()
    decided = db.session.scalars(sa.select(PublishRequest).where(PublishRequest.status != "pending")
                                 .order_by(PublishRequest.decided_at.desc(), PublishRequest.id.desc()).limit(RECENT_DECISIONS)).all()
    return render_template("authoring/publish_requests.html", entries=[review_entry(r, i) for i, r in enumerate(pending)],
                           decided=decided, confirm=ConfirmForm(), decline_form=DeclineForm())


def pending_or_abort(request_id: int) -> PublishRequest:
    """A request still waiting: 404 if there is none with this number, 400 if it was decided."""
    asked = db.session.get(PublishRequest, request_id) if 0 < request_id < 2**31 else None
    if asked is None:
        abort(404, description=_("There is no publish request with this number."))
    if asked.status != "pending":
        abort(400, description=_("This request was already decided (%(status)s). Nothing changed.",
                                 status=DECISIONS.get(asked.status, asked.status)))
    return asked


@bp.route("/publish/<int:request_id>/approve", methods=["POST"])
@admin_required
def approve_publish(request_id: int):
    """Publish exactly the version asked for: the question joins the course bank learners use."""
    asked = pending_or_abort(request_id)
    confirmed()
    question = question_or_abort(asked.question_id, "publish")
    version = db.session.get(QuestionVersion, asked.question_version_id)
    question.version, question.bank, question.classroom_id, question.retired = version.version, "course", None, False
    close_requests([asked], "published", None)
    close_requests([other for other in pending_requests(question.id) if other.id != asked.id], "withdrawn",
                   f"Version {version.version} was published instead.")
    db.session.commit()
    flash(_("%(id)s (version %(version)s) is in the course bank now: learners meet it in %(lesson)s.", id=user_text(question.id),
            version=version.version, lesson=course_text(question.lesson.title)), "success")
    return redirect(url_for("authoring.publish_requests"))


@bp.route("/publish/<int:request_id>/decline", methods=["POST"])
@admin_required
def decline_publish(request_id: int):
    """Decline a request with a note the instructor reads; the question stays their draft."""
    asked = pending_or_abort(request_id)
    form = DeclineForm()
    if not form.validate_on_submit():
        abort(400, description=" ".join(map(str, form.note.errors)) or
              _("The request was incomplete; reload the page and try again."))
    close_requests([asked], "declined", form.note.data.strip())
    db.session.commit()
    flash(_("Declined the request to publish %(id)s; its author sees your note.", id=user_text(asked.question_id)), "success")
    return redirect(url_for("authoring.publish_requests"))
