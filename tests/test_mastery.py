"""Mastery rules (pure), with fixed clocks."""

from datetime import datetime, timedelta, timezone

import pytest

from app.course.mastery import Retrieval, confirmations_needed, course_mastery, lesson_mastery

T0 = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def answers(count: int, score: float = 1.0, when: datetime = T0, source: str = "test", start: int = 0) -> list[Retrieval]:
    return [Retrieval(f"q{i}", when, score, source) for i in range(start, start + count)]


def test_no_answers_is_not_started():
    assert lesson_mastery(18, []).level == "not_started"


def test_any_answer_is_attempted():
    assert lesson_mastery(18, answers(1)).level == "attempted"


def test_one_perfect_ten_question_test_is_familiar_not_proficient():
    result = lesson_mastery(18, answers(10))
    assert result.level == "familiar"
    assert result.coverage == pytest.approx(10 / 18) and result.accuracy == 1.0


def test_familiar_needs_seventy_percent_on_half_the_bank():
    mixed = answers(7) + answers(3, score=0.0, start=7)
    assert lesson_mastery(18, mixed).level == "familiar"  # 10/18 covered, 70 % right
    worse = answers(6) + answers(4, score=0.0, start=6)
    assert lesson_mastery(18, worse).level == "attempted"


def test_proficient_needs_ninety_percent_on_eighty_percent_of_the_bank():
    assert lesson_mastery(18, answers(15)).level == "proficient"
    assert lesson_mastery(18, answers(14)).level == "familiar"  # 14/18 = 78 % covered


def test_a_later_miss_lowers_the_level():
    first = answers(15)
    later_misses = answers(3, score=0.0, when=T0 + timedelta(days=2))
    assert lesson_mastery(18, first).level == "proficient"
    assert lesson_mastery(18, first + later_misses).level == "familiar"


def test_mastered_needs_spaced_review_confirmations():
    base = answers(16)
    needed = confirmations_needed(18)
    assert needed == 6
    too_soon = answers(needed, when=T0 + timedelta(hours=2), source="review")
    assert lesson_mastery(18, base + too_soon).level == "proficient"
    quiz_again = answers(needed, when=T0 + timedelta(days=3), source="test")
    assert lesson_mastery(18, base + quiz_again).level == "proficient"
    spaced = answers(needed, when=T0 + timedelta(days=3), source="review")
    result = lesson_mastery(18, base + spaced)
    assert result.level == "mastered" and result.confirmed == needed
    assert lesson_mastery(18, base + spaced[:-1]).level == "proficient"


def test_mastered_falls_when_later_reviews_miss():
    history = answers(16) + answers(6, when=T0 + timedelta(days=3), source="review")
    misses = answers(3, score=0.0, when=T0 + timedelta(days=10), source="review")
    assert lesson_mastery(18, history).level == "mastered"
    assert lesson_mastery(18, history + misses).level == "familiar"


def test_order_of_evidence_does_not_matter():
    history = answers(16) + answers(6, when=T0 + timedelta(days=3), source="review")
    assert lesson_mastery(18, list(reversed(history))) == lesson_mastery(18, history)


def test_small_banks_still_need_three_confirmations():
    assert confirmations_needed(5) == 3


@pytest.mark.parametrize(("levels", "percent"), [
    ([], 0), (["not_started"] * 11, 0), (["mastered"] * 11, 100),
    (["familiar", "proficient", "mastered", "attempted"], 58),
])
def test_course_mastery_rolls_lessons_up_with_khan_points(levels, percent):
    assert course_mastery(levels) == percent
