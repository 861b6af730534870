"""Mastery that fades: the rule (pure, fixed clocks) and the dashboard, course map and lesson page built on it."""

import itertools
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from fsrs import Rating
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from app.course.mastery import Retrieval, cards_to_review, course_mastery, fade, lesson_mastery
from app.course.scheduling import CardState, Plan, new_card, retrievability, review
from app.course.scoring import key_response
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion, ReviewCard, ReviewLog
from tests.conftest import csrf_token
from tests.test_progress import card_data, card_values, owner_of, shown_card, submit_test_with_key
from tests.test_quiz import is_essay
from tests.statements import count_statements

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # a Monday
BANK = 18
PLAN = Plan()  # FSRS's default parameters, 90 % desired retention, UTC, no balancing: every day below is fixed


class Learner:
    """One learner's cards and retrievals of an 18-question lesson, answered Good at fixed moments."""

    def __init__(self) -> None:
        self.cards: dict[str, CardState] = {}
        self.retrievals: list[Retrieval] = []

    def answer(self, question_id: str, when: datetime, source: str) -> None:
        self.cards[question_id] = review(self.cards.get(question_id) or new_card(when), Rating.Good, when, PLAN)
        self.retrievals.append(Retrieval(question_id, when, 1.0, source))

    def recall(self, when: datetime) -> dict[str, float]:
        return {question_id: retrievability(card, when, PLAN) for question_id, card in self.cards.items()}

    def mastery(self, when: datetime):
        return lesson_mastery(BANK, self.retrievals, list(self.recall(when).values()), PLAN.retention)


def mastered_learner() -> tuple[Learner, datetime]:
    """Two tests (all 18 questions between them), then every review on the day it falls due for four weeks."""
    learner = Learner()
    for i in range(10):
        learner.answer(f"q{i}", T0, "test")
    for i in range(8, 18):
        learner.answer(f"q{i}", T0 + timedelta(days=1), "test")
    for day in range(2, 30):
        moment = T0 + timedelta(days=day)
        for question_id, card in list(learner.cards.items()):
            if card.due <= moment:
                learner.answer(question_id, moment, "review")
    return learner, T0 + timedelta(days=29)


def test_a_mastered_lesson_fades_after_five_untouched_weeks_and_comes_back_after_its_reviews():
    learner, last = mastered_learner()
    assert learner.mastery(last).level == "mastered" and not learner.mastery(last).needs_review
    assert learner.mastery(last + timedelta(weeks=4)).shown == "mastered"  # four weeks away: still above 90 % on average
    later = last + timedelta(weeks=5)
    faded = learner.mastery(later)
    assert faded.level == "mastered" and faded.shown == "needs_review" and faded.name == "Needs review"
    assert faded.recall < 0.9 and faded.to_review == 2
    recall = learner.recall(later)
    lowest = sorted(recall, key=recall.get)[:faded.to_review]
    for question_id in lowest:
        learner.answer(question_id, later, "review")
    back = learner.mastery(later + timedelta(minutes=5))
    assert back.shown == "mastered" and back.to_review == 0 and back.recall >= 0.9


def test_the_longer_away_the_more_cards_to_review():
    learner, last = mastered_learner()
    counts = [learner.mastery(last + timedelta(weeks=weeks)).to_review for weeks in (4, 5, 8, 17)]
    assert counts == sorted(counts) and counts[0] == 0 and counts[-1] > counts[1] > 0


def test_the_threshold_is_the_learners_desired_retention():
    learner, last = mastered_learner()
    later = last + timedelta(weeks=5)
    recall = list(learner.recall(later).values())
    assert lesson_mastery(BANK, learner.retrievals, recall, retention=0.9).needs_review
    assert not lesson_mastery(BANK, learner.retrievals, recall, retention=0.85).needs_review
    assert lesson_mastery(BANK, learner.retrievals, recall, retention=0.95).to_review > \
        lesson_mastery(BANK, learner.retrievals, recall, retention=0.9).to_review


@pytest.mark.parametrize("count, level", [(0, "not_started"), (1, "attempted"), (10, "familiar"), (15, "proficient")])
def test_only_mastered_fades(count, level):
    """A lower level already says what to do next; however forgotten its cards, it shows as it is."""
    retrievals = [Retrieval(f"q{i}", T0, 1.0, "test") for i in range(count)]
    result = lesson_mastery(BANK, retrievals, [0.05] * count, retention=0.9)
    assert result.level == level and result.shown == level and result.to_review == 0 and not result.needs_review


