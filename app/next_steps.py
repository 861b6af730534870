"""What a learner should do next, and where each lesson stands: the home page, the dashboard and the review page share it.

``standings`` sums up every lesson for one learner in three queries whatever their history (``learner_record``;
lessons and questions come from the course in memory);
``up_next`` turns that, their unfinished quiz, their reviews and their reading into at most three steps,
each with one action.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _, ngettext
from markupsafe import Markup

from app.course.assignment_rules import marks_released
from app.course.clock import local_day
from app.course.grading import is_late
from app.course.mastery import LEVELS, Mastery, Retrieval, fade, lesson_mastery
from app.course.scheduling import DEFAULT_RETENTION, CardState, Plan, aware, retrievability
from app.course.streaks import DayProgress, current_streak, study_days
from app.course_cache import LessonInfo, snapshot
from app.extensions import db
from app.i18n import course_text
from app.models import Answer, Assignment, Attempt, LessonProgress, ReviewCard, ReviewLog, User
from app.review_plan import fitted_parameters, owner_user
from app.secrecy import held_back
from app.study_time import reading_days
from app.timezones import from_now

MAX_STEPS = 3
STREAK_HORIZON = timedelta(days=366)  # a streak is counted back a year at most: the query stays bounded
STEP_KINDS = ("continue-quiz", "reviews", "continue-lesson", "weakest", "start")


@dataclass(frozen=True)
class Step:
    """One thing to do next: what it is, why, and the one link that does it."""

    kind: str  # one of STEP_KINDS
    title: str  # Markup where it names a lesson: its title is course text, marked English on a page in another language
    detail: str
    url: str
    action: str
    when: datetime | None = None  # shown after the detail with |fromnow (the reviews step now says it in its detail)


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

    lesson: LessonInfo
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
            return _("%(num)s questions to try", num=self.bank_size) if self.bank_size else _("No quiz yet")
        return _("%(answered)s of %(num)s questions, %(percent)s %% right", answered=self.answered, num=self.bank_size,
                 percent=round(100 * self.mastery.accuracy))


@dataclass(frozen=True)
class Record:
    """What a learner has done, read in three statements whatever their history: lesson visits, every review-log
    entry (with its card as it stands now) and every attempt. The home page, the dashboard and the review page's
    "meanwhile" steps sum it up without asking again."""

    visits: dict[int, LessonProgress]
    logs: list[sa.Row]  # question_id, reviewed_at, score, source, seconds_taken, *CARD_COLUMNS
    attempts: list[sa.Row]  # see learner_record


def learner_record(owner: str) -> Record:
    """The learner's visits, review log and attempts (see :class:`Record`)."""
    visits = {p.lesson_id: p for p in db.session.scalars(sa.select(LessonProgress).where(LessonProgress.owner_key == owner))}
    logs = db.session.execute(
        sa.select(ReviewLog.question_id, ReviewLog.reviewed_at, ReviewLog.score, ReviewLog.source, ReviewLog.seconds_taken,
                  *CARD_COLUMNS)
        .join(ReviewCard, ReviewCard.id == ReviewLog.card_id).where(ReviewLog.owner_key == owner)).all()
    practice = Attempt.mode == "practice"
    of_attempt = Answer.attempt_id == Attempt.id
    attempts = db.session.execute(
        sa.select(Attempt.id, Attempt.public_id, Attempt.lesson_id, Attempt.mode, Attempt.started_at, Attempt.submitted_at,
                  Attempt.score, Attempt.max_score, Attempt.assignment_id, Attempt.deadline,
                  # the number of questions, not the layout itself: decoding every attempt's layout was most of the work
                  sa.func.json_array_length(Attempt.layout).label("size"),
                  # a test's draft only while it is open: "3 of 10 answered" (a finished test's draft is never read)
                  sa.case((sa.and_(Attempt.submitted_at.is_(None), Attempt.mode == "test"), Attempt.draft)).label("draft"),
                  sa.case((practice, sa.select(sa.func.count(sa.distinct(Answer.position))).where(of_attempt)
                           .scalar_subquery())).label("answered"),
                  sa.case((practice, sa.select(sa.func.sum(Answer.seconds_taken)).where(of_attempt)
                           .scalar_subquery())).label("seconds"),
                  Assignment.release_mode, Assignment.release_at, Assignment.released_at)
        .outerjoin(Assignment, Assignment.id == Attempt.assignment_id).where(Attempt.owner_key == owner)).all()
    return Record(visits, logs, attempts)


