"""Statement budgets: how many SQL statements each page sends, counted with a SQLAlchemy event (deterministic,
never a timing). A change that adds one fails here, and the message lists every statement the request sent.

Budgets are for a worker in its steady state: the in-memory course (``app.course_cache``) is built, so the first
request after a course change, which builds it, is not what is measured. Everything else counts: the signed-in
learner's row (Flask-Login's loader), the rate-limit counter's upsert (the database storage), every read and write.
"""

import re

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.extensions import db
from app.models import Answer, Attempt, LessonProgress, ReviewCard, ReviewLog
from tests.statements import count_statements
from tests.test_progress import make_due
from tests.test_quiz import csrf_token, key_form, layout_data, shown, start, wrong_response

# The quiz round (slice L1). Signed in: the learner's row, then what each step itself needs.
QUIZ_PAGE_BUDGET = 3  # learner's row · their attempts at this lesson · the badge (cards + today's reviews)
START_BUDGET = 3  # learner's row · rate-limit counter upsert · INSERT attempt (questions and versions from memory)
ATTEMPT_BUDGET = 3  # attempt with its answers · learner's row · the badge
SUBMIT_BUDGET = 6  # attempt with the owner's cards · learner's row · claim with score · answers (executemany)
#                    · cards (one upsert) · review logs (executemany); fitted parameters and breaks from memory
RESULT_BUDGET = 3  # attempt with its answers · learner's row · cards + today's reviews (badge and "comes back")
PRACTICE_CHECK_BUDGET = 6  # attempt with its answers · learner's row · INSERT answer · cards · card upsert · log


def labelled(statements: list[str]) -> str:
    """The statements, numbered and named where the name is not obvious, for a failure message."""
    def name(statement: str) -> str:
        if "login_session" in statement:
            return "[learner's row] "
        if "rate_limit" in statement:
            return "[rate-limit counter] "
        return ""
    return "\n".join(f"  {number}. {name(s)}{' '.join(s.split())[:220]}" for number, s in enumerate(statements, 1))


def within(app, budget: int, send):
    """Send one request (``send()``), assert it stayed within ``budget`` statements; its response and statements."""
    with count_statements(app) as sent:
        response = send()
    assert len(sent) <= budget, f"{len(sent)} statements, budget {budget}:\n{labelled(sent)}"
    return response, sent


def quiz_round(app, client, budgets: dict[str, int] | None = None) -> str:
    """One quiz round (quiz page, start, attempt, submit of every answer right, result), each within its budget if
    ``budgets`` are given; the attempt's public id."""
    budgets = budgets or {}
    big = 10_000

    def step(name, send):
        return within(app, budgets.get(name, big), send)[0]

    page = step("quiz", lambda: client.get("/lessons/trade/quiz"))
    assert page.status_code == 200
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    started = step("start", lambda: client.post("/lessons/trade/quiz/start", data={"mode": "test", "csrf_token": token}))
    assert started.status_code == 302
    public_id = started.headers["Location"].rsplit("/", 1)[-1]
    assert step("attempt", lambda: client.get(f"/attempts/{public_id}")).status_code == 200
    form = key_form(app, public_id)
    submitted = step("submit", lambda: client.post(f"/attempts/{public_id}/submit", data={**form, "csrf_token": token}))
    assert submitted.headers["Location"].endswith(f"/attempts/{public_id}/result")
    result = step("result", lambda: client.get(f"/attempts/{public_id}/result"))
    assert result.status_code == 200
    return public_id


ROUND_BUDGETS = {"quiz": QUIZ_PAGE_BUDGET, "start": START_BUDGET, "attempt": ATTEMPT_BUDGET, "submit": SUBMIT_BUDGET,
                 "result": RESULT_BUDGET}


def stored(app, public_id: str) -> tuple[Attempt, int, int, int]:
    """The attempt as stored, with its answers, its owner's cards and review logs."""
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        db.session.expunge(attempt)
        count = lambda query: db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))  # noqa: E731
        return (attempt, count(sa.select(Answer).where(Answer.attempt_id == attempt.id)),
                count(sa.select(ReviewCard).where(ReviewCard.owner_key == attempt.owner_key)),
                count(sa.select(ReviewLog).where(ReviewLog.owner_key == attempt.owner_key)))


