"""Progress: lesson visits and "I've read this", and the learner's dashboard."""

from collections import defaultdict
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import redirect, render_template, url_for

from app.course.charts import heatmap, load_chart, score_chart
from app.course.mastery import LEVEL_NAMES, Retrieval, course_mastery, lesson_mastery
from app.course.scheduling import aware, forecast
from app.extensions import db
from app.learning import bp
from app.learning.forms import MarkReadForm
from app.learning.review_routes import served_today
from app.learning.routes import course_lessons, lesson_or_404
from app.models import Answer, Attempt, LessonProgress, Question, ReviewCard, ReviewLog
from app.progress import lesson_question_counts, owner_key, review_settings
from app.secrecy import open_to_learners

FORECAST_DAYS = 14


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


def lesson_rows(owner: str) -> list[dict]:
    """Per lesson: read status, visits, attempts, best and latest score, time spent and mastery."""
    lessons = course_lessons()
    bank_sizes = lesson_question_counts()
    progress = {p.lesson_id: p for p in db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == owner))}
    attempts = defaultdict(list)
    for attempt in db.session.scalars(sa.select(Attempt).where(Attempt.owner_key == owner, Attempt.submitted_at.is_not(None))
                                      .order_by(Attempt.submitted_at)):
        attempts[attempt.lesson_id].append(attempt)
    practice_seconds = dict(db.session.execute(
        sa.select(Attempt.lesson_id, sa.func.sum(Answer.seconds_taken)).join(Answer, Answer.attempt_id == Attempt.id)
        .where(Attempt.owner_key == owner, Attempt.mode == "practice").group_by(Attempt.lesson_id)).all())
    retrievals, review_seconds = defaultdict(list), defaultdict(int)
    for question_id, reviewed_at, log_score, source, seconds, lesson_id in db.session.execute(
            sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.score, ReviewLog.source,
                      ReviewLog.seconds_taken, Question.lesson_id)
            .join(Question, Question.id == ReviewLog.question_id)
            .where(ReviewLog.owner_key == owner, Question.bank == "course")):  # instructors' own questions never move mastery
        retrievals[lesson_id].append(Retrieval(question_id, aware(reviewed_at), log_score, source))
        if source == "review":
            review_seconds[lesson_id] += seconds or 0
    rows = []
    for lesson in lessons:
        done = attempts.get(lesson.id, [])
        percents = [100 * a.score / a.max_score for a in done if a.max_score]
        test_seconds = sum(int((aware(a.submitted_at) - aware(a.started_at)).total_seconds()) for a in done if a.mode == "test")
        seconds = test_seconds + (practice_seconds.get(lesson.id) or 0) + review_seconds[lesson.id]
        visit = progress.get(lesson.id)
        rows.append({
            "lesson": lesson, "progress": visit, "attempts": len(done),
            "best": max(percents) if percents else None, "latest": percents[-1] if percents else None,
            "minutes": round(seconds / 60), "mastery": lesson_mastery(bank_sizes.get(lesson.id, 0), retrievals[lesson.id]),
        })
    return rows


@bp.route("/me")
def dashboard():
    """The learner's own page: mastery per lesson, scores over time, reviews ahead and activity."""
    owner = owner_key(create=False)
    now = datetime.now(timezone.utc)
    if owner is None:
        return render_template("learning/dashboard.html", rows=None)
    rows = lesson_rows(owner)
    retention, limit = review_settings()
    due_dates = db.session.scalars(sa.select(ReviewCard.due).join(Question, Question.id == ReviewCard.question_id)
                                   .where(ReviewCard.owner_key == owner, open_to_learners())).all()
    loads = forecast(due_dates, now, FORECAST_DAYS, limit, served_today(owner, now))
    scores = [(aware(a.submitted_at), 100 * a.score / a.max_score, f"{a.lesson.title} ({a.mode})")
              for a in db.session.scalars(sa.select(Attempt).where(Attempt.owner_key == owner, Attempt.submitted_at.is_not(None))
                                          .order_by(Attempt.submitted_at)) if a.max_score]
    today = now.date()
    since = datetime.combine(today - timedelta(weeks=26), datetime.min.time(), tzinfo=timezone.utc)
    activity = defaultdict(int)
    for (moment,) in db.session.execute(sa.select(ReviewLog.reviewed_at).where(ReviewLog.owner_key == owner, ReviewLog.reviewed_at >= since)):
        activity[aware(moment).date()] += 1
    for (moment,) in db.session.execute(sa.select(LessonProgress.read_at).where(LessonProgress.owner_key == owner, LessonProgress.read_at >= since)):
        activity[aware(moment).date()] += 1
    return render_template(
        "learning/dashboard.html", rows=rows, course_percent=course_mastery([row["mastery"].level for row in rows]),
        level_names=LEVEL_NAMES, level_counts={level: sum(1 for r in rows if r["mastery"].level == level) for level in LEVEL_NAMES},
        scores=score_chart(scores), loads=load_chart(loads), heat=heatmap(dict(activity), today),
        due_now=loads[0].served if loads else 0, backlog=sum(l.scheduled for l in loads) - sum(l.served for l in loads),
        card_count=len(due_dates), retention=retention, limit=limit,
    )
