"""The result page: the score and what was missed first, right answers folded away, options marked in words,
and "Practise the ones I missed" starting a practice of exactly those questions."""

import re
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.course.scoring import key_response
from app.course.quiz import form_values
from app.extensions import db
from app.models import Attempt
from tests.test_quiz import attempt_row, csrf_token, layout_data, said, shown, start, start_drawing, wrong_response


def submit_half_wrong(app, client, essay=False, slug="trade") -> tuple[str, list[int]]:
    """A test with every other question answered wrongly (the rest with the key); the wrong positions."""
    public_id = start_drawing(app, client, essay, slug)
    values, wrong = {}, []
    for position, data in enumerate(layout_data(app, public_id)):
        response = key_response(data) if position % 2 == 0 or data["type"] == "essay" else wrong_response(data)
        if position % 2 == 1 and data["type"] != "essay":
            wrong.append(position)
        values.update(form_values(data, f"q{position}", response))
    answered = client.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, values),
                                                                  "csrf_token": csrf_token(client)})
    assert answered.status_code == 302
    return public_id, wrong


def result_page(client, public_id) -> str:
    return client.get(f"/attempts/{public_id}/result").get_data(as_text=True)


def practise(client, public_id, token=None):
    return client.post(f"/attempts/{public_id}/practise-missed", data={"csrf_token": token or csrf_token(client)})


def attempts_of(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Attempt.id)))


def test_the_score_and_the_missed_questions_come_first(app, client):
    public_id, wrong = submit_half_wrong(app, client)
    page = said(result_page(client, public_id))
    score = attempt_row(app, public_id).score
    assert f'You scored <strong>{score:g}/10</strong> <span class="percent">({round(10 * score)} %)</span>' in page
    score_at, missed_at, first_question = page.index("You scored"), page.index("To look at again (5)"), page.index('id="r1"')
    assert score_at < missed_at < first_question
    summary = page[missed_at:first_question]
    assert re.findall(r'href="#r(\d+)"', summary) == [str(position + 1) for position in wrong]
    assert "Practise the 5 I missed" in summary and "Time taken:" in page


def test_right_answers_are_folded_and_wrong_ones_open(app, client):
    public_id, wrong = submit_half_wrong(app, client)
    page = result_page(client, public_id)
    items = re.findall(r'<li class="review-item[^"]*" id="r(\d+)">\s*<details( open)?>', page)
    assert len(items) == 10
    assert [int(number) - 1 for number, is_open in items if is_open] == wrong


def test_an_option_is_marked_as_your_choice_and_the_right_answer_in_words(app, client):
    public_id, _ = submit_half_wrong(app, client)
    page = said(result_page(client, public_id))
    assert '<span class="tag">Your choice</span>' in page and '<span class="tag">Right answer</span>' in page
    assert "mark 1.00 of 1" not in page and "1/1" in page and "0/1" in page


def test_a_right_typed_answer_is_printed_once_and_other_accepted_answers_are_named_as_such(app, client):
    """Short answers: a right one shows only "Your answer"; a wrong one the key, and "Also accepted" for the variants."""
    for _ in range(30):
        public_id, wrong = submit_half_wrong(app, client, slug="influential-personalities")
        typed = [(position, data) for position, data in enumerate(layout_data(app, public_id))
                 if data["type"] == "short_answer" and sum(a["credit"] == 1 for a in data["answers"]) > 1]
        if any(position in wrong for position, _ in typed) and any(position not in wrong for position, _ in typed):
            break
    else:
        raise AssertionError("30 tests drew no right and wrong short answer with variants")
    page = result_page(client, public_id)
    for position, data in typed:
        item = page[page.index(f'id="r{position + 1}"'):]
        item = item[:item.index("</li>")]
        assert ("<dt>The answer</dt>" in item) == (position in wrong)
        if position in wrong:
            rest = [a["text"] for a in data["answers"] if a["credit"] == 1][1:]
            assert f"Also accepted: {', '.join(rest)}." in said(item) and " or " not in said(item).split("The answer")[1][:40]


def test_practise_the_ones_i_missed_starts_a_practice_of_exactly_those_in_order(app, client):
    public_id, wrong = submit_half_wrong(app, client)
    missed_ids = [layout_data(app, public_id)[position]["id"] for position in wrong]
    started = practise(client, public_id)
    assert started.status_code == 302
    practice_id = started.headers["Location"].rsplit("/", 1)[-1]
    practice = attempt_row(app, practice_id)
    assert practice.mode == "practice" and practice.max_score == len(wrong)
    assert [entry["question"] for entry in practice.layout] == missed_ids
    assert "Practice of the 5 questions you missed." in client.get(started.headers["Location"]).get_data(as_text=True)


