"""How often the shipped banks give a student's typed answer the mark a fair teacher would.

Run: .venv/bin/python bench/marking.py [LIST.tsv]  (default tests/data/marking_responses.tsv).
Prints a measurement and always exits 0; tests/test_marking.py holds the figures to the goal.

The list holds responses to the short-answer, numeric and cloze questions with a teacher's mark
(its format is in the comments at its top). Each response is read by the quiz's own form reader
(a cloze with only the labelled blank filled) and scored by ``app.course.scoring.score``; a cloze
row compares that blank's part. A right answer (a mark above 0) counts as accepted when it is
given exactly its mark; a wrong one (mark 0) counts as refused when it is given 0. A row whose
question or blank no longer exists is reported as stale.
"""

import argparse
import math
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.course.bank import Bank  # noqa: E402
from app.course.quiz import parse_response  # noqa: E402
from app.course.scoring import score  # noqa: E402
from app.course_loader import read_everything  # noqa: E402

DEFAULT_LIST = ROOT / "tests" / "data" / "marking_responses.tsv"
COLUMNS = ("question", "blank", "response", "mark", "source", "note")
SOURCES = ("audit-A", "audit-B", "audit-C", "own", "heldout")
TYPED = ("short_answer", "numeric", "cloze")
FIELD = "q1"  # the form name the quiz gives a question; any name does, the reader only needs one


class ListError(ValueError):
    """A line of the labelled list that cannot be read, with its file and line number."""


@dataclass(frozen=True)
class Labelled:
    """One response from the list and the mark a teacher gives it."""

    line: int
    question: str
    blank: str
    response: str
    mark: float
    source: str
    note: str

    @property
    def right(self) -> bool:
        """Whether the teacher gives it any credit."""
        return self.mark > 0


@dataclass(frozen=True)
class Marked:
    """A labelled response and the mark the bank gave it."""

    row: Labelled
    bank: str
    given: float
    feedback: str

    @property
    def agrees(self) -> bool:
        """Whether the bank gave the teacher's mark."""
        return math.isclose(self.given, self.row.mark, abs_tol=1e-6)


@dataclass(frozen=True)
class Stale:
    """A labelled response whose question or blank the banks no longer have."""

    row: Labelled
    reason: str


@dataclass
class Tally:
    """Right answers accepted and wrong answers refused, out of how many of each."""

    accepted: int = 0
    right: int = 0
    refused: int = 0
    wrong: int = 0

    def add(self, marked: Marked) -> None:
        """Count one marked row."""
        if marked.row.right:
            self.right += 1
            self.accepted += marked.agrees
        else:
            self.wrong += 1
            self.refused += marked.agrees

    @property
    def accepted_share(self) -> float:
        """Share of right answers given their mark (1 when there are none)."""
        return self.accepted / self.right if self.right else 1.0

    @property
    def refused_share(self) -> float:
        """Share of wrong answers given 0 (1 when there are none)."""
        return self.refused / self.wrong if self.wrong else 1.0


def read_responses(path: Path) -> list[Labelled]:
    """The rows of a labelled list; raises ListError naming the first line that is malformed."""
    rows: list[Labelled] = []
    header_seen = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cells = line.split("\t")
        if not header_seen:
            if tuple(cells) != COLUMNS:
                raise ListError(f"{path}:{number}: the header must be {' '.join(COLUMNS)} (tab-separated)")
            header_seen = True
            continue
        if len(cells) != len(COLUMNS):
            raise ListError(f"{path}:{number}: expected {len(COLUMNS)} tab-separated columns, found {len(cells)}")
        question, blank, response, mark_text, source, note = cells
        if not question.strip():
            raise ListError(f"{path}:{number}: no question id")
        try:
            mark = float(mark_text)
        except ValueError:
            raise ListError(f"{path}:{number}: the mark '{mark_text}' is not a number") from None
        if not 0 <= mark <= 1:
            raise ListError(f"{path}:{number}: the mark {mark_text} is not between 0 and 1")
        if source not in SOURCES:
            raise ListError(f"{path}:{number}: unknown source '{source}' (one of {', '.join(SOURCES)})")
        if not note.strip():
            raise ListError(f"{path}:{number}: no note saying why")
        rows.append(Labelled(number, question.strip(), blank.strip(), response, mark, source, note))
    if not header_seen:
        raise ListError(f"{path}: no header line")
    return rows


def _form(row: Labelled, data: dict) -> dict[str, list[str]]:
    """The form values a learner submits typing the row's response (into its blank, for a cloze)."""
    name = f"{FIELD}-{row.blank}" if data["type"] == "cloze" else FIELD
    return {name: [row.response]}


