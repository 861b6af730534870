"""The richer choice, numeric and cloze types: per-option credit, weights scoring, other answers' own tolerance,
feedback for any other answer, and cloze blanks of every Moodle kind (short, numeric, choice, multi) with weights.

Bank checks (one case per message), scoring (hand-checked cases and Hypothesis properties), the opaque forms
(forged tokens refused), authoring lines read back exactly, review pages through the test client and the API.
"""

import math
import re

import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from app.course import qtypes
from app.course.authoring import data_to_fields, fields_to_data
from app.course.bank import check_question_data, parse_bank_text, render_question
from app.course.leaks import keys_of, leak_graph, shown_pieces
from app.course.quiz import ForgedResponse, answer_form, form_values, form_values_from_json, parse_response
from app.course.responses_report import credit_now, short_parts, with_accepted
from app.course.scoring import key_response, score
from app.course_loader import store_course
from app.extensions import db
from app.models import Answer, Attempt, QuestionVersion
from tests.conftest import csrf_token
from tests.test_api import token_for
from tests.test_quiz import shown

COMMON = {"prompt": "Answer it.", "explanation": "Because.", "lesson_anchor": "mfn-1996", "tags": ["trade"], "difficulty": "easy"}


def question(ident: str, qtype: str, **fields) -> dict:
    return {"id": ident, "type": qtype, **COMMON, **fields}


def checked(data: dict) -> dict:
    found, messages = check_question_data(data, None)
    assert not messages, messages
    return found.data


def messages_of(data: dict) -> list[str]:
    return check_question_data(data, None)[1]


SINGLE = question("rich-single", "single_choice", prompt="Which city did India's prime minister reach by bus that February?", options=[
    {"id": "lahore", "text": "Lahore", "feedback": "Yes."},
    {"id": "wagah", "text": "The Wagah border", "feedback": "It crossed there, on the way to Lahore.", "credit": 0.5},
    {"id": "delhi", "text": "Delhi", "feedback": "It left from Delhi.", "credit": -0.3333333},
    {"id": "agra", "text": "Agra", "feedback": "Agra hosted the 2001 summit."}], answer="lahore")

WEIGHTS = question("rich-weights", "multiple_response", prompt="Where did Lambah and Aziz meet? Choose all that apply.",
                   scoring="weights", answer=["dubai", "london"], options=[
                       {"id": "dubai", "text": "Dubai", "feedback": "Yes.", "credit": 0.5},
                       {"id": "london", "text": "London", "feedback": "Yes.", "credit": 0.5},
                       {"id": "kabul", "text": "Kabul", "feedback": "No.", "credit": -1},
                       {"id": "agra", "text": "Agra", "feedback": "No.", "credit": 0}])

CLOZE = question("rich-cloze", "cloze", prompt="Fill in the blanks.", text=(
    "The bus reached [[city]] in [[year]]; such talks are called [[kind]], and their envoys met in [[places]]. "
    "The Indian prime minister on the bus was [[pm]]."), blanks=[
    {"id": "city", "kind": "choice", "options": [
        {"id": "lahore", "text": "Lahore", "credit": 1, "feedback": "Yes: Lahore."},
        {"id": "delhi", "text": "Delhi", "feedback": "The bus left from Delhi."},
        {"id": "wagah", "text": "*Wagah*", "credit": 0.5, "feedback": "It crossed at Wagah."}]},
    {"id": "year", "kind": "numeric", "weight": 2, "answers": [
        {"value": 1999, "feedback": "Right: February 1999."},
        {"value": 1998, "tolerance": 1, "credit": 0.5, "feedback": "Close: the bus came a few months after the 1998 tests."},
        {"value": 2001, "credit": 0, "feedback": "2001 is the Agra summit."}],
     "other_feedback": "Think of when the bus journey took place."},
    {"id": "kind", "kind": "choice", "display": "horizontal", "shuffle": True, "options": [
        {"id": "track-one", "text": "track one"}, {"id": "track-two", "text": "track two", "credit": 1}]},
    {"id": "places", "kind": "multi", "display": "vertical", "options": [
        {"id": "dubai", "text": "Dubai", "credit": 0.5, "feedback": "Yes, Dubai."},
        {"id": "london", "text": "London", "credit": 0.5},
        {"id": "kabul", "text": "Kabul", "credit": -1, "feedback": "Never Kabul."}]},
    {"id": "pm", "case": "sensitive", "accept": ["Vajpayee", {"text": "Atal", "credit": 0.5, "feedback": "Give his surname."}],
     "wrong_answers": [{"text": "Nawaz Sharif", "feedback": "Sharif received him."}],
     "other_feedback": "He led the BJP government."}])


# --- Bank checks -------------------------------------------------------------------------------