def test_without_recall_the_old_call_gives_the_plain_level():
    learner, last = mastered_learner()
    result = lesson_mastery(BANK, learner.retrievals)
    assert result.level == "mastered" and result.recall is None and result.to_review == 0


def test_a_mean_exactly_at_the_threshold_is_not_below_it():
    assert cards_to_review([0.8, 1.0], 0.9) == 0
    assert cards_to_review([0.79, 1.0], 0.9) == 1
    assert cards_to_review([], 0.9) == 0


def test_a_mastered_lesson_with_no_live_cards_does_not_fade():
    learner, last = mastered_learner()
    plain = lesson_mastery(BANK, learner.retrievals)
    assert fade(plain, [], 0.9) == plain


def test_a_lesson_needing_review_counts_proficients_points():
    learner, last = mastered_learner()
    faded = learner.mastery(last + timedelta(weeks=5))
    assert course_mastery([faded.shown, "mastered"]) == 90
    assert course_mastery([learner.mastery(last).shown, "mastered"]) == 100


@given(st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=9),
       st.floats(min_value=0.7, max_value=0.97))
def test_the_count_is_the_fewest_cards_that_bring_the_mean_back(recall, threshold):
    """Checked against every subset: k cards brought back to 1 suffice, and no k - 1 cards do."""
    count = cards_to_review(recall, threshold)

    def lifts(chosen: tuple[int, ...]) -> bool:
        values = [1.0 if index in chosen else value for index, value in enumerate(recall)]
        return sum(values) >= threshold * len(values) - 1e-9

    assert any(lifts(chosen) for chosen in itertools.combinations(range(len(recall)), count))
    assert count == 0 or not any(lifts(chosen) for chosen in itertools.combinations(range(len(recall)), count - 1))


# Through the pages: a lesson made Mastered in the database, with a few of its cards long forgotten.

STALE = 6  # cards last reviewed 300 days ago with a stability of a tenth of a day: recall about 0.29
FRESH_STABILITY = 400.0  # the others: reviewed again an hour ago, recall about 1


def seed_mastered(app, owner: str, slug: str) -> list[int]:
    """Every open question of the lesson answered right in a test and confirmed in review; the ids of the cards
    (not essays, so the review page takes them in one post) whose recall has faded."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
        questions = db.session.execute(
            sa.select(Question, QuestionVersion).join(QuestionVersion, sa.and_(
                QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
            .where(Question.lesson_id == lesson.id, Question.bank == "course", Question.retired.is_(False))
            .order_by(Question.id)).all()
        stale_ids = {question.id for question, version in questions if not is_essay(version.data)}
        stale_ids = set(sorted(stale_ids)[:STALE])
        stale_cards = []
        for question, version in questions:
            db.session.execute(sa.delete(ReviewCard).where(ReviewCard.owner_key == owner, ReviewCard.question_id == question.id))
            stale = question.id in stale_ids
            card = ReviewCard(owner_key=owner, question_id=question.id, state=2, step=None,
                              stability=0.1 if stale else FRESH_STABILITY, difficulty=5.0,
                              due=now - timedelta(days=299) if stale else now + timedelta(days=300),
                              last_review=now - timedelta(days=300) if stale else now - timedelta(hours=1))
            db.session.add(card)
            db.session.flush()
            for source, ago in (("test", timedelta(days=400)), ("review", timedelta(days=300)), ("review", timedelta(hours=1))):
                if not (stale and ago < timedelta(days=1)):
                    db.session.add(ReviewLog(owner_key=owner, card_id=card.id, question_id=question.id,
                                             question_version_id=version.id, source=source, rating=3, score=1.0,
                                             reviewed_at=now - ago, card_before={}))
            if stale:
                stale_cards.append(card.id)
        db.session.commit()
        return stale_cards


def expected_count(app, owner: str, slug: str) -> int:
    """The cards to review by the pure rule, from the stored cards (default parameters, 90 %)."""
    now = datetime.now(timezone.utc)
    with app.app_context():
        cards = db.session.scalars(sa.select(ReviewCard).join(Question).join(Lesson)
                                   .where(ReviewCard.owner_key == owner, Lesson.slug == slug)).all()
        return cards_to_review([retrievability(CardState(c.state, c.step, c.stability, c.difficulty, c.due.replace(
            tzinfo=timezone.utc), c.last_review.replace(tzinfo=timezone.utc)), now) for c in cards], 0.9)


def lesson_block(html: str, title: str) -> str:
    """The list item of one lesson on the dashboard or the course map."""
    return next(part for part in html.split("<li") if f">{escape(title)}</a>" in part)


def headline(html: str) -> str:
    """The dashboard's one line over the lessons."""
    return re.search(r'<p class="headline">([^.<]*)\.', html).group(1)


