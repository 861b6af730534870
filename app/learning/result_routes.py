"""A submitted attempt's result: the score and what was missed first, then every question with the answer given,
the key, the feedback, and a waiting essay's rubric for the learner to grade it (outside assignments); and a
practice of exactly the questions missed; and on which of the learner's days its questions come back for review
(:mod:`app.comeback`). An assignment's attempt shows none of its marks until they are released
(``app.class_rules.released``): only that it was handed in, when the marks come out, and the learner's own answers."""

import math
import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext

from app.class_rules import released
from app.comeback import comes_back, comes_back_sentence
from app.course import qtypes
from app.course.clock import local_day
from app.course.quiz import choice_order
from app.course.scheduling import aware
from app.course.scoring import practice_mark
from app.essays import answer_outcome, can_self_grade
from app.extensions import db
from app.learning import bp
from app.learning.forms import PractiseMissedForm, SelfGradeForm
from app.learning.quiz_routes import answers_by_position, attempt_items, attempt_or_abort
from app.learning.routes import course_lessons
from app.models import Attempt, Question, QuestionVersion
from app.progress import owner_key
from app.ratelimits import quiz_starts
from app.secrecy import Withheld, answers_shown, open_to_learners
from app.timezones import learner_zone, local_time


def result_rows(current: Attempt) -> list[dict]:
    """Each question of a submitted attempt with its tries, final response, mark and outcome."""
    tries = answers_by_position(current)
    rows = []
    for item in attempt_items(current):
        its_tries = tries.get(item["position"], [])
        last = its_tries[-1] if its_tries else None
        mark = practice_mark([t.score for t in its_tries]) if current.mode == "practice" else (last.score if last else 0.0)
        outcome = answer_outcome(item["data"], last)
        rows.append({**item, "tries": its_tries, "last": last, "mark": mark, "outcome": outcome,
                     "graded_by_person": qtypes.of(item["data"]).graded_by_person,
                     "self_grade": SelfGradeForm(position=item["position"]) if can_self_grade(current, item["data"], last) else None})
    return rows


def missed(rows: list[dict]) -> list[dict]:
    """The rows whose mark fell short of full (a wrong or partly right answer, none, or right only after wrong tries);
    never a question whose key is kept from the learner, nor an essay waiting for its grade."""
    return [row for row in rows if not row["withheld"] and row["outcome"].status != "pending"
            and not math.isclose(row["mark"], 1.0)]


def open_versions(question_ids: list[str]) -> dict[str, tuple[int, dict]]:
    """Question id → (current version id, data) of those among ``question_ids`` that learners may study now."""
    found = db.session.execute(
        sa.select(Question.id, QuestionVersion.id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                       QuestionVersion.version == Question.version))
        .where(Question.id.in_(question_ids), open_to_learners()))
    return {ident: (version_id, data) for ident, version_id, data in found}


def practisable(rows: list[dict]) -> list[str]:
    """The ids of the missed questions a practice can hold, in the order the attempt showed them (no repeats)."""
    ids = list(dict.fromkeys(row["data"]["id"] for row in missed(rows)))
    available = open_versions(ids) if ids else {}
    return [ident for ident in ids if ident in available]


def time_ran_out(current: Attempt) -> bool:
    """Whether a timed attempt was handed in at or after its deadline (by the page's timer or on a later visit)."""
    return bool(current.deadline and current.submitted_at and aware(current.submitted_at) >= aware(current.deadline))