def test_the_defaults_are_left_out_so_an_old_question_keeps_its_data():
    data = checked(SINGLE)
    assert [option.get("credit") for option in data["options"]] == [None, 0.5, -0.3333333, None]
    assert checked({**WEIGHTS, "scoring": "per_pick", "options": [{k: v for k, v in o.items() if k != "credit"} for o in WEIGHTS["options"]]}) \
        .get("scoring") is None
    cloze = checked(CLOZE)
    assert cloze["blanks"][4] == {"id": "pm", "case": "sensitive", "accept": ["Vajpayee", {"text": "Atal", "credit": 0.5, "feedback": "Give his surname."}],
                                  "wrong_answers": [{"text": "Nawaz Sharif", "feedback": "Sharif received him."}],
                                  "other_feedback": "He led the BJP government."}
    assert checked(question("old", "cloze", text="In [[city]].", blanks=[{"id": "city", "accept": [{"text": "Lahore"}]}]))["blanks"] == [
        {"id": "city", "accept": ["Lahore"]}]


def with_option(data: dict, index: int, **changes) -> dict:
    options = [dict(option) for option in data["options"]]
    options[index].update(changes)
    return {**data, "options": [{k: v for k, v in option.items() if v is not None} for option in options]}


def with_blank(index: int, **changes) -> dict:
    blanks = [dict(blank) for blank in CLOZE["blanks"]]
    blanks[index].update(changes)
    return {**CLOZE, "blanks": [{k: v for k, v in blank.items() if v is not None} for blank in blanks]}


@pytest.mark.parametrize(("data", "message"), [
    (with_option(SINGLE, 1, credit=1.5), "option 2: 'credit' must be a number from -1 to 1"),
    (with_option(SINGLE, 1, credit="half"), "option 2: 'credit' must be a number from -1 to 1"),
    (with_option(SINGLE, 0, credit=0.5), "option 'lahore' is the answer, so it earns full credit: leave its 'credit' out (it is 0.5)"),
    (with_option(SINGLE, 3, credit=1), "option 'agra' has credit 1, but only the answer ('lahore') earns full credit"),
    ({**WEIGHTS, "scoring": "fractions"}, "'scoring' is 'per_pick' or 'weights', not 'fractions'"),
    ({**WEIGHTS, "scoring": "per_pick"}, "option 'dubai' has a 'credit', which only 'scoring: weights' uses"),
    (with_option(WEIGHTS, 3, credit=None), "with 'scoring: weights' every option needs a 'credit' (missing: agra)"),
    (with_option(WEIGHTS, 1, credit=0.4), "the right options' credits add up to 0.9, not 1"),
    ({**WEIGHTS, "answer": ["dubai"]}, "with 'scoring: weights', 'answer' lists exactly the options with credit above 0 (dubai, london)"),
    (question("n", "numeric", answer=1999, tolerance=2, other_answers=[{"text": "1999.5", "credit": 0.5, "tolerance": 0.5}]),
     "'1999.5' in 'other_answers' is the answer itself"),
    (question("n", "numeric", answer=1999, other_answers=[{"text": "1990", "credit": 0.5, "tolerance": -1}]),
     "other answer 1: 'tolerance' must not be negative"),
    (question("s", "short_answer", answers=["Lahore"], other_feedback=["a list"]), "'other_feedback' must be text"),
    (with_blank(0, kind="dropdown"), "blank 1: 'kind' is short, numeric, choice or multi, not 'dropdown'"),
    (with_blank(0, weight=0), "blank 1: 'weight' must be a whole number from 1"),
    (with_blank(0, weight=1.5), "blank 1: 'weight' must be a whole number from 1"),
    (with_blank(0, case="sensitive"), "blank 1: 'case' belongs to a short blank, not a choice one"),
    (with_blank(1, display="vertical"), "blank 2: 'display' belongs to a choice or multi blank, not a numeric one"),
    (with_blank(3, display="dropdown"), "blank 4: a multi blank's 'display' is vertical or horizontal, not 'dropdown'"),
    (with_blank(0, display="grid"), "blank 1: a choice blank's 'display' is dropdown or vertical or horizontal, not 'grid'"),
    (with_blank(2, shuffle="yes"), "blank 3: 'shuffle' is true or false"),
    (with_blank(4, case="insensitive"), "blank 5: 'case' is 'sensitive' or left out, not 'insensitive'"),
    (with_blank(4, accept=[{"text": "Atal", "credit": 0.5}]), "blank 5: at least one accepted answer must earn full credit"),
    (with_blank(4, accept=["Vajpayee", {"text": "Atal", "credit": 0}]), "accepted answer 2: 'credit' must be a number above 0 and at most 1"),
    (with_blank(0, options=[{"id": "a", "text": "A", "credit": 1}, {"id": "a", "text": "B"}]), "blank 1, option 2: id 'a' is already used"),
    (with_blank(0, options=[{"id": "a", "text": "A", "credit": 0.5}, {"id": "b", "text": "B"}]),
     "blank 1: at least one option must earn full credit (credit 1)"),
    (with_blank(0, options=[{"id": "a", "text": "A", "credit": 1}, {"id": "b", "text": "B", "credit": -0.5}]),
     "blank 1, option 2: 'credit' must be a number from 0 to 1"),
    (with_blank(3, options=[{"id": "a", "text": "A", "credit": 0.5}, {"id": "b", "text": "B", "credit": 0.25}]),
     "blank 4: the right options' credits add up to 0.75, not 1"),
    (with_blank(1, answers=[{"value": 1999, "credit": 0.5}]), "blank 2: at least one answer must earn full credit (credit 1)"),
    (with_blank(1, answers=[{"value": 1998, "tolerance": 2, "credit": 0.5}, {"value": 1999}]),
     "blank 2: answer 2 (1999), the first with full credit, falls within answer 1 (1998 ± 2), which is read first"),
    (with_blank(1, answers=[{"value": 1999}, {"value": 2000, "tolerance": 5, "credit": 0.5}, {"value": 2001, "credit": 0.25}]),
     "blank 2: answer 3 (2001) lies within answer 2 (2000 ± 5), which is read first, so no number reaches it"),
    (with_blank(1, answers=[{"value": "1999"}]), "blank 2, answer 1: 'value' must be a number"),
    (with_blank(1, answers=[{"tolerance": 1}]), "blank 2, answer 1 is missing 'value'"),
    (with_blank(1, answers=[{"value": 1999, "tolerance": -1}]), "blank 2, answer 1: 'tolerance' must not be negative"),
    (with_blank(1, answers=[{"value": 1999, "unit": "years"}]), "blank 2, answer 1: unknown field 'unit'"),
    (with_blank(2, accept=["x"]), "blank 3: 'accept' belongs to a short blank, not a choice one"),
])
def test_a_contradiction_is_refused_with_its_reason(data, message):
    assert any(message in said for said in messages_of(data)), messages_of(data)


