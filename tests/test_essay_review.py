"""A learner's own grade of an essay, over HTTP: it is the essay's mark and its review rating (practice, tests
outside assignments), a test's result counts the essays still to grade, and a due essay is written again on the
review page and rated only when the learner grades it there."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Attempt, ReviewCard, ReviewLog
from tests.conftest import csrf_token
from tests.test_quiz import key_form, layout_data, said, shown, start, start_drawing, stored_answers

ESSAY = "trade-essay-potential-and-politics"
ESSAY_TEXT = "Politics has governed trade.\n\nMFN from India in 1996 changed little by 2004; imports grew with normalisation."
MODEL_ANSWER_START = "Trade has done little because politics has governed it"
TOP = {"thesis": 3, "evidence": 3, "causes": 3, "accuracy": 3}  # the index of each criterion's top level
BOTTOM = {criterion: 0 for criterion in TOP}
HALF = {"thesis": 1, "evidence": 2, "causes": 2, "accuracy": 1}  # 1 + 4 + 4 + 1 of 18 points


def levels(chosen: dict[str, int]) -> dict[str, int]:
    return {f"level-{criterion}": index for criterion, index in chosen.items()}


def essay_position(app, public_id) -> int:
    return next(position for position, data in enumerate(layout_data(app, public_id)) if data["id"] == ESSAY)


def write_practice_essay(app, client) -> tuple[str, int]:
    """A practice attempt on trade (the whole bank) whose essay is written and checked: (attempt id, essay position)."""
    public_id = start(client, "trade", "practice")
    position = essay_position(app, public_id)
    response = client.post(f"/attempts/{public_id}/check", data={
        **shown(app, public_id, {f"q{position}": [ESSAY_TEXT]}), "position": position, "try_number": 1,
        "csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert response.status_code == 302
    return public_id, position


def self_grade(client, public_id, position, chosen: dict[str, int]):
    return client.post(f"/attempts/{public_id}/self-grade", data={
        "position": position, **levels(chosen), "csrf_token": csrf_token(client, "/lessons/trade/quiz")})


def essay_rows(app) -> tuple[tuple | None, list[tuple]]:
    """The essay's review card as (id, due, last review), or None, and its reviews as (source, rating, score, response)."""
    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.question_id == ESSAY))
        logs = db.session.scalars(sa.select(ReviewLog).where(ReviewLog.question_id == ESSAY).order_by(ReviewLog.id))
        return ((card.id, card.due, card.last_review) if card else None,
                [(log.source, log.rating, log.score, log.response) for log in logs])


def make_essay_due(app):
    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.question_id == ESSAY))
        card.last_review = datetime.now(timezone.utc) - timedelta(days=3)
        card.due = datetime.now(timezone.utc) - timedelta(days=1)
        db.session.commit()
        return card.id


def test_a_self_graded_practice_essay_becomes_a_review_card_rated_by_its_grade(app, client):
    public_id, position = write_practice_essay(app, client)
    [answer] = stored_answers(app, public_id)
    assert answer.status == "pending" and answer.score == 0
    assert essay_rows(app) == (None, [])  # waiting for a grade: nothing to rate yet
    page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
    assert "Waiting for a grade" in page and MODEL_ANSWER_START in page and "Save my grade" in page

    assert self_grade(client, public_id, position, HALF).status_code == 302
    [answer] = stored_answers(app, public_id)
    assert answer.status == "partial" and answer.score == pytest.approx(10 / 18)
    card, logs = essay_rows(app)
    assert card is not None and logs == [("self-grade", 2, pytest.approx(10 / 18), ESSAY_TEXT)]  # partly right: Hard

    again = self_grade(client, public_id, position, TOP)  # a second grade changes nothing
    assert "no grade to give now" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert stored_answers(app, public_id)[0].score == pytest.approx(10 / 18) and len(essay_rows(app)[1]) == 1


@pytest.mark.parametrize("chosen, message", [
    ({**TOP, "thesis": 4}, "Choose a level for “Thesis”"),  # no fifth level
    ({"thesis": 3, "evidence": 3, "causes": 3}, "Choose a level for “Accuracy”"),
    ({**TOP, "evidence": "top"}, "Choose a level for “Evidence from the lesson”"),
])
def test_a_forged_self_grade_is_refused_and_changes_nothing(app, client, chosen, message):
    public_id, position = write_practice_essay(app, client)
    response = self_grade(client, public_id, position, chosen)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert stored_answers(app, public_id)[0].status == "pending" and essay_rows(app) == (None, [])


