"""Plan your reviews: the page, light days and breaks (postponing and advancing are in ``review_moves_routes``).

The rules live in pure modules (:mod:`app.course.review_calendar`, :mod:`app.course.review_moves`); these views
read the learner's cards and settings, show what a change would do, and make it. Settings belong to an account: a
guest sees why and how to sign up, and a guest's post changes nothing.
"""

from collections import Counter
from datetime import date, datetime, timedelta, timezone
from functools import wraps

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _, ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.comeback import and_list
from app.i18n import course_text
from app.course.clock import day_bounds, local_day
from app.course.review_calendar import WEEKDAY_NAMES, clear_holidays
from app.course.scheduling import aware
from app.extensions import db
from app.learning import bp
from app.learning.review_plan_forms import (
    MOST_BREAKS, AdvanceForm, BreakForm, LightDaysForm, PostponeForm, RemoveBreakForm,
)
from app.learning.review_routes import live_cards
from app.learning.routes import course_lessons
from app.models import ReviewCard, ReviewHoliday, User
from app.review_plan import learner_calendar, learner_plan, light_days
from app.review_status import review_status
from app.timezones import learner_zone, local_day as written_day

PAGE = "learning.review_plan"


def account_only(view):
    """Refuse a guest with the reason (a guest's reviews use the defaults and have no settings to change)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            abort(403, description=_("Review settings belong to an account: sign up (it is free) or log in to choose "
                                     "light days and breaks, and to postpone or bring cards forward. Nothing was changed."))
        return view(*args, **kwargs)
    return wrapped


def today() -> date:
    return local_day(datetime.now(timezone.utc), learner_zone())


def day_label(day: date, year: bool = False) -> str:
    """"Wed 2 Dec" (with the year when asked, or when it is not this year)."""
    form = "yMMMd" if year or day.year != today().year else "MMMd"
    return _("%(weekday)s %(date)s", weekday=written_day(day, "EEE"), date=written_day(day, form))


def spread_words(days: list[tuple[date, int]]) -> str:
    """Where moved cards went: "3 to Wed 2 Dec and 4 to Thu 3 Dec", or a range when there are many days."""
    if len(days) > 4:
        return _("over %(num)s days from %(start)s to %(end)s", num=len(days), start=day_label(days[0][0]),
                 end=day_label(days[-1][0]))
    return and_list([_("%(num)s to %(day)s", num=count, day=day_label(day)) for day, count in days])


def cards_word(count: int) -> str:
    return ngettext("%(num)s card", "%(num)s cards", count)


def break_span(starts: date, ends: date) -> str:
    """"Mon 7 Dec to Fri 11 Dec"."""
    return _("%(start)s to %(end)s", start=day_label(starts), end=day_label(ends))


@bp.app_template_global()
def break_until() -> str | None:
    """The last day of the break the signed-in learner is on today, as words; None when not on a break."""
    if not current_user.is_authenticated:
        return None
    calendar, day = learner_calendar(current_user), today()
    if not calendar.on_holiday(day):
        return None
    return day_label(calendar.first_open_day(day) - timedelta(days=1))


def upcoming_breaks() -> list[ReviewHoliday]:
    """The learner's breaks that end today or later, earliest first."""
    return list(db.session.scalars(sa.select(ReviewHoliday).where(
        ReviewHoliday.user_id == current_user.id, ReviewHoliday.ends >= today())
        .order_by(ReviewHoliday.starts, ReviewHoliday.id)))


def lesson_choices() -> list[SelectChoice]:
    return [SelectChoice(lesson.slug, lesson.title) for lesson in course_lessons()]


def lesson_checkboxes() -> list[SelectChoice]:
    """The exam form's lessons, each title marked as course text (it stays English on a page in another language)."""
    return [SelectChoice(lesson.slug, course_text(lesson.title)) for lesson in course_lessons()]


def plan_page(status: int = 200, **forms):
    """The page with its forms (any passed in keep what was typed and their errors)."""
    if not current_user.is_authenticated:
        return render_template("learning/review_plan_guest.html"), status
    owner, now = current_user.owner_key, datetime.now(timezone.utc)
    counts = review_status(owner, now)
    start_of_today = day_bounds(today(), learner_zone())[0]
    overdue = sum(1 for card in live_cards(owner, due_by=now) if aware(card.due) < start_of_today)
    advance = AdvanceForm(formdata=None)
    advance.lessons.choices = lesson_checkboxes()
    light = sorted(str(day) for day in light_days(current_user.light_days))
    pages = {"light_form": LightDaysForm(formdata=None, days=light),
             "break_form": BreakForm(formdata=None), "remove_form": RemoveBreakForm(),
             "postpone_form": PostponeForm(formdata=None, keep=counts.due_now), "advance_form": advance, **forms}
    return render_template("learning/review_plan.html", breaks=upcoming_breaks(), today=today(), counts=counts,
                           overdue=overdue, backlog=bool(counts.waiting or overdue), day_label=day_label,
                           limit=current_user.daily_review_limit, **pages), status


