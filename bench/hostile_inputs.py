"""Hostile inputs of 100 KB, 1 MB and 2 MB, in the shapes of the security audit (F-06, F-24): time per size.

Run: .venv/bin/python bench/hostile_inputs.py (or `make bench`). Prints numbers; asserts nothing.
Each shape goes through the pure parsers and checkers (the caps on questions per file lifted where
the point is to show the work is linear, and kept where the point is a fast refusal), and two go
through the real upload form on a throw-away SQLite app. Linear work shows as a ratio near 20
between 2 MB and 100 KB (the smallest times are a few milliseconds, so that ratio is noisy) and
near 2 between 2 MB and 1 MB; a refusal stays fast at every size. Quadratic work would show 400
and 4 (the audit measured 108 s for 120 KB of unclosed cloze blanks before the fix).
"""

import io
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.course.bank import check_question_data, parse_bank_text  # noqa: E402
from app.course.interop.gift import parse_gift  # noqa: E402
from app.course.interop.moodle_xml import parse_moodle_xml  # noqa: E402
from app.course.limits import MAX_PASSAGE_CHARS  # noqa: E402
from app.course.markup import render_block  # noqa: E402

SIZES = {"100 KB": 100_000, "1 MB": 1_000_000, "2 MB": 2_000_000}  # 2 MB of text fits MAX_CONTENT_LENGTH with its form
UNCAPPED = 10**9


