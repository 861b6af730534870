"""JSON API views. Errors are JSON too ({"error", "status", "reason"}), from the app-wide handler."""

import re
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, g, jsonify, request, url_for
from flask_babel import gettext as _

from app.api import bp
from app.api.auth import scope_required, token_required
from app.api.openapi import spec
from app.course.leaks import cached_leak_graph
from app.course.mastery import course_mastery
from app.course.passages import passage_caption
from app.course import qtypes
from app.course.quiz import AnswerForm, ForgedResponse, choice_order, form_values_from_json, parse_response
from app.course.scheduling import build_queue
from app.review_plan import learner_plan
from app.extensions import db
from app.learning.quiz_routes import live_versions
from app.models import Attempt, Classroom, Lesson, QuestionVersion
from app.progress import card_state, lesson_question_counts
from app.secrecy import opaque_form, secret_rng

MAX_RESPONSES = 200
QUIZ_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def lesson_summary(lesson: Lesson, counts: dict[int, int]) -> dict:
    return {"slug": lesson.slug, "title": lesson.title, "summary": lesson.summary, "position": lesson.position,
            "reading_minutes": lesson.reading_minutes, "question_count": counts.get(lesson.id, 0),
            "url": url_for("learning.lesson", slug=lesson.slug, _external=True)}


def lesson_or_404(slug: str) -> Lesson:
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False)))
    if lesson is None:
        abort(404, description=_("There is no lesson '%(slug)s'.", slug=slug))
    return lesson


def public_question(version: QuestionVersion, form: AnswerForm) -> dict:
    """A question as a client may see it before answering: no key, no feedback, no explanation,
    choices shuffled, and option, item and pair ids opaque to this quiz (``form``)."""
    data, html = version.data, version.html
    question = {"id": data["id"], "type": data["type"], "prompt_html": html["prompt"]}
    if "passage" in data:
        question["passage"] = {"lines": data["passage"]["lines"], "caption": passage_caption(data["passage"]["lines"]),
                               "quote_html": html["passage"]}
    question.update(qtypes.of(data).api_fields(data, html, form))
    return question


def quiz_form(data: dict, quiz_id: str, order: list[str]) -> AnswerForm:
    """A question's opaque ids in the quiz ``quiz_id``: the same when the quiz is handed out and when it is answered."""
    return opaque_form(data, data["id"], order, f"api:{quiz_id}")


@bp.route("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of this API."""
    return jsonify(spec(url_for("api.openapi", _external=True).rsplit("/openapi.json", 1)[0]))


@bp.route("/lessons")
def lessons():
    """The course: every lesson in order."""
    counts = lesson_question_counts()
    rows = db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position))
    return jsonify(lessons=[lesson_summary(lesson, counts) for lesson in rows])


@bp.route("/lessons/<slug>")
def lesson(slug: str):
    """One lesson with its rendered (sanitised) HTML."""
    current = lesson_or_404(slug)
    return jsonify({**lesson_summary(current, lesson_question_counts()), "objectives": current.objectives,
                    "headings": current.headings, "html": current.body_html})


@bp.route("/lessons/<slug>/quiz")
def quiz(slug: str):
    """The lesson's questions without their answers; answers are sent with this quiz's id and its opaque ids."""
    current = lesson_or_404(slug)
    quiz_id = secrets.token_urlsafe(12)
    rng = secret_rng(f"api:{quiz_id}")
    return jsonify(lesson=current.slug, quiz=quiz_id, questions=[
        public_question(v, quiz_form(v.data, quiz_id, choice_order(v.data, rng))) for v in live_versions(current.id)])