def duration(start: datetime, end: datetime) -> str:
    """How long from ``start`` to ``end``, in words a learner reads at a glance: "4 min 12 s", "1 h 5 min", "3 days"."""
    seconds = max(0, int((aware(end) - aware(start)).total_seconds()))
    if seconds < 60:
        return _("%(seconds)s s", seconds=seconds)
    if seconds < 3600:
        if seconds % 60:
            return _("%(minutes)s min %(seconds)s s", minutes=seconds // 60, seconds=seconds % 60)
        return _("%(minutes)s min", minutes=seconds // 60)
    if seconds < 86400:
        return _("%(hours)s h %(minutes)s min", hours=seconds // 3600, minutes=seconds % 3600 // 60)
    return ngettext("%(num)s day", "%(num)s days", seconds // 86400)


def next_lesson(current: Attempt):
    """The lesson after the attempt's own in course order, or None after the last."""
    lessons = course_lessons()
    ids = [lesson.id for lesson in lessons]
    if current.lesson_id not in ids:
        return None
    place = ids.index(current.lesson_id)
    return lessons[place + 1] if place + 1 < len(lessons) else None


@bp.app_template_global()
def marks_out(attempt: Attempt, now: datetime | None = None) -> bool:
    """Whether the learner sees this attempt's marks and feedback: always outside assignments, in one once its
    instructor releases them (every page that shows an attempt's score asks this first)."""
    return attempt.assignment is None or released(attempt.assignment, now)


def marks_come_out(assignment) -> str:
    """When an assignment's hidden marks come out, in words that follow "Your marks and feedback come out"."""
    if assignment.release_mode == "at_time" and assignment.release_at is not None:
        return _("on %(date)s", date=local_time(assignment.release_at))
    return _("when your instructor releases them")


def fed_review(current: Attempt) -> bool:
    """Whether handing the attempt in rated its review cards: always outside assignments; in one only when its answers
    show at once and its marks were out by then (``close_test``'s rule, asked at the moment it was handed in)."""
    assignment = current.assignment
    return assignment is None or assignment.review_option == "immediately" and released(assignment, aware(current.submitted_at))


def rated_questions(current: Attempt, rows: list[dict]) -> list[str]:
    """The questions whose card this attempt rated: every question of a test, the ones a practice checked; never one an
    exam holds back; an essay only once its learner graded it (an assignment's essays, graded by the instructor, and
    blank ones make no card)."""
    return [row["data"]["id"] for row in rows
            if not row["withheld"] and (current.mode == "test" or row["tries"])
            and (not row["graded_by_person"]
                 or current.assignment is None and row["outcome"].status not in ("pending", "unanswered"))]


def coming_back(current: Attempt, rows: list[dict], now: datetime) -> dict | None:
    """What the result page says about when the attempt's questions come back for review, or None to say nothing.

    A due day tells a right answer (days away) from a wrong one (tomorrow), so nothing is said unless the learner
    sees the marks and keys now and the attempt fed spaced review at all. The days are the cards' current due dates.
    """
    if not (marks_out(current, now) and answers_shown(current, now) and fed_review(current)):
        return None
    tz = learner_zone()
    days = comes_back(current.owner_key, rated_questions(current, rows), tz)
    essays = sum(1 for row in rows if row["graded_by_person"] and row["outcome"].status == "pending"
                 and not row["withheld"] and current.assignment is None)
    if not days and not essays:
        return None
    # The review settings page (light days, holidays) is another slice's: linked once its route exists.
    settings = url_for("learning.review_plan") if "learning.review_plan" in current_app.view_functions else None
    return {"sentence": comes_back_sentence(days, local_day(now, tz)), "essays": 0 if days else essays,
            "zone": tz.key, "settings": settings}


@bp.route("/attempts/<public_id>/result")
def result(public_id: str):
    """The scored attempt: the score and what you missed first, then every question with your answer, the
    right answer, why, and where to read more; the next step at the end."""
    current = attempt_or_abort(public_id)
    if not current.is_submitted:
        return redirect(url_for("learning.attempt", public_id=public_id))
    rows = result_rows(current)
    now = datetime.now(timezone.utc)
    out = marks_out(current, now)
    if not out:
        # Nothing that tells right from wrong: every question is shown as the learner answered it, nothing more.
        hidden = Withheld(_("Your marks and feedback are not out yet."), True)
        rows = [{**row, "withheld": hidden, "self_grade": None} for row in rows]
    reviewable = out and answers_shown(current, now)
    to_practise = practisable(rows) if reviewable and current.assignment is None else []
    return render_template(
        "learning/result.html", attempt=current, rows=rows, reviewable=reviewable,
        missed_rows=missed(rows) if reviewable else [], practise_count=len(to_practise),
        practise_form=PractiseMissedForm() if to_practise else None,
        time_taken=duration(current.started_at, current.submitted_at), ran_out=time_ran_out(current),
        answered=sum(1 for row in rows if row["last"] is not None), next_lesson=next_lesson(current),
        marks_out=out, comes_out=None if out else marks_come_out(current.assignment),
        coming_back=coming_back(current, rows, now))


def own_submitted_attempt(public_id: str) -> Attempt:
    """The current learner's submitted attempt with this id; 404 for an unknown id or someone else's attempt
    (an action on another's attempt is told nothing about it)."""
    current = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
    if current is None or current.owner_key != owner_key(create=False):
        abort(404, description=_("There is no quiz attempt of yours at this address."))
    if not current.is_submitted:
        abort(400, description=_("This attempt is still open: finish it first, then practise what you missed."))
    return current


@bp.route("/attempts/<public_id>/practise-missed", methods=["POST"])
@quiz_starts
def practise_missed(public_id: str):
    """Start a practice of exactly the questions missed in a submitted attempt, in the order it showed them."""
    current = own_submitted_attempt(public_id)
    if not PractiseMissedForm().validate_on_submit():
        abort(400, description=_("The request to practise was incomplete; reload the result page and try again."))
    if current.assignment is not None or not answers_shown(current):
        abort(400, description=_("Questions from a class assignment are practised from their lessons' quiz pages."))
    ids = practisable(result_rows(current))
    if not ids:
        abort(400, description=_("There is nothing to practise from this attempt: you missed no question that practice can hold."))
    versions = open_versions(ids)
    rng = random.Random(secrets.randbits(64))
    layout = [{"question": ident, "version_id": versions[ident][0], "order": choice_order(versions[ident][1], rng)}
              for ident in ids]
    practice = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=current.lesson_id, mode="practice",
                       owner_key=current.owner_key, layout=layout, max_score=float(len(layout)))
    db.session.add(practice)
    db.session.commit()
    flash(ngettext("Practice of the %(num)s question you missed.", "Practice of the %(num)s questions you missed.",
                   len(ids)), "info")
    return redirect(url_for("learning.attempt", public_id=practice.public_id))