@bp.route("/review/plan", endpoint="review_plan")
def review_plan_page():
    """Light days, breaks, and (for a backlog or an exam) postponing or bringing cards forward."""
    return plan_page()


@bp.route("/review/plan/light-days", methods=["POST"])
@account_only
def save_light_days():
    """Save the weekdays that get fewer reviews; cards already scheduled stay where they are."""
    form = LightDaysForm()
    if not form.validate_on_submit():
        return plan_page(400, light_form=form)
    days = sorted({int(day) for day in form.days.data})
    current_user.light_days = ",".join(str(day) for day in days)
    db.session.commit()
    if days:
        listed = and_list([_(WEEKDAY_NAMES[day - 1]) for day in days])
        flash(_("Saved: %(days)s now get fewer reviews, as cards come back from today on. Cards already scheduled "
                "stay where they are.", days=listed), "success")
    else:
        flash(_("Saved: no light days. Every day gets an equal share of reviews from now on."), "success")
    return redirect(url_for(PAGE) + "#light-days")


@bp.route("/review/plan/breaks", methods=["POST"])
@account_only
def add_break():
    """Add a break and move the cards that would be served during it to the first days after it."""
    form = BreakForm()
    form.today = today()
    if not form.validate_on_submit():
        return plan_page(400, break_form=form)
    # One break post at a time per learner (a row lock on PostgreSQL, the write lock on SQLite), so eight posts at
    # once store one copy and never pass the most there can be.
    db.session.execute(sa.update(User).where(User.id == current_user.id).values(light_days=User.light_days))
    breaks = upcoming_breaks()
    if any(held.starts == form.starts.data and held.ends == form.ends.data for held in breaks):
        flash(_("You already have that break; nothing changed."), "info")
        return redirect(url_for(PAGE) + "#breaks")
    if len(breaks) >= MOST_BREAKS:
        form.ends.errors = [_("You have %(num)s breaks planned, the most there can be. Remove one first.",
                              num=MOST_BREAKS)]
        return plan_page(400, break_form=form)
    db.session.add(ReviewHoliday(user_id=current_user.id, starts=form.starts.data, ends=form.ends.data))
    db.session.flush()
    moved = clear_cards_from_breaks(current_user.owner_key)
    db.session.commit()
    span = break_span(form.starts.data, form.ends.data)
    if moved:
        count = sum(moved.values())
        flash(ngettext("Break added, %(span)s. %(num)s card that would have come up during it moved %(where)s.",
                       "Break added, %(span)s. %(num)s cards that would have come up during it moved %(where)s.",
                       count, span=span, where=spread_words(sorted(moved.items()))), "success")
    else:
        flash(_("Break added, %(span)s. No cards were due during it, so nothing moved.", span=span), "success")
    return redirect(url_for(PAGE) + "#breaks")


def clear_cards_from_breaks(owner: str) -> Counter:
    """Move the learner's cards that would be served on a break day to just after it; how many went to each day."""
    now = datetime.now(timezone.utc)
    plan = learner_plan(owner, now)
    cards = list(db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner)))
    moves = clear_holidays([(card.id, local_day(aware(card.due), plan.tz)) for card in cards],
                           local_day(now, plan.tz), plan.calendar, plan.load)
    for card in cards:
        if card.id in moves:
            card.due = day_bounds(moves[card.id], plan.tz)[0]
    return Counter(moves.values())


@bp.route("/review/plan/breaks/<int:break_id>/remove", methods=["POST"])
@account_only
def remove_break(break_id: int):
    """Remove one of the learner's breaks; cards moved out of it stay where they went."""
    held = db.session.get(ReviewHoliday, break_id)
    if held is None or held.user_id != current_user.id:
        abort(404, description=_("You have no break with this number. Nothing was changed."))
    if not RemoveBreakForm().validate_on_submit():
        abort(400, description=_("The form was incomplete; reload the page and try again. Nothing was changed."))
    span = break_span(held.starts, held.ends)
    db.session.delete(held)
    db.session.commit()
    flash(_("Break removed (%(span)s). Cards that were moved out of it stay on their new days.", span=span), "success")
    return redirect(url_for(PAGE) + "#breaks")