def finished_scores(record: Record, now: datetime | None = None) -> list[Score]:
    """Submitted attempts, oldest first, leaving out practice finished before every question was answered and
    assignment attempts whose marks are not released yet (their score is not the learner's to see)."""
    now = now or datetime.now(timezone.utc)
    scores = []
    for row in sorted((row for row in record.attempts if row.submitted_at is not None), key=lambda row: aware(row.submitted_at)):
        if row.assignment_id and not marks_released(row.release_mode, aware(row.release_at) if row.release_at else None,
                                                    aware(row.released_at) if row.released_at else None, now):
            continue
        if row.max_score and (row.mode != "practice" or (row.answered or 0) >= row.size):
            scores.append(Score(row.lesson_id, row.mode, aware(row.submitted_at), 100 * (row.score or 0) / row.max_score))
    return scores


def recall_plan(owner: str) -> Plan:
    """What predicts the learner's recall: their desired retention and fitted parameters (no calendar or load)."""
    user = owner_user(owner)  # the signed-in learner is in the session already: no query
    return Plan(retention=user.desired_retention if user else DEFAULT_RETENTION, parameters=fitted_parameters(owner))


def card_recall(cards: list[CardState], now: datetime, plan: Plan) -> list[float]:
    """Each reviewed card's predicted recall at ``now``."""
    return [retrievability(card, now, plan) for card in cards if card.last_review and card.stability is not None]


# A log row's card as it stands now: the standings' one query over the learner's log carries it along.
CARD_COLUMNS = (ReviewCard.state, ReviewCard.step, ReviewCard.stability, ReviewCard.difficulty, ReviewCard.due,
                ReviewCard.last_review)


def card_from_row(state: int, step: int | None, stability: float | None, difficulty: float | None, due: datetime,
                  last_review: datetime | None) -> CardState:
    return CardState(state, step, stability, difficulty, aware(due), aware(last_review) if last_review else None)


def course_bank_sizes() -> dict[int, int]:
    """Questions open to learners per lesson id (``open_to_learners``' rule, from the course in memory)."""
    holds = held_back()
    sizes: dict[int, int] = defaultdict(int)
    for question in snapshot().questions.values():
        if not question.retired and question.bank == "course" and question.id not in holds:
            sizes[question.lesson_id] += 1
    return dict(sizes)


def standings(owner: str | None, now: datetime | None = None, record: Record | None = None) -> list[Standing]:
    """Every live lesson in course order with the learner's mastery at ``now`` (default: this moment), reading and
    scores: lessons and questions from memory, the learner's ``record`` read in three statements unless given, and
    a fourth for the learner's FSRS parameters when a lesson is Mastered."""
    course = snapshot()
    lessons = course.lessons
    if owner is None:
        return [Standing(lesson, number, lesson_mastery(0, []), 0, 0, 0, False, False, None, ())
                for number, lesson in enumerate(lessons, 1)]
    record = record or learner_record(owner)
    bank_sizes = course_bank_sizes()
    now = now or datetime.now(timezone.utc)
    retrievals = defaultdict(list)
    cards: dict[int, dict[str, CardState]] = defaultdict(dict)  # each lesson's live cards: the recall that fades Mastered
    for question_id, reviewed_at, log_score, source, _seconds, *card in record.logs:
        question = course.questions.get(question_id)
        if question is None or question.bank != "course":  # instructors' own questions never move mastery
            continue
        retrievals[question.lesson_id].append(Retrieval(question_id, aware(reviewed_at), log_score, source))
        # A retired question's card is never served again: it could not bring the lesson back. Every log row of a
        # question carries the same card: read it once.
        if not question.retired and question_id not in cards[question.lesson_id]:
            cards[question.lesson_id][question_id] = card_from_row(*card)
    scores = defaultdict(list)
    for score in finished_scores(record, now):
        scores[score.lesson_id].append(score)
    result, plan = [], None
    for number, lesson in enumerate(lessons, 1):
        evidence = retrievals[lesson.id]
        latest: dict[str, Retrieval] = {}
        for item in sorted(evidence, key=lambda r: r.when):
            latest[item.question_id] = item
        visit = record.visits.get(lesson.id)
        size = bank_sizes.get(lesson.id, 0)
        mastery = lesson_mastery(size, evidence)
        if mastery.level == "mastered":
            plan = plan or recall_plan(owner)
            mastery = fade(mastery, card_recall(list(cards[lesson.id].values()), now, plan), plan.retention)
        result.append(Standing(
            lesson, number, mastery, size, min(len(latest), size),
            min(sum(1 for item in latest.values() if item.score >= 1.0), size),
            visit is not None, bool(visit and visit.read_at), aware(visit.last_visit_at) if visit else None,
            tuple(scores[lesson.id])))
    return result


