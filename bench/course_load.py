"""How long reading, checking and loading the course takes, and how bank parsing grows.

Run: .venv/bin/python bench/course_load.py  (or `make bench`). Prints numbers; asserts nothing
about speed.

1. The shipped course: read and check lessons + banks (the work of `flask course check`), then
   store it into a fresh migrated SQLite database (the work of `flask course load`).
2. Synthetic banks of 1,250 to 10,000 questions (all eight types in turn): parse-and-check time
   and time per question, which stays flat when parsing grows linearly.
"""

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from _harness import migrated_sqlite_app  # noqa: E402
from app.course.bank import parse_bank_text  # noqa: E402
from app.course_loader import read_everything, store_course  # noqa: E402
from app.extensions import db  # noqa: E402

TEMPLATES = {
    "single_choice": """  - id: q{n}
    type: single_choice
    prompt: In which year did event {n} happen?
    options:
      - {{id: a, text: "19{y}", feedback: Right.}}
      - {{id: b, text: "20{y}", feedback: Too late.}}
      - {{id: c, text: "18{y}", feedback: Too early.}}
    answer: a
""",
    "multiple_response": """  - id: q{n}
    type: multiple_response
    prompt: Which of these apply to item {n}?
    options:
      - {{id: a, text: Dubai, feedback: Yes.}}
      - {{id: b, text: London, feedback: Yes.}}
      - {{id: c, text: Kabul, feedback: No.}}
    answer: [a, b]
""",
    "true_false": """  - id: q{n}
    type: true_false
    prompt: Statement number {n} is true.
    answer: true
""",
    "short_answer": """  - id: q{n}
    type: short_answer
    prompt: Who is person {n}?
    answers: [Vajpayee, A. B. Vajpayee, {{text: Atal, credit: 0.5}}]
""",
    "numeric": """  - id: q{n}
    type: numeric
    prompt: How many millions in case {n}?
    answer: {n}
    tolerance: 0.5
    unit: million
    units: {{m: 1, billion: 1000}}
""",
    "ordering": """  - id: q{n}
    type: ordering
    prompt: Order the events of set {n}.
    items:
      - {{id: a, text: First}}
      - {{id: b, text: Second}}
      - {{id: c, text: Third}}
""",
    "matching": """  - id: q{n}
    type: matching
    prompt: Match the pairs of set {n}.
    pairs:
      - {{id: a, left: Naik, right: Pakistan}}
      - {{id: b, left: Lambah, right: India}}
""",
    "cloze": """  - id: q{n}
    type: cloze
    prompt: Fill in set {n}.
    text: SAFMA began in [[city]] in [[year]].
    blanks:
      - {{id: city, accept: [Islamabad]}}
      - {{id: year, accept: ["2000"]}}
""",
}
COMMON = """    explanation: Because of reason {n}.
    lesson_anchor: key-facts
    tags: [synthetic]
    difficulty: medium
"""


def synthetic_bank(count: int) -> str:
    """A valid bank of ``count`` questions cycling through the eight types."""
    kinds = list(TEMPLATES)
    parts = ["questions:\n"]
    for n in range(count):
        parts.append(TEMPLATES[kinds[n % len(kinds)]].format(n=n, y=n % 100) + COMMON.format(n=n))
    return "".join(parts)


def best_of(repeats: int, work) -> float:
    """The fastest of ``repeats`` runs, in seconds (the least disturbed by the rest of the machine)."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def main() -> None:
    lessons, banks, problems = read_everything(ROOT)
    if problems:
        raise SystemExit("\n".join(map(str, problems)))
    questions = sum(len(bank.questions) for bank in banks)
    check_time = best_of(5, lambda: read_everything(ROOT))
    print(f"shipped course: {len(lessons)} lessons, {len(banks)} banks, {questions} questions")
    print(f"  read + check + render (course check): {check_time * 1000:8.1f} ms (best of 5)")

    with tempfile.TemporaryDirectory() as folder:
        app = migrated_sqlite_app(folder)
        with app.app_context():
            started = time.perf_counter()
            store_course(lessons, banks)
            first = time.perf_counter() - started
            started = time.perf_counter()
            store_course(lessons, banks)
            again = time.perf_counter() - started
            db.engine.dispose()
    print(f"  store into an empty database:          {first * 1000:8.1f} ms")
    print(f"  store again, nothing changed:          {again * 1000:8.1f} ms")

    print("synthetic banks (parse + check, the eight types in turn):")
    per_question = []
    for count in (1250, 2500, 5000, 10000):
        text = synthetic_bank(count)
        bank, found = parse_bank_text(text, "synthetic.yaml", "synthetic", {"key-facts"})
        if found or len(bank.questions) != count:
            raise SystemExit(f"synthetic bank is invalid: {found[:3]}")
        seconds = best_of(3, lambda text=text: parse_bank_text(text, "synthetic.yaml", "synthetic", {"key-facts"}))
        per_question.append(seconds / count)
        print(f"  {count:6d} questions: {seconds * 1000:9.1f} ms  ({seconds / count * 1e6:6.1f} µs per question)")
    print(f"  per-question time, largest / smallest: {max(per_question) / min(per_question):.2f} (1.00 = exactly linear)")


if __name__ == "__main__":
    main()
