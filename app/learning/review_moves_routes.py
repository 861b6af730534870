"""Postpone a backlog or bring cards forward before an exam: a preview first, then exactly its moves, or a 409.

The preview's confirm form carries the moves signed with the app's key, with fingerprints of the learner's cards,
calendar and day as they were; confirming re-checks them, so a second tab or a review done in between never gets
moves worked out for cards that have changed.
"""

from collections import Counter
from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.course.clock import day_bounds
from app.course.review_moves import Preview, calendar_digest, card_stamp, cards_digest, plan_advance, plan_postpone
from app.course.scheduling import CardState, Plan, aware
from app.extensions import db
from app.learning import bp
from app.learning.review_plan_forms import AdvanceForm, ConfirmMovesForm, PostponeForm
from app.learning.review_plan_routes import (
    PAGE, account_only, cards_word, day_label, lesson_checkboxes, lesson_choices, plan_page, spread_words, today,
)
from app.learning.review_routes import live_cards
from app.models import Lesson, Question, ReviewCard
from app.progress import card_state
from app.review_plan import learner_plan

PREVIEW_SALT = "review-plan-moves"
PREVIEW_LIFETIME = 3600  # seconds: an hour-old preview is re-made rather than trusted


def plan_digest(plan: Plan) -> str:
    return calendar_digest(plan.calendar, plan.load.cap, plan.retention, plan.parameters)


def signer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt=PREVIEW_SALT)


def preview_page(kind: str, preview: Preview, plan: Plan, states: dict[int, CardState], again: str, **shown):
    """Show what the moves would do, with a signed form that applies exactly them while nothing has changed."""
    token = signer().dumps({
        "owner": current_user.owner_key, "kind": kind, "today": today().isoformat(), "zone": plan.tz.key, "again": again,
        "calendar": plan_digest(plan), "cards": cards_digest(list(states.items())),
        "moves": [[move.card_id, move.to_day.isoformat(), card_stamp(states[move.card_id])] for move in preview.moves]})
    form = ConfirmMovesForm(formdata=None, token=token)
    return render_template("learning/review_plan_preview.html", kind=kind, preview=preview, form=form, again=again,
                           day_label=day_label, **shown)


@bp.route("/review/plan/postpone")
@account_only
def preview_postpone():
    """What postponing the backlog would do: which days, and recall now and then."""
    form = PostponeForm(formdata=request.args)
    if not form.validate():
        return plan_page(400, postpone_form=form)
    owner, now = current_user.owner_key, datetime.now(timezone.utc)
    states, plan = {card.id: card_state(card) for card in live_cards(owner)}, learner_plan(owner, now)
    preview = plan_postpone(list(states.items()), now, plan, form.keep.data)
    return preview_page("postpone", preview, plan, states, url_for("learning.preview_postpone", keep=form.keep.data),
                        keep=form.keep.data)


@bp.route("/review/plan/advance")
@account_only
def preview_advance():
    """What bringing cards forward before an exam would do: which days, and recall on the exam day."""
    form = AdvanceForm(formdata=request.args)
    form.lessons.choices = lesson_checkboxes()
    form.today = today()
    if not form.validate():
        return plan_page(400, advance_form=form)
    owner, now = current_user.owner_key, datetime.now(timezone.utc)
    lesson_of = dict(db.session.execute(sa.select(Question.id, Lesson.slug).join(Lesson, Lesson.id == Question.lesson_id)).all())
    cards, plan = live_cards(owner), learner_plan(owner, now)
    states = {card.id: card_state(card) for card in cards}
    preview = plan_advance([(card.id, states[card.id], lesson_of.get(card.question_id, "")) for card in cards], now,
                           form.exam.data, plan, set(form.lessons.data or ()))
    titles = {choice.value: choice.label for choice in lesson_choices()}
    again = url_for("learning.preview_advance", exam=form.exam.data.isoformat(), lessons=form.lessons.data or [])
    return preview_page("advance", preview, plan, states, again, exam=form.exam.data,
                        lessons=[titles[slug] for slug in form.lessons.data or ()])


