"""Progress: lesson visits and "I've read this", and the learner's dashboard."""

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.course.charts import heatmap, lesson_sparkline
from app.course.clock import local_day
from app.course.mastery import LEVELS, NEEDS_REVIEW
from app.course.scheduling import aware, forecast
from app.course_cache import snapshot
from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.routes import lesson_or_404
from app.models import LessonProgress
from app.next_steps import (STREAK_HORIZON, Record, Standing, daily_activity, day_progress, learner_record, standings,
                            up_next)
from app.progress import owner_key, review_settings
from app.review_status import owner_cards, review_status, start_of_local_day, studied_now
from app.study_time import reading_days, reading_seconds
from app.timezones import learner_zone, local_time

FORECAST_DAYS = 14
SPARKLINE_POINTS = 10  # the latest scores a lesson's little chart shows; the table lists them all
LONGEST_TEST = timedelta(hours=3)  # a test left open in a tab longer than this counts as this long


@bp.route("/lessons/<slug>/read", methods=["POST"])
def mark_read(slug: str):
    """The learner says they have read the lesson."""
    lesson = lesson_or_404(slug)
    if MarkReadForm().validate_on_submit():
        owner = owner_key()
        progress = db.session.scalar(sa.select(LessonProgress).where(
            LessonProgress.owner_key == owner, LessonProgress.lesson_id == lesson.id))
        now = datetime.now(timezone.utc)
        if progress is None:
            progress = LessonProgress(owner_key=owner, lesson_id=lesson.id, first_visit_at=now, last_visit_at=now, visits=1)
            db.session.add(progress)
        progress.read_at = progress.read_at or now
        db.session.commit()
    return redirect(url_for("learning.lesson", slug=slug) + "#read")


def seconds_per_lesson(owner: str, record: Record, days: list[tuple[int, date, int]]) -> dict[int, int]:
    """Time actually spent per lesson id: reading (``days``: ``reading_days``), practice and review answers, and tests
    from start to submit, from the learner's ``record`` (no query of its own)."""
    spent: dict[int, int] = defaultdict(int)
    for lesson_id, seconds in reading_seconds(owner, days).items():
        spent[lesson_id] += seconds
    for attempt in record.attempts:
        if attempt.mode == "practice":
            spent[attempt.lesson_id] += attempt.seconds or 0
        elif attempt.mode == "test" and attempt.submitted_at is not None:
            spent[attempt.lesson_id] += int(min(aware(attempt.submitted_at) - aware(attempt.started_at), LONGEST_TEST).total_seconds())
    questions = snapshot().questions
    for log in record.logs:
        if log.source == "review" and log.question_id in questions:
            spent[questions[log.question_id].lesson_id] += log.seconds_taken or 0
    return dict(spent)


def lesson_rows(owner: str) -> list[dict]:
    """Per lesson, for the API: mastery, finished attempts, best and latest score, read, minutes spent."""
    record = learner_record(owner)
    spent = seconds_per_lesson(owner, record, reading_days(owner))
    return [{"lesson": s.lesson, "mastery": s.mastery, "attempts": len(s.scores), "best": s.best,
             "latest": s.scores[-1].percent if s.scores else None, "read": s.read,
             "minutes": round(spent.get(s.lesson.id, 0) / 60)} for s in standings(owner, record=record)]


def minutes_label(seconds: int) -> str:
    """"0 min", "under a minute", "12 min", "1 h 5 min"."""
    minutes = round(seconds / 60)
    if minutes == 0:
        return _("under a minute") if seconds else _("%(minutes)s min", minutes=0)
    if minutes >= 60:
        return _("%(hours)s h %(minutes)s min", hours=minutes // 60, minutes=minutes % 60)
    return _("%(minutes)s min", minutes=minutes)


def headline(lessons: list[Standing]) -> str:
    """The course in one line that the first answer already moves: "3 of 11 lessons started · 1 needs review · 1 familiar"."""
    parts = [_("%(started)s of %(num)s lessons started", started=sum(1 for s in lessons if s.started), num=len(lessons))]
    counted = {"mastered": lambda count: _("%(num)s mastered", num=count),
               NEEDS_REVIEW: lambda count: _("%(num)s needs review", num=count),
               "proficient": lambda count: _("%(num)s proficient", num=count),
               "familiar": lambda count: _("%(num)s familiar", num=count)}
    for level in ("mastered", NEEDS_REVIEW, *reversed(LEVELS[2:-1])):
        count = sum(1 for s in lessons if s.mastery.shown == level)
        if count:
            parts.append(counted[level](count))
    return " · ".join(parts)


@bp.route("/me")
def dashboard():
    """The learner's own page: up next, mastery per lesson, scores per lesson, reviews ahead, time and activity."""
    owner = owner_key(create=False)
    record = learner_record(owner) if owner is not None else None
    lessons = standings(owner, record=record)
    if owner is None or not any(standing.started for standing in lessons):
        return render_template("learning/dashboard.html", lessons=None, first=lessons[0].lesson if lessons else None)
    now, tz = datetime.now(timezone.utc), learner_zone()
    days = reading_days(owner)
    activity = daily_activity(owner, tz, now - STREAK_HORIZON, record, days)
    spent = seconds_per_lesson(owner, record, days)
    charts = {s.lesson.id: lesson_sparkline([(local_time(score.when, False), score.percent, score.mode)
                                              for score in s.scores[-SPARKLINE_POINTS:]])
              for s in lessons if s.scores}
    _, limit = review_settings()
    status = review_status(owner, now)
    served, cards = owner_cards(owner, start_of_local_day(now, tz))  # what the status just read: no query
    studied = studied_now([question_id for question_id, _ in cards])
    loads = forecast([due for question_id, due in cards if question_id in studied], now, FORECAST_DAYS, limit, served, tz)
    answers, reading = activity
    today = local_day(now, tz)
    busy = {day: answers.get(day, 0) + (1 if reading.get(day, 0) >= 300 else 0) for day in answers.keys() | reading.keys()}
    return render_template(
        "learning/dashboard.html", lessons=lessons, steps=up_next(owner, lessons, record), headline=headline(lessons),
        spent={lesson_id: minutes_label(seconds) for lesson_id, seconds in spent.items() if seconds},
        total_spent=minutes_label(sum(spent.values())), charts=charts,
        status=status, loads=loads, peak=max([load.served for load in loads] + [1]), limit=limit,
        heat=heatmap(busy, today), today=today,
        day=day_progress(current_user, tz, now, record, activity) if current_user.is_authenticated else None,
    )
