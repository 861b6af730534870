"""Marks a fair teacher would give: the labelled list of student responses against the shipped banks.

The list (tests/data/marking_responses.tsv) and its reader live with the measurement,
bench/marking.py, which prints the same figures with every disagreement.
"""

import importlib.util
from pathlib import Path

import pytest

from app.config import PROJECT_ROOT
from app.course.bank import parse_bank_text

_SPEC = importlib.util.spec_from_file_location("bench_marking", PROJECT_ROOT / "bench" / "marking.py")
marking = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(marking)

HEADER = "\t".join(marking.COLUMNS)


@pytest.fixture(scope="module")
def rows():
    """The shipped labelled list."""
    return marking.read_responses(marking.DEFAULT_LIST)


@pytest.fixture(scope="module")
def measured(shipped_course, rows):
    """The shipped list marked by the shipped banks: (marked, stale)."""
    return marking.mark_rows(shipped_course.banks, rows)


def _where(row) -> str:
    """Where a row is and what it says, for failure messages."""
    return f"line {row.line}: {row.question}{f'[{row.blank}]' if row.blank else ''} “{row.response}”"


def test_the_list_is_large_and_names_only_questions_that_exist(rows, measured):
    _, stale = measured
    assert len(rows) >= 300
    assert not stale, "\n".join(f"{_where(entry.row)}: {entry.reason}" for entry in stale)


def test_every_typed_question_and_blank_has_right_and_wrong_responses(shipped_course, rows):
    labels: dict[tuple[str, str], set[bool]] = {}
    for row in rows:
        labels.setdefault((row.question, row.blank), set()).add(row.right)
    missing = []
    for bank in shipped_course.banks:
        bank_labels: set[bool] = set()
        for question in bank.questions:
            data = question.data
            if data["type"] not in marking.TYPED:
                continue
            # Choice and multi blanks are picked, not typed: the list labels typed responses only.
            typed = [b["id"] for b in data.get("blanks", []) if b.get("kind", "short") in ("short", "numeric")]
            for blank in typed if data["type"] == "cloze" else [""]:
                found = labels.get((question.id, blank), set())
                bank_labels |= found
                if found != {True, False}:
                    missing.append(f"{question.id}{f'[{blank}]' if blank else ''}: {sorted(found)}")
        if any(q.data["type"] in marking.TYPED for q in bank.questions):
            assert bank_labels == {True, False}, f"{bank.slug} lacks right or wrong responses"
    assert not missing, "needs both a right and a wrong response:\n" + "\n".join(missing)


@pytest.fixture(scope="module")
def heldout(shipped_course):
    """The held-out list (written without reading the shipped one) marked by the shipped banks: (marked, stale)."""
    return marking.mark_rows(shipped_course.banks, marking.read_responses(PROJECT_ROOT / "tests" / "data" / "marking_heldout.tsv"))


@pytest.mark.parametrize("which", ["measured", "heldout"])
def test_the_shipped_banks_give_the_teachers_mark(request, which):
    marked, stale = request.getfixturevalue(which)
    assert not stale, "\n".join(f"{_where(entry.row)}: {entry.reason}" for entry in stale)
    overall = marking.tallies(marked, lambda item: item.bank)["all"]
    disagreements = "\n".join(f"{_where(item.row)}: teacher {item.row.mark:g}, bank {item.given:g}"
                              for item in marked if not item.agrees)
    assert overall.right and overall.wrong
    assert overall.accepted_share >= 0.97, f"right answers given their mark: {overall.accepted}/{overall.right}\n{disagreements}"
    assert overall.refused_share == 1, f"wrong answers refused: {overall.refused}/{overall.wrong}\n{disagreements}"


SMALL_BANK = """questions:
  - id: safma-cloze
    type: cloze
    prompt: Fill in the blanks.
    text: SAFMA was set up in [[city]] in [[year]].
    blanks:
      - {id: city, accept: [Islamabad]}
      - {id: year, accept: ["2000"]}
    explanation: It was.
    lesson_anchor: key-facts
    tags: [media]
    difficulty: easy
  - id: safma-who
    type: short_answer
    prompt: Who praised SAFMA?
    answers: [Kasuri]
    explanation: He did.
    lesson_anchor: key-facts
    tags: [media]
    difficulty: easy
  - id: safma-choice
    type: true_false
    prompt: SAFMA began in 2000.
    answer: true
    explanation: It did.
    lesson_anchor: key-facts
    tags: [media]
    difficulty: easy
"""