def mark_rows(banks: list[Bank], rows: list[Labelled]) -> tuple[list[Marked], list[Stale]]:
    """Score every row against the banks as the quiz would; rows naming what no bank has are stale."""
    questions = {question.id: (bank.slug, question.data) for bank in banks for question in bank.questions}
    marked, stale = [], []
    for row in rows:
        if row.question not in questions:
            stale.append(Stale(row, "no question has this id"))
            continue
        slug, data = questions[row.question]
        if data["type"] not in TYPED:
            stale.append(Stale(row, f"the question is {data['type']} now, not typed"))
            continue
        blanks = [blank["id"] for blank in data.get("blanks", [])]
        if data["type"] == "cloze" and row.blank not in blanks:
            stale.append(Stale(row, f"the cloze has no blank '{row.blank}' (blanks: {', '.join(blanks)})"))
            continue
        if data["type"] != "cloze" and row.blank:
            stale.append(Stale(row, f"a {data['type']} question has no blanks"))
            continue
        form = _form(row, data)
        outcome = score(data, parse_response(data, FIELD, lambda name, form=form: form.get(name, [])))
        given = float(outcome.parts.get(row.blank, 0.0)) if data["type"] == "cloze" else outcome.score
        feedback = outcome.note or (f"matched “{outcome.matched}”" if outcome.matched else "")
        marked.append(Marked(row, slug, given, feedback))
    return marked, stale


def tallies(marked: list[Marked], key: Callable[[Marked], str]) -> dict[str, Tally]:
    """Tallies of the marked rows grouped by ``key(marked)``, plus "all"."""
    grouped: dict[str, Tally] = defaultdict(Tally)
    for item in marked:
        grouped[key(item)].add(item)
        grouped["all"].add(item)
    return dict(grouped)


def _share(count: int, total: int) -> str:
    """'n/N  p %' for a table cell, or a dash when there is nothing to count."""
    return f"{count:4d}/{total:<4d} {100 * count / total:5.1f} %" if total else f"{'-':>9} {'':>7}"


def _print_table(title: str, grouped: dict[str, Tally]) -> None:
    """One line per group, "all" last."""
    print(f"{title:28} {'right answers accepted':>22}   {'wrong answers refused':>21}")
    for name in [*sorted(name for name in grouped if name != "all"), "all"]:
        tally = grouped[name]
        print(f"{name:28} {_share(tally.accepted, tally.right):>22}   {_share(tally.refused, tally.wrong):>21}")


def report(marked: list[Marked], stale: list[Stale]) -> None:
    """Print the figures per bank and per source, every disagreement and every stale row."""
    _print_table("bank", tallies(marked, lambda item: item.bank))
    print()
    _print_table("source", tallies(marked, lambda item: item.row.source))
    disagreements = [item for item in marked if not item.agrees]
    print(f"\ndisagreements: {len(disagreements)}")
    for item in sorted(disagreements, key=lambda item: (item.bank, item.row.question, item.row.blank, item.row.line)):
        row = item.row
        where = f"{row.question}[{row.blank}]" if row.blank else row.question
        feedback = f"  ({item.feedback})" if item.feedback else ""
        print(f"  line {row.line:4d}  {where:44} “{row.response}”  teacher {row.mark:g}, bank {item.given:g}{feedback}")
    print(f"\nstale rows: {len(stale)}")
    for entry in stale:
        where = f"{entry.row.question}[{entry.row.blank}]" if entry.row.blank else entry.row.question
        print(f"  line {entry.row.line:4d}  {where}: {entry.reason}")


def main() -> None:
    """Measure the list named on the command line (or the shipped one) against the shipped banks."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("responses", nargs="?", type=Path, default=DEFAULT_LIST, help="the labelled list (TSV)")
    args = parser.parse_args()
    _, banks, problems = read_everything(ROOT)
    if problems:
        print("the course has problems, so nothing was measured:\n" + "\n".join(map(str, problems)))
        return
    try:
        rows = read_responses(args.responses)
    except ListError as error:
        print(f"the list cannot be read: {error}")
        return
    marked, stale = mark_rows(banks, rows)
    right = sum(row.right for row in rows)
    print(f"{args.responses.relative_to(ROOT) if args.responses.is_relative_to(ROOT) else args.responses}: "
          f"{len(rows)} responses ({right} right, {len(rows) - right} wrong) to "
          f"{len({row.question for row in rows})} questions of {len(banks)} banks\n")
    report(marked, stale)


if __name__ == "__main__":
    main()
