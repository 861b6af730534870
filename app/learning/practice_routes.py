"""Practice mode's "Check": one try of one question scored at once, with the spaced-review retrieval of a first try."""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, redirect, url_for
from flask_babel import gettext as _

from app.course import qtypes
from app.course.scheduling import aware
from app.extensions import db
from app.learning import bp
from app.learning.forms import CheckForm
from app.learning.quiz_routes import (answers_by_position, attempt_items, attempt_or_abort, is_finished, read_responses,
                                      record_answer, retrieval)
from app.models import Answer, Attempt
from app.progress import record_retrievals


@bp.route("/attempts/<public_id>/check", methods=["POST"])
def check(public_id: str):
    """Score one practice try; the try number makes a double click or a stale tab harmless."""
    current = attempt_or_abort(public_id)
    if current.mode != "practice":
        abort(400, description=_("Test attempts are submitted as a whole, not checked question by question."))
    if current.is_submitted:
        return redirect(url_for("learning.result", public_id=public_id))
    form = CheckForm()
    if not form.validate_on_submit():
        abort(400, description=_("This check is missing its question number or try number; reload the page and try again."))
    items = attempt_items(current)
    position = form.position.data
    if position >= len(items):
        abort(400, description=_("This attempt has no question %(num)s.", num=position + 1))
    hold = items[position]["withheld"]
    if hold and not hold.answerable:
        abort(403, description=_("%(reason)s Checking it waits until then; nothing was saved.", reason=hold.reason))
    back = redirect(url_for("learning.attempt", public_id=public_id, q=position))
    tries = answers_by_position(current)
    earlier = tries.get(position, [])
    done = is_finished(items[position]["data"], earlier)
    if form.try_number.data != len(earlier) + 1 or done:
        return back  # already checked (double click, back button, second tab): nothing changes
    item = items[position]
    response = read_responses([item])[0]
    previous_moment = aware(earlier[-1].answered_at) if earlier else _latest_moment(current, tries)
    now = datetime.now(timezone.utc)
    seconds = int((now - previous_moment).total_seconds())
    outcome = record_answer(current, item, response, len(earlier) + 1, now, seconds)
    # Later tries follow feedback: only a first try says what the learner remembered. An essay is rated when graded.
    if not earlier and not qtypes.of(item["data"]).graded_by_person:
        record_retrievals(current.owner_key, [retrieval(item, response, outcome, seconds)], "practice", now)
    try:
        db.session.commit()
    except sa.exc.IntegrityError:
        db.session.rollback()  # the same try arrived twice at once; the first one counts
    return back


def _latest_moment(current: Attempt, tries: dict[int, list[Answer]]) -> datetime:
    """The attempt's last answer, else its start: the try's time is counted from there."""
    moments = [aware(answer.answered_at) for answers in tries.values() for answer in answers]
    return max(moments, default=aware(current.started_at))
