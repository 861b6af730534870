"""Essay questions (pure): the bank's checks with their lines, pending until graded, the rubric's mark."""

import pytest

from app.course import qtypes
from app.course.bank import parse_bank_text, render_question
from app.course.qtypes.essay import graded, rubric_mark, word_count
from app.course.scoring import score

BANK = """\
questions:
  - id: e-one
    type: essay
    prompt: Why did trade stay small?
    min_words: 100
    max_words: 300
    model_answer: Hostility kept it small.
    rubric:
      - id: thesis
        title: Thesis
        levels:
          - {points: 0, description: No position.}
          - {points: 2, description: A clear position.}
      - id: evidence
        title: Evidence
        levels:
          - {points: 0, description: None.}
          - {points: 1.5, description: Some figures.}
          - {points: 3, description: "The lesson's figures, used."}
    explanation: Politics came first.
    lesson_anchor: mfn
    tags: [trade]
    difficulty: hard
"""


def essay(text=BANK):
    bank, problems = parse_bank_text(text, "quizzes/t.yaml", "t", {"mfn"})
    return bank.questions[0].data if bank else problems


def test_an_essay_is_pending_once_written_and_unanswered_when_blank():
    data = essay()
    assert score(data, "Trade stayed small because…").status == "pending"
    assert score(data, "Trade stayed small because…").score == 0
    assert score(data, "   ").status == "unanswered"


def test_the_mark_is_the_points_chosen_over_the_top_points():
    data = essay()
    assert rubric_mark(data, {"thesis": 2, "evidence": 1.5}) == pytest.approx(3.5 / 5)
    assert graded(data, {"thesis": 2, "evidence": 3}).status == "correct"
    assert graded(data, {"thesis": 0, "evidence": 0}).status == "wrong"
    assert rubric_mark(data, {"thesis": 2}) is None  # a criterion without a level
    assert rubric_mark(data, {"thesis": 1, "evidence": 3}) is None  # 1 is no level of the thesis
    with pytest.raises(ValueError):
        graded(data, {"thesis": 2, "evidence": 2})


@pytest.mark.parametrize("old, new, line, message", [
    ("    max_words: 300\n", "    max_words: 50\n", 6, "'max_words' (50) is below 'min_words' (100)"),
    ("    min_words: 100\n", "    min_words: 0\n", 5, "'min_words' must be a whole number from 1 to 2000"),
    ("          - {points: 2, description: A clear position.}\n", "          - {points: 0, description: A clear position.}\n",
     13, "points must rise from level to level"),
    ("          - {points: 0, description: None.}\n", "          - {points: 0}\n", 17, "is missing 'description'"),
    ("    model_answer: Hostility kept it small.\n", "", 2, "is missing 'model_answer'"),
    ("        title: Evidence\n", "        title: Evidence\n        weight: 2\n", 16, "unknown field 'weight'"),
])
def test_a_faulty_rubric_is_refused_at_its_line(old, new, line, message):
    text = BANK.replace(old, new)
    assert text != BANK
    problems = essay(text)
    assert any(p.line == line and message in p.message for p in problems), problems


def test_one_level_is_no_scale():
    text = BANK.replace("          - {points: 0, description: No position.}\n", "")
    assert any("'levels' must be a list of at least 2" in p.message for p in essay(text))


def test_the_key_shows_the_model_answer_and_the_rubric_and_the_form_round_trips():
    data = essay()
    html = render_question(data)
    assert "<p>Hostility kept it small.</p>" in html["model_answer"]
    assert html["rubric"]["evidence"]["levels"][2] == "The lesson's figures, used."
    qtype = qtypes.of(data)
    assert {**data, **qtype.from_fields(qtype.to_fields(data))} == data


def test_words_are_counted_as_a_reader_counts_them():
    assert word_count("India granted MFN status in 1996 — yet little moved.") == 10
    assert word_count("  \n ") == 0


def test_an_anki_card_asks_for_the_essay_and_shows_the_model_answer_and_every_level():
    data = essay()
    front, back = qtypes.of(data).anki_card(data, render_question(data), [])
    assert front == "<p>Write an essay (100–300 words).</p>"
    assert "<p>Hostility kept it small.</p>" in back
    assert back.count("<td>") == 5 and "<b>1.5</b> Some figures." in back
