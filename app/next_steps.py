"""What a learner should do next, and where each lesson stands: the home page, the dashboard and the review page share it.

``standings`` sums up every lesson for one learner in a fixed number of queries (whatever their history);
``up_next`` turns that, their unfinished quiz, their reviews and their reading into at most three steps,
each with one action.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import url_for

from app.course.clock import local_day
from app.course.grading import is_late
from app.course.mastery import LEVELS, Mastery, Retrieval, lesson_mastery
from app.course.scheduling import aware
from app.course.streaks import DayProgress, current_streak, study_days
from app.extensions import db
from app.models import Answer, Attempt, Lesson, LessonProgress, Question, ReviewLog, StudyTime, User
from app.progress import lesson_question_counts

MAX_STEPS = 3
STREAK_HORIZON = timedelta(days=366)  # a streak is counted back a year at most: the query stays bounded
STEP_KINDS = ("continue-quiz", "reviews", "continue-lesson", "weakest", "start")


@dataclass(frozen=True)
class Step:
    """One thing to do next: what it is, why, and the one link that does it."""

    kind: str  # one of STEP_KINDS
    title: str
    detail: str
    url: str
    action: str
    when: datetime | None = None  # reviews due later today: when the next one is (shown with |fromnow)


@dataclass(frozen=True)
class Score:
    """A finished attempt's score: unfinished practice is never one."""

    lesson_id: int
    mode: str
    when: datetime
    percent: float


@dataclass(frozen=True)
class Standing:
    """Where one lesson stands for one learner."""

    lesson: Lesson
    number: int  # the lesson's place in the course, from 1
    mastery: Mastery
    bank_size: int
    answered: int  # distinct questions of the bank answered at least once
    right: int  # of those, how many the latest answer got fully right
    visited: bool
    read: bool
    last_visit: datetime | None
    scores: tuple[Score, ...]

    @property
    def started(self) -> bool:
        """Visited, read or answered: the learner has begun this lesson."""
        return self.visited or self.answered > 0

    @property
    def best(self) -> float | None:
        """The best finished score, in percent."""
        return max((score.percent for score in self.scores), default=None)

    @property
    def bar_percent(self) -> int:
        """Share of the lesson's questions whose latest answer was right: the bar moves from the first answer."""
        return round(100 * self.right / self.bank_size) if self.bank_size else 0

    @property
    def reason(self) -> str:
        """Why the level is what it is: "7 of 18 questions, 86 % right"."""
        if not self.answered:
            return f"{self.bank_size} questions to try" if self.bank_size else "No quiz yet"
        return f"{self.answered} of {self.bank_size} questions, {round(100 * self.mastery.accuracy)} % right"


def finished_scores(owner: str) -> list[Score]:
    """Submitted attempts, oldest first, leaving out practice finished before every question was answered."""
    attempts = list(db.session.execute(
        sa.select(Attempt.id, Attempt.lesson_id, Attempt.mode, Attempt.submitted_at, Attempt.score, Attempt.max_score,
                  Attempt.layout)
        .where(Attempt.owner_key == owner, Attempt.submitted_at.is_not(None)).order_by(Attempt.submitted_at)))
    answered = dict(db.session.execute(
        sa.select(Answer.attempt_id, sa.func.count(sa.distinct(Answer.position))).join(Attempt, Attempt.id == Answer.attempt_id)
        .where(Attempt.owner_key == owner, Attempt.mode == "practice", Attempt.submitted_at.is_not(None))
        .group_by(Answer.attempt_id)).all())
    return [Score(lesson_id, mode, aware(submitted), 100 * (score or 0) / max_score)
            for attempt_id, lesson_id, mode, submitted, score, max_score, layout in attempts
            if max_score and (mode != "practice" or answered.get(attempt_id, 0) >= len(layout))]


def standings(owner: str | None) -> list[Standing]:
    """Every live lesson in course order with the learner's mastery, reading and scores (six queries)."""
    # The live lessons as app.learning.routes.course_lessons lists them (that package imports this module).
    lessons = list(db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position)))
    if owner is None:
        return [Standing(lesson, number, lesson_mastery(0, []), 0, 0, 0, False, False, None, ())
                for number, lesson in enumerate(lessons, 1)]
    bank_sizes = lesson_question_counts()
    visits = {p.lesson_id: p for p in db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == owner))}
    retrievals = defaultdict(list)
    for question_id, reviewed_at, log_score, source, lesson_id in db.session.execute(
            sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.score, ReviewLog.source, Question.lesson_id)
            .join(Question, Question.id == ReviewLog.question_id)
            .where(ReviewLog.owner_key == owner, Question.bank == "course")):  # instructors' own questions never move mastery
        retrievals[lesson_id].append(Retrieval(question_id, aware(reviewed_at), log_score, source))
    scores = defaultdict(list)
    for score in finished_scores(owner):
        scores[score.lesson_id].append(score)
    result = []
    for number, lesson in enumerate(lessons, 1):
        evidence = retrievals[lesson.id]
        latest: dict[str, Retrieval] = {}
        for item in sorted(evidence, key=lambda r: r.when):
            latest[item.question_id] = item
        visit = visits.get(lesson.id)
        size = bank_sizes.get(lesson.id, 0)
        result.append(Standing(
            lesson, number, lesson_mastery(size, evidence), size, min(len(latest), size),
            min(sum(1 for item in latest.values() if item.score >= 1.0), size),
            visit is not None, bool(visit and visit.read_at), aware(visit.last_visit_at) if visit else None,
            tuple(scores[lesson.id])))
    return result


