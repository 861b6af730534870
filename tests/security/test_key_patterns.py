"""F-02: no key sits in a fixed place or stands out by length, and ``course check`` warns when one does."""

import shutil
from collections import Counter

import pytest

from app.config import PROJECT_ROOT
from app.course.bank import dump_bank, parse_bank_text
from app.course.key_patterns import key_is_longest, key_pattern_warnings

WRONG = ["An unrelated treaty", "A later cricket tour", "A trade fair", "A border meeting", "A film festival"]


def single(ident: str, key_at: int, options: int = 4, key_text: str = "The right one") -> dict:
    """A single-choice question with ``options`` options, the key at index ``key_at``."""
    texts = WRONG[:options - 1]
    texts.insert(key_at, key_text)
    return _choice(ident, "single_choice", texts, [key_at])


def multiple(ident: str, key_at: list[int], options: int = 5) -> dict:
    """A multiple-response question, keys at the indexes ``key_at``."""
    texts = list(WRONG[:options])
    for index in key_at:
        texts[index] = f"Right answer {index}"
    return _choice(ident, "multiple_response", texts, key_at)


def _choice(ident: str, qtype: str, texts: list[str], keys: list[int]) -> dict:
    """A choice question over ``texts``; options at the indexes ``keys`` are correct."""
    options = [{"id": f"k{i}" if i in keys else f"o{i}", "text": text, "feedback": "Why."}
               for i, text in enumerate(texts)]
    answer = [options[i]["id"] for i in keys] if qtype == "multiple_response" else options[keys[0]]["id"]
    return {**_common(ident, qtype), "options": options, "answer": answer}


def true_false(ident: str, answer: bool) -> dict:
    """A true/false question answered ``answer``."""
    return {**_common(ident, "true_false"), "answer": answer}


def _common(ident: str, qtype: str) -> dict:
    """The fields every question has."""
    return {"id": ident, "type": qtype, "prompt": "Which?", "explanation": "Because.",
            "lesson_anchor": "here", "tags": ["t"], "difficulty": "easy"}


def warnings_for(*questions: dict) -> list[str]:
    """The key-pattern warnings of a bank file holding these questions, as printed."""
    text = dump_bank(list(questions))
    bank, problems = parse_bank_text(text, "quizzes/sample.yaml", "sample")
    assert problems == []
    return [str(warning) for warning in key_pattern_warnings(bank)]


# Distractors are 19, 20 and 12 letters long; keys of 5, 13, 19 and 25 letters are the shortest,
# third-, second- and longest option.
SHORTEST, THIRD, SECOND, LONGEST = "Right", "The right one", "The right one is it", "The right one, as it reads"

QUIET = [single("s0", 0, key_text=SHORTEST), single("s1", 1, key_text=THIRD), single("s2", 2, key_text=SECOND),
         single("s3", 3, key_text=LONGEST), single("s4", 1, key_text=THIRD),
         multiple("m0", [1, 3]), multiple("m1", [0, 2]), true_false("t0", True), true_false("t1", False)]


def test_a_bank_with_keys_spread_out_is_quiet():
    assert warnings_for(*QUIET) == []


def test_keys_crowding_one_position_warn_at_the_first_of_them():
    found = [w for w in warnings_for(single("s0", 0), single("s1", 2), single("s2", 2), single("s3", 3), single("s4", 2))
             if "the key is option" in w]
    assert len(found) == 1
    assert found[0].startswith("quizzes/sample.yaml:")
    assert ("warning: the key is option 3 in 3 of 5 single-choice questions (60 %); spread the keys over the "
            "positions (at most 40 % in one) (s1, s2, s4)") in found[0]
    line = int(found[0].split(":")[1])
    assert dump_bank([single("s0", 0), single("s1", 2)]).splitlines()[line - 1].strip() == "- id: s1"


@pytest.mark.parametrize(("questions", "warns"), [
    ([single("s0", 0)], False),                       # one question: no order could avoid 100 %
    ([single("s0", 0), single("s1", 0)], True),        # two: they could differ
    ([single("s0", 0), single("s1", 3)], False),
    ([single("s0", 0, options=2), single("s1", 1, options=2), single("s2", 0, options=2)], False),
    ([single("s0", 0, options=2), single("s1", 0, options=2), single("s2", 0, options=4)], True),
    ([single(f"s{i}", i % 3) for i in range(9)], False),  # 33 % each
    ([single(f"s{i}", min(i, 3)) for i in range(6)], True),   # 3 of 6 last, where 2 would do
])
def test_position_warning_only_when_an_even_spread_was_possible(questions, warns):
    assert any("the key is option" in warning for warning in warnings_for(*questions)) is warns


@pytest.mark.parametrize("keys", [[0, 1], [3, 4], [0, 1, 2], [2, 3, 4], [0], [4]])
def test_multiple_response_keys_filling_one_end_warn(keys):
    found = warnings_for(multiple("m0", keys), multiple("m1", keys), multiple("m2", [1, 3]))
    assert any("warning: the keys are the first or the last options in 2 of 3 multiple-response questions (67 %)"
               in warning and "(m0, m1)" in warning for warning in found)


@pytest.mark.parametrize("keys", [[0, 2], [1, 4], [1, 2, 3], [0, 4], [2]])
def test_multiple_response_keys_mixed_in_are_quiet(keys):
    assert warnings_for(multiple("m0", keys), multiple("m1", keys), multiple("m2", [0, 1])) == []