def test_a_test_result_counts_the_essays_still_to_grade_and_the_grade_then_counts(app, client):
    public_id = start_drawing(app, client, essay=True)
    position = essay_position(app, public_id)
    assert key_response(layout_data(app, public_id)[position]).startswith(MODEL_ANSWER_START)
    client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id), "csrf_token": csrf_token(client)})
    result = said(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert "You scored <strong>9/9</strong> on the marked questions; 1 essay to grade (10 questions in all)." in result
    assert "Waiting for a grade" in result and "Save my grade" in result
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id))) == 9  # the essay waits for its grade

    assert self_grade(client, public_id, position, TOP).status_code == 302
    result = said(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert 'You scored <strong>10/10</strong> <span class="percent">(100 %)</span>' in result and "Your own grade: Thesis: 3 of 3" in result
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 10.0
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id))) == 10
    assert essay_rows(app)[1] == [("self-grade", 3, 1.0, key_response(layout_data(app, public_id)[position]))]  # right: Good


def test_an_essay_left_unwritten_in_a_test_is_no_review_card_and_never_comes_up_in_review(app, client):
    """A blank answer is rated Again, but an essay is rated only by a grade: left unwritten it has none, so no card."""
    from app.learning.review_routes import review_queue

    public_id = start_drawing(app, client, essay=True)
    position = essay_position(app, public_id)
    answers = {name: value for name, value in key_form(app, public_id).items()
               if name != f"q{position}" and not name.startswith(f"q{position}-")}
    response = client.post(f"/attempts/{public_id}/submit", data={**answers, "csrf_token": csrf_token(client)})
    assert response.status_code == 302
    assert essay_rows(app) == (None, [])
    with app.test_request_context():
        owner = db.session.scalar(sa.select(Attempt.owner_key).where(Attempt.public_id == public_id))
        db.session.execute(sa.update(ReviewCard).values(due=datetime.now(timezone.utc) - timedelta(days=1)))
        db.session.commit()
        queue = [card.id for card in review_queue(owner, datetime.now(timezone.utc) + timedelta(days=3650))]
        questions = set(db.session.scalars(sa.select(ReviewCard.question_id).where(ReviewCard.id.in_(queue))))
    assert len(questions) == 9 and ESSAY not in questions  # the nine other questions, each due
    page = client.get("/review").get_data(as_text=True)
    assert "data-essay" not in page and "Hand in and grade it" not in page