def _unfinished_attempt(owner: str, now: datetime) -> Step | None:
    """The newest quiz left open (not submitted, not past its time limit), as a step."""
    for attempt, title in db.session.execute(
            sa.select(Attempt, Lesson.title).join(Lesson, Lesson.id == Attempt.lesson_id)
            .where(Attempt.owner_key == owner, Attempt.submitted_at.is_(None), Lesson.retired.is_(False))
            .order_by(Attempt.started_at.desc()).limit(5)):
        if is_late(aware(attempt.deadline) if attempt.deadline else None, now):
            continue
        total = len(attempt.layout)
        if attempt.mode == "test":
            answered = sum(1 for response in attempt.draft or [] if response not in (None, "", [], {}))
            kind = "test"
        else:
            answered = db.session.scalar(sa.select(sa.func.count(sa.distinct(Answer.position)))
                                         .where(Answer.attempt_id == attempt.id)) or 0
            kind = "practice"
        if attempt.assignment_id:
            kind = "assignment"
        return Step("continue-quiz", f"Finish your {kind}: {title}", f"{answered} of {total} answered",
                    url_for("learning.attempt", public_id=attempt.public_id), f"Continue the {kind}")
    return None


def _review_steps(owner: str, now: datetime) -> tuple[Step | None, Step | None]:
    """(reviews ready now, reviews later today): at most one of them."""
    from app.review_status import review_status  # the review slice's one rule for "due"; imported late to avoid a cycle

    status = review_status(owner, now)
    url = url_for("learning.review")
    if status.due_now:
        noun = "review" if status.due_now == 1 else "reviews"
        return Step("reviews", f"{status.due_now} {noun} ready now",
                    "Questions you answered before, back for a quick recall.", url, "Start reviewing"), None
    if status.due_today and status.next_due:
        noun = "review" if status.due_today == 1 else "reviews"
        return None, Step("reviews", f"{status.due_today} {noun} later today",
                          "Nothing is due this minute. The next one comes back", url, "See reviews", status.next_due)
    return None, None


def up_next(owner: str | None, lessons: list[Standing] | None = None) -> list[Step]:
    """At most three next steps, most pressing first; ``lessons`` may pass standings already worked out."""
    now = datetime.now(timezone.utc)
    lessons = standings(owner) if lessons is None else lessons
    if not lessons:
        return []
    first = lessons[0]
    start_first = Step("start", f"Start with lesson 1: {first.lesson.title}",
                       f"{first.lesson.summary} About {first.lesson.reading_minutes} min.",
                       url_for("learning.lesson", slug=first.lesson.slug), "Start the first lesson")
    if owner is None:
        return [start_first]
    steps: list[Step] = []
    quiz = _unfinished_attempt(owner, now)
    if quiz:
        steps.append(quiz)
    reviews_now, reviews_later = _review_steps(owner, now)
    if reviews_now:
        steps.append(reviews_now)
    unread = [s for s in lessons if s.visited and not s.read and LEVELS.index(s.mastery.level) < LEVELS.index("familiar")]
    if unread:
        latest = max(unread, key=lambda s: s.last_visit)
        steps.append(Step("continue-lesson", f"Continue reading: {latest.lesson.title}",
                          f"Lesson {latest.number} · about {latest.lesson.reading_minutes} min",
                          url_for("learning.lesson", slug=latest.lesson.slug), "Continue reading"))
    tried = [s for s in lessons if s.answered and s.mastery.level != "mastered"]
    if tried:
        weakest = min(tried, key=lambda s: (LEVELS.index(s.mastery.level), s.mastery.accuracy, s.number))
        steps.append(Step("weakest", f"Practise: {weakest.lesson.title}", f"{weakest.mastery.name} · {weakest.reason}",
                          url_for("learning.quiz", slug=weakest.lesson.slug), "Practise this lesson"))
    if not any(s.started for s in lessons):
        steps.append(start_first)
    else:
        furthest = max(s.number for s in lessons if s.started)
        following = next((s for s in lessons[furthest:] if not s.started), None)
        if following:
            steps.append(Step("start", f"Next lesson: {following.lesson.title}",
                              f"Lesson {following.number} · about {following.lesson.reading_minutes} min",
                              url_for("learning.lesson", slug=following.lesson.slug), f"Start lesson {following.number}"))
    if reviews_later:
        steps.append(reviews_later)
    return steps[:MAX_STEPS]


def daily_activity(owner: str, tz: ZoneInfo, since: datetime) -> tuple[dict[date, int], dict[date, int]]:
    """(questions answered, seconds read) per local day of the learner since a moment."""
    answers: dict[date, int] = defaultdict(int)
    for (moment,) in db.session.execute(sa.select(ReviewLog.reviewed_at).where(
            ReviewLog.owner_key == owner, ReviewLog.reviewed_at >= since)):
        answers[local_day(moment, tz)] += 1
    reading: dict[date, int] = defaultdict(int)
    for day, seconds in db.session.execute(
            sa.select(StudyTime.day, sa.func.sum(StudyTime.seconds))
            .where(StudyTime.owner_key == owner, StudyTime.day >= since.date()).group_by(StudyTime.day)):
        # A UTC day of reading counts for the local day holding its midday, as app.study_time.seconds_on counts it.
        reading[local_day(datetime.combine(day, time(12), tzinfo=timezone.utc), tz)] += int(seconds)
    return dict(answers), dict(reading)


def day_progress(user: User, tz: ZoneInfo, now: datetime,
                 activity: tuple[dict[date, int], dict[date, int]] | None = None) -> DayProgress | None:
    """Today's goal and the streak for an account that opted into either; None otherwise."""
    if user.daily_goal is None and not user.show_streak:
        return None
    answers, reading = activity or daily_activity(user.owner_key, tz, now - STREAK_HORIZON)
    today = local_day(now, tz)
    return DayProgress(answers.get(today, 0), user.daily_goal,
                       current_streak(study_days(answers, reading), today) if user.show_streak else None)
