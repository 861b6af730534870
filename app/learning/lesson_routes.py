"""A lesson page, its "Check yourself" questions and the reading time the page reports."""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import validate_csrf
from wtforms import ValidationError

from app import check_yourself
from app.course.mastery import Mastery, Retrieval, fade, lesson_mastery
from app.course.paper import BACKGROUND_NOTE_ID, mark_background, section_of
from app.course.scheduling import aware
from app.course_cache import snapshot
from app.extensions import csrf, db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.routes import cached_for_visitors, lesson_or_404
from app.models import LessonProgress, ReviewCard, ReviewLog
from app.next_steps import CARD_COLUMNS, card_from_row, card_recall, course_bank_sizes, recall_plan
from app.progress import owner_key
from app.ratelimits import study_time_posts
from app.study_time import MAX_ENTRIES_PER_POST, UPSERTS, add_batch

EMPTY_ANSWER = "check_yourself_empty"  # the place of a question checked with no answer: the page asks for one


@bp.route("/lessons/<slug>")
@cached_for_visitors
def lesson(slug: str):
    """One lesson: contents, text, "Check yourself", the next step, and links to its neighbours."""
    current = lesson_or_404(slug)
    lessons = snapshot().lessons
    place = lessons.index(current)
    previous = lessons[place - 1] if place else None
    following = lessons[place + 1] if place + 1 < len(lessons) else None
    owner = owner_key(create=False)
    read_at = visit(owner, current.id) if owner else None
    # A form means a CSRF token in the session: a first-time visitor (whose page is cached) gets a button that
    # asks for the questions instead, so reading alone never starts a session.
    known = current_user.is_authenticated or bool(session.get("guest"))
    draw, has_check = None, check_yourself.available(current.id)
    if has_check and (current_user.is_authenticated or session or request.args.get("check")):
        draw = check_yourself.current_draw(current.id) or check_yourself.new_draw(current.id)
    body_html, background_marks = mark_background(current.body_html)
    page = render_template(
        "learning/lesson.html", lesson=current, previous=previous, following=following, read_at=read_at,
        read_form=MarkReadForm() if known else None, body_html=body_html, background_marks=background_marks,
        background_note_id=BACKGROUND_NOTE_ID, paper_section=section_of(current.source_first_line, current.source_last_line),
        mastery=lesson_standing(owner, current.id) if owner else None, draw=draw,
        has_check=has_check, check_items=check_yourself.items(draw) if draw else [],
        signed_draw=check_yourself.signed(draw) if draw else "", study_token=known,
        check_empty=session.pop(EMPTY_ANSWER, None) if EMPTY_ANSWER in session else None)
    if owner:
        db.session.commit()  # after rendering: a commit expires the signed-in user, and the page would read them again
    return page


def visit(owner: str, lesson_id: int) -> datetime | None:
    """Note a visit to a lesson by a known learner (never creates a guest just for reading) in one upsert, two first
    visits at once counting both; when they marked it read, if they did. The caller commits."""
    table, now = LessonProgress.__table__, datetime.now(timezone.utc)
    statement = UPSERTS[db.session.get_bind().dialect.name](table).values(
        owner_key=owner, lesson_id=lesson_id, first_visit_at=now, last_visit_at=now, visits=1)
    return db.session.execute(statement.on_conflict_do_update(
        index_elements=[table.c.owner_key, table.c.lesson_id],
        set_={"last_visit_at": now, "visits": table.c.visits + 1}).returning(table.c.read_at)).scalar_one()


def lesson_standing(owner: str, lesson_id: int) -> tuple[Mastery, int, int] | None:
    """(mastery now, questions answered, bank size) of one lesson for the learner; None before any answer. One
    statement (the lesson's questions come from memory), and one more for FSRS parameters when it is Mastered."""
    course = snapshot()
    size = course_bank_sizes().get(lesson_id, 0)
    bank = {q.id: q for q in course.questions.values() if q.lesson_id == lesson_id and q.bank == "course"}
    if not size or not bank:
        return None
    retrievals, cards = [], {}
    for question_id, when, log_score, source, *card in db.session.execute(
            sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.score, ReviewLog.source, *CARD_COLUMNS)
            .join(ReviewCard, ReviewCard.id == ReviewLog.card_id)
            .where(ReviewLog.owner_key == owner, ReviewLog.question_id.in_(list(bank)))):
        retrievals.append(Retrieval(question_id, aware(when), log_score, source))
        # As next_steps.standings: only cards the review page still serves can bring the lesson back (one per question).
        if not bank[question_id].retired and question_id not in cards:
            cards[question_id] = card_from_row(*card)
    if not retrievals:
        return None
    mastery = lesson_mastery(size, retrievals)
    if mastery.level == "mastered":
        plan = recall_plan(owner)
        mastery = fade(mastery, card_recall(list(cards.values()), datetime.now(timezone.utc), plan), plan.retention)
    return mastery, min(len({r.question_id for r in retrievals}), size), size


@bp.route("/lessons/<slug>/check-yourself", methods=["POST"])
def check_answer(slug: str):
    """Check one "Check yourself" answer; back to the lesson's questions with the verdict."""
    current = lesson_or_404(slug)
    draw = check_yourself.from_signed(request.form.get("draw", ""), current.id)
    place = request.form.get("place", type=int)
    if place is None:
        abort(400, description=_("This answer does not say which question it is for; reload the lesson and try again."))
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
@study_time_posts
@csrf.exempt  # checked below: navigator.sendBeacon cannot set the X-CSRFToken header, so the token may come in the body
def study_time():
    """Add reading time the browser counted: {"lesson": slug, "seconds": n}, or a list of them.

    Nothing is recorded for a visitor who has no session yet (reading alone makes no guest).
    """
    body = request.get_json(force=True, silent=True)
    entries = body if isinstance(body, list) else [body]
    if not entries or len(entries) > MAX_ENTRIES_PER_POST or not all(isinstance(entry, dict) for entry in entries):
        abort(400, description=_('Send {"lesson": "<slug>", "seconds": n} or a list of up to %(num)s of them.',
                                 num=MAX_ENTRIES_PER_POST))
    seconds = [entry.get("seconds") for entry in entries]
    if not all(isinstance(value, int) and not isinstance(value, bool) and value >= 0 for value in seconds):
        abort(400, description=_("seconds must be a whole number, 0 or more."))
    slugs = [entry.get("lesson") for entry in entries]
    if not all(isinstance(value, str) for value in slugs):
        abort(400, description=_("lesson must be a lesson's slug."))
    live = snapshot().by_slug
    lessons = {slug: live[slug].id for slug in set(slugs) if slug in live}
    unknown = sorted(set(slugs) - set(lessons))
    if unknown:
        abort(400, description=_("There is no lesson called “%(slug)s”. Nothing was recorded.", slug=unknown[0][:80]))
    token = request.headers.get("X-CSRFToken") or next(
        (entry.get("csrf_token") for entry in entries if isinstance(entry.get("csrf_token"), str)), None)
    try:
        validate_csrf(token)
    except ValidationError:
        abort(400, description=_("The reading time came without a valid CSRF token; nothing was recorded."))
    owner = owner_key(create=False)
    if owner is not None:
        add_batch(owner, [(lessons[slug], value) for slug, value in zip(slugs, seconds, strict=True)])
        db.session.commit()
    return "", 204