def _unfinished_attempt(record: Record, now: datetime) -> Step | None:
    """The newest quiz left open (not submitted, not past its time limit), of the five newest, as a step."""
    lessons = snapshot().lessons_by_id
    open_ones = sorted((row for row in record.attempts if row.submitted_at is None
                        and row.lesson_id in lessons and not lessons[row.lesson_id].retired),
                       key=lambda row: aware(row.started_at), reverse=True)
    for attempt in open_ones[:5]:
        if is_late(aware(attempt.deadline) if attempt.deadline else None, now):
            continue
        total = attempt.size
        if attempt.mode == "test":
            answered = sum(1 for response in attempt.draft or [] if response not in (None, "", [], {}))
            kind = "test"
        else:
            answered = attempt.answered or 0
            kind = "practice"
        if attempt.assignment_id:
            kind = "assignment"
        title = lessons[attempt.lesson_id].title
        words = {"test": (lambda: _("Finish your test: %(title)s", title=title), lambda: _("Continue the test")),
                 "practice": (lambda: _("Finish your practice: %(title)s", title=title), lambda: _("Continue the practice")),
                 "assignment": (lambda: _("Finish your assignment: %(title)s", title=title),
                                lambda: _("Continue the assignment"))}[kind]
        return Step("continue-quiz", words[0](), _("%(answered)s of %(num)s answered", answered=answered, num=total),
                    url_for("learning.attempt", public_id=attempt.public_id), words[1]())
    return None


def _review_steps(owner: str, now: datetime) -> tuple[Step | None, Step | None]:
    """(reviews ready now, reviews later today): at most one of them."""
    from app.review_status import review_status  # the review slice's one rule for "due"; imported late to avoid a cycle

    status = review_status(owner, now)
    url = url_for("learning.review")
    if status.due_now:
        return Step("reviews", ngettext("%(num)s review ready now", "%(num)s reviews ready now", status.due_now),
                    _("Questions you answered before, back for a quick recall."), url, _("Start reviewing")), None
    if status.due_today and status.next_due:
        return None, Step("reviews", ngettext("%(num)s review later today", "%(num)s reviews later today", status.due_today),
                          _("Nothing is due this minute. The next one comes back %(when)s.",
                            when=from_now(status.next_due)), url, _("See reviews"))
    return None, None


def _with_fading(step: Step, fading: list[Standing]) -> Step:
    """The reviews step, saying which Mastered lessons it brings back (the review page serves the most-forgotten
    cards first, and those are the ones a fading lesson needs)."""
    if not fading:
        return step
    if len(fading) == 1:
        count = fading[0].mastery.to_review
        why = ngettext("“%(title)s” needs review: %(num)s card brings it back to Mastered.",
                       "“%(title)s” needs review: %(num)s cards bring it back to Mastered.", count,
                       title=course_text(fading[0].lesson.title))
    else:
        why = _("%(num)s lessons need review to be Mastered again.", num=len(fading))
    return replace(step, detail=Markup("%s %s") % (step.detail, why))