def test_a_signed_in_quiz_round_stays_within_its_budgets(app, client, auth):
    auth.register()
    first = quiz_round(app, client)  # the worker's first round builds its course, leak graph and plan in memory
    public_id = quiz_round(app, client, ROUND_BUDGETS)  # and a second round answers the same questions again
    attempt, answers, cards, logs = stored(app, public_id)
    # Every question answered and scored; each one a person does not grade (an essay) reviewed on its card.
    rated = [data["id"] for data in layout_data(app, first) + layout_data(app, public_id) if data["type"] != "essay"]
    assert len(layout_data(app, public_id)) == answers == 10 and attempt.submitted_at and attempt.score > 0
    assert logs == len(rated) and cards == len(set(rated))


def test_a_guest_quiz_round_stays_within_the_same_budgets(app, client):
    quiz_round(app, client)
    public_id = quiz_round(app, client, ROUND_BUDGETS)
    attempt, answers, _, logs = stored(app, public_id)
    assert attempt.owner_key.startswith("guest:") and answers == 10 and logs > 0 and attempt.submitted_at


def test_a_guest_sends_no_learner_row(app, client):
    quiz_round(app, client)
    with count_statements(app) as sent:
        quiz_round(app, client)
    assert not [statement for statement in sent if "login_session" in statement]


def test_the_badge_is_one_statement(app, client, auth):
    auth.register()
    quiz_round(app, client)
    _, sent = within(app, QUIZ_PAGE_BUDGET, lambda: client.get("/lessons/trade/quiz"))
    badge = [statement for statement in sent if "review_card" in statement or "review_log" in statement]
    assert len(badge) == 1, labelled(sent)


def test_a_practice_check_stays_within_its_budget(app, client, auth):
    auth.register()
    quiz_round(app, client)
    public_id = start(client, mode="practice")
    token = csrf_token(client)
    position, data = next((p, d) for p, d in enumerate(layout_data(app, public_id)) if d["type"] == "single_choice")
    client.get(f"/attempts/{public_id}?q={position}")
    values = form_values(data, f"q{position}", wrong_response(data))
    form = {**shown(app, public_id, values), "position": position, "try_number": 1, "csrf_token": token}
    response, _ = within(app, PRACTICE_CHECK_BUDGET, lambda: client.post(f"/attempts/{public_id}/check", data=form))
    assert response.status_code == 302
    with app.app_context():
        tries = db.session.scalars(sa.select(Answer).join(Attempt).where(Attempt.public_id == public_id)).all()
        assert [(t.position, t.try_number, t.status) for t in tries] == [(position, 1, "wrong")]


def test_a_budget_fails_when_a_request_sends_one_more_statement(app, client, auth, monkeypatch):
    """The budgets cannot pass silently: one more query on the quiz page trips the assertion and names it."""
    from app.learning import quiz_routes

    auth.register()
    quiz_round(app, client)
    within(app, QUIZ_PAGE_BUDGET, lambda: client.get("/lessons/trade/quiz"))
    counted = quiz_routes.open_question_ids

    def one_more(lesson_id):
        db.session.execute(sa.select(sa.literal(1)))
        return counted(lesson_id)

    monkeypatch.setattr(quiz_routes, "open_question_ids", one_more)
    with pytest.raises(AssertionError, match=r"4 statements, budget 3:\n +1\. SELECT \S+ AS anon_1"):
        within(app, QUIZ_PAGE_BUDGET, lambda: client.get("/lessons/trade/quiz"))


# The learner's other pages (slice L2), after a quiz round. Signed in: the learner's row, the badge (their cards and
# today's reviews, one statement shared with the page), then what the page itself needs.
LESSON_BUDGET = 4  # learner's row · visit upsert (RETURNING when it was marked read) · the lesson's review log · badge
HOME_BUDGET = 5  # learner's row · visits · review log with cards · attempts (with answer counts, assignments) · badge
DASHBOARD_BUDGET = 6  # HOME's five · reading per lesson and day (time spent, activity heatmap, streak)
REVIEW_CARD_BUDGET = 3  # learner's row · badge · the queue (every card's schedule with today's reviews); question from memory
REVIEW_ANSWER_BUDGET = 4  # learner's row · the card with the day's due dates (its load) · claim UPDATE · log INSERT RETURNING