@bp.route("/lessons/<slug>/attempts", methods=["POST"])
@token_required
@scope_required("submit")
def submit_attempt(slug: str):
    """Answer some or all of a lesson's questions at once; the attempt is scored and stored like a test."""
    from app.learning.quiz_routes import attempt_items, close_test
    from app.learning.result_routes import result_rows

    current = lesson_or_404(slug)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("responses"), dict) or not body["responses"]:
        abort(400, description=_("Send JSON like %(example)s with at least one answer.",
                                 example='{"quiz": "<quiz id>", "responses": {"<question id>": <answer>}}'))
    quiz_id = body.get("quiz")
    if not isinstance(quiz_id, str) or not QUIZ_ID.fullmatch(quiz_id):
        abort(400, description=_("Send the 'quiz' id that %(request)s handed out: answers use the ids of that quiz.",
                                 request="GET /lessons/" + slug + "/quiz"))
    responses = body["responses"]
    if len(responses) > MAX_RESPONSES:
        abort(400, description=_("At most %(most)s answers per attempt.", most=MAX_RESPONSES))
    versions = {v.question_id: v for v in live_versions(current.id)}
    unknown = [qid for qid in responses if qid not in versions]
    if unknown:
        abort(400, description=_("'%(id)s' is not a question of the lesson '%(slug)s'. Nothing was saved.", id=unknown[0],
                                 slug=slug))
    # As a test: never two questions of which one shows the other's answer (the quiz hands out the whole lesson).
    answered = set(responses)
    together = sorted(sorted(pair) for pair in cached_leak_graph([v.data for v in versions.values()]).pairs if pair <= answered)
    if together:
        first, second = together[0]
        abort(400, description=_("'%(first)s' and '%(second)s' show each other's answers, so one attempt cannot score both: "
                                 "send them in separate attempts. Nothing was saved.", first=first, second=second))
    layout = [{"question": qid, "version_id": versions[qid].id, "order": []} for qid in responses]
    attempt = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=current.id, mode="test",
                      owner_key=g.api_user.owner_key, layout=layout, max_score=float(len(layout)))
    db.session.add(attempt)
    db.session.flush()
    items = attempt_items(attempt)
    try:
        parsed = []
        for item, value in zip(items, responses.values(), strict=True):
            form = quiz_form(item["data"], quiz_id, [])
            values = form_values_from_json(item["data"], form, value)
            parsed.append(parse_response(item["data"], form.field, form.reader(lambda name, values=values: values.get(name, []))))
    except ForgedResponse as forged:
        db.session.rollback()
        abort(400, description=_("%(reason)s Nothing was saved.", reason=forged))
    close_test(attempt, items, parsed)
    return jsonify(attempt_json(attempt, result_rows(attempt))), 201


def plain(note: str | None) -> str | None:
    """A marking note as text: one that marks a course word as English (Markup) loses the mark, not its words."""
    return note.striptags() if hasattr(note, "striptags") else note


def attempt_json(attempt: Attempt, rows: list[dict]) -> dict:
    return {"id": attempt.public_id, "lesson": attempt.lesson.slug, "score": attempt.score, "max_score": attempt.max_score,
            "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
            "questions": [{"id": row["data"]["id"], "score": row["mark"], "status": row["outcome"].status,
                           "explanation_html": row["html"]["explanation"], "note": plain(row["outcome"].note)} if not row["withheld"] else
                          {"id": row["data"]["id"], "score": None, "status": None, "explanation_html": None,
                           "withheld": row["withheld"].reason} for row in rows]}


@bp.route("/me/progress")
@token_required
def my_progress():
    """My mastery, attempts and scores per lesson."""
    from app.learning.progress_routes import lesson_rows

    rows = lesson_rows(g.api_user.owner_key)
    return jsonify(course_mastery=course_mastery([r["mastery"].shown for r in rows]), lessons=[{
        "slug": r["lesson"].slug, "mastery": r["mastery"].level, "coverage": round(r["mastery"].coverage, 4),
        "accuracy": round(r["mastery"].accuracy, 4), "attempts": r["attempts"], "best": r["best"], "latest": r["latest"],
        "read": r["read"], "minutes": r["minutes"]} for r in rows])


@bp.route("/me/reviews")
@token_required
def my_reviews():
    """The cards I should review now, most-forgotten first, within my daily limit."""
    from app.course.clock import zone
    from app.learning.review_routes import live_cards, served_today

    now = datetime.now(timezone.utc)
    owner, user = g.api_user.owner_key, g.api_user
    due = live_cards(owner, due_by=now)
    order = build_queue([(c.id, card_state(c)) for c in due], now, served_today(owner, now, zone(user.time_zone)),
                        user.daily_review_limit, learner_plan(owner, now, balanced=False))
    by_id = {card.id: card for card in due}
    return jsonify(due_now=len(order), waiting=len(due) - len(order), cards=[
        {"question_id": by_id[i].question_id, "due": card_state(by_id[i]).due.isoformat(),
         "review_url": url_for("learning.review", _external=True)} for i in order])


@bp.route("/classes/<int:classroom_id>/results")
@token_required
def class_results(classroom_id: int):
    """A class's gradebook (for its instructor or an admin)."""
    from app.authoring.access import teaches
    from app.authoring.results import gradebook_data

    classroom = db.session.get(Classroom, classroom_id) if 0 < classroom_id < 2**31 else None
    if classroom is None:
        abort(404, description=_("There is no class %(id)s.", id=classroom_id))
    if not teaches(g.api_user, classroom):
        abort(403, description=_("Only the class's instructors (or an admin) can read its results."))
    book = gradebook_data(classroom)
    return jsonify(**{"class": {"id": classroom.id, "name": classroom.name},
                      "assignments": [{"id": a.id, "title": a.title, "grading_method": a.grading_method} for a in book.assignments],
                      "students": [{"username": row.name, "grades": {str(a.id): row.cells[a.id].percent for a in book.assignments}}
                                   for row in book.rows]})
