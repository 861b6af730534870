"""Handing in over HTTP: drafts saved as the page's autosave sends them, the summary that asks once before a test is
submitted or a practice finished early, late and forged requests."""

import re
import threading
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Answer, Attempt
from tests.test_quiz import attempt_row, csrf_token, is_essay, layout_data, shown, start, stored_answers, wrong_response
from tests.test_teaching import create_assignment, create_class, join, person, start as start_assignment

JSON = {"Accept": "application/json"}


def plain_positions(app, public_id: str) -> list[int]:
    """Positions of the attempt's questions other than essays (an essay's blank is typed, not chosen)."""
    return [position for position, data in enumerate(layout_data(app, public_id)) if not is_essay(data)]


def key_values(app, public_id: str, positions: list[int]) -> dict[str, list[str]]:
    """The key of the questions at ``positions``, as the attempt's page would send it."""
    questions = layout_data(app, public_id)
    values: dict[str, list[str]] = {}
    for position in positions:
        values.update(form_values(questions[position], f"q{position}", key_response(questions[position])))
    return shown(app, public_id, values)


def post_draft(client, public_id: str, values: dict, button: str = "save", headers: dict | None = None):
    return client.post(f"/attempts/{public_id}/submit", headers=headers or {},
                       data={**values, button: button, "csrf_token": csrf_token(client, "/lessons/trade/quiz")})


def answered_in(draft: list | None) -> list[int]:
    return [position for position, response in enumerate(draft or []) if response is not None]