def test_problems_in_a_bank_file_name_their_line():
    text = """questions:
  - id: c
    type: cloze
    prompt: Fill it.
    text: In [[city]] for [[year]].
    blanks:
      - id: city
        kind: choice
        shuffle: yes
        options:
          - {id: a, text: A, credit: 1}
          - {id: a, text: B}
      - id: year
        kind: numeric
        weight: 0
        answers: [{value: 1999}]
    explanation: E.
    lesson_anchor: here
    tags: [t]
    difficulty: easy
"""
    _, problems = parse_bank_text(text, "b.yaml", "b", {"here"})
    assert {(problem.line, problem.message.split(": ", 1)[1]) for problem in problems} >= {
        (12, "id 'a' is already used on line 11"), (15, "'weight' must be a whole number from 1")}


# --- Scoring -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("pick", "expected"), [("lahore", 1.0), ("wagah", 0.5), ("delhi", 0.0), ("agra", 0.0), (None, 0.0)])
def test_single_choice_gives_the_chosen_options_credit_floored_at_zero(pick, expected):
    outcome = score(checked(SINGLE), pick)
    assert outcome.score == expected and outcome.status == {1.0: "correct", 0.5: "partial", 0.0: "wrong"}[expected] if pick else "unanswered"


@pytest.mark.parametrize(("picks", "expected"), [
    (["dubai", "london"], 1.0), (["dubai"], 0.5), (["dubai", "london", "agra"], 1.0), (["dubai", "kabul"], 0.0),
    (["dubai", "london", "kabul", "agra"], 0.0), (["agra"], 0.0), ([], 0.0)])
def test_weights_sum_the_picked_credits_held_to_zero_and_one(picks, expected):
    assert score(checked(WEIGHTS), picks).score == pytest.approx(expected)


def test_numeric_other_answers_use_their_own_tolerance_and_the_rest_the_questions():
    data = checked(question("n", "numeric", prompt="In which year?", answer=1999, tolerance=0, other_answers=[
        {"text": "1996", "credit": 0.5, "tolerance": 2}, {"text": "2001", "credit": 0.25}], other_feedback="Think of the bus."))
    assert [score(data, year).score for year in ("1993", "1994", "1998", "1999", "2001", "2002")] == [0.0, 0.5, 0.5, 1.0, 0.25, 0.0]


def test_cloze_marks_each_kind_and_weighs_the_blanks():
    data = checked(CLOZE)  # weights: city 1, year 2, kind 1, places 1, pm 1
    outcome = score(data, {"city": "wagah", "year": "1997", "kind": "track-one", "places": ["dubai", "kabul"], "pm": "vajpayee"})
    assert outcome.score == pytest.approx((0.5 + 2 * 0.5 + 0 + 0 + 0) / 6)
    assert outcome.parts == {"city": False, "year": False, "kind": False, "places": False, "pm": False}
    assert "Blank 5: this blank minds capitals" in outcome.note
    assert outcome.blanks == {"city": "wagah", "year": "1998 ± 1", "kind": "track-one"}
    assert score(data, {"places": ["dubai", "london"], "pm": "Vajpayee"}).score == pytest.approx(2 / 6)
    assert score(data, {"pm": "Atal"}).score == pytest.approx(0.5 / 6)
    assert score(data, {"year": "2001"}).blanks == {"year": "2001"}
    assert score(data, {"city": None, "places": [], "pm": " "}).status == "unanswered"


