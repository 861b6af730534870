"""Bank parsing (pure): every problem with its exact line, all at once, and nothing half-loaded."""

from collections import Counter

import pytest

from app.course.bank import QUESTION_TYPES, parse_bank_text, read_banks, render_question

BANK = """\
    test_size: 2
    questions:
      - id: s-one
        type: single_choice
        prompt: Which year?
        options:
          - {id: a, text: "1996", feedback: Right.}
          - {id: b, text: "2006", feedback: That is SAFTA.}
        answer: a
        explanation: India granted MFN in 1996.
        lesson_anchor: mfn
        tags: [trade]
        difficulty: easy
      - id: s-two
        type: cloze
        prompt: Fill in.
        text: SAFMA began in [[city]].
        blanks:
          - {id: city, accept: [Islamabad]}
        explanation: It began in Islamabad.
        lesson_anchor: safma
        tags: [media]
        difficulty: medium
"""
ANCHORS = {"mfn", "safma"}


def line_of(text: str, needle: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if needle in line)


def parse(text: str, anchors=ANCHORS):
    return parse_bank_text(text, "quizzes/sample.yaml", "sample", anchors)


def test_a_good_bank_parses():
    bank, problems = parse(BANK)
    assert problems == []
    assert [q.id for q in bank.questions] == ["s-one", "s-two"]
    assert bank.test_size == 2
    assert bank.questions[0].data["options"][0]["text"] == "1996"  # a YAML number read as text


@pytest.mark.parametrize(("old", "new", "needle", "message"), [
    ("    type: cloze", "    type: poem", "type: poem", "unknown type 'poem'"),
    ("        answer: a", "        answer: c", "answer: c", "answer 'c' is not among the options (a, b)"),
    ("      - id: s-two", "      - id: s-one", "id: s-one\n", "id 's-one' is already used on line 3"),
    ("        lesson_anchor: safma", "        lesson_anchor: nowhere", "lesson_anchor: nowhere", "lesson_anchor '#nowhere' is not a heading or paragraph anchor"),
    ("        difficulty: medium", "        difficulty: tricky", "difficulty: tricky", "difficulty must be one of easy, medium, hard"),
    ("        tags: [media]", "        tags: media", "tags: media", "'tags' must be a list of words"),
    ("        explanation: It began in Islamabad.", "        explain: It began in Islamabad.", "explain:", "field 'explain' does not belong to a cloze question"),
    ("          - {id: city, accept: [Islamabad]}", "          - {id: town, accept: [Islamabad]}", "id: town", "blank 'town' does not appear in the text"),
    ("          - {id: b, text: \"2006\", feedback: That is SAFTA.}", "          - {id: b, text: \"2006\"}", "id: b", "is missing 'feedback'"),
    ("        answer: a", "        answer: a\n        answer: b", "answer: b", "key 'answer' appears twice"),
    ("    test_size: 2", "    test_size: none", "test_size", "'test_size' must be a whole number from 1"),
    ("    test_size: 2", "    test_size: 2\n    title: Trade", "title: Trade", "unknown bank field 'title'"),
    ("        prompt: Which year?", "        prompt: [Which year?", "prompt: [", "not valid YAML"),
])
def test_problems_name_the_exact_line(old, new, needle, message):
    text = BANK.replace(old, new, 1)
    assert text != BANK
    bank, problems = parse(text)
    assert bank is None
    expected_line = line_of(text, needle.rstrip("\n")) if needle != "id: s-one\n" else 14
    assert any(p.line == expected_line and message in p.message for p in problems), problems
    assert all(str(p).startswith("quizzes/sample.yaml:") for p in problems)


def test_missing_field_is_reported_at_the_question():
    text = BANK.replace("        explanation: India granted MFN in 1996.\n", "")
    _, problems = parse(text)
    assert [(p.line, p.message) for p in problems] == [(3, "question 's-one' is missing 'explanation'")]


def test_all_problems_are_reported_at_once():
    text = BANK.replace("answer: a", "answer: z").replace("type: cloze", "type: poem").replace("difficulty: easy", "difficulty: x")
    _, problems = parse(text)
    assert len(problems) == 3


def test_anchor_check_can_be_skipped_when_the_lesson_is_unknown():
    _, problems = parse(BANK.replace("lesson_anchor: safma", "lesson_anchor: nowhere"), anchors=None)
    assert problems == []


@pytest.mark.parametrize("text", ["", "just text", "- a\n- list", "questions: []", "questions:\n  - 5\n"])
def test_shapeless_banks_are_refused(text):
    bank, problems = parse(text)
    assert bank is None and problems and problems[0].line >= 1


def test_one_bad_bank_means_no_banks(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "good.yaml").write_text(BANK, encoding="utf-8")
    (tmp_path / "quizzes" / "bad.yaml").write_text(BANK.replace("s-one", "b-one").replace("s-two", "b-two").replace("answer: a", "answer: q"), encoding="utf-8")
    result = read_banks(tmp_path, {"good": ANCHORS, "bad": ANCHORS})
    assert result.banks == [] and len(result.problems) == 1


def test_question_ids_are_unique_across_banks(tmp_path):
    (tmp_path / "quizzes").mkdir()
    for name in ("one", "two"):
        (tmp_path / "quizzes" / f"{name}.yaml").write_text(BANK, encoding="utf-8")
    result = read_banks(tmp_path, {"one": ANCHORS, "two": ANCHORS})
    assert any("id 's-one' is already used" in p.message for p in result.problems)


def test_a_bank_needs_its_lesson(tmp_path):
    (tmp_path / "quizzes").mkdir()
    (tmp_path / "quizzes" / "orphan.yaml").write_text(BANK, encoding="utf-8")
    result = read_banks(tmp_path, {"other": ANCHORS})
    assert "there is no lesson 'orphan'" in result.problems[0].message


def test_editing_a_question_changes_its_version_and_nothing_else_does():
    first, _ = parse(BANK)
    edited, _ = parse(BANK.replace("India granted MFN in 1996.", "India granted MFN status in 1996."))
    same, _ = parse(BANK)
    assert first.questions[0].version == same.questions[0].version
    assert first.questions[0].version != edited.questions[0].version
    assert first.questions[1].version == edited.questions[1].version


def test_rendering_sanitises_authored_markdown():
    payload = "Which <script>alert(1)</script> year? <img src=x onerror=alert(1)>"
    bank, problems = parse(BANK.replace("prompt: Which year?", f"prompt: \"{payload}\""))
    assert bank is None and "'prompt' shows an image from 'x'" in problems[-1].message  # images come from stored media only
    html = render_question({**parse(BANK)[0].questions[0].data, "prompt": payload})
    assert "<script" not in html["prompt"] and "onerror" not in html["prompt"] and "<img" not in html["prompt"]


# --- The shipped banks --------------------------------------------------------------------

def test_every_lesson_has_a_bank_of_at_least_15_questions_and_5_types(shipped_course):
    assert {bank.slug for bank in shipped_course.banks} == {lesson.slug for lesson in shipped_course.lessons}
    for bank in shipped_course.banks:
        assert len(bank.questions) >= 15, bank.slug
        assert len({q.type for q in bank.questions}) >= 5, bank.slug


def test_the_course_has_at_least_165_questions_of_every_type(shipped_course):
    counts = Counter(q.type for bank in shipped_course.banks for q in bank.questions)
    assert sum(counts.values()) >= 165
    assert set(counts) == set(QUESTION_TYPES)
    assert all(any(q.type == "essay" for q in bank.questions) for bank in shipped_course.banks)  # an essay per lesson