@pytest.fixture(scope="module")
def small_banks():
    """A one-bank course with a cloze, a short answer and a true/false question."""
    bank, problems = parse_bank_text(SMALL_BANK, "small.yaml", "small", {"key-facts"})
    assert not problems
    return [bank]


def _row(line: int, question: str, blank: str, response: str, mark: float):
    """A labelled response with a placeholder source and note."""
    return marking.Labelled(line, question, blank, response, mark, "own", "a note")


def test_a_cloze_row_is_marked_on_its_own_blank_alone(small_banks):
    marked, stale = marking.mark_rows(small_banks, [
        _row(1, "safma-cloze", "city", "Islamabad", 1), _row(2, "safma-cloze", "year", "Islamabad", 0),
        _row(3, "safma-cloze", "year", "2000", 1), _row(4, "safma-who", "", "Kasuri", 1)])
    assert not stale
    assert [(item.given, item.agrees) for item in marked] == [(1.0, True), (0.0, True), (1.0, True), (1.0, True)]


def test_rows_naming_what_the_banks_lack_are_stale(small_banks):
    marked, stale = marking.mark_rows(small_banks, [
        _row(1, "no-such-question", "", "x", 0), _row(2, "safma-cloze", "month", "x", 0),
        _row(3, "safma-who", "city", "x", 0), _row(4, "safma-choice", "", "true", 1)])
    assert not marked
    assert [(entry.row.line, entry.reason) for entry in stale] == [
        (1, "no question has this id"),
        (2, "the cloze has no blank 'month' (blanks: city, year)"),
        (3, "a short_answer question has no blanks"),
        (4, "the question is true_false now, not typed"),
    ]


def test_the_reader_keeps_responses_exactly_and_skips_comments(tmp_path: Path):
    path = tmp_path / "list.tsv"
    path.write_text(f"{HEADER}\n# a comment\n\nq-one\t\t  the Wagah border \t1\taudit-A\tarticle\n"
                    "q-two\tcity\t\t0\town\tblank\nq-three\t\tKotla\t0.5\town\thalf\n", encoding="utf-8")
    rows = marking.read_responses(path)
    assert [(row.line, row.question, row.blank, row.response, row.mark, row.right) for row in rows] == [
        (4, "q-one", "", "  the Wagah border ", 1.0, True),
        (5, "q-two", "city", "", 0.0, False),
        (6, "q-three", "", "Kotla", 0.5, True),
    ]


@pytest.mark.parametrize("line, message", [
    ("q-one\t\tWagah\t1\taudit-A", "4: expected 6 tab-separated columns, found 5"),
    ("q-one  Wagah  1  own  spaces", "4: expected 6 tab-separated columns, found 1"),
    ("\t\tWagah\t1\town\tno id", "4: no question id"),
    ("q-one\t\tWagah\tright\town\tword", "4: the mark 'right' is not a number"),
    ("q-one\t\tWagah\t2\town\ttoo high", "4: the mark 2 is not between 0 and 1"),
    ("q-one\t\tWagah\t1\taudit-D\tno such review", "4: unknown source 'audit-D'"),
    ("q-one\t\tWagah\t1\town\t ", "4: no note saying why"),
])
def test_a_malformed_row_is_refused_with_its_line(tmp_path: Path, line: str, message: str):
    path = tmp_path / "list.tsv"
    path.write_text(f"{HEADER}\nq-zero\t\tWagah\t1\town\tfine\n# comment\n{line}\n", encoding="utf-8")
    with pytest.raises(marking.ListError) as error:
        marking.read_responses(path)
    assert f"{path}:{message}" in str(error.value)


@pytest.mark.parametrize("text, message", [
    ("question\tresponse\tmark\n", ":1: the header must be question blank response mark source note"),
    ("# only a comment\n", ": no header line"),
])
def test_a_missing_or_wrong_header_is_refused(tmp_path: Path, text: str, message: str):
    path = tmp_path / "list.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(marking.ListError, match=message):
        marking.read_responses(path)