def test_review_and_submit_saves_the_answers_then_lists_the_unanswered_before_scoring(app, client):
    public_id = start(client)
    first, second = plain_positions(app, public_id)[:2]
    response = post_draft(client, public_id, key_values(app, public_id, [first, second]), button="submit")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/attempts/{public_id}/summary")
    assert answered_in(attempt_row(app, public_id).draft) == sorted([first, second])
    assert not attempt_row(app, public_id).is_submitted and stored_answers(app, public_id) == []
    page = client.get(f"/attempts/{public_id}/summary").get_data(as_text=True)
    assert "8 questions not answered" in page
    assert len(re.findall(r'class="summary-row state-answered"', page)) == 2
    assert len(re.findall(r'class="summary-row state-unanswered"', page)) == 8
    # Each row links back to its question on the test page.
    third = next(p for p in range(10) if p not in (first, second))
    assert f'href="/attempts/{public_id}#q{third}"' in page
    assert "Submit and finish" in page and "Return to the test" in page
    # Each row names its question by a short plain excerpt of the prompt, cut at a word.
    excerpts = re.findall(r'<span class="row-prompt">([^<]*)</span>', page)
    prompts = [re.sub(r"<[^>]+>", "", data["prompt"]) for data in layout_data(app, public_id)]
    assert len(excerpts) == 10 and all(len(excerpt) <= 65 for excerpt in excerpts)
    assert all(prompt.split()[0] in excerpt for excerpt, prompt in zip(excerpts, prompts))
    response = client.post(f"/attempts/{public_id}/finish", data={"csrf_token": csrf_token(client, f"/attempts/{public_id}/summary"),
                                                                 "confirmed": "yes"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    attempt = attempt_row(app, public_id)
    assert attempt.is_submitted and attempt.score == 2.0
    assert len(stored_answers(app, public_id)) == 10


def test_an_empty_test_asks_before_it_is_scored(app, client):
    public_id = start(client)
    response = post_draft(client, public_id, {}, button="submit")
    assert response.headers["Location"].endswith("/summary")
    page = client.get(f"/attempts/{public_id}/summary").get_data(as_text=True)
    assert "You have not answered any question yet" in page
    assert not attempt_row(app, public_id).is_submitted


def test_a_summary_with_everything_answered_says_so(app, client):
    public_id = start(client)
    questions = layout_data(app, public_id)
    values = shown(app, public_id, {name: value for position, data in enumerate(questions)
                                    for name, value in form_values(data, f"q{position}", key_response(data)).items()})
    post_draft(client, public_id, values, button="submit")
    assert "You have answered all 10 questions." in client.get(f"/attempts/{public_id}/summary").get_data(as_text=True)


def test_the_autosave_gets_json_and_saving_the_same_draft_again_changes_nothing(app, client):
    public_id = start(client)
    values = key_values(app, public_id, plain_positions(app, public_id)[:2])
    first = post_draft(client, public_id, values, headers=JSON)
    assert first.status_code == 200 and first.json == {"saved": True, "answered": 2, "total": 10}
    draft = attempt_row(app, public_id).draft
    again = post_draft(client, public_id, values, headers=JSON)
    assert again.status_code == 200 and again.json == first.json
    attempt = attempt_row(app, public_id)
    assert attempt.draft == draft and not attempt.is_submitted and stored_answers(app, public_id) == []


def test_a_draft_sent_after_the_test_was_submitted_is_refused_and_changes_nothing(app, client):
    public_id = start(client)
    positions = plain_positions(app, public_id)
    post_draft(client, public_id, key_values(app, public_id, positions[:1]), button="submit")
    client.post(f"/attempts/{public_id}/finish", data={"csrf_token": csrf_token(client, f"/attempts/{public_id}/summary")})
    before = attempt_row(app, public_id)
    late = post_draft(client, public_id, key_values(app, public_id, positions[:4]), headers=JSON)
    assert late.status_code == 409
    assert late.json["reason"] == "This attempt was already handed in, so this copy of your answers was not saved."
    assert late.json["result"] == f"/attempts/{public_id}/result"
    after = attempt_row(app, public_id)
    assert (after.draft, after.score, after.submitted_at) == (before.draft, before.score, before.submitted_at)
    assert len(stored_answers(app, public_id)) == 10
    # The no-JavaScript form is sent to the result instead.
    response = post_draft(client, public_id, key_values(app, public_id, positions[:4]))
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")


def test_eight_drafts_posted_at_once_leave_one_of_them_whole(app, client):
    public_id = start(client)
    positions = plain_positions(app, public_id)[:8]
    drafts = [key_values(app, public_id, positions[:n + 1]) for n in range(8)]
    token = csrf_token(client, f"/attempts/{public_id}")
    cookie = client.get_cookie("session").value
    tabs = []
    for _ in drafts:
        tab = app.test_client()
        tab.set_cookie("session", cookie)
        tabs.append(tab)
    statuses: list[int] = []
    gate = threading.Barrier(len(drafts))

    def send(tab, values):
        gate.wait()
        statuses.append(tab.post(f"/attempts/{public_id}/submit", headers=JSON,
                                 data={**values, "save": "save", "csrf_token": token}).status_code)

    threads = [threading.Thread(target=send, args=pair) for pair in zip(tabs, drafts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 8
    saved = answered_in(attempt_row(app, public_id).draft)
    assert saved in [sorted(positions[:n + 1]) for n in range(8)]  # exactly one of the eight, not a mixture
    assert not attempt_row(app, public_id).is_submitted and stored_answers(app, public_id) == []


def test_an_attempt_id_that_is_made_up_or_someone_elses_is_404_and_nothing_changes(app, client):
    public_id = start(client)
    values = key_values(app, public_id, plain_positions(app, public_id)[:2])
    post_draft(client, public_id, values)
    stranger = app.test_client()
    token = csrf_token(stranger, "/lessons/trade/quiz")
    for ident in ("made-up-attempt", public_id):
        assert stranger.get(f"/attempts/{ident}/summary").status_code == 404
        for action, data in (("submit", {"save": "save"}), ("submit", {"submit": "review"}), ("submit", {}),
                             ("finish", {"confirmed": "yes"})):
            response = stranger.post(f"/attempts/{ident}/{action}", headers=JSON, data={**data, "csrf_token": token})
            assert response.status_code == 404 and response.json["reason"] == "There is no quiz attempt with this address."
    attempt = attempt_row(app, public_id)
    assert answered_in(attempt.draft) == sorted(plain_positions(app, public_id)[:2]) and not attempt.is_submitted


def test_a_draft_without_its_csrf_token_is_refused(app, client):
    public_id = start(client)
    response = client.post(f"/attempts/{public_id}/submit", headers=JSON, data={"save": "save"})
    assert response.status_code == 400 and attempt_row(app, public_id).draft is None


def test_finishing_a_practice_early_asks_first(app, client):
    public_id = start(client, mode="practice")
    questions = layout_data(app, public_id)
    position = plain_positions(app, public_id)[0]
    token = csrf_token(client)
    client.post(f"/attempts/{public_id}/check", data={
        **shown(app, public_id, form_values(questions[position], f"q{position}", key_response(questions[position]))),
        "position": position, "try_number": 1, "csrf_token": token})
    response = client.post(f"/attempts/{public_id}/finish", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].endswith("/summary")
    assert not attempt_row(app, public_id).is_submitted
    page = client.get(f"/attempts/{public_id}/summary").get_data(as_text=True)
    assert f"You answered 1 of {len(questions)}. Finish anyway?" in page
    # Going back leads; finishing half done is the second choice.
    assert '<a class="button" href="/attempts/' in page and "Return to the practice</a>" in page
    assert '<button class="button secondary" type="submit">Finish anyway</button>' in page
    assert page.index("Return to the practice") < page.index("Finish anyway</button>")
    assert f'data-position="{position}"' in page and "Right" in page
    response = client.post(f"/attempts/{public_id}/finish", data={"csrf_token": token, "confirmed": "yes"})
    assert response.headers["Location"].endswith("/result")
    assert attempt_row(app, public_id).score == 1.0


def test_the_practice_bar_counts_what_is_done_and_right(app, client):
    public_id = start(client, mode="practice")
    questions = layout_data(app, public_id)
    right, wrong = plain_positions(app, public_id)[:2]
    token = csrf_token(client)
    for position, response in ((right, key_response(questions[right])), (wrong, wrong_response(questions[wrong]))):
        client.post(f"/attempts/{public_id}/check", data={
            **shown(app, public_id, form_values(questions[position], f"q{position}", response)),
            "position": position, "try_number": 1, "csrf_token": token})
    page = client.get(f"/attempts/{public_id}?q={right}").get_data(as_text=True)
    count = " ".join(re.sub(r"<[^>]+>", "", re.search(r'<p class="quiz-count">(.*?)</p>', page, re.S).group(1)).split())
    assert count == f"1 of {len(questions)} done, 1 right"
    assert re.search(rf'class="nav-item state-correct" data-nav="{right}"', page)
    assert re.search(rf'class="nav-item state-trying" data-nav="{wrong}"', page)
    # The finished question keeps the learner's choice in context when its type can show it.
    if questions[right]["type"] in ("single_choice", "multiple_response", "true_false"):
        assert "Your choice" in page


def timed_attempt(app, minutes: int = 10, attempts: int = 2):
    teacher = person(app, "tariq", "instructor")
    classroom_id, code = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id, time_limit_minutes=minutes, attempt_limit=attempts,
                                      title="Trade, timed")
    student = person(app, "rafi")
    join(student, code)
    response = start_assignment(student, assignment_id)
    return student, response.headers["Location"].rsplit("/", 1)[-1]


def test_an_assignment_attempt_is_headed_by_its_title_with_its_clock_and_attempt_number(app):
    student, public_id = timed_attempt(app)
    page = student.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert re.search(r"<h1>Trade, timed</h1>", page)
    assert "attempt 1 of 2" in page and "submit once" not in page
    clock = re.search(r'role="timer">(\d+):(\d\d)<', page)
    assert clock and (int(clock.group(1)), int(clock.group(2))) >= (9, 50)
    assert "minutes left" not in page  # one clock, in one form


def test_after_the_deadline_a_draft_closes_the_attempt_with_what_was_saved_in_time(app):
    student, public_id = timed_attempt(app)
    positions = plain_positions(app, public_id)
    assert post_draft(student, public_id, key_values(app, public_id, positions[:1]), headers=JSON).status_code == 200
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        attempt.deadline = datetime.now(timezone.utc) - timedelta(minutes=5)
        db.session.commit()
    late = post_draft(student, public_id, key_values(app, public_id, positions[:3]), headers=JSON)
    assert late.status_code == 409 and "ran out" in late.json["reason"]
    attempt = attempt_row(app, public_id)
    assert attempt.is_submitted and attempt.score == 1.0
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.attempt_id == attempt.id)) == len(attempt.layout)