def learner_after_a_round(app, client, auth) -> str:
    """A signed-in learner who has done one quiz round, each page already seen once (the worker's memory is warm)."""
    auth.register()
    quiz_round(app, client)
    for path in ("/lessons/trade", "/", "/me", "/review"):
        client.get(path)
    with app.app_context():
        return db.session.scalar(sa.select(Attempt.owner_key))


def test_the_signed_in_lesson_page_stays_within_its_budget_and_counts_the_visit(app, client, auth):
    owner = learner_after_a_round(app, client, auth)
    visits = lambda: db.session.scalar(sa.select(LessonProgress.visits).where(LessonProgress.owner_key == owner))  # noqa: E731
    with app.app_context():
        before = visits()
    page, _ = within(app, LESSON_BUDGET, lambda: client.get("/lessons/trade"))
    assert page.status_code == 200 and "Check yourself" in page.get_data(as_text=True)
    with app.app_context():
        assert visits() == before + 1


def test_the_signed_in_home_page_stays_within_its_budget(app, client, auth):
    learner_after_a_round(app, client, auth)
    page, _ = within(app, HOME_BUDGET, lambda: client.get("/"))
    assert "Up next" in page.get_data(as_text=True)


def test_the_dashboard_stays_within_its_budget(app, client, auth):
    learner_after_a_round(app, client, auth)
    page, _ = within(app, DASHBOARD_BUDGET, lambda: client.get("/me"))
    assert "1 of" in page.get_data(as_text=True)  # the headline: "1 of N lessons started"


def due_card(app, client, auth) -> tuple[int, str]:
    """A learner after a round with three cards due: the card /review shows, and a CSRF token."""
    owner = learner_after_a_round(app, client, auth)
    make_due(app, owner, count=3)
    client.get("/review")
    html = client.get("/review").get_data(as_text=True)
    return (int(re.search(r'action="/review/(\d+)"', html).group(1)),
            re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html).group(1))


def test_a_review_card_and_its_answer_stay_within_their_budgets(app, client, auth):
    card_id, token = due_card(app, client, auth)
    page, _ = within(app, REVIEW_CARD_BUDGET, lambda: client.get("/review"))
    assert f'action="/review/{card_id}"' in page.get_data(as_text=True)
    answer = lambda: client.post(f"/review/{card_id}", data={"csrf_token": token, "shown_at": "1"})  # noqa: E731
    answered, _ = within(app, REVIEW_ANSWER_BUDGET, answer)
    assert "/review/done/" in answered.headers["Location"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card_id,
                                                                                ReviewLog.source == "review")) == 1
    again, _ = within(app, REVIEW_ANSWER_BUDGET, answer)  # a repeated post changes nothing
    assert again.headers["Location"].endswith("/review")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.card_id == card_id,
                                                                                ReviewLog.source == "review")) == 1


def test_a_learner_page_budget_fails_when_a_request_sends_one_more_statement(app, client, auth, monkeypatch):
    """The L2 budgets cannot pass silently either: one more query on the home page trips the assertion and names it."""
    from app import next_steps

    learner_after_a_round(app, client, auth)
    within(app, HOME_BUDGET, lambda: client.get("/"))
    sizes = next_steps.course_bank_sizes

    def one_more():
        db.session.execute(sa.text("SELECT 1 AS one_more"))
        return sizes()

    monkeypatch.setattr(next_steps, "course_bank_sizes", one_more)
    with pytest.raises(AssertionError, match=rf"{HOME_BUDGET + 1} statements, budget {HOME_BUDGET}:[\s\S]*one_more"):
        within(app, HOME_BUDGET, lambda: client.get("/"))


AUTOSAVE_BUDGET = 3  # the attempt (with its answers: none while open) · learner's row · the draft's conditional UPDATE


def test_an_exam_s_autosave_stays_within_its_budget_and_reads_no_card(app, client, auth):
    """A timed exam saves its answers every few seconds: the save must not read the learner's cards."""
    auth.register()
    quiz_round(app, client)
    public_id = start(client)
    form = {**key_form(app, public_id), "save": "save", "csrf_token": csrf_token(client)}
    response, sent = within(app, AUTOSAVE_BUDGET, lambda: client.post(
        f"/attempts/{public_id}/submit", data=form, headers={"Accept": "application/json"}))
    assert response.get_json()["saved"] is True
    assert not [statement for statement in sent if "review_card" in statement], labelled(sent)
