"""A lesson page, its "Check yourself" questions and the reading time the page reports."""

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from app import check_yourself
from app.course.mastery import Mastery, Retrieval, lesson_mastery
from app.course.paper import BACKGROUND_NOTE_ID, mark_background, section_of
from app.course.scheduling import aware
from app.extensions import csrf, db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.routes import cached_for_visitors, lesson_or_404, live_lessons
from app.models import Lesson, Question, ReviewLog
from app.progress import owner_key, record_visit
from app.secrecy import open_to_learners
from app.study_time import MAX_ENTRIES_PER_POST, add_batch

EMPTY_ANSWER = "check_yourself_empty"  # the place of a question checked with no answer: the page asks for one


@bp.route("/lessons/<slug>")
@cached_for_visitors
def lesson(slug: str):
    """One lesson: contents, text, "Check yourself", the next step, and links to its neighbours."""
    current = lesson_or_404(slug)
    previous = db.session.scalar(
        live_lessons().where(Lesson.position < current.position).order_by(Lesson.position.desc()).limit(1))
    following = db.session.scalar(
        live_lessons().where(Lesson.position > current.position).order_by(Lesson.position).limit(1))
    progress = record_visit(current.id)
    owner = owner_key(create=False)
    # A form means a CSRF token in the session: a first-time visitor (whose page is cached) gets a button that
    # asks for the questions instead, so reading alone never starts a session.
    known = current_user.is_authenticated or bool(session.get("guest"))
    draw, has_check = None, check_yourself.available(current.id)
    if has_check and (current_user.is_authenticated or session or request.args.get("check")):
        draw = check_yourself.current_draw(current.id) or check_yourself.new_draw(current.id)
    body_html, background_marks = mark_background(current.body_html)
    return render_template(
        "learning/lesson.html", lesson=current, previous=previous, following=following, progress=progress,
        read_form=MarkReadForm() if known else None, body_html=body_html, background_marks=background_marks,
        background_note_id=BACKGROUND_NOTE_ID, paper_section=section_of(current.source_first_line, current.source_last_line),
        mastery=lesson_standing(owner, current.id) if owner else None, draw=draw,
        has_check=has_check, check_items=check_yourself.items(draw) if draw else [],
        signed_draw=check_yourself.signed(draw) if draw else "", study_token=known,
        check_empty=session.pop(EMPTY_ANSWER, None) if EMPTY_ANSWER in session else None)


def lesson_standing(owner: str, lesson_id: int) -> tuple[Mastery, int, int] | None:
    """(mastery, questions answered, bank size) of one lesson for the learner; None before any answer."""
    size = db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.lesson_id == lesson_id, open_to_learners()))
    retrievals = [Retrieval(question_id, aware(when), log_score, source) for question_id, when, log_score, source in
                  db.session.execute(sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.score, ReviewLog.source)
                                     .join(Question, Question.id == ReviewLog.question_id)
                                     .where(ReviewLog.owner_key == owner, Question.lesson_id == lesson_id,
                                            Question.bank == "course"))]
    if not retrievals or not size:
        return None
    return lesson_mastery(size, retrievals), min(len({r.question_id for r in retrievals}), size), size


@bp.route("/lessons/<slug>/check-yourself", methods=["POST"])
def check_answer(slug: str):
    """Check one "Check yourself" answer; back to the lesson's questions with the verdict."""
    current = lesson_or_404(slug)
    draw = check_yourself.from_signed(request.form.get("draw", ""), current.id)
    place = request.form.get("place", type=int)
    if place is None:
        abort(400, description="This answer does not say which question it is for; reload the lesson and try again.")
    if check_yourself.answer(draw, place, request.form.getlist) is None:
        session[EMPTY_ANSWER] = place
    return redirect(url_for("learning.lesson", slug=slug) + "#check-yourself")


@bp.route("/lessons/<slug>/check-yourself/new", methods=["POST"])
def check_again(slug: str):
    """Three other questions: forget the answered draw so the page draws again."""
    current = lesson_or_404(slug)
    check_yourself.forget(current.id)
    return redirect(url_for("learning.lesson", slug=slug, check=1) + "#check-yourself")


@bp.route("/study-time", methods=["POST"])
@csrf.exempt  # checked below: navigator.sendBeacon cannot set the X-CSRFToken header, so the token may come in the body
def study_time():
    """Add reading time the browser counted: {"lesson": slug, "seconds": n}, or a list of them.

    Nothing is recorded for a visitor who has no session yet (reading alone makes no guest).
    """
    body = request.get_json(force=True, silent=True)
    entries = body if isinstance(body, list) else [body]
    if not entries or len(entries) > MAX_ENTRIES_PER_POST or not all(isinstance(entry, dict) for entry in entries):
        abort(400, description=f'Send {{"lesson": "<slug>", "seconds": n}} or a list of up to {MAX_ENTRIES_PER_POST} of them.')
    seconds = [entry.get("seconds") for entry in entries]
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 0 for value in seconds):
        abort(400, description="seconds must be a whole number, 0 or more.")
    slugs = [entry.get("lesson") for entry in entries]
    if not all(isinstance(value, str) for value in slugs):
        abort(400, description="lesson must be a lesson's slug.")
    lessons = {lesson.slug: lesson.id for lesson in db.session.scalars(live_lessons().where(Lesson.slug.in_(set(slugs))))}
    unknown = sorted(set(slugs) - set(lessons))
    if unknown:
        abort(400, description=f"There is no lesson called “{unknown[0][:80]}”. Nothing was recorded.")
    token = request.headers.get("X-CSRFToken") or next(
        (entry.get("csrf_token") for entry in entries if isinstance(entry.get("csrf_token"), str)), None)
    try:
        validate_csrf(token)
    except ValidationError:
        abort(400, description="The reading time came without a valid CSRF token; nothing was recorded.")
    owner = owner_key(create=False)
    if owner is not None:
        add_batch(owner, [(lessons[slug], value) for slug, value in zip(slugs, seconds, strict=True)])
        db.session.commit()
    return "", 204
