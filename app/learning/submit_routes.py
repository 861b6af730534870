"""Handing in: a test's answers saved as they are given (the page's autosave or its "Save my answers" button),
the summary that asks once before a test is submitted or a practice finished early, and the hand-in itself.

A draft is written only while its attempt is open (a conditional UPDATE), so a copy of the answers that arrives
after the attempt was handed in, by another tab or a browser that was offline, changes nothing.
"""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l

from app.course.grading import is_late
from app.course.scoring import practice_mark
from app.errors.handlers import wants_json
from app.extensions import db
from app.learning import bp
from app.learning.forms import FinishForm, SubmitAttemptForm
from app.learning.quiz_routes import (answerable, answered_positions, answers_by_position, attempt_items, attempt_or_abort,
                                      attempt_with_cards, claim_submission, close_test, deadline_of, practice_states,
                                      read_responses)
from app.models import Attempt

ALREADY_SUBMITTED = _l("This attempt was already handed in, so this copy of your answers was not saved.")
TIME_RAN_OUT = _l("The time for this attempt ran out; your saved answers were scored.")


def save_draft(current: Attempt, responses: list) -> bool:
    """Store ``responses`` as the attempt's draft unless it was handed in meanwhile; True if stored."""
    stored = db.session.execute(
        sa.update(Attempt).where(Attempt.id == current.id, Attempt.submitted_at.is_(None))
        .values(draft=responses).execution_options(synchronize_session=False))
    db.session.commit()
    return stored.rowcount == 1


def refused(reason: str, current: Attempt):
    """A 409 for the page's autosave: the reason, and where the attempt's result is."""
    return jsonify(error="Conflict", status=409, reason=str(reason),
                   result=url_for("learning.result", public_id=current.public_id)), 409


@bp.route("/attempts/<public_id>/submit", methods=["POST"])
def submit(public_id: str):
    """Save a test's answers, then stay ("save", the autosave) or see the summary ("submit"); with neither button
    (the page's timer at 0:00, a script) hand them in at once. A repeated or late post changes nothing.

    Past a time limit (and a short grace) the posted answers are ignored and the answers saved
    before the deadline are scored: the attempt is closed as it stood.
    """
    form = SubmitAttemptForm()
    if form.save.data or form.submit.data:  # a save (the autosave, every few seconds of an exam) reads no card
        current, cards = attempt_or_abort(public_id), None
    else:  # a hand-in schedules the cards: they come with the attempt (an open test has no answers to read)
        current, cards = attempt_with_cards(public_id)
    if current.mode != "test":
        abort(400, description=_("Practice attempts are checked one question at a time."))
    items = attempt_items(current)
    responses = read_responses(items)
    if current.is_submitted:
        if wants_json():
            return refused(ALREADY_SUBMITTED, current)
        flash(_("This quiz was already submitted; here is its result."), "info")
        return redirect(url_for("learning.result", public_id=public_id))
    if is_late(deadline_of(current), datetime.now(timezone.utc)):
        close_test(current, items, current.draft or [None] * len(items), cards)
        if wants_json():
            return refused(TIME_RAN_OUT, current)
        flash(str(TIME_RAN_OUT), "warning")
        return redirect(url_for("learning.result", public_id=public_id))
    if form.save.data or form.submit.data:
        if not save_draft(current, responses):
            if wants_json():
                return refused(ALREADY_SUBMITTED, current)
            flash(_("This quiz was already submitted; here is its result."), "info")
            return redirect(url_for("learning.result", public_id=public_id))
        if wants_json():
            return jsonify(saved=True, answered=len(answered_positions(items, responses)), total=len(items))
        if form.submit.data:
            return redirect(url_for("learning.summary", public_id=public_id))
        flash(_("Your answers are saved. Come back to them whenever you like, then submit."), "success")
        return redirect(url_for("learning.attempt", public_id=public_id))
    # Every open copy of the test hands in at 0:00: one opened before the answers were given (another tab or device)
    # must not wipe what another copy saved, so a question this post leaves blank keeps its saved answer.
    saved = current.draft or [None] * len(items)
    responses = [given if given is not None else kept for given, kept in zip(responses, saved, strict=True)]
    if not close_test(current, items, responses, cards):
        flash(_("This quiz was already submitted; here is its result."), "info")
    return redirect(url_for("learning.result", public_id=public_id))


@bp.route("/attempts/<public_id>/summary")
def summary(public_id: str):
    """Before handing in: each question answered or not (a link back to it), then submit or go back."""
    current = attempt_or_abort(public_id)
    if current.is_submitted:
        return redirect(url_for("learning.result", public_id=public_id))
    items = attempt_items(current)
    deadline = deadline_of(current)
    now = datetime.now(timezone.utc)
    if current.mode == "test":
        if is_late(deadline, now):
            close_test(current, items, current.draft or [None] * len(items))
            flash(str(TIME_RAN_OUT), "warning")
            return redirect(url_for("learning.result", public_id=public_id))
        done = answered_positions(items, current.draft or [None] * len(items))
        states = {position: "answered" for position in done}
    else:
        states = practice_states(items, answers_by_position(current))
        done = set(states)
    open_items = [item for item in items if answerable(item)]
    return render_template("learning/submit_summary.html", attempt=current, items=items, states=states,
                           answered=len(done), open_count=len(open_items),
                           unanswered=[item for item in open_items if item["position"] not in done],
                           form=FinishForm(), deadline=deadline, now=now)


@bp.route("/attempts/<public_id>/finish", methods=["POST"])
def finish(public_id: str):
    """Hand in: a test as saved (from its summary); a practice with each question's best penalised try, after
    the summary has asked once if some questions were never tried."""
    current = attempt_or_abort(public_id)
    if not FinishForm().validate_on_submit():
        abort(400, description=_("The finish request was incomplete; reload the page and try again."))
    if current.is_submitted:
        return redirect(url_for("learning.result", public_id=public_id))
    items = attempt_items(current)
    if current.mode == "test":
        late = is_late(deadline_of(current), datetime.now(timezone.utc))
        if close_test(current, items, current.draft or [None] * len(items)) and late:
            flash(str(TIME_RAN_OUT), "warning")
        return redirect(url_for("learning.result", public_id=public_id))
    tries = answers_by_position(current)
    if len(practice_states(items, tries)) < sum(map(answerable, items)) and request.form.get("confirmed") != "yes":
        return redirect(url_for("learning.summary", public_id=public_id))
    if claim_submission(current, sum(practice_mark([t.score for t in answers]) for answers in tries.values())):
        db.session.commit()
    return redirect(url_for("learning.result", public_id=public_id))