@pytest.mark.parametrize(("typed", "right"), [
    ("Vajpayee", True), ("A. B. Vajpayee", False), ("the Vajpayee", True), ("Vajpaye", True), ("vajpayee", False),
    ("VAJPAYEE", False), ("vajpaye", False)])
def test_a_case_sensitive_blank_needs_the_capitals_and_nothing_else_changes(typed, right):
    assert score(checked(CLOZE), {"pm": typed}).parts["pm"] is right


ids = st.text(alphabet="abcdefgh", min_size=1, max_size=3)
negative = st.floats(-1, -0.01)


@st.composite
def positive_credits(draw, count: int) -> list[float]:
    """``count`` credits above 0 adding up to 1 (as Moodle writes them, within rounding)."""
    weights = draw(st.lists(st.integers(1, 9), min_size=count, max_size=count))
    return [weight / sum(weights) for weight in weights]


@st.composite
def weighted_options(draw, lowest: float) -> list[dict]:
    option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
    right = draw(st.integers(1, len(option_ids) - 1))
    wrong = st.one_of(st.just(0.0), st.floats(lowest, -0.001)) if lowest < 0 else st.just(0.0)  # Moodle's fractions: 0.1 % at least
    credits = draw(positive_credits(right)) + draw(st.lists(wrong,
                                                            min_size=len(option_ids) - right, max_size=len(option_ids) - right))
    order = draw(st.permutations(range(len(option_ids))))
    return [{"id": option_ids[place], "text": option_ids[place].upper(), "credit": credits[place]} for place in order]


@st.composite
def rich_questions(draw):
    kind = draw(st.sampled_from(["single_choice", "multiple_response", "cloze"]))
    if kind == "single_choice":
        option_ids = draw(st.lists(ids, min_size=2, max_size=6, unique=True))
        credits = draw(st.lists(st.floats(-1, 0.99), min_size=len(option_ids) - 1, max_size=len(option_ids) - 1))
        options = [{"id": option_ids[0], "text": "A", "feedback": "f"}] + [
            {"id": ident, "text": ident, "feedback": "f", "credit": credit} for ident, credit in zip(option_ids[1:], credits)]
        return {"type": kind, "options": options, "answer": option_ids[0]}
    if kind == "multiple_response":
        options = [{**option, "feedback": "f"} for option in draw(weighted_options(-1.0))]
        return {"type": kind, "scoring": "weights", "options": options, "answer": [o["id"] for o in options if o["credit"] > 0]}
    blanks = []
    for ident in draw(st.lists(ids, min_size=1, max_size=4, unique=True)):
        blank_kind = draw(st.sampled_from(["short", "numeric", "choice", "multi"]))
        blank = {"id": ident, **({"weight": draw(st.integers(2, 5))} if draw(st.booleans()) else {})}
        if blank_kind == "short":
            blank["accept"] = [f"w{ident}", {"text": f"half{ident}", "credit": 0.5}]
        elif blank_kind == "numeric":
            blank |= {"kind": "numeric", "answers": [{"value": draw(st.integers(-5000, 5000)) * 1.0, "tolerance": 0.0, "credit": 1.0}]}
        elif blank_kind == "choice":
            option_ids = draw(st.lists(ids, min_size=2, max_size=5, unique=True))
            blank |= {"kind": "choice", "options": [{"id": o, "text": o, "credit": 1.0 if n == 0 else draw(st.floats(0, 0.99))}
                                                    for n, o in enumerate(option_ids)]}
        else:
            blank |= {"kind": "multi", "options": draw(weighted_options(-1.0))}
        blanks.append(blank)
    return {"type": kind, "text": " ".join(f"[[{blank['id']}]]" for blank in blanks), "blanks": blanks}


def any_rich_response(data):
    if data["type"] == "single_choice":
        return st.one_of(st.none(), st.sampled_from([o["id"] for o in data["options"]]))
    if data["type"] == "multiple_response":
        return st.lists(st.sampled_from([o["id"] for o in data["options"]]), unique=True)
    return st.fixed_dictionaries({blank["id"]: (
        st.lists(st.sampled_from([o["id"] for o in blank["options"]]), unique=True) if blank.get("kind") == "multi" else
        st.one_of(st.none(), st.sampled_from([o["id"] for o in blank["options"]])) if blank.get("kind") == "choice" else
        st.one_of(st.none(), st.text(max_size=8), st.integers(-5000, 5000).map(str))) for blank in data["blanks"]})


