"""Quiz views: start an attempt, answer it (test or practice mode), see the result.

Attempts belong to the learner who started them (a guest token in the session until accounts
exist). Every write happens in one transaction, after every submitted value has been checked:
a forged or repeated submission changes nothing.
"""

import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for

from app.course import qtypes
from app.course.grading import is_late
from app.course.leaks import cached_leak_graph, feedback_before_finishing
from app.course.quiz import ForgedResponse, draw_layout, form_values, parse_response
from app.course.scheduling import aware
from app.course.scoring import PRACTICE_MAX_TRIES, Outcome, practice_mark, score
from app.extensions import db
from app.learning import bp
from app.learning.forms import CheckForm, FinishForm, SelfGradeForm, StartQuizForm, SubmitAttemptForm
from app.learning.routes import lesson_or_404
from app.ratelimits import quiz_starts
from app.essays import answer_outcome, can_self_grade
from app.models import Answer, Attempt, Lesson, Question, QuestionVersion
from app.progress import owner_key, record_retrievals, review_settings
from app.secrecy import open_to_learners, with_answer_form, withheld


def attempt_or_abort(public_id: str) -> Attempt:
    """The attempt with this id if it is the current learner's; 404 if unknown or someone else's."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
    if attempt is None:
        abort(404, description="There is no quiz attempt with this address.")
    if attempt.owner_key != owner_key():
        # Someone else's attempt is as unknown as a made-up one: its address says nothing about it.
        abort(404, description="There is no quiz attempt with this address.")
    return attempt


def live_questions(lesson_id: int) -> list[tuple[str, int, dict]]:
    """(question id, current version id, data) for the lesson's bank, in bank order."""
    rows = db.session.execute(
        sa.select(Question.id, QuestionVersion.id, QuestionVersion.data)
        .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id,
                                       QuestionVersion.version == Question.version))
        .where(Question.lesson_id == lesson_id, open_to_learners())
        .order_by(Question.position))
    return [tuple(row) for row in rows]


def live_versions(lesson_id: int) -> list[QuestionVersion]:
    """The current version of each live question of a lesson, in bank order."""
    return list(db.session.scalars(sa.select(QuestionVersion).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .where(Question.lesson_id == lesson_id, open_to_learners()).order_by(Question.position)))


def attempt_items(attempt: Attempt) -> list[dict]:
    """The attempt's layout joined with the exact question versions it showed, their lessons, the
    opaque answer form of each (values scoped to this attempt) and, if its key is kept from the learner
    now, why (``withheld``: checked when shown, since an exam may have been set after the draw)."""
    version_ids = [entry["version_id"] for entry in attempt.layout]
    versions = {v.id: v for v in db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.id.in_(version_ids)))}
    slugs = dict(db.session.execute(
        sa.select(Question.id, Lesson.slug).join(Lesson, Lesson.id == Question.lesson_id)
        .where(Question.id.in_([entry["question"] for entry in attempt.layout]))).all())
    hidden = withheld(attempt, [entry["question"] for entry in attempt.layout])
    return [
        with_answer_form({"position": position, "field": f"q{position}", "order": entry["order"],
                          "version": versions[entry["version_id"]], "data": versions[entry["version_id"]].data,
                          "html": versions[entry["version_id"]].html, "lesson_slug": slugs[entry["question"]],
                          "withheld": hidden.get(entry["question"])},
                         f"attempt:{attempt.public_id}")
        for position, entry in enumerate(attempt.layout)
    ]


def answers_by_position(attempt: Attempt) -> dict[int, list[Answer]]:
    """Every stored answer of the attempt, grouped by position, tries in order."""
    grouped: dict[int, list[Answer]] = {}
    for answer in db.session.scalars(attempt.answers.select().order_by(Answer.position, Answer.try_number)):
        grouped.setdefault(answer.position, []).append(answer)
    return grouped