def test_the_dashboard_and_the_course_map_show_needs_review_until_the_cards_are_reviewed(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)  # trade: started, Attempted
    owner = owner_of(app)
    stale = seed_mastered(app, owner, "saarc")
    count = expected_count(app, owner, "saarc")
    assert count == 3  # six cards at recall about 0.29 among 24: three of them back at 1 lift the mean to 90 %
    with app.app_context():
        title = db.session.scalar(sa.select(Lesson.title).where(Lesson.slug == "saarc"))
    dashboard = client.get("/me").get_data(as_text=True)
    row = lesson_block(dashboard, title)
    assert 'class="mastery-badge level-needs_review">Needs review<' in row
    assert re.search(r'<a href="/review">Review 3 cards<span class="visually-hidden"> of [^<]+</span></a> to bring it back', row)
    assert "Recall has faded to about" in row
    assert headline(dashboard) == "2 of 11 lessons started · 1 needs review"
    course_map = client.get("/").get_data(as_text=True)
    assert 'level-needs_review">Needs review<' in lesson_block(course_map, title) and "Review 3 cards" in course_map
    assert "needs review: 3 cards bring it back to Mastered" in course_map  # Up next's reviews step says why
    lesson_page = client.get("/lessons/saarc").get_data(as_text=True)
    assert 'level-needs_review">Needs review<' in lesson_page and "Review 3 cards" in lesson_page

    token = csrf_token(client, "/review")
    for _ in range(count):  # the review page serves the most-forgotten cards first: the faded lesson's
        card_id = shown_card(client)
        assert card_id in stale
        response = client.post(f"/review/{card_id}", data={
            **card_values(app, card_id, key_response(card_data(app, card_id))), "csrf_token": token})
        assert response.status_code == 302

    dashboard = client.get("/me").get_data(as_text=True)
    row = lesson_block(dashboard, title)
    assert 'class="mastery-badge level-mastered">Mastered<' in row and "Needs review" not in row and "Review 3" not in row
    assert headline(dashboard) == "2 of 11 lessons started · 1 mastered"
    assert 'level-mastered">Mastered<' in lesson_block(client.get("/").get_data(as_text=True), title)


def test_fading_costs_one_query_however_many_lessons_are_mastered(app, client, auth):
    auth.register()
    submit_test_with_key(app, client)
    owner = owner_of(app)
    with count_statements(app) as plain:
        client.get("/")
    seed_mastered(app, owner, "saarc")
    with count_statements(app) as one:
        assert "Needs review" in client.get("/").get_data(as_text=True)
    seed_mastered(app, owner, "role-of-sports")
    with count_statements(app) as two:
        assert client.get("/").get_data(as_text=True).count('level-needs_review">Needs review<') == 2
    assert len(one) - len(plain) <= 1 and len(two) == len(one)


def test_the_api_counts_a_lesson_needing_review_as_proficient(app):
    """Course mastery over the API: Proficient's 80 points for the faded lesson, as the README says."""
    from tests.test_api import token_for

    client, headers = token_for(app, "bilal")
    seed_mastered(app, owner_of(app, "bilal"), "saarc")
    progress = client.get("/api/v1/me/progress", headers=headers).json
    assert progress["course_mastery"] == round(80 / len(progress["lessons"]))
    assert {row["slug"]: row["mastery"] for row in progress["lessons"]}["saarc"] == "mastered"  # the level itself stays


def test_a_wrong_review_lowers_accuracy_and_its_card_soon_fades_again():
    """FSRS puts any reviewed card at recall 1; a miss is answered by accuracy and by the card's short new stability."""
    missed, last = mastered_learner()
    later = last + timedelta(weeks=5)
    recall = missed.recall(later)
    lowest = sorted(recall, key=recall.get)[:2]
    right, _ = mastered_learner()
    for question_id in lowest:
        missed.cards[question_id] = review(missed.cards[question_id], Rating.Again, later, PLAN)
        right.answer(question_id, later, "review")
    missed_levels = lesson_mastery(BANK, missed.retrievals + [Retrieval(q, later, 0.0, "review") for q in lowest])
    assert missed_levels.level == "familiar"  # two misses of 18: below Proficient's 90 %
    # Had the misses not cost the level, their cards alone would fade the lesson again within days; the right answers' do not.
    days = later + timedelta(days=3)
    assert missed.mastery(days).needs_review and not right.mastery(days).needs_review
