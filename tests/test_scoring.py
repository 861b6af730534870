"""Scoring rules (pure): hand-checked cases and Hypothesis properties over generated questions."""

import pytest
from hypothesis import given, settings, strategies as st

from app.course.scoring import (
    PRACTICE_PENALTY, key_response, practice_mark, score,
)
from app.course.answers import text_form

ids = st.text(alphabet="abcdefghij", min_size=1, max_size=4)


@st.composite
def choice_questions(draw, kind="single_choice"):
    option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    options = [{"id": i, "text": i.upper(), "feedback": "f"} for i in option_ids]
    if kind == "single_choice":
        return {"type": kind, "options": options, "answer": draw(st.sampled_from(option_ids))}
    answer = draw(st.lists(st.sampled_from(option_ids), min_size=1, max_size=len(option_ids) - 1, unique=True))
    return {"type": kind, "options": options, "answer": answer}


@st.composite
def questions(draw):
    kind = draw(st.sampled_from(["single_choice", "multiple_response", "true_false", "short_answer",
                                 "numeric", "ordering", "matching", "cloze"]))
    if kind in ("single_choice", "multiple_response"):
        return draw(choice_questions(kind))
    if kind == "true_false":
        return {"type": kind, "answer": draw(st.booleans())}
    if kind == "short_answer":
        texts = draw(st.lists(st.text(min_size=1, max_size=12).filter(lambda t: text_form(t).keys), min_size=1, max_size=3))
        return {"type": kind, "answers": [{"text": t, "credit": 1.0} for t in texts]}
    if kind == "numeric":
        return {"type": kind, "answer": draw(st.floats(-1e6, 1e6, allow_nan=False)),
                "tolerance": draw(st.floats(0, 10)), "unit": "million", "units": {"billion": 1000.0}}
    if kind == "ordering":
        item_ids = draw(st.lists(ids, min_size=3, max_size=6, unique=True))
        return {"type": kind, "items": [{"id": i, "text": i} for i in item_ids]}
    if kind == "matching":
        pair_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
        return {"type": kind, "pairs": [{"id": i, "left": i, "right": i.upper()} for i in pair_ids], "distractors": []}
    blank_ids = draw(st.lists(ids, min_size=1, max_size=4, unique=True))
    return {"type": kind, "blanks": [{"id": i, "accept": [f"w{i}"]} for i in blank_ids]}


def any_response(data):
    """A strategy for responses a form could send to this question (and some it could not)."""
    kind = data["type"]
    if kind == "single_choice":
        return st.one_of(st.none(), st.sampled_from([o["id"] for o in data["options"]]))
    if kind == "multiple_response":
        return st.lists(st.sampled_from([o["id"] for o in data["options"]]), unique=True)
    if kind == "true_false":
        return st.one_of(st.none(), st.booleans())
    if kind in ("short_answer", "numeric"):
        return st.one_of(st.none(), st.text(max_size=20))
    if kind == "ordering":
        item_ids = [i["id"] for i in data["items"]]
        return st.lists(st.one_of(st.none(), st.sampled_from(item_ids)), max_size=len(item_ids) + 2)
    if kind == "matching":
        rights = [p["id"] for p in data["pairs"]]
        return st.fixed_dictionaries({p["id"]: st.one_of(st.none(), st.sampled_from(rights)) for p in data["pairs"]})
    return st.fixed_dictionaries({b["id"]: st.one_of(st.none(), st.text(max_size=8)) for b in data["blanks"]})


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_score_is_always_between_zero_and_one(data_strategy):
    data = data_strategy.draw(questions())
    response = data_strategy.draw(any_response(data))
    outcome = score(data, response)
    assert 0.0 <= outcome.score <= 1.0
    assert outcome.status in {"correct", "partial", "wrong", "unanswered"}
    if outcome.status == "unanswered":
        assert outcome.score == 0.0


@settings(max_examples=300, deadline=None)
@given(questions())
def test_the_key_scores_full_marks(data):
    outcome = score(data, key_response(data))
    assert outcome.score == 1.0 and outcome.status == "correct"


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_order_of_picks_never_matters_for_multiple_response(data_strategy):
    data = data_strategy.draw(choice_questions("multiple_response"))
    picks = data_strategy.draw(st.lists(st.sampled_from([o["id"] for o in data["options"]]), unique=True))
    shuffled = data_strategy.draw(st.permutations(picks))
    assert score(data, picks) == score(data, list(shuffled))


@settings(max_examples=200, deadline=None)
@given(choice_questions("multiple_response"))
def test_ticking_every_box_never_earns_full_marks(data):
    assert score(data, [o["id"] for o in data["options"]]).score < 1.0


@given(st.lists(st.floats(0, 1), max_size=5))
def test_practice_mark_stays_in_range_and_never_beats_the_best_try(tries):
    mark = practice_mark(tries)
    assert 0.0 <= mark <= max(tries[:3], default=0.0)