def test_nothing_missed_shows_no_practice_button_and_refuses_one(app, client):
    public_id = start_drawing(app, client, essay=False)
    values = {}
    for position, data in enumerate(layout_data(app, public_id)):
        values.update(form_values(data, f"q{position}", key_response(data)))
    client.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, values),
                                                       "csrf_token": csrf_token(client)})
    page = said(result_page(client, public_id))
    assert "10/10" in page and "Every question right." in page
    assert "I missed" not in page and "To look at again" not in page
    assert page.count("<details open>") == 0
    before = attempts_of(app)
    refused = practise(client, public_id)
    assert refused.status_code == 400 and "nothing to practise" in refused.get_data(as_text=True)
    assert attempts_of(app) == before


def test_practising_a_forged_or_someone_elses_attempt_is_not_found_and_starts_nothing(app, client):
    public_id, _ = submit_half_wrong(app, client)
    before = attempts_of(app)
    assert practise(client, "no-such-attempt").status_code == 404
    stranger = app.test_client()
    stranger.get("/lessons/trade/quiz")
    refused = practise(stranger, public_id, csrf_token(stranger))
    assert refused.status_code == 404 and "no quiz attempt of yours" in refused.get_data(as_text=True)
    assert attempts_of(app) == before


def test_practising_needs_the_csrf_token_and_a_submitted_attempt(app, client):
    public_id = start(client)
    before = attempts_of(app)
    assert practise(client, public_id).status_code == 400  # still open
    assert attempts_of(app) == before
    # Counted after the draw: submit_half_wrong may start several tests before one draws no essay.
    done, _ = submit_half_wrong(app, client)
    before = attempts_of(app)
    assert client.post(f"/attempts/{done}/practise-missed", data={}).status_code == 400
    assert attempts_of(app) == before


def test_a_timed_test_handed_in_at_its_deadline_says_time_ran_out(app, client):
    public_id = start(client)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        attempt.started_at = datetime.now(timezone.utc) - timedelta(minutes=11)
        attempt.deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    client.get(f"/attempts/{public_id}")  # past the deadline: closed with what was saved
    page = said(result_page(client, public_id))
    assert "Time ran out:" in page and "Time taken" not in page


def test_the_next_step_names_the_next_lesson(app, client):
    public_id, _ = submit_half_wrong(app, client)
    page = said(result_page(client, public_id))
    with app.app_context():
        from app.learning.routes import course_lessons
        lessons = course_lessons()
    slugs = [lesson.slug for lesson in lessons]
    following = lessons[slugs.index("trade") + 1] if slugs.index("trade") + 1 < len(lessons) else None
    if following:
        assert f"Next lesson: {following.title}" in page
    assert page.index("What next") > page.index('id="r10"')


def test_a_blank_test_keeps_its_answers_folded_and_says_every_question_went_into_review(app, client):
    """Left blank, a question shows its prompt open but its key, model answer, rubric and explanation under a closed fold."""
    public_id = start_drawing(app, client, essay=True)
    client.post(f"/attempts/{public_id}/submit", data={"csrf_token": csrf_token(client)})
    page = result_page(client, public_id)
    items = page[:page.index('id="next-heading"')].split('<li class="review-item')[1:]
    assert len(items) == 10 and all("status-unanswered" in item for item in items)
    for item in items:
        assert item.count("<details open>") == 1 and '<details class="fold">' in item
        assert "<summary>Show the" in item and item.index('<details class="fold">') < item.index('class="explanation"')
    essay = next(item for item in items if 'class="rubric"' in item)
    assert essay.index('<details class="fold">') < essay.index("Model answer") < essay.index('class="rubric"')
    assert "The questions you answered" not in page
    text = said(page)
    assert "Every question of this test, the ones left blank too, is now in your spaced review" in text
    assert "An essay joins it once it is graded." in text


def test_the_next_steps_are_offered_under_the_summary_too(app, client):
    public_id, _ = submit_half_wrong(app, client)
    page = said(result_page(client, public_id))
    top = page[page.index("Practise the 5 I missed"):page.index('id="r1"')]
    assert 'aria-label="Where to go next"' in top and 'href="#next-heading"' in top
    assert "Next lesson:" in top and 'class="button secondary"' in top  # practising the missed ones leads
    assert page.index('id="next-heading"') > page.index('id="r10"')