def claim_submission(attempt: Attempt) -> bool:
    """Mark the attempt submitted unless it already is; True only for the one request that did it.

    A conditional UPDATE, so two tabs or a double click racing each other cannot both score.
    """
    now = datetime.now(timezone.utc)
    result = db.session.execute(
        sa.update(Attempt).where(Attempt.id == attempt.id, Attempt.submitted_at.is_(None))
        .values(submitted_at=now).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.rollback()
        return False
    attempt.submitted_at = now
    return True


@bp.route("/lessons/<slug>/quiz")
def quiz(slug: str):
    """The quiz home of a lesson: start a test or practice, and see your earlier attempts."""
    lesson = lesson_or_404(slug)
    questions = live_questions(lesson.id)
    mine = []
    if owner_key(create=False):
        mine = list(db.session.scalars(
            sa.select(Attempt).where(Attempt.lesson_id == lesson.id, Attempt.owner_key == owner_key())
            .order_by(Attempt.started_at.desc()).limit(20)))
    return render_template(
        "learning/quiz_home.html", lesson=lesson, question_count=len(questions), attempts=mine,
        test_form=StartQuizForm(mode="test"), practice_form=StartQuizForm(mode="practice"),
        max_tries=PRACTICE_MAX_TRIES,
    )


@bp.route("/lessons/<slug>/quiz/start", methods=["POST"])
@quiz_starts
def start_quiz(slug: str):
    """Draw a new attempt (the draw is then fixed) and open it."""
    lesson = lesson_or_404(slug)
    form = StartQuizForm()
    if not form.validate_on_submit():
        abort(400, description="Choose test or practice mode to start a quiz. " + " ".join(form.mode.errors))
    questions = live_questions(lesson.id)
    if not questions:
        abort(404, description=f"The lesson “{lesson.title}” has no quiz yet.")
    size = lesson.quiz_size if form.mode.data == "test" else current_app.config["PRACTICE_MAX_QUESTIONS"]
    # A test never holds two questions of which one shows the other's answer: the graph of the
    # versions drawn from, so authored questions and new versions are covered.
    apart = cached_leak_graph([data for _, _, data in questions]).pairs if form.mode.data == "test" else ()
    layout = draw_layout(questions, size, random.Random(secrets.randbits(64)), apart)
    attempt = Attempt(public_id=secrets.token_urlsafe(12), lesson_id=lesson.id, mode=form.mode.data,
                      owner_key=owner_key(), layout=layout, max_score=float(len(layout)))
    db.session.add(attempt)
    db.session.commit()
    return redirect(url_for("learning.attempt", public_id=attempt.public_id))


@bp.route("/attempts/<public_id>")
def attempt(public_id: str):
    """Answer an attempt: the whole test at once, or practice one question at a time."""
    current = attempt_or_abort(public_id)
    if current.is_submitted:
        return redirect(url_for("learning.result", public_id=public_id))
    items = attempt_items(current)
    if current.mode == "test":
        now = datetime.now(timezone.utc)
        if is_late(deadline_of(current), now):
            close_test(current, items, current.draft or [None] * len(items))
            flash("The time for this attempt ran out; your saved answers were scored.", "warning")
            return redirect(url_for("learning.result", public_id=public_id))
        draft = current.draft or [None] * len(items)
        values: dict[str, list[str]] = {}
        for item, response in zip(items, draft, strict=True):
            values.update(item["form"].shown_values(form_values(item["data"], item["field"], response)))
        return render_template("learning/test.html", attempt=current, items=items, form=SubmitAttemptForm(),
                               values=values, answered=answered_positions(items, draft),
                               deadline=deadline_of(current), now=now)
    return practice_view(current, items)


def deadline_of(current: Attempt) -> datetime | None:
    """The attempt's deadline in UTC, or None if it has no time limit."""
    return aware(current.deadline) if current.deadline else None


def answerable(item: dict) -> bool:
    """Whether the learner may answer this item in this attempt (an exam may hold a question back)."""
    return not item["withheld"] or item["withheld"].answerable


def answered_positions(items: list[dict], responses: list) -> set[int]:
    """The positions whose response says something, by each type's own rule of what is unanswered."""
    return {item["position"] for item, response in zip(items, responses, strict=True)
            if response is not None and answerable(item) and score(item["data"], response).status != "unanswered"}


# Said between practice tries instead of a feedback that names the answer (it shows once the question is finished).
WAITING_FEEDBACK = "The feedback on this answer names the right answer, so it shows once you answer right or use your tries."


def is_finished(data: dict, tries: list[Answer]) -> bool:
    """A practice question is finished when right, or when its tries are used (an essay has one)."""
    limit = 1 if qtypes.of(data).single_try else PRACTICE_MAX_TRIES
    return bool(tries) and (tries[-1].status == "correct" or len(tries) >= limit)


def practice_states(items: list[dict], tries: dict[int, list[Answer]]) -> dict[int, str]:
    """Each tried question's state for the navigator and the summary: its verdict once finished ("correct",
    "partial", "wrong", "pending"), "trying" while tries are left, plain "answered" while its key is held back."""
    states = {}
    for position, its_tries in tries.items():
        item = items[position]
        if item["withheld"]:
            states[position] = "answered"
        elif is_finished(item["data"], its_tries):
            states[position] = answer_outcome(item["data"], its_tries[-1]).status
        else:
            states[position] = "trying"
    return states


def practice_view(current: Attempt, items: list[dict]):
    """Show one practice question with the feedback of its latest try."""
    tries = answers_by_position(current)
    finished = {pos for pos, answers in tries.items() if is_finished(items[pos]["data"], answers)}
    default = next((item["position"] for item in items if item["position"] not in finished and not item["withheld"]), 0)
    position = request.args.get("q", default, type=int)
    if not 0 <= position < len(items):
        abort(404, description=f"This attempt has questions 1 to {len(items)}; there is no question {position + 1}.")
    item = items[position]
    its_tries = tries.get(position, [])
    last = its_tries[-1] if its_tries else None
    outcome = answer_outcome(item["data"], last) if last else None
    feedback_html = item["html"] if position in finished else feedback_before_finishing(item["data"], item["html"], WAITING_FEEDBACK)
    states = practice_states(items, tries)
    return render_template(
        "learning/practice.html", attempt=current, items=items, item=item, tries=its_tries, last=last,
        outcome=outcome, finished=position in finished, finished_positions=finished, feedback_html=feedback_html,
        mark=practice_mark([t.score for t in its_tries]), states=states,
        right=sum(state == "correct" for state in states.values()),
        # A finished question keeps the learner's last answer in place (shown, no longer changeable).
        values=item["form"].shown_values(form_values(item["data"], item["field"], last.response)) if last else {},
        check_form=CheckForm(position=position, try_number=len(its_tries) + 1), finish_form=FinishForm(),
        self_grade=SelfGradeForm(position=position) if can_self_grade(current, item["data"], last) else None,
        max_tries=PRACTICE_MAX_TRIES,
    )


def read_responses(items: list[dict]) -> list:
    """Every item's response from the submitted form, or a 400 page naming the forged value."""
    try:
        return [parse_response(item["data"], item["field"], item["form"].reader(request.form.getlist)) for item in items]
    except ForgedResponse as forged:
        abort(400, description=f"{forged} Nothing was saved.")


def close_test(current: Attempt, items: list[dict], responses: list, retention: float | None = None) -> bool:
    """Score a test attempt with ``responses`` and store everything, once; False if already closed.

    A question an exam now holds back is not answered outside that exam: it is stored unanswered
    (a mark for it, even in the total, would tell right from wrong) and kept out of spaced review.
    """
    if not claim_submission(current):
        return False
    responses = [None if item["withheld"] and not item["withheld"].answerable else response
                 for item, response in zip(items, responses, strict=True)]
    outcomes = [record_answer(current, item, response, 1, current.submitted_at, None)
                for item, response in zip(items, responses, strict=True)]
    current.score = sum(outcome.score for outcome in outcomes)
    if current.assignment is None or current.assignment.review_option == "immediately":
        # Spaced review shows the answer key, so answers whose key is still hidden stay out of it.
        record_retrievals(current.owner_key, [
            retrieval(item, response, outcome, None) for item, response, outcome in zip(items, responses, outcomes, strict=True)
            # An essay is rated when it is graded, so one left unwritten (never graded) is no card either.
            if not item["withheld"] and not qtypes.of(item["data"]).graded_by_person
        ], "test", current.submitted_at, retention if retention is not None else review_settings()[0])
    db.session.commit()
    return True


def record_answer(current: Attempt, item: dict, response, try_number: int, moment: datetime, seconds: int | None) -> Outcome:
    """Score one response and add its Answer row to the session; return the outcome."""
    outcome = score(item["data"], response)
    db.session.add(Answer(attempt_id=current.id, position=item["position"], try_number=try_number,
                          question_id=item["data"]["id"], question_version_id=item["version"].id,
                          response=response, score=outcome.score, status=outcome.status,
                          answered_at=moment, seconds_taken=seconds))
    return outcome


def retrieval(item: dict, response, outcome: Outcome, seconds: int | None) -> dict:
    """What the spaced-review scheduler needs to know about one scored answer."""
    return {"question_id": item["data"]["id"], "version_id": item["version"].id, "status": outcome.status,
            "score": outcome.score, "response": response, "seconds": seconds}