@bp.route("/review/plan/moves", methods=["POST"])
@account_only
def apply_moves():
    """Make the previewed moves, exactly, if the cards and settings are as they were; else a 409 saying what changed."""
    form = ConfirmMovesForm()
    if not form.validate_on_submit():
        abort(400, description=_("The confirmation form was incomplete; make the preview again. Nothing was moved."))
    try:
        made = signer().loads(form.token.data, max_age=PREVIEW_LIFETIME)
    except SignatureExpired:
        return stale_page([_("The preview is more than an hour old.")], None)
    except BadSignature:
        abort(400, description=_("This confirmation was not made by this site's preview, or was changed on the way. "
                                 "Nothing was moved."))
    owner = current_user.owner_key
    if made["owner"] != owner:
        abort(403, description=_("This preview was made for another account. Nothing was moved."))
    now = datetime.now(timezone.utc)
    plan = learner_plan(owner, now)
    cards = {card.id: card for card in live_cards(owner)}
    moves = [(ident, date.fromisoformat(day), stamp) for ident, day, stamp in made["moves"]]
    if moves and all(ident in cards and aware(cards[ident].due) == day_bounds(day, plan.tz)[0] for ident, day, _ in moves):
        flash(_("Those cards were already moved; nothing else changed."), "info")
        return redirect(url_for(PAGE))
    reasons = stale_reasons(made, moves, cards, plan)
    if reasons:
        return stale_page(reasons, made["again"])
    for ident, day, _stamp in moves:
        card = cards[ident]
        result = db.session.execute(
            sa.update(ReviewCard).where(ReviewCard.id == ident, ReviewCard.owner_key == owner, ReviewCard.due == card.due,
                                        ReviewCard.last_review.is_not_distinct_from(card.last_review))
            .values(due=day_bounds(day, plan.tz)[0]).execution_options(synchronize_session=False))
        if result.rowcount != 1:
            db.session.rollback()
            return stale_page([_("A card changed while the moves were being made (another tab, perhaps).")], made["again"])
    db.session.commit()
    spread = spread_words(sorted(Counter(day for _, day, _ in moves).items()))
    if not moves:
        flash(_("Nothing needed moving."), "success")
    elif made["kind"] == "postpone":
        flash(ngettext("Postponed %(num)s card: %(where)s.", "Postponed %(num)s cards: %(where)s.", len(moves),
                       where=spread), "success")
    else:
        flash(ngettext("Brought forward %(num)s card: %(where)s.", "Brought forward %(num)s cards: %(where)s.",
                       len(moves), where=spread), "success")
    return redirect(url_for(PAGE))


def stale_reasons(made: dict, moves: list[tuple[int, date, str]], cards: dict[int, ReviewCard], plan: Plan) -> list[str]:
    """What changed since the preview, in words; empty when its moves still stand."""
    reasons = []
    if made["today"] != today().isoformat():
        reasons.append(_("A new day has begun since the preview (it was made on %(day)s), so its days are out of date.",
                         day=day_label(date.fromisoformat(made["today"]))))
    if made["zone"] != plan.tz.key:
        reasons.append(_("Your time zone changed since the preview (from %(old)s to %(new)s), so its days begin at "
                         "other times.", old=made["zone"], new=plan.tz.key))
    if made["calendar"] != plan_digest(plan):
        reasons.append(_("Your light days, breaks, daily limit or target recall changed since the preview (or your "
                         "review model was refitted)."))
    changed = sum(1 for ident, _, stamp in moves if ident not in cards or card_stamp(card_state(cards[ident])) != stamp)
    if changed:
        reasons.append(ngettext("%(num)s card it would move was reviewed or moved since (in another tab, perhaps).",
                                "%(num)s cards it would move were reviewed or moved since (in another tab, perhaps).",
                                changed))
    elif made["cards"] != cards_digest([(ident, card_state(card)) for ident, card in cards.items()]):
        reasons.append(_("You reviewed or answered other cards since, so the days' loads it counted on are different."))
    return reasons


def stale_page(reasons: list[str], again: str | None):
    """409: the preview no longer matches the cards; nothing was moved."""
    return render_template("learning/review_plan_stale.html", reasons=reasons,
                           again=again if again and again.startswith("/review/plan/") else url_for(PAGE)), 409
