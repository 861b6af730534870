"""``flask review optimise``: FSRS parameters fitted to this course's review log, course-wide and then per learner.

A fit is kept only when it predicts the reviews it was not fitted on (the latest fifth, see
:mod:`app.course.fitting`) with a lower log loss than the parameters the scope would otherwise get: FSRS's
defaults for the course; the course's fit (else the defaults) for a learner. Otherwise the scope's row is removed,
so a run always leaves the rows that the current log supports: running it twice changes nothing, and it is safe
from cron.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import AppGroup

from app.course import clock
from app.course.fitting import MIN_ITEMS, Example, LoggedReview, evaluate, examples_from_log, fit, split_by_time
from app.course.scheduling import DEFAULT_PARAMETERS
from app.extensions import db
from app.models import ReviewLog, ReviewParameters, User
from app.review_plan import COURSE_SCOPE

review_cli = AppGroup("review", help="Spaced review: fit FSRS parameters to the review log.")


@dataclass(frozen=True)
class Outcome:
    """What one scope's run decided, as the table prints it."""

    scope: str
    items: int  # reviews the fit was given
    held_out: int
    alternative: str  # "defaults" or "course": what the scope gets without its own fit
    loss_alternative: float | None
    loss_fitted: float | None
    parameters: tuple[float, ...] | None  # to store; None: remove the scope's row
    loss_default: float | None = None
    reason: str = ""


def logged_reviews() -> list[LoggedReview]:
    """Every rated review in the log."""
    rows = db.session.execute(sa.select(ReviewLog.owner_key, ReviewLog.card_id, ReviewLog.reviewed_at, ReviewLog.rating)
                              .order_by(ReviewLog.id))
    return [LoggedReview(owner, card_id, clock.as_utc(when), rating) for owner, card_id, when, rating in rows]


def owner_zones(owners: set[str]) -> dict:
    """Each account owner's zone setting (guests and owners without one count days in UTC)."""
    ids = {int(owner.split(":", 1)[1]): owner for owner in owners
           if owner.startswith("user:") and owner.split(":", 1)[1].isdigit()}
    rows = db.session.execute(sa.select(User.id, User.time_zone).where(User.id.in_(list(ids)))) if ids else []
    return {ids[user_id]: clock.zone(name) for user_id, name in rows}


def judge(scope: str, examples: list[Example], alternative: tuple[float, ...], alternative_name: str) -> Outcome:
    """Fit the scope's earlier examples; keep the fit only if it beats ``alternative`` on the later ones."""
    train, held_out = split_by_time(examples)
    result = fit(train)
    if result.parameters is None:
        return Outcome(scope, len(train), len(held_out), alternative_name, None, None, None, reason=result.reason)
    loss_alternative = evaluate(alternative, held_out).log_loss
    loss_fitted = evaluate(result.parameters, held_out).log_loss
    loss_default = (loss_alternative if alternative == DEFAULT_PARAMETERS
                    else evaluate(DEFAULT_PARAMETERS, held_out).log_loss)
    if not loss_fitted < loss_alternative:
        return Outcome(scope, len(train), len(held_out), alternative_name, loss_alternative, loss_fitted, None,
                       reason=f"the fit did not beat the {alternative_name} on held-out reviews")
    note = " (initial stabilities only: fsrs-rs's outlier filter left too few items for the rest)" if result.partial else ""
    return Outcome(scope, len(train), len(held_out), alternative_name, loss_alternative, loss_fitted,
                   result.parameters, loss_default, reason=f"stored{note}")


def store(outcome: Outcome, now: datetime) -> None:
    """Write the scope's fitted parameters, or remove its row when the run kept no fit."""
    row = db.session.scalar(sa.select(ReviewParameters).where(ReviewParameters.scope == outcome.scope))
    if outcome.parameters is None:
        if row is not None:
            db.session.delete(row)
        return
    if row is None:
        row = ReviewParameters(scope=outcome.scope)
        db.session.add(row)
    row.parameters = list(outcome.parameters)
    row.reviews, row.fitted_at = outcome.items, now
    row.loss_default, row.loss_fitted = outcome.loss_default, outcome.loss_fitted


def table(outcomes: list[Outcome]) -> list[str]:
    """The run as a short fixed-width table."""
    lines = [f"{'scope':<16} {'items':>6} {'held out':>8}  {'log loss: without':>22}  {'fitted':>7}  result"]
    for outcome in outcomes:
        without = f"{outcome.loss_alternative:.4f} ({outcome.alternative})" if outcome.loss_alternative is not None else "-"
        fitted = f"{outcome.loss_fitted:.4f}" if outcome.loss_fitted is not None else "-"
        result = outcome.reason if outcome.parameters is not None else f"keeps the {outcome.alternative}: {outcome.reason}"
        lines.append(f"{outcome.scope:<16} {outcome.items:>6} {outcome.held_out:>8}  {without:>22}  {fitted:>7}  {result}")
    return lines


@review_cli.command("optimise")
@click.option("--learners/--course-only", default=True, help="Also fit each learner with enough reviews (default).")
@click.option("--dry-run", is_flag=True, help="Fit and print, but store and remove nothing.")
def optimise(learners: bool, dry_run: bool) -> None:
    """Fit FSRS parameters to the review log: course-wide, then per learner with enough reviews."""
    now = datetime.now(timezone.utc)
    rows = logged_reviews()
    owners = {row.owner for row in rows}
    examples = examples_from_log(rows, owner_zones(owners))
    course = judge(COURSE_SCOPE, examples, DEFAULT_PARAMETERS, "defaults")
    outcomes, quiet = [course], 0
    if learners:
        fallback, fallback_name = (course.parameters, "course") if course.parameters else (DEFAULT_PARAMETERS, "defaults")
        by_owner: dict[str, list[Example]] = {}
        for example in examples:
            by_owner.setdefault(example.owner, []).append(example)
        stored = set(db.session.scalars(sa.select(ReviewParameters.scope).where(ReviewParameters.scope != COURSE_SCOPE)))
        for owner in sorted(set(by_owner) | stored):
            outcome = judge(owner, by_owner.get(owner, []), fallback, fallback_name)
            if outcome.items < MIN_ITEMS and owner not in stored:
                quiet += 1  # too few reviews and no row to remove: counted, not listed (most learners, most runs)
                continue
            outcomes.append(outcome)
    if not dry_run:
        for outcome in outcomes:
            store(outcome, now)
        db.session.commit()
    click.echo(f"{len(rows)} reviews in the log, {len(examples)} a day or more after the card's previous review")
    for line in table(outcomes):
        click.echo(line)
    if quiet:
        kept = "the course's parameters" if course.parameters else "FSRS's default parameters"
        click.echo(f"{quiet} learner{'s' if quiet != 1 else ''} with fewer than {MIN_ITEMS} reviews to fit "
                   f"(fsrs-rs's minimum) keep{'s' if quiet == 1 else ''} {kept}")
    if dry_run:
        click.echo("dry run: nothing stored or removed")


def init_app(app: Flask) -> None:
    """Register the ``flask review`` commands."""
    app.cli.add_command(review_cli)