def up_next(owner: str | None, lessons: list[Standing] | None = None, record: Record | None = None) -> list[Step]:
    """At most three next steps, most pressing first; ``lessons`` and ``record`` may pass what is already worked out."""
    now = datetime.now(timezone.utc)
    record = record or (learner_record(owner) if owner is not None else None)
    lessons = standings(owner, record=record) if lessons is None else lessons
    if not lessons:
        return []
    first = lessons[0]
    start_first = Step("start", _("Start with lesson %(number)s: %(title)s", number=1, title=course_text(first.lesson.title)),
                       Markup("%s %s") % (course_text(first.lesson.summary),
                                          _("About %(minutes)s min.", minutes=first.lesson.reading_minutes)),
                       url_for("learning.lesson", slug=first.lesson.slug), _("Start the first lesson"))
    if owner is None:
        return [start_first]
    steps: list[Step] = []
    quiz = _unfinished_attempt(record, now)
    if quiz:
        steps.append(quiz)
    reviews_now, reviews_later = _review_steps(owner, now)
    if reviews_now:
        steps.append(_with_fading(reviews_now, [s for s in lessons if s.mastery.needs_review]))
    unread = [s for s in lessons if s.visited and not s.read and LEVELS.index(s.mastery.level) < LEVELS.index("familiar")]
    if unread:
        latest = max(unread, key=lambda s: s.last_visit)
        steps.append(Step("continue-lesson", _("Continue reading: %(title)s", title=course_text(latest.lesson.title)),
                          _("Lesson %(number)s · about %(minutes)s min", number=latest.number,
                            minutes=latest.lesson.reading_minutes),
                          url_for("learning.lesson", slug=latest.lesson.slug), _("Continue reading")))
    tried = [s for s in lessons if s.answered and s.mastery.level != "mastered"]
    if tried:
        weakest = min(tried, key=lambda s: (LEVELS.index(s.mastery.level), s.mastery.accuracy, s.number))
        steps.append(Step("weakest", _("Practise: %(title)s", title=course_text(weakest.lesson.title)),
                          f"{weakest.mastery.name} · {weakest.reason}",
                          url_for("learning.quiz", slug=weakest.lesson.slug), _("Practise this lesson")))
    if not any(s.started for s in lessons):
        steps.append(start_first)
    else:
        furthest = max(s.number for s in lessons if s.started)
        following = next((s for s in lessons[furthest:] if not s.started), None)
        if following:
            steps.append(Step("start", _("Next lesson: %(title)s", title=course_text(following.lesson.title)),
                              _("Lesson %(number)s · about %(minutes)s min", number=following.number,
                                minutes=following.lesson.reading_minutes),
                              url_for("learning.lesson", slug=following.lesson.slug),
                              _("Start lesson %(number)s", number=following.number)))
    if reviews_later:
        steps.append(reviews_later)
    return steps[:MAX_STEPS]


def daily_activity(owner: str, tz: ZoneInfo, since: datetime, record: Record,
                   days: list[tuple[int, date, int]] | None = None) -> tuple[dict[date, int], dict[date, int]]:
    """(questions answered, seconds read) per local day of the learner since a moment, from their ``record`` and
    reading rows (``reading_days``, read here unless given)."""
    answers: dict[date, int] = defaultdict(int)
    for log in record.logs:
        if aware(log.reviewed_at) >= since:
            answers[local_day(log.reviewed_at, tz)] += 1
    reading: dict[date, int] = defaultdict(int)
    first = since.date()
    for _lesson_id, day, seconds in reading_days(owner) if days is None else days:
        if day >= first:
            # A UTC day of reading counts for the local day holding its midday, as app.study_time.seconds_on counts it.
            reading[local_day(datetime.combine(day, time(12), tzinfo=timezone.utc), tz)] += int(seconds)
    return dict(answers), dict(reading)


def day_progress(user: User, tz: ZoneInfo, now: datetime, record: Record,
                 activity: tuple[dict[date, int], dict[date, int]] | None = None) -> DayProgress | None:
    """Today's goal and the streak for an account that opted into either; None otherwise."""
    if user.daily_goal is None and not user.show_streak:
        return None
    answers, reading = activity or daily_activity(user.owner_key, tz, now - STREAK_HORIZON, record)
    today = local_day(now, tz)
    return DayProgress(answers.get(today, 0), user.daily_goal,
                       current_streak(study_days(answers, reading), today) if user.show_streak else None)
