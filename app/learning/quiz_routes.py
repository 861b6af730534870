"""Quiz views: start an attempt, answer it (test or practice mode), see the result.

Attempts belong to the learner who started them (a guest token in the session until accounts
exist). Every write happens in one transaction, after every submitted value has been checked:
a forged or repeated submission changes nothing.
"""

import random
import secrets
from datetime import datetime, timezone

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app.class_rules import released
from app.course import qtypes
from app.course.assignment_rules import weighted_total
from app.course.grading import is_late
from app.course.leaks import cached_leak_graph, feedback_before_finishing
from app.course.quiz import ForgedResponse, draw_layout, form_values, parse_response
from app.course.scheduling import aware
from app.course.scoring import PRACTICE_MAX_TRIES, Outcome, practice_mark, score
from app.course_cache import snapshot, version_contents
from app.extensions import db
from app.learning import bp
from app.learning.forms import CheckForm, FinishForm, SelfGradeForm, StartQuizForm, SubmitAttemptForm
from app.learning.routes import lesson_or_404
from app.ratelimits import quiz_starts
from app.essays import answer_outcome, can_self_grade
from app.models import Answer, Attempt, Question, QuestionVersion, ReviewCard
from app.progress import CARD_COLUMNS, owner_key, record_retrievals
from app.secrecy import held_back, open_to_learners, with_answer_form, withheld


# Built once with bound parameters: a statement built per request costs more to build and key than to run.
WITH_ANSWERS = (sa.select(Attempt, Answer).outerjoin(Answer, Answer.attempt_id == Attempt.id)
                .where(Attempt.public_id == sa.bindparam("public_id")).order_by(Answer.position, Answer.try_number))
WITH_CARDS = (sa.select(Attempt, *CARD_COLUMNS).outerjoin(ReviewCard, ReviewCard.owner_key == Attempt.owner_key)
              .where(Attempt.public_id == sa.bindparam("public_id")))
# The list shows neither the draw nor the draft: twenty layouts' JSON left unread is a tenth of the page's time.
MINE = (sa.select(Attempt).where(Attempt.lesson_id == sa.bindparam("lesson_id"), Attempt.owner_key == sa.bindparam("owner"))
        .options(so.defer(Attempt.layout, raiseload=True), so.defer(Attempt.draft, raiseload=True))
        .order_by(Attempt.started_at.desc()).limit(20))
CLAIM = (sa.update(Attempt).where(Attempt.id == sa.bindparam("attempt_id"), Attempt.submitted_at.is_(None))
         .execution_options(synchronize_session=False))
CLAIM_WITH_SCORE = CLAIM.values(submitted_at=sa.bindparam("claimed_at"), score=sa.bindparam("total"))
CLAIM = CLAIM.values(submitted_at=sa.bindparam("claimed_at"))


def attempt_or_abort(public_id: str) -> Attempt:
    """The attempt with this id if it is the current learner's; 404 if unknown or someone else's.

    Its answers come in the same statement (an open test has none: one row), kept for this request by
    :func:`answers_by_position`.
    """
    rows = db.session.execute(WITH_ANSWERS, {"public_id": public_id}).all()
    attempt = owned(rows[0][0] if rows else None)
    grouped: dict[int, list[Answer]] = {}
    for _, answer in rows:
        if answer is not None:
            grouped.setdefault(answer.position, []).append(answer)
    g.attempt_answers = (attempt.id, grouped)
    return attempt


def attempt_with_cards(public_id: str) -> tuple[Attempt, list]:
    """The current learner's attempt (as :func:`attempt_or_abort`) with every review card of its owner, in one
    statement: handing a test in schedules its cards by them (``record_retrievals``' ``cards``)."""
    rows = db.session.execute(WITH_CARDS, {"public_id": public_id}).all()
    attempt = owned(rows[0][0] if rows else None)
    return attempt, [row for row in rows if row.id is not None]


def owned(attempt: Attempt | None) -> Attempt:
    """``attempt`` if it is the current learner's; else a 404."""
    if attempt is None or attempt.owner_key != owner_key():
        # Someone else's attempt is as unknown as a made-up one: its address says nothing about it.
        abort(404, description=_("There is no quiz attempt with this address."))
    return attempt


def open_question_ids(lesson_id: int) -> list[str]:
    """The lesson's questions learners study now (``open_to_learners``' rule, from memory), in bank order."""
    holds = held_back()
    return [q.id for q in snapshot().course_questions(lesson_id) if q.id not in holds and q.version_id is not None]