def test_a_long_key_in_most_choice_questions_warns():
    long_key = "The right one, stated with care and every qualification"
    questions = [single("s0", 0, key_text=long_key), single("s1", 1, key_text=long_key),
                 single("s2", 2), single("s3", 3, key_text=long_key),
                 multiple("m0", [1, 3])]
    found = warnings_for(*questions)
    assert [w for w in found if "longer than every distractor" in w] == [
        "quizzes/sample.yaml:2: warning: the key is longer than every distractor in 3 of 5 choice questions (60 %); "
        "write distractors as full as the key (at most 40 %) (s0, s1, s3)"]


@pytest.mark.parametrize(("keys", "rank"), [
    ([SECOND, SECOND, SECOND, THIRD, LONGEST], "second-longest"),  # a distractor stretched just past each key
    ([SHORTEST, SHORTEST, SHORTEST, THIRD, SECOND], "fourth-longest"),  # the shortest of four
    ([LONGEST, LONGEST, LONGEST, THIRD, SECOND], "longest"),
])
def test_keys_sharing_one_length_rank_warn(keys, rank):
    positions = [0, 1, 2, 3, 1]
    found = warnings_for(*(single(f"s{i}", at, key_text=key) for i, (at, key) in enumerate(zip(positions, keys))))
    assert any(f"warning: the key is the {rank} option in 3 of 5 single-choice questions (60 %)" in w for w in found)


def test_keys_at_varied_length_ranks_are_quiet():
    positions = [0, 1, 2, 3, 0, 1]
    keys = [SHORTEST, THIRD, SECOND, LONGEST, SECOND, THIRD]
    found = warnings_for(*(single(f"s{i}", at, key_text=key) for i, (at, key) in enumerate(zip(positions, keys))))
    assert not [w for w in found if "longest option" in w]


@pytest.mark.parametrize(("key", "longest"), [
    ("A **short** key", False),                          # markup is not read by the learner
    ("[A](https://example.org/a-very-long-address-indeed)", False),
    ("A key that is plainly longer than all", True),
    ("The Lahore bus journey", True),                      # 22 letters against 20 at most
    ("The Lahore bus visit", False),                       # as long as the longest: not longer
])
def test_length_is_what_the_learner_reads(key, longest):
    question = parse_bank_text(dump_bank([single("s0", 1, key_text=key)]), "b.yaml", "b")[0].questions[0]
    assert key_is_longest(question) is longest


def test_multiple_response_is_longest_only_when_every_key_outruns_every_distractor():
    question = multiple("m0", [0, 2])
    question["options"][1]["text"] = "A distractor longer than either of the keys"
    bank = parse_bank_text(dump_bank([question]), "b.yaml", "b")[0]
    assert not key_is_longest(bank.questions[0])


@pytest.mark.parametrize(("answers", "warns"), [
    ([True, True], True), ([False, False, False], True), ([True] * 5, True),
    ([True], False), ([True, False], False), ([True, True, False], False), ([True] * 4 + [False], False),
])
def test_true_false_answers_all_one_way_warn(answers, warns):
    found = warnings_for(*(true_false(f"t{i}", answer) for i, answer in enumerate(answers)))
    assert any("true/false questions" in warning for warning in found) is warns


def test_no_shipped_bank_has_a_key_pattern(shipped_course):
    found = [str(warning) for bank in shipped_course.banks for warning in key_pattern_warnings(bank)]
    assert found == []


def test_shipped_single_choice_keys_are_spread_over_the_positions(shipped_course):
    positions = Counter(
        [option["id"] for option in q.data["options"]].index(q.data["answer"])
        for bank in shipped_course.banks for q in bank.questions if q.type == "single_choice")
    assert max(positions.values()) <= 0.3 * sum(positions.values())


def copy_course_with_keys_first(tmp_path, shipped_course):
    """A copy of the course whose trade bank has every single-choice key moved to the top."""
    course = tmp_path / "course"
    shutil.copytree(PROJECT_ROOT / "lessons", course / "lessons")
    shutil.copytree(PROJECT_ROOT / "quizzes", course / "quizzes")
    bank = shipped_course.bank("trade")
    questions = []
    for question in bank.questions:
        data = dict(question.data)
        if data["type"] == "single_choice":
            data["options"] = sorted(data["options"], key=lambda option: option["id"] != data["answer"])
        questions.append(data)
    (course / "quizzes" / "trade.yaml").write_text(dump_bank(questions, bank.test_size), encoding="utf-8")
    return course


def test_check_prints_warnings_and_still_passes(runner, tmp_path, shipped_course):
    course = copy_course_with_keys_first(tmp_path, shipped_course)
    result = runner.invoke(args=["course", "check", str(course)])
    assert result.exit_code == 0, result.output
    path = course / "quizzes" / "trade.yaml"
    assert f"{path}:" in result.output
    singles = sum(question.type == "single_choice" for question in shipped_course.bank("trade").questions)
    assert f": warning: the key is option 1 in {singles} of {singles} single-choice questions (100 %)" in result.output
    assert result.output.splitlines()[-1].endswith("; 1 warning(s)")


def test_check_of_the_shipped_course_prints_no_warning(runner):
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 0
    assert "warning" not in result.output


def test_load_prints_warnings_and_loads(empty_app, tmp_path, shipped_course):
    course = copy_course_with_keys_first(tmp_path, shipped_course)
    result = empty_app.test_cli_runner().invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 0, result.output
    assert "trade.yaml:" in result.output and "warning: the key is option 1" in result.output
    assert "loaded 11 lessons (11 added" in result.output