MULTI = {"type": "multiple_response", "answer": ["a", "b"],
         "options": [{"id": i, "text": i, "feedback": ""} for i in "abcd"]}


@pytest.mark.parametrize(("picks", "expected"), [
    (["a", "b"], 1.0), (["a"], 0.5), (["a", "c"], 0.0), (["a", "b", "c"], 0.5),
    (["c", "d"], 0.0), ([], 0.0), (["a", "b", "c", "d"], 0.0),
])
def test_multiple_response_rule(picks, expected):
    assert score(MULTI, picks).score == pytest.approx(expected)


SHORT = {"type": "short_answer", "answers": [
    {"text": "Vajpayee", "credit": 1.0}, {"text": "A. B. Vajpayee", "credit": 1.0}, {"text": "Atal", "credit": 0.5}]}


@pytest.mark.parametrize(("given_text", "expected"), [
    ("Vajpayee", 1.0), ("  vajpayee ", 1.0), ("VAJPAYEE.", 1.0), ("A.B. Vajpayee", 1.0), ("a b vajpayee", 1.0),
    ("Vājpāyee", 1.0), ("atal", 0.5), ("Vajpai", 1.0), ("Vajpa", 0.0), ("", 0.0),
])
def test_short_answer_ignores_case_accents_punctuation_and_spacing(given_text, expected):
    assert score(SHORT, given_text).score == expected


NUMERIC = {"type": "numeric", "answer": 403.0, "tolerance": 0.0, "unit": "million",
           "units": {"million": 1.0, "m": 1.0, "billion": 1000.0, "bn": 1000.0}}


@pytest.mark.parametrize(("given_text", "expected"), [
    ("403", 1.0), ("$403 million", 1.0), ("403m", 1.0), ("0.403 bn", 1.0), ("US$ 403", 1.0), ("403.0", 1.0),
    ("404", 0.0), ("403 thousand", 0.0), ("four hundred", 0.0),
])
def test_numeric_reads_units_and_tolerance(given_text, expected):
    assert score(NUMERIC, given_text).score == expected


def test_numeric_with_an_unknown_unit_says_which_word_it_did_not_read():
    outcome = score(NUMERIC, "403 kilograms")
    assert outcome.score == 0 and "kilograms" in outcome.note


def test_numeric_tolerance_is_inclusive():
    data = {**NUMERIC, "answer": 2.18, "tolerance": 0.01, "unit": "billion", "units": {}}
    assert score(data, "2.19").score == 1.0 and score(data, "2.20").score == 0.0


ORDER = {"type": "ordering", "items": [{"id": i, "text": i} for i in "abcd"]}


@pytest.mark.parametrize(("given_order", "expected"), [
    (list("abcd"), 1.0), (list("dcba"), 0.0), (list("abdc"), 1 / 3), (list("cdab"), 2 / 3),
    (["a", "b", None, None], 1 / 3), (["a", "b", "a", "b"], 1 / 3), ([], 0.0),
])
def test_ordering_counts_adjacent_pairs(given_order, expected):
    assert score(ORDER, given_order).score == pytest.approx(expected)


def test_matching_and_cloze_give_partial_credit():
    matching = {"type": "matching", "pairs": [{"id": i, "left": i, "right": i} for i in "abc"], "distractors": []}
    assert score(matching, {"a": "a", "b": "c", "c": None}).score == pytest.approx(1 / 3)
    cloze = {"type": "cloze", "blanks": [{"id": "city", "accept": ["Islamabad"]}, {"id": "year", "accept": ["2000"]}]}
    assert score(cloze, {"city": "islamabad", "year": "2001"}).score == 0.5
    assert score(cloze, {"city": "", "year": None}).status == "unanswered"


def test_practice_penalty_per_wrong_try():
    assert practice_mark([1.0]) == 1.0
    assert practice_mark([0.0, 1.0]) == pytest.approx(1 - PRACTICE_PENALTY)
    assert practice_mark([0.0, 0.0, 1.0]) == pytest.approx(1 - 2 * PRACTICE_PENALTY)
    assert practice_mark([0.5, 0.0, 0.0]) == 0.5
    assert practice_mark([0.0, 0.0, 0.0, 1.0]) == 0.0


def test_matching_with_a_shared_right_hand_answer():
    data = {"type": "matching", "distractors": [{"id": "d1", "text": "insect"}], "pairs": [
        {"id": "frog", "left": "frog", "right": "amphibian"}, {"id": "cat", "left": "cat", "right": "mammal"},
        {"id": "newt", "left": "newt", "right": "amphibian"}]}
    # The select offers "amphibian" once, under the first pair's id; choosing it is right for the newt too.
    assert score(data, {"frog": "frog", "cat": "cat", "newt": "frog"}).score == 1.0
    assert score(data, {"frog": "frog", "cat": "cat", "newt": "d1"}).score == pytest.approx(2 / 3)
