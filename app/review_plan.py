"""A learner's review plan from the database: their retention, fitted FSRS parameters, zone, light weekdays,
holidays and how many cards each coming day holds (:class:`app.course.scheduling.Plan`).

The plan is built for the learner whose card it is (``owner``), not for whoever is signed in: an instructor who
hands in a student's attempt schedules the student's cards by the student's settings.
"""

from __future__ import annotations

import math
import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_login import current_user

from app import versions
from app.course import clock
from app.course.review_calendar import Calendar, Load
from app.course.scheduling import DEFAULT_PARAMETERS, DEFAULT_RETENTION, Plan, aware
from app.extensions import db
from app.models import ReviewCard, ReviewHoliday, ReviewParameters, User
from app.progress import owner_id
from app.timezones import learner_zone

COURSE_SCOPE = "course"


def owner_user(owner: str | None) -> User | None:
    """The account an owner key belongs to (None for a guest)."""
    user_id = owner_id(owner) if owner else None
    return None if user_id is None else db.session.get(User, user_id)


def light_days(text: str | None) -> frozenset[int]:
    """The ISO weekdays stored as "6,7"; anything else in the text is ignored."""
    return frozenset(int(part) for part in (text or "").split(",") if part.strip().isdigit() and 1 <= int(part) <= 7)


PLAN_CACHE_SIZE = 20_000


def remembered(key: tuple, read: Callable[[], object]):
    """``read()``, kept per process until the "plan" signal moves on (a fit or a break was committed: ``app.versions``).
    Fitted parameters and breaks change a few times a term, yet every hand-in schedules with them. A transaction that
    has itself written a break or a fit reads the database, and keeps nothing: its rows are not committed yet."""
    if versions.unsaved(db.session, "plan"):
        return read()
    token = versions.token("plan")
    known = current_app.extensions.get("backchannel.plan")
    if known is None or known[0] != token:
        known = (token, OrderedDict(), threading.Lock())
        current_app.extensions["backchannel.plan"] = known
    _, cache, lock = known
    with lock:
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
    value = read()
    with lock:
        cache[key] = value
        while len(cache) > PLAN_CACHE_SIZE:
            cache.popitem(last=False)
    return value


def learner_calendar(user: User | None) -> Calendar:
    if user is None:
        return Calendar()
    # Keyed by the account's creation too: breaks go with a deleted account (ON DELETE CASCADE, no signal).
    holidays = remembered(("breaks", user.id, user.created_at), lambda: tuple(
        (start, end) for start, end in db.session.execute(
            sa.select(ReviewHoliday.starts, ReviewHoliday.ends)
            .where(ReviewHoliday.user_id == user.id).order_by(ReviewHoliday.starts))))
    return Calendar(light_days(user.light_days), holidays)


def fitted_parameters(owner: str | None) -> tuple[float, ...]:
    """The learner's own fitted parameters, else the course's, else FSRS's defaults."""
    return remembered(("parameters", owner), lambda: _fitted_parameters(owner))


def _fitted_parameters(owner: str | None) -> tuple[float, ...]:
    scopes = [COURSE_SCOPE] + ([owner] if owner else [])
    rows = dict(db.session.execute(sa.select(ReviewParameters.scope, ReviewParameters.parameters)
                                   .where(ReviewParameters.scope.in_(scopes))).all())
    for scope in (owner, COURSE_SCOPE):
        if usable(rows.get(scope)):
            return tuple(float(value) for value in rows[scope])
    return DEFAULT_PARAMETERS


def usable(parameters) -> bool:
    """21 finite numbers (a damaged row is passed over, never scheduled with)."""
    return (isinstance(parameters, list) and len(parameters) == len(DEFAULT_PARAMETERS)
            and all(isinstance(value, (int, float)) and math.isfinite(value) for value in parameters))


def learner_zone_of(user: User | None) -> ZoneInfo:
    """The zone of the learner whose card it is: the signed-in learner's as every page shows it, else their setting."""
    if not has_request_context():  # a command: the account's own setting, else UTC
        return clock.zone(user.time_zone if user else None)
    if user is None or (current_user.is_authenticated and current_user.id == user.id):
        return learner_zone()
    return clock.zone(user.time_zone)


def day_load(owner: str, tz, cap: int, since: datetime, dues: Iterable[datetime] | None = None) -> Load:
    """How many of the learner's cards fall due on each local day from ``since`` on (``dues``: due dates the caller
    already read, at least every one from ``since`` on)."""
    if dues is None:
        dues = db.session.scalars(sa.select(ReviewCard.due).where(ReviewCard.owner_key == owner, ReviewCard.due >= since))
    else:
        dues = [due for due in dues if aware(due) >= since]
    return Load(cap, Counter(clock.local_day(aware(due), tz) for due in dues))


def learner_plan(owner: str | None, now: datetime, balanced: bool = True, dues: Iterable[datetime] | None = None) -> Plan:
    """The plan that schedules ``owner``'s cards at ``now`` (``balanced`` False: no load, as the old scheduler).
    ``dues``: the due dates of the owner's cards from the start of their day on, if the caller has read them."""
    user = owner_user(owner)
    retention = user.desired_retention if user else DEFAULT_RETENTION
    cap = user.daily_review_limit if user else User.daily_review_limit.default.arg
    tz = learner_zone_of(user)
    load = day_load(owner, tz, cap, clock.day_bounds(clock.local_day(now, tz), tz)[0], dues) if balanced and owner else None
    return Plan(retention=retention, parameters=fitted_parameters(owner), tz=tz, calendar=learner_calendar(user), load=load)
