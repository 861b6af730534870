"""Progress: lesson visits and "I've read this", and the learner's dashboard."""

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import redirect, render_template, url_for
from flask_login import current_user

from app.course.charts import heatmap, lesson_sparkline
from app.course.clock import format_local, local_day
from app.course.mastery import LEVELS, LEVEL_NAMES
from app.course.scheduling import aware, forecast
from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.routes import lesson_or_404
from app.models import Answer, Attempt, LessonProgress, Question, ReviewLog
from app.next_steps import STREAK_HORIZON, Standing, daily_activity, day_progress, standings, up_next
from app.progress import owner_key, review_settings
from app.review_status import live_due_dates, review_status, served_today
from app.study_time import reading_seconds
from app.timezones import learner_zone

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


def seconds_per_lesson(owner: str) -> dict[int, int]:
    """Time actually spent per lesson id: reading, practice and review answers, and tests from start to submit."""
    spent: dict[int, int] = defaultdict(int)
    for lesson_id, seconds in reading_seconds(owner).items():
        spent[lesson_id] += seconds
    for lesson_id, seconds in db.session.execute(
            sa.select(Attempt.lesson_id, sa.func.sum(Answer.seconds_taken)).join(Answer, Answer.attempt_id == Attempt.id)
            .where(Attempt.owner_key == owner, Attempt.mode == "practice").group_by(Attempt.lesson_id)):
        spent[lesson_id] += seconds or 0
    for lesson_id, started, submitted in db.session.execute(
            sa.select(Attempt.lesson_id, Attempt.started_at, Attempt.submitted_at)
            .where(Attempt.owner_key == owner, Attempt.mode == "test", Attempt.submitted_at.is_not(None))):
        spent[lesson_id] += int(min(aware(submitted) - aware(started), LONGEST_TEST).total_seconds())
    for lesson_id, seconds in db.session.execute(
            sa.select(Question.lesson_id, sa.func.sum(ReviewLog.seconds_taken)).join(Question, Question.id == ReviewLog.question_id)
            .where(ReviewLog.owner_key == owner, ReviewLog.source == "review").group_by(Question.lesson_id)):
        spent[lesson_id] += seconds or 0
    return dict(spent)


def lesson_rows(owner: str) -> list[dict]:
    """Per lesson, for the API: mastery, finished attempts, best and latest score, read, minutes spent."""
    spent = seconds_per_lesson(owner)
    return [{"lesson": s.lesson, "mastery": s.mastery, "attempts": len(s.scores), "best": s.best,
             "latest": s.scores[-1].percent if s.scores else None, "read": s.read,
             "minutes": round(spent.get(s.lesson.id, 0) / 60)} for s in standings(owner)]


def minutes_label(seconds: int) -> str:
    """"0 min", "under a minute", "12 min", "1 h 5 min"."""
    minutes = round(seconds / 60)
    if minutes == 0:
        return "under a minute" if seconds else "0 min"
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"


def headline(lessons: list[Standing]) -> str:
    """The course in one line that the first answer already moves: "3 of 11 lessons started · 1 familiar"."""
    parts = [f"{sum(1 for s in lessons if s.started)} of {len(lessons)} lessons started"]
    for level in reversed(LEVELS[2:]):
        count = sum(1 for s in lessons if s.mastery.level == level)
        if count:
            parts.append(f"{count} {LEVEL_NAMES[level].lower()}")
    return " · ".join(parts)


@bp.route("/me")
def dashboard():
    """The learner's own page: up next, mastery per lesson, scores per lesson, reviews ahead, time and activity."""
    owner = owner_key(create=False)
    lessons = standings(owner)
    if owner is None or not any(standing.started for standing in lessons):
        return render_template("learning/dashboard.html", lessons=None, first=lessons[0].lesson if lessons else None)
    now, tz = datetime.now(timezone.utc), learner_zone()
    activity = daily_activity(owner, tz, now - STREAK_HORIZON)
    spent = seconds_per_lesson(owner)
    charts = {s.lesson.id: lesson_sparkline([(format_local(score.when, tz, False), score.percent, score.mode)
                                              for score in s.scores[-SPARKLINE_POINTS:]])
              for s in lessons if s.scores}
    _, limit = review_settings()
    loads = forecast(live_due_dates(owner), now, FORECAST_DAYS, limit, served_today(owner, now, tz), tz)
    answers, reading = activity
    today = local_day(now, tz)
    busy = {day: answers.get(day, 0) + (1 if reading.get(day, 0) >= 300 else 0) for day in answers.keys() | reading.keys()}
    return render_template(
        "learning/dashboard.html", lessons=lessons, steps=up_next(owner, lessons), headline=headline(lessons),
        spent={lesson_id: minutes_label(seconds) for lesson_id, seconds in spent.items() if seconds},
        total_spent=minutes_label(sum(spent.values())), charts=charts,
        status=review_status(owner, now), loads=loads, peak=max([load.served for load in loads] + [1]), limit=limit,
        heat=heatmap(busy, today), today=today,
        day=day_progress(current_user, tz, now, activity) if current_user.is_authenticated else None,
    )