def test_an_essay_checked_blank_in_practice_is_no_review_card(app, client):
    public_id = start(client, "trade", "practice")
    position = essay_position(app, public_id)
    response = client.post(f"/attempts/{public_id}/check", data={
        **shown(app, public_id, {f"q{position}": [""]}), "position": position, "try_number": 1,
        "csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert response.status_code == 302
    assert [answer.status for answer in stored_answers(app, public_id)] == ["unanswered"]
    assert essay_rows(app) == (None, [])


def review_grade_form(client, card_id, text=ESSAY_TEXT) -> tuple[str, dict]:
    """Write the essay on the review page: the grading page it answers with, and its form's hidden fields."""
    token = csrf_token(client, "/review")
    page = client.post(f"/review/{card_id}", data={"q0": text, "shown_at": "", "csrf_token": token})
    assert page.status_code == 200, page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    form = re.search(rf'<form method="post" action="/review/{card_id}/grade".*?</form>', html, re.S).group(0)
    hidden = {name: value for name, value in re.findall(r'<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form)}
    hidden.update(re.findall(r'<input[^>]*name="([^"]+)"[^>]*type="hidden"[^>]*value="([^"]*)"', form))
    return html, hidden


def test_a_due_essay_is_written_on_the_review_page_and_rated_only_by_its_grade(app, client):
    """A guest's essay: the review page asks for it, shows the model answer once it is written, and the grade rates it."""
    public_id, position = write_practice_essay(app, client)
    self_grade(client, public_id, position, HALF)
    card_id = make_essay_due(app)
    before, _ = essay_rows(app)

    page = client.get("/review").get_data(as_text=True)
    assert f'action="/review/{card_id}"' in page and "data-essay" in page and "trade as one of the channels" in page
    assert MODEL_ANSWER_START not in page and "A strong answer explains" not in page  # the key waits for the essay
    html, hidden = review_grade_form(client, card_id)
    assert "Politics has governed trade." in html and MODEL_ANSWER_START in html and "A strong answer explains" in html
    assert 'name="level-thesis"' in html and hidden["q0"].startswith("Politics has governed trade.")
    assert essay_rows(app) == (before, [("self-grade", 2, pytest.approx(10 / 18), ESSAY_TEXT)])  # written, not yet rated

    response = client.post(f"/review/{card_id}/grade", data={**hidden, **levels(TOP)})
    assert response.status_code == 302 and "/review/done/" in response.headers["Location"]
    card, logs = essay_rows(app)
    assert card[1] > before[1] and logs[1] == ("review", 3, 1.0, ESSAY_TEXT)  # fully right: Good
    feedback = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Correct" in feedback and MODEL_ANSWER_START in feedback and "How did that feel?" not in feedback
    rate = client.post(response.headers["Location"] + "/rate", data={"rating": "easy", "csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert rate.status_code == 400  # an essay's rating is the grade it was given

    again = client.post(f"/review/{card_id}/grade", data={**hidden, **levels(BOTTOM)})
    assert again.status_code == 302 and again.headers["Location"] == "/review"
    assert essay_rows(app) == (card, logs)


def test_a_grade_for_an_earlier_review_of_the_card_rates_nothing(app, client):
    """The grading page belongs to one review: posted again once the card is due again, it is refused."""
    public_id, position = write_practice_essay(app, client)
    self_grade(client, public_id, position, HALF)
    card_id = make_essay_due(app)
    _, hidden = review_grade_form(client, card_id)
    client.post(f"/review/{card_id}/grade", data={**hidden, **levels(BOTTOM)})
    make_essay_due(app)
    card, logs = essay_rows(app)
    again = client.post(f"/review/{card_id}/grade", data={**hidden, **levels(TOP)})
    assert again.status_code == 302 and again.headers["Location"] == "/review"
    assert essay_rows(app) == (card, logs) and [log[1] for log in logs] == [2, 1]  # Hard, then Again


def test_writing_a_due_essay_in_review_never_hands_a_pending_mark_to_the_scheduler(app, client):
    """An essay's score is pending until graded, and pending has no FSRS rating: answering a due essay card used to
    fail with a server error; it now shows the grading step and stores nothing."""
    public_id, position = write_practice_essay(app, client)
    self_grade(client, public_id, position, TOP)
    card_id = make_essay_due(app)
    before = essay_rows(app)
    response = client.post(f"/review/{card_id}", data={"q0": ESSAY_TEXT, "csrf_token": csrf_token(client, "/review")})
    assert response.status_code == 200 and "Grade your essay" in response.get_data(as_text=True)
    assert essay_rows(app) == before
    blank = client.post(f"/review/{card_id}", data={"q0": "  ", "csrf_token": csrf_token(client, "/review")})
    assert blank.status_code == 302  # an essay left blank is a wrong answer like any other: rated Again at once
    assert [log[1] for log in essay_rows(app)[1]] == [3, 1]


@pytest.mark.parametrize("change, message", [
    ({"level-thesis": "7"}, "Choose a level for “Thesis”"),
    ({"level-accuracy": ""}, "Choose a level for “Accuracy”"),
    ({"q0": ""}, "The essay to grade is missing"),
    ({"q0": "x" * 20_001}, "the limit is 20000"),
])
def test_a_forged_review_grade_is_refused_and_changes_nothing(app, client, change, message):
    public_id, position = write_practice_essay(app, client)
    self_grade(client, public_id, position, HALF)
    card_id = make_essay_due(app)
    _, hidden = review_grade_form(client, card_id)
    before = essay_rows(app)
    response = client.post(f"/review/{card_id}/grade", data={**hidden, **levels(TOP), **change})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert essay_rows(app) == before


def test_another_learners_essay_card_cannot_be_graded(app, client):
    public_id, position = write_practice_essay(app, client)
    self_grade(client, public_id, position, HALF)
    card_id = make_essay_due(app)
    _, hidden = review_grade_form(client, card_id)
    stranger = app.test_client()
    before = essay_rows(app)
    response = stranger.post(f"/review/{card_id}/grade", data={**hidden, **levels(TOP), "csrf_token": csrf_token(stranger, "/lessons/trade/quiz")})
    assert response.status_code == 403 and essay_rows(app) == before


def test_a_checked_card_is_not_graded_with_a_rubric(app, client):
    public_id = start(client, "trade", "practice")
    position, data = next((position, data) for position, data in enumerate(layout_data(app, public_id)) if data["id"] != ESSAY)
    client.post(f"/attempts/{public_id}/check", data={**shown(app, public_id, form_values(data, f"q{position}", key_response(data))),
                                                     "position": position, "try_number": 1, "csrf_token": csrf_token(client)})
    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.question_id == data["id"]))
        card.due = datetime.now(timezone.utc) - timedelta(days=1)
        db.session.commit()
        card_id, stamp = card.id, card.last_review.replace(tzinfo=timezone.utc).isoformat()
    response = client.post(f"/review/{card_id}/grade", data={"reviewing": stamp, **levels(TOP), "csrf_token": csrf_token(client, "/review")})
    assert response.status_code == 400 and "not graded with a rubric" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.source == "review")) == 0