def live_questions(lesson_id: int) -> list[tuple[str, int, dict]]:
    """(question id, current version id, data) for the lesson's bank, in bank order (from memory: the data is shared,
    never to be changed)."""
    questions = snapshot().questions
    wanted = [(ident, questions[ident].version_id) for ident in open_question_ids(lesson_id)]
    contents = version_contents(version_id for _, version_id in wanted)
    return [(ident, version_id, contents[version_id].data) for ident, version_id in wanted]


def live_versions(lesson_id: int) -> list[QuestionVersion]:
    """The current version of each live question of a lesson, in bank order."""
    return list(db.session.scalars(sa.select(QuestionVersion).join(Question, sa.and_(
        Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .where(Question.lesson_id == lesson_id, open_to_learners()).order_by(Question.position)))


def attempt_items(attempt: Attempt) -> list[dict]:
    """The attempt's layout joined with the exact question versions it showed, their lessons, the
    opaque answer form of each (values scoped to this attempt) and, if its key is kept from the learner
    now, why (``withheld``: checked when shown, since an exam may have been set after the draw)."""
    versions = version_contents(entry["version_id"] for entry in attempt.layout)
    course = snapshot()
    slugs = {entry["question"]: course.lessons_by_id[course.questions[entry["question"]].lesson_id].slug
             for entry in attempt.layout}
    hidden = withheld(attempt, [entry["question"] for entry in attempt.layout])
    return [
        with_answer_form({"position": position, "field": f"q{position}", "order": entry["order"],
                          "version": versions[entry["version_id"]], "data": versions[entry["version_id"]].data,
                          "html": versions[entry["version_id"]].html, "lesson_slug": slugs[entry["question"]],
                          "withheld": hidden.get(entry["question"]), "points": float(entry.get("points", 1)),
                          # An assignment's question worth other than 1 says so where it is numbered, as Moodle's "Marked out of 2".
                          **({"label": _("Question %(num)s · %(points)s", num=position + 1, points=points_words(entry["points"]))}
                             if entry.get("points", 1) != 1 else {})},
                         f"attempt:{attempt.public_id}")
        for position, entry in enumerate(attempt.layout)
    ]


@bp.app_template_global()
def lesson_of(attempt: Attempt):
    """The attempt's lesson, from the worker's course in memory (retired ones too: old attempts keep theirs)."""
    return snapshot().lessons_by_id[attempt.lesson_id]


def points_words(points: float) -> str:
    """ "2 points", "0.5 points", "1.5 points" for a question's worth."""
    return _("%(num)s points", num=format(points, "g"))


def answers_by_position(attempt: Attempt) -> dict[int, list[Answer]]:
    """Every stored answer of the attempt, grouped by position, tries in order (as :func:`attempt_or_abort` read them
    if it did in this request and nothing was added since)."""
    known = g.get("attempt_answers")
    if known is not None and known[0] == attempt.id:
        return known[1]
    grouped: dict[int, list[Answer]] = {}
    for answer in db.session.scalars(attempt.answers.select().order_by(Answer.position, Answer.try_number)):
        grouped.setdefault(answer.position, []).append(answer)
    return grouped


def claim_submission(attempt: Attempt, total: float | None = None) -> bool:
    """Mark the attempt submitted (with its score ``total`` if given) unless it already is; True only for the one
    request that did it.

    A conditional UPDATE, so two tabs or a double click racing each other cannot both score.
    """
    now = datetime.now(timezone.utc)
    values = {"submitted_at": now} if total is None else {"submitted_at": now, "score": total}
    result = db.session.execute(CLAIM if total is None else CLAIM_WITH_SCORE,
                                {"attempt_id": attempt.id, "claimed_at": now, "total": total})
    if result.rowcount != 1:
        db.session.rollback()
        return False
    for name, value in values.items():  # as stored, so the session has nothing left to write
        set_committed_value(attempt, name, value)
    return True


@bp.route("/lessons/<slug>/quiz")
def quiz(slug: str):
    """The quiz home of a lesson: start a test or practice, and see your earlier attempts."""
    lesson = lesson_or_404(slug)
    questions = open_question_ids(lesson.id)
    mine = []
    if owner_key(create=False):
        mine = list(db.session.scalars(MINE, {"lesson_id": lesson.id, "owner": owner_key()}))
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
        abort(400, description=_("Choose test or practice mode to start a quiz.") + " " + " ".join(map(str, form.mode.errors)))
    questions = live_questions(lesson.id)
    if not questions:
        abort(404, description=_("The lesson “%(title)s” has no quiz yet.", title=lesson.title))
    size = lesson.quiz_size if form.mode.data == "test" else current_app.config["PRACTICE_MAX_QUESTIONS"]
    # A test never holds two questions of which one shows the other's answer: the graph of the
    # versions drawn from, so authored questions and new versions are covered.
    apart = cached_leak_graph([data for _, _, data in questions]).pairs if form.mode.data == "test" else ()
    layout = draw_layout(questions, size, random.Random(secrets.randbits(64)), apart)
    public_id = secrets.token_urlsafe(12)
    db.session.add(Attempt(public_id=public_id, lesson_id=lesson.id, mode=form.mode.data,
                           owner_key=owner_key(), layout=layout, max_score=float(len(layout))))
    db.session.commit()
    return redirect(url_for("learning.attempt", public_id=public_id))


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
            flash(_("The time for this attempt ran out; your saved answers were scored."), "warning")
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
WAITING_FEEDBACK = _l("The feedback on this answer names the right answer, so it shows once you answer right or use "
                      "your tries.")


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
        abort(404, description=_("This attempt has questions %(first)s to %(last)s; there is no question %(num)s.",
                                 first=1, last=len(items), num=position + 1))
    item = items[position]
    its_tries = tries.get(position, [])
    last = its_tries[-1] if its_tries else None
    outcome = answer_outcome(item["data"], last) if last else None
    feedback_html = item["html"] if position in finished else feedback_before_finishing(item["data"], item["html"], str(WAITING_FEEDBACK))
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
        abort(400, description=_("%(reason)s Nothing was saved.", reason=forged))


def close_test(current: Attempt, items: list[dict], responses: list, cards: list | None = None) -> bool:
    """Score a test attempt with ``responses`` and store everything, once; False if already closed.

    A question an exam now holds back is not answered outside that exam: it is stored unanswered
    (a mark for it, even in the total, would tell right from wrong) and kept out of spaced review.
    ``cards``: the owner's review cards if already read (:func:`attempt_with_cards`).
    Scored first, then claimed with its score in one statement; the answers go in as one executemany.
    """
    responses = [None if item["withheld"] and not item["withheld"].answerable else response
                 for item, response in zip(items, responses, strict=True)]
    outcomes = [score(item["data"], response) for item, response in zip(items, responses, strict=True)]
    if not claim_submission(current, weighted_total([outcome.score for outcome in outcomes],
                                                    [item["points"] for item in items])):
        return False
    db.session.execute(sa.insert(Answer), [  # render_nulls: one executemany, a blank answer's NULL included
        answer_row(current, item, response, outcome, 1, current.submitted_at, None)
        for item, response, outcome in zip(items, responses, outcomes, strict=True)], execution_options={"render_nulls": True})
    g.pop("attempt_answers", None)
    if current.assignment is None or current.assignment.review_option == "immediately" and released(current.assignment):
        # Spaced review shows the answer key, so answers whose key is still hidden stay out of it; so do answers whose
        # marks are not released yet (a card's next date, and mastery, would tell right from wrong).
        record_retrievals(current.owner_key, [
            retrieval(item, response, outcome, None) for item, response, outcome in zip(items, responses, outcomes, strict=True)
            # An essay is rated when it is graded, so one left unwritten (never graded) is no card either.
            if not item["withheld"] and not qtypes.of(item["data"]).graded_by_person
        ], "test", current.submitted_at, cards=cards)
    db.session.commit()
    return True


def answer_row(current: Attempt, item: dict, response, outcome: Outcome, try_number: int, moment: datetime,
               seconds: int | None) -> dict:
    """One scored response as an Answer row's values."""
    return {"attempt_id": current.id, "position": item["position"], "try_number": try_number,
            "question_id": item["data"]["id"], "question_version_id": item["version"].id, "response": response,
            "score": outcome.score, "status": outcome.status, "answered_at": moment, "seconds_taken": seconds}


def record_answer(current: Attempt, item: dict, response, try_number: int, moment: datetime, seconds: int | None) -> Outcome:
    """Score one response and add its Answer row to the session; return the outcome."""
    outcome = score(item["data"], response)
    db.session.add(Answer(**answer_row(current, item, response, outcome, try_number, moment, seconds)))
    g.pop("attempt_answers", None)
    return outcome


def retrieval(item: dict, response, outcome: Outcome, seconds: int | None) -> dict:
    """What the spaced-review scheduler needs to know about one scored answer."""
    return {"question_id": item["data"]["id"], "version_id": item["version"].id, "status": outcome.status,
            "score": outcome.score, "response": response, "seconds": seconds}
