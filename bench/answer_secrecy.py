"""What keeping answer keys secret costs: opaque answer forms and held-back questions.

Run: .venv/bin/python bench/answer_secrecy.py (or `make bench`). Prints numbers; asserts nothing.

Times (1) the pure mapping: the opaque form of every shipped question, and reading a submitted
answer back through it; (2) ``held_back`` and a practice page (GET /attempts/<id>?q=0, the
whole trade bank's forms made for it) through Flask on SQLite as the number of assignments whose
answers are hidden grows (0, 100, 1,000; 20 questions each). Medians of 30 runs.
"""

import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from _harness import migrated_sqlite_app  # noqa: E402
from app.course.quiz import answer_form, choice_order, form_values, parse_response  # noqa: E402
from app.course.scoring import key_response  # noqa: E402
from app.course_loader import read_everything, store_course  # noqa: E402
from app.extensions import db  # noqa: E402
from app.models import Assignment, Classroom, Lesson, Question, User  # noqa: E402

RUNS = 30


def median_ms(action) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def pure(banks) -> None:
    questions = [q.data for bank in banks for q in bank.questions]
    rng = random.Random(1)
    orders = [choice_order(data, rng) for data in questions]

    def make_forms():
        return [answer_form(data, f"q{n}", order, b"k" * 32, "attempt:bench") for n, (data, order) in enumerate(zip(questions, orders))]

    forms = make_forms()
    sent = [form.shown_values(form_values(data, form.field, key_response(data))) for data, form in zip(questions, forms)]

    def read_back():
        for data, form, values in zip(questions, forms, sent):
            parse_response(data, form.field, form.reader(lambda name, values=values: values.get(name, [])))

    print(f"opaque forms of all {len(questions)} questions: {median_ms(make_forms):.2f} ms; "
          f"reading {len(questions)} answers back: {median_ms(read_back):.2f} ms")


def hide(app, count: int) -> None:
    """Bring the number of "never" assignments (20 trade questions each) up to ``count``."""
    with app.app_context():
        teacher = db.session.scalar(sa.select(User).where(User.username == "bench-teacher"))
        if teacher is None:
            teacher = User(username="bench-teacher", password_hash="x", role="instructor")
            db.session.add(teacher)
            db.session.flush()
            db.session.add(Classroom(name="Bench", instructor_id=teacher.id, join_code="BENCH001"))
            db.session.flush()
        classroom = db.session.scalar(sa.select(Classroom.id).where(Classroom.join_code == "BENCH001"))
        lesson = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
        ids = list(db.session.scalars(sa.select(Question.id).where(Question.lesson_id != lesson).limit(20)))
        have = db.session.scalar(sa.select(sa.func.count(Assignment.id))) or 0
        db.session.add_all([Assignment(classroom_id=classroom, title=f"Exam {n}", lesson_id=lesson, question_ids=ids,
                                       review_option="never") for n in range(have, count)])
        db.session.commit()


def main() -> None:
    lessons, banks, _ = read_everything(ROOT)
    pure(banks)
    with tempfile.TemporaryDirectory() as folder:
        app = migrated_sqlite_app(folder)
        with app.app_context():
            store_course(lessons, banks)
        client = app.test_client()
        page = client.get("/lessons/trade/quiz").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
        started = client.post("/lessons/trade/quiz/start", data={"mode": "practice", "csrf_token": token})
        attempt = started.headers["Location"]
        from app.secrecy import held_back

        for count in (0, 100, 1000):
            hide(app, count)
            with app.test_request_context():
                held = median_ms(held_back)
            print(f"{count:5} hidden assignments: held_back {held:.2f} ms; "
                  f"practice page {median_ms(lambda: client.get(attempt + '?q=0')):.1f} ms")


if __name__ == "__main__":
    main()