@settings(max_examples=300, deadline=None)
@given(rich_questions())
def test_the_key_of_a_rich_question_scores_full_marks(data):
    outcome = score(data, key_response(data))
    assert outcome.score == 1.0 and outcome.status == "correct"


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_every_rich_score_is_between_zero_and_one(data_strategy):
    data = data_strategy.draw(rich_questions())
    outcome = score(data, data_strategy.draw(any_rich_response(data)))
    assert 0.0 <= outcome.score <= 1.0
    assert outcome.status != "unanswered" or outcome.score == 0.0


@settings(max_examples=300, deadline=None)
@given(weighted_options(-1.0).filter(lambda options: any(o["credit"] < 0 for o in options)))
def test_picking_everything_never_scores_full_marks_on_weights_with_a_negative_option(options):
    data = {"type": "multiple_response", "scoring": "weights", "options": options, "answer": [o["id"] for o in options if o["credit"] > 0]}
    assert score(data, [o["id"] for o in options]).score < 1.0
    cloze = {"type": "cloze", "text": "[[b]]", "blanks": [{"id": "b", "kind": "multi", "options": options}]}
    assert score(cloze, {"b": [o["id"] for o in options]}).score < 1.0


@settings(max_examples=200, deadline=None)
@given(rich_questions().filter(lambda data: data["type"] == "cloze"))
def test_a_cloze_blank_right_alone_earns_its_weight_share(data):
    weights = {blank["id"]: blank.get("weight", 1) for blank in data["blanks"]}
    key = key_response(data)
    for ident, weight in weights.items():
        assert math.isclose(score(data, {ident: key[ident]}).score, weight / sum(weights.values()))


# --- Forms: opaque tokens, forged values, JSON -----------------------------------------------------

def test_each_choice_blank_has_tokens_of_its_own_and_typed_blanks_pass_as_typed():
    data = checked(CLOZE)
    form = answer_form(data, "q2", ["kind/track-two", "kind/track-one"], b"k" * 32, "attempt-1")
    assert set(form.blank_choices) == {"city", "kind", "places"}
    assert [ident for _, ident in form.blank_choices["kind"]] == ["track-two", "track-one"]  # the drawn order
    assert [ident for _, ident in form.blank_choices["city"]] == ["lahore", "delhi", "wagah"]  # not shuffled: the author's
    tokens = {token for pairs in form.blank_choices.values() for token, _ in pairs}
    assert len(tokens) == 8 and not tokens & {"lahore", "delhi", "wagah", "track-one", "track-two", "dubai", "london", "kabul"}
    values = form.shown_values(form_values(data, "q2", key_response(data)))
    assert values["q2-year"] == ["1999"] and values["q2-pm"] == ["Vajpayee"] and values["q2-city"] != ["lahore"]
    assert parse_response(data, "q2", form.reader(lambda name: values.get(name, []))) == key_response(data)
    other = answer_form(data, "q2", [], b"k" * 32, "attempt-2")
    assert not tokens & {token for pairs in other.blank_choices.values() for token, _ in pairs}


@pytest.mark.parametrize(("name", "sent", "reason"), [
    ("q2-city", ["lahore"], "“lahore” is not one of the choices of q2-city."),
    ("q2-places", ["dubai"], "“dubai” is not one of the choices of q2-places."),
    ("q2-city", "other blank's token", "is not one of the choices of q2-city."),
    ("q2-city", "two tokens", "Field q2-city was sent 2 times; it takes one answer."),
    ("q2-year", ["9" * 301], "the limit is 300"),
])
def test_a_forged_blank_value_is_refused(name, sent, reason):
    data = checked(CLOZE)
    form = answer_form(data, "q2", [], b"k" * 32, "attempt-1")
    if sent == "other blank's token":
        sent = [form.blank_choices["kind"][0][0]]
    elif sent == "two tokens":
        sent = [token for token, _ in form.blank_choices["city"][:2]]
    with pytest.raises(ForgedResponse, match=re.escape(reason)):
        parse_response(data, "q2", form.reader(lambda asked: sent if asked == name else []))


@pytest.mark.parametrize(("value", "reason"), [
    ({"places": "one token"}, "Blank 'places' of rich-cloze takes a list of choice ids."),
    ({"city": ["a", "b"]}, "Blank 'city' of rich-cloze takes a string."),
    ({"places": [1, 2]}, "must map ids to strings or lists of strings."),
])
def test_json_of_the_wrong_shape_is_refused(value, reason):
    data = checked(CLOZE)
    with pytest.raises(ForgedResponse, match=re.escape(reason)):
        form_values_from_json(data, answer_form(data, "rich-cloze", [], b"k" * 32, "api"), value)


def test_a_matching_question_still_takes_no_lists():
    data = {"id": "m", "type": "matching", "pairs": [{"id": "a", "left": "A", "right": "B"}], "distractors": []}
    with pytest.raises(ForgedResponse, match="must map ids to strings."):
        form_values_from_json(data, answer_form(data, "m", ["a"], b"k" * 32, "api"), {"a": ["x"]})


# --- Authoring lines, leaks, analysis, Anki ---------------------------------------------------------

