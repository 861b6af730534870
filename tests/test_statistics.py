"""Item analysis (pure) against values worked out by hand."""

import math

import pytest

from app.course.statistics import analyse, cronbach_alpha, distractors, pearson

ITEMS = ["q1", "q2", "q3"]
# Five attempts; totals 3, 2, 1, 1, 0.
ROWS = [
    {"q1": 1, "q2": 1, "q3": 1},
    {"q1": 1, "q2": 1, "q3": 0},
    {"q1": 1, "q2": 0, "q3": 0},
    {"q1": 0, "q2": 1, "q3": 0},
    {"q1": 0, "q2": 0, "q3": 0},
]


def test_test_statistics_match_hand_computation():
    test = analyse(ITEMS, ROWS).test
    assert test.attempts == 5 and test.items == 3 and test.max_score == 3
    assert test.mean == pytest.approx(1.4)
    assert test.median == 1
    assert test.sd == pytest.approx(math.sqrt(1.3))                 # sample variance 5.2 / 4
    assert test.alpha == pytest.approx(1.5 * (1 - 0.8 / 1.3))      # 0.576923
    assert test.sem == pytest.approx(math.sqrt(1.3) * math.sqrt(1 - 1.5 * (1 - 0.8 / 1.3)))  # 0.741620


def test_kr20_equals_alpha_for_right_wrong_items():
    p = [0.6, 0.6, 0.2]
    kr20 = 3 / 2 * (1 - sum(x * (1 - x) for x in p) / (5.2 / 5))
    assert cronbach_alpha([[row[i] for i in ITEMS] for row in ROWS]) == pytest.approx(kr20)


def test_item_statistics_match_hand_computation():
    by_id = {item.item: item for item in analyse(ITEMS, ROWS).items}
    assert by_id["q1"].facility == pytest.approx(0.6)
    assert by_id["q1"].discrimination == pytest.approx(0.6 / math.sqrt(1.2 * 2.8))   # 0.327327
    assert by_id["q2"].discrimination == pytest.approx(0.6 / math.sqrt(1.2 * 2.8))
    assert by_id["q3"].discrimination == pytest.approx(0.8 / math.sqrt(0.8 * 2.8))   # 0.534522
    assert by_id["q3"].facility == pytest.approx(0.2) and "too hard" in by_id["q3"].flags
    assert by_id["q1"].upper_lower == pytest.approx(1.0)   # top 27 % = 1 attempt (total 3), bottom = 1 (total 0)
    assert by_id["q2"].upper_lower == pytest.approx(1.0)


def test_a_question_the_strong_get_wrong_is_flagged_negative():
    rows = [{"good": 1, "bad": 0, "other": 1}, {"good": 1, "bad": 0, "other": 1},
            {"good": 0, "bad": 1, "other": 0}, {"good": 0, "bad": 1, "other": 0}]
    by_id = {item.item: item for item in analyse(["good", "bad", "other"], rows).items}
    assert by_id["bad"].discrimination == pytest.approx(-1.0)
    assert "negative discrimination" in by_id["bad"].flags
    assert by_id["bad"].upper_lower == pytest.approx(-1.0)


def test_everyone_right_is_too_easy_and_has_no_discrimination():
    rows = [{"a": 1, "b": s} for s in (1, 0, 1, 0)]
    item = analyse(["a", "b"], rows).items[0]
    assert item.facility == 1.0 and item.discrimination is None and "too easy" in item.flags


def test_missing_items_are_left_out_of_their_statistics_and_of_alpha():
    rows = ROWS + [{"q1": 1, "q2": None, "q3": None}]
    analysis = analyse(ITEMS, rows)
    assert analysis.items[0].attempts == 6 and analysis.items[1].attempts == 5
    assert analysis.test.alpha == pytest.approx(analyse(ITEMS, ROWS).test.alpha)


def test_no_attempts_gives_empty_statistics():
    analysis = analyse(ITEMS, [])
    assert analysis.test.mean is None and analysis.test.alpha is None
    assert all(item.facility is None for item in analysis.items)


def test_distractor_shares():
    shares = distractors(["a", "b", "c"], ["a", "a", "b", None, ["a", "c"]])
    assert shares == {"a": pytest.approx(0.6), "b": pytest.approx(0.2), "c": pytest.approx(0.2)}


def test_pearson_edge_cases():
    assert pearson([1], [2]) is None and pearson([1, 1], [0, 1]) is None
    assert pearson([0, 1, 2], [0, 2, 4]) == pytest.approx(1.0)