def fill(unit: str, size: int) -> str:
    return unit * (size // len(unit))


def cloze_never_closed(size: int) -> str:
    return ('<?xml version="1.0"?>\n<quiz><question type="cloze"><name><text>c</text></name><questiontext><text>'
            f"{fill('{1:SA:', size)}</text></questiontext></question></quiz>\n")


def question_lines(size: int) -> str:
    return "<quiz>\n" + fill('<question type="truefalse"/>\n', size) + "</quiz>\n"


def gift_questions(size: int, same_name: bool) -> str:
    lines, total, number = [], 0, 0
    while total < size:
        line = f"::{'Same' if same_name else f'Q{number}'}::Is {number} even?{{{'T' if number % 2 == 0 else 'F'}}}\n\n"
        lines.append(line)
        total += len(line)
        number += 1
    return "".join(lines)


def check_all(text: str) -> int:
    """Parse GIFT and check every question as an import does (ids taken so far growing); return how many passed."""
    imported, _ = parse_gift(text, "key-facts", max_questions=UNCAPPED)
    taken: set[str] = set()
    for item in imported:
        checked, _ = check_question_data(item.data, {"key-facts"}, taken)
        taken.add(checked.id)
    return len(taken)


def passages(unit: str, size: int) -> str:
    """``unit`` repeated to ``size``, cut into passages of the largest size a lesson allows."""
    body = fill(unit, size)
    return "\n\n".join(body[start:start + MAX_PASSAGE_CHARS - 2] for start in range(0, len(body), MAX_PASSAGE_CHARS - 2))


def reported_shapes(size: int) -> str:
    """The audit's Markdown shapes in turn ('[', '![', '[a](', '<a '), one passage each."""
    shapes = ("[", "![", "[a](", "<a ")
    count = max(1, size // MAX_PASSAGE_CHARS)
    return "\n\n".join(fill(shapes[index % len(shapes)], MAX_PASSAGE_CHARS - 2) for index in range(count))


def alias_bomb_after(size: int) -> str:
    """A bank of plain questions, then nine levels of aliases (9^9 answers once expanded)."""
    question = ("  - id: q{n}\n    type: true_false\n    prompt: Is it?\n    explanation: Yes.\n"
                "    lesson_anchor: key-facts\n    tags: [t]\n    difficulty: easy\n    answer: true\n")
    body = "".join(question.format(n=n) for n in range(size // len(question)))
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(levels) + "\nquestions:\n" + body + "  - id: bomb\n    answers: *a8\n"


def field_over_cap(size: int) -> tuple:
    data = {"id": "q", "type": "true_false", "prompt": fill("[", size), "explanation": "E", "lesson_anchor": "k",
            "tags": ["t"], "difficulty": "easy", "answer": True}
    return check_question_data(data, None)


PURE = [
    ("Moodle XML: cloze '{1:SA:' never closed", lambda size: parse_moodle_xml(cloze_never_closed(size), "k")),
    ("GIFT: '<' x n in one prompt", lambda size: parse_gift(fill("<", size) + "{T}\n", "k")),
    ("Moodle XML: '<question/>' lines, refused at the cap", lambda size: _refused(parse_moodle_xml, question_lines(size))),
    ("Moodle XML: '<question/>' lines, cap lifted", lambda size: parse_moodle_xml(question_lines(size), "k", max_questions=UNCAPPED)),
    ("GIFT: questions of one name, cap lifted", lambda size: parse_gift(gift_questions(size, True), "k", max_questions=UNCAPPED)),
    ("GIFT: distinct questions parsed and checked, cap lifted", lambda size: check_all(gift_questions(size, False))),
    (f"Markdown: '[' x n in {MAX_PASSAGE_CHARS // 1000} KB passages", lambda size: render_block(passages("[", size))),
    ("Markdown: '[', '![', '[a](', '<a ' passages", lambda size: render_block(reported_shapes(size))),
    ("Markdown: one field of '[' x n, refused (cap)", field_over_cap),
    ("YAML: a bank, then an alias bomb, refused", lambda size: parse_bank_text(alias_bomb_after(size), "b.yaml", "b")),
]


def _refused(parse, text: str) -> str:
    try:
        parse(text, "k")
    except ValueError as refused:
        return str(refused)
    raise AssertionError("not refused")


def timed(action, size: int, repeats: int = 3) -> float:
    """The best of ``repeats`` runs: other work on a shared machine only ever adds time."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        action(size)
        best = min(best, time.perf_counter() - start)
    return best


def web_shapes():
    """Two shapes through the upload form (a throw-away SQLite app with the course loaded)."""
    import sqlalchemy as sa
    from _harness import ROOT, migrated_sqlite_app, temp_folder

    from app.course_loader import read_everything, store_course
    from app.extensions import db
    from app.models import Lesson, User

    app = migrated_sqlite_app(temp_folder(), WTF_CSRF_ENABLED=False, REGISTER_RATE_LIMIT="1000 per minute")
    lessons, banks, _ = read_everything(ROOT)
    with app.app_context():
        store_course(lessons, banks)
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
    client = app.test_client()
    client.post("/account/register", data={"username": "bench-teacher", "password": "Lahore-bus-1999-bench",
                                           "password2": "Lahore-bus-1999-bench"})
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "bench-teacher")).role = "instructor"
        db.session.commit()

    def upload(text: str, name: str) -> None:
        response = client.post("/teach/import", data={"file": (io.BytesIO(text.encode()), name), "lesson": lesson_id},
                               content_type="multipart/form-data")
        outcomes[name] = response.status_code

    outcomes: dict[str, int] = {}
    return outcomes, [
        ("web import: Moodle cloze never closed", lambda size: upload(cloze_never_closed(size), "cloze.xml")),
        ("web import: GIFT '<' x n", lambda size: upload(fill("<", size) + "{T}\n", "tags.gift")),
        ("web import: 2 MB of GIFT questions, refused (cap)", lambda size: upload(gift_questions(size, False), "many.gift")),
    ]


def table(rows: list[tuple[str, list[float]]]) -> None:
    """Times per size, and the growth from 100 KB (20 if linear) and from 1 MB (2 if linear) to 2 MB."""
    print(f"| shape | {' | '.join(SIZES)} | 2 MB / 100 KB | 2 MB / 1 MB |")
    print("|---|" + "---:|" * (len(SIZES) + 2))
    for name, times in rows:
        ratios = [times[-1] / max(times[index], 1e-9) for index in (0, 1)]
        print(f"| {name} | {' | '.join(f'{t:.3f} s' for t in times)} | {ratios[0]:.1f} | {ratios[1]:.1f} |", flush=True)


def main() -> None:
    rows = [(name, [timed(action, size) for size in SIZES.values()]) for name, action in PURE]
    outcomes, web = web_shapes()
    rows += [(name, [timed(action, size) for size in SIZES.values()]) for name, action in web]
    table(rows)
    print("\nHTTP status of the last upload of each web shape (2 MB):",
          ", ".join(f"{name} {status}" for name, status in outcomes.items()))


if __name__ == "__main__":
    main()