@pytest.mark.parametrize("data", [SINGLE, WEIGHTS, CLOZE, question("n", "numeric", answer=403, tolerance=0.5, unit="million", other_answers=[
    {"text": "400", "credit": 0.5, "tolerance": 2.5, "feedback": "Close | nearly"}], other_feedback="Read the trade table."),
    question("s", "short_answer", answers=["Lahore"], other_feedback="The bus went west.")], ids=lambda data: data["id"])
def test_the_authoring_form_gives_the_question_back(data):
    canonical = checked(data)
    common, fields = data_to_fields(canonical)
    assert checked(fields_to_data(canonical["type"], common, fields)) == canonical


def test_a_blank_row_reads_as_the_hint_says():
    blanks = [("city", "choice", "vertical | shuffle | weight=3", "a=Lahore*1#Yes; b=Delhi"),
              ("year", "numeric", "other=No: think of 1999", "1999#Right; 1998±1*0.5"),
              ("kind", "short", "case=sensitive", "Track two; Track II*0.5#Say two")]
    fields = {"text": "In [[city]] in [[year]] at [[kind]].", **{f"blanks-{n}-{column}": value for n, blank in enumerate(blanks)
                                                                 for column, value in zip(("id", "kind", "settings", "answers"), blank)}}
    data = checked({**question("lines", "cloze"), **qtypes.get("cloze").from_fields(fields)})
    assert data["blanks"] == [
        {"id": "city", "kind": "choice", "display": "vertical", "shuffle": True, "weight": 3,
         "options": [{"id": "a", "text": "Lahore", "credit": 1.0, "feedback": "Yes"}, {"id": "b", "text": "Delhi", "credit": 0.0}]},
        {"id": "year", "kind": "numeric", "other_feedback": "No: think of 1999", "answers": [
            {"value": 1999.0, "tolerance": 0.0, "credit": 1.0, "feedback": "Right"}, {"value": 1998.0, "tolerance": 1.0, "credit": 0.5}]},
        {"id": "kind", "case": "sensitive", "accept": ["Track two", {"text": "Track II", "credit": 0.5, "feedback": "Say two"}]}]


texts = st.text(alphabet="ab |;#*=\\±-", min_size=1, max_size=12).map(str.strip).filter(bool)


@settings(max_examples=200, deadline=None)
@given(texts, texts, texts, texts)
def test_blank_lines_keep_every_character_of_their_texts(answer, option, feedback, other):
    data = checked(question("chars", "cloze", text="[[s]] and [[c]]", blanks=[
        {"id": "s", "accept": [answer, {"text": f"x{answer}", "credit": 0.5, "feedback": feedback}], "other_feedback": other},
        {"id": "c", "kind": "multi", "options": [{"id": "a", "text": option, "credit": 1, "feedback": feedback},
                                                 {"id": "b", "text": f"y{option}", "credit": -0.25}]}]))
    common, fields = data_to_fields(data)
    assert checked(fields_to_data("cloze", common, fields)) == data


def test_choice_blanks_leak_as_choices_and_typed_blanks_as_typed_keys():
    data = checked(CLOZE)
    assert {key.text for key in keys_of(data)} >= {"Lahore", "track two", "Dubai", "London", "Vajpayee"}
    assert "Atal" not in {key.text for key in keys_of(data)}  # half credit is no key
    assert {piece.place for piece in shown_pieces(data) if piece.kind == "candidate"} >= {"blank city option lahore", "blank places option kabul"}
    other = checked(question("asks-year", "short_answer", prompt="In which year did the bus reach Lahore?", answers=["1999"]))
    unrelated = [checked(question(f"other-{n}", "true_false", prompt=f"Statement {n}.", answer=True)) for n in range(3)]
    assert frozenset({"rich-cloze", "asks-year"}) in leak_graph([data, other, *unrelated]).pairs  # "Lahore" stated in its prompt


def test_response_analysis_reads_typed_blanks_only_and_accepts_a_number_in_a_numeric_blank():
    data = checked(CLOZE)
    response = {"city": "delhi", "year": "1,999.5", "kind": "track-one", "places": ["kabul"], "pm": "Shastri"}
    assert short_parts(data, response) == ["year", "pm"]
    assert credit_now(data, "1999.5", "year") == 0.0
    accepted = checked(with_accepted(data, "1999.5", 1.0, "year"))
    assert credit_now(accepted, "1999.5", "year") == 1.0
    assert key_response(accepted)["year"] == "1999"  # the key stays the key
    assert credit_now(checked(with_accepted(data, "Shastri", 1.0, "pm")), "Shastri", "pm") == 1.0


def test_the_anki_card_offers_a_blanks_choices_and_gives_each_key():
    data = checked(CLOZE)
    front, back = qtypes.of(data).anki_card(data, render_question(data), [])
    assert "_____ (Lahore / Delhi / <em>Wagah</em>)" in front and "[[" not in front
    assert back == "<ol><li>Lahore</li><li>1999</li><li>track two</li><li>Dubai, London</li><li>Vajpayee</li></ol>"


# --- Pages and the API ----------------------------------------------------------------------------

RICH_BANK = [SINGLE, WEIGHTS, CLOZE]


@pytest.fixture
def rich_app(app, shipped_course):
    """The shipped course with the trade lesson's bank replaced by the rich questions (a test draws all three)."""
    lesson = next(lesson for lesson in shipped_course.lessons if lesson.slug == "trade")
    trade = shipped_course.bank("trade")
    rich = type(trade)(slug="trade", path=trade.path, test_size=len(RICH_BANK), questions=[
        check_question_data(data, lesson.anchors)[0] for data in RICH_BANK])
    with app.app_context():
        store_course(shipped_course.lessons, [rich if bank.slug == "trade" else bank for bank in shipped_course.banks])
    return app


def started(client, mode="test") -> str:
    response = client.post("/lessons/trade/quiz/start", data={"mode": mode, "csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert response.status_code == 302
    return response.headers["Location"].rsplit("/", 1)[-1]


def position_of(app, public_id: str, ident: str) -> int:
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        return [entry["question"] for entry in attempt.layout].index(ident)


def test_the_cloze_form_shows_each_blank_as_its_kind_with_no_option_id(rich_app):
    client = rich_app.test_client()
    public_id = started(client)
    field = f"q{position_of(rich_app, public_id, 'rich-cloze')}"
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    select = re.search(rf'<select name="{field}-city"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert re.findall(r">([^<]+)</option>", select) == ["Choose…", "Lahore", "Delhi", "Wagah"]  # Markdown dropped in a dropdown
    assert re.search(rf'<span class="cloze-choices horizontal" role="radiogroup"[^>]*>\s*<label><input type="radio" name="{field}-kind"', page)
    assert len(re.findall(rf'type="checkbox" name="{field}-places"', page)) == 3
    assert re.search(rf'<input type="text" name="{field}-year"[^>]*inputmode="decimal"', page)
    values = set(re.findall(rf'name="{field}-(?:city|kind|places)" value="([^"]+)"', page)) | set(re.findall(r'<option value="([^"]+)"', select))
    assert len(values) == 8 and not values & {"lahore", "delhi", "wagah", "track-one", "track-two", "dubai", "london", "kabul"}


def test_the_result_shows_each_blanks_feedback_the_key_and_part_credit(rich_app):
    client = rich_app.test_client()
    public_id = started(client)
    positions = {ident: position_of(rich_app, public_id, ident) for ident in ("rich-single", "rich-weights", "rich-cloze")}
    values = {**form_values(checked(SINGLE), f"q{positions['rich-single']}", "wagah"),
              **form_values(checked(WEIGHTS), f"q{positions['rich-weights']}", ["dubai", "agra"]),
              **form_values(checked(CLOZE), f"q{positions['rich-cloze']}",
                            {"city": "wagah", "year": "1990", "kind": "track-two", "places": ["dubai", "kabul"], "pm": "Atal"})}
    response = client.post(f"/attempts/{public_id}/submit", data={**shown(rich_app, public_id, values), "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    page = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    cloze = page[page.index("Fill in the blanks."):]
    assert "Your answer</dt><dd><em>Wagah</em>; 1990; track two; Dubai, Kabul; Atal</dd>" in cloze
    assert "The answer</dt><dd>Lahore; 1999; track two; Dubai, London; Vajpayee</dd>" in cloze
    for said in ("Blank 1: It crossed at Wagah.", "Blank 2: Think of when the bus journey took place.", "Blank 4: Dubai: Yes, Dubai.",
                 "Blank 4: Kabul: Never Kabul.", "Blank 5: Give his surname."):
        assert said in cloze
    with rich_app.app_context():
        marks = {row.question_id: row.score for row in db.session.scalars(sa.select(Answer))}
    assert marks == {"rich-single": 0.5, "rich-weights": 0.5, "rich-cloze": pytest.approx((0.5 + 0 + 1 + 0 + 0.5) / 6)}
    assert page.count("Partly correct") == 3


def test_a_forged_blank_choice_is_refused_over_http_and_nothing_is_stored(rich_app):
    client = rich_app.test_client()
    public_id = started(client)
    field = f"q{position_of(rich_app, public_id, 'rich-cloze')}"
    response = client.post(f"/attempts/{public_id}/submit", data={f"{field}-city": "lahore", "csrf_token": csrf_token(client)})
    assert response.status_code == 400 and f"“lahore” is not one of the choices of {field}-city." in response.get_data(as_text=True)
    with rich_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0


def test_practice_shows_the_feedback_for_any_other_answer(rich_app):
    client = rich_app.test_client()
    public_id = started(client, "practice")
    position = position_of(rich_app, public_id, "rich-cloze")
    values = form_values(checked(CLOZE), f"q{position}", {"year": "1066", "pm": "Nehru"})
    client.post(f"/attempts/{public_id}/check", data={**shown(rich_app, public_id, values), "position": position, "try_number": 1,
                                                       "csrf_token": csrf_token(client)})
    page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
    assert "Blank 2: Think of when the bus journey took place." in page and "Blank 5: He led the BJP government." in page


def test_the_api_hands_out_each_blanks_kind_and_choices_and_takes_tokens_back(rich_app):
    client, headers = token_for(rich_app, "amina")
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    cloze = next(q for q in quiz["questions"] if q["id"] == "rich-cloze")
    assert cloze["blanks"] == ["city", "year", "kind", "places", "pm"]
    assert cloze["blank_kinds"] == {"city": "choice", "year": "numeric", "kind": "choice", "places": "multi", "pm": "short"}
    assert {blank: [choice["html"] for choice in choices] for blank, choices in cloze["blank_choices"].items()} == {
        "city": ["Lahore", "Delhi", "<em>Wagah</em>"], "kind": ["track one", "track two"] if cloze["blank_choices"]["kind"][0]["html"] == "track one"
        else ["track two", "track one"], "places": ["Dubai", "London", "Kabul"]}
    assert "credit" not in str(quiz) and "lahore" not in str(cloze["blank_choices"])
    token = {blank: {choice["html"]: choice["id"] for choice in choices} for blank, choices in cloze["blank_choices"].items()}
    answer = {"city": token["city"]["Lahore"], "year": "1999", "kind": token["kind"]["track two"],
              "places": [token["places"]["Dubai"], token["places"]["London"]], "pm": "Vajpayee"}
    single = next(q for q in quiz["questions"] if q["id"] == "rich-single")
    wagah = next(choice["id"] for choice in single["choices"] if choice["html"] == "The Wagah border")
    submitted = client.post("/api/v1/lessons/trade/attempts", headers=headers,
                            json={"quiz": quiz["quiz"], "responses": {"rich-cloze": answer, "rich-single": wagah}})
    assert submitted.status_code == 201, submitted.json
    assert {q["id"]: (q["score"], q["status"]) for q in submitted.json["questions"]} == {
        "rich-cloze": (1.0, "correct"), "rich-single": (0.5, "partial")}
    refused = client.post("/api/v1/lessons/trade/attempts", headers=headers,
                          json={"quiz": quiz["quiz"], "responses": {"rich-cloze": {**answer, "places": token["places"]["Dubai"]}}})
    assert refused.status_code == 400 and "takes a list of choice ids" in refused.json["reason"]


def test_the_openapi_document_describes_the_blanks(client):
    properties = client.get("/api/v1/openapi.json").json["components"]["schemas"]["QuizQuestion"]["properties"]
    assert properties["blank_kinds"]["additionalProperties"] == {"enum": ["short", "numeric", "choice", "multi"]}
    assert properties["blank_choices"]["additionalProperties"]["type"] == "array"


def test_an_instructor_writes_a_rich_cloze_in_its_form_previews_and_saves_it(app):
    from tests.test_authoring import form_for, lesson_row, post_question
    from tests.test_teaching import person

    teacher = person(app, "teacher", "instructor")
    form = form_for(checked({**CLOZE, "id": "rich-cloze-authored"}), lesson_row(app, "trade").id)
    preview = post_question(teacher, "cloze", form, button="preview")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and '<select name="q0-city"' in page and 'type="checkbox" name="q0-places"' in page
    assert "<strong>Answer:</strong> Lahore; 1999; track two; Dubai, London; Vajpayee" in page
    assert post_question(teacher, "cloze", form).status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == "rich-cloze-authored"))
    assert stored == checked({**CLOZE, "id": "rich-cloze-authored"})


def test_the_responses_page_lists_typed_blanks_of_a_rich_cloze(rich_app):
    from tests.test_teaching import person

    client = rich_app.test_client()
    public_id = started(client)
    field = f"q{position_of(rich_app, public_id, 'rich-cloze')}"
    values = form_values(checked(CLOZE), field, {"city": "delhi", "year": "1066", "pm": "Shastri"})
    client.post(f"/attempts/{public_id}/submit", data={**shown(rich_app, public_id, values), "csrf_token": csrf_token(client)})
    admin = person(rich_app, "boss", "admin")
    page = admin.get("/teach/questions/rich-cloze/responses").get_data(as_text=True)
    assert "“1066”" in page and "“Shastri”" in page and "“delhi”" not in page


def test_the_answer_is_read_first_so_a_wider_range_around_it_gives_part_credit_as_in_moodle():
    """Moodle's commonest numerical pattern, {=1822:0 =%50%1822:2}: exact for full marks, within 2 for half."""
    data, problems = check_question_data(question("n", "numeric", answer=1822, other_answers=[
        {"text": "1822", "credit": 0.5, "tolerance": 2, "feedback": "Close."}]), None)
    assert problems == []
    assert score(data.data, "1822").score == 1
    assert score(data.data, "1823").score == 0.5 and score(data.data, "1823").matched == "1822"
    assert score(data.data, "1825").score == 0
