"""Taking quizzes over HTTP: test and practice modes, stored attempts, and refused bad requests."""

import re

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import PRACTICE_PENALTY, key_response
from app.extensions import db
from app.models import Answer, Attempt, QuestionVersion
from tests.conftest import csrf_token as shared_csrf_token


def csrf_token(client, path="/lessons/trade/quiz") -> str:
    return shared_csrf_token(client, path)


def start(client, slug="trade", mode="test") -> str:
    response = client.post(f"/lessons/{slug}/quiz/start", data={"mode": mode, "csrf_token": csrf_token(client, f"/lessons/{slug}/quiz")})
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def attempt_row(app, public_id) -> Attempt:
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        db.session.expunge(attempt)
        return attempt


def layout_data(app, public_id) -> list[dict]:
    """The question data of each position of an attempt, as the server drew it."""
    attempt = attempt_row(app, public_id)
    with app.app_context():
        versions = {v.id: v.data for v in db.session.scalars(sa.select(QuestionVersion))}
    return [versions[entry["version_id"]] for entry in attempt.layout]


def stored_answers(app, public_id) -> list[Answer]:
    attempt = attempt_row(app, public_id)
    with app.app_context():
        rows = list(db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt.id).order_by(Answer.position, Answer.try_number)))
        for row in rows:
            db.session.expunge(row)
        return rows


def shown(app, public_id, values: dict) -> dict:
    """Form values written in real ids as the attempt's page shows them (opaque tokens of this attempt):
    what a browser sends. Other values (csrf_token, position...) pass through."""
    from app.learning.quiz_routes import attempt_items

    with app.test_request_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        out = dict(values)
        for item in attempt_items(attempt):
            field = item["field"]
            mine = {name: out.pop(name) for name in list(out) if name == field or name.startswith(f"{field}-")}
            out.update(item["form"].shown_values(mine))
        return out


def key_form(app, public_id) -> dict[str, list[str]]:
    """The key of every question of an attempt, as its form would send it."""
    values: dict[str, list[str]] = {}
    for position, data in enumerate(layout_data(app, public_id)):
        values.update(form_values(data, f"q{position}", key_response(data)))
    return shown(app, public_id, values)


def wrong_response(data):
    """A response worth nothing, whatever the question (an essay: none, as anything written waits for a grade).

    A choice with partial credit (a "very nearly" option) is passed over: callers count it as a miss."""
    kind = data["type"]
    if kind == "essay":
        return None
    if kind == "single_choice":
        return next(o["id"] for o in data["options"] if o["id"] != data["answer"] and not o.get("credit"))
    if kind == "multiple_response":
        return [o["id"] for o in data["options"] if o["id"] not in data["answer"]]
    if kind == "true_false":
        return not data["answer"]
    if kind == "short_answer":
        return "certainly not this"
    if kind == "numeric":
        return repr(data["answer"] + data["tolerance"] + 1000)
    if kind == "ordering":
        return [item["id"] for item in reversed(data["items"])]
    if kind == "matching":
        ids = [p["id"] for p in data["pairs"]]
        return dict(zip(ids, ids[1:] + ids[:1]))
    return {blank["id"]: wrong_blank(blank) for blank in data["blanks"]}


def wrong_blank(blank: dict):
    """A cloze blank's response worth nothing: a typed text, an option without credit, wrong picks."""
    if blank.get("kind") == "choice":
        return next(option["id"] for option in blank["options"] if option["credit"] <= 0)
    if blank.get("kind") == "multi":
        return [option["id"] for option in blank["options"] if option["credit"] <= 0]
    return "certainly not this"


def is_essay(data: dict) -> bool:
    return data["type"] == "essay"


def said(html: str) -> str:
    """The page's text with its line breaks and indentation read as single spaces."""
    return " ".join(html.split())


def start_drawing(app, client, essay: bool, slug="trade") -> str:
    """A test whose random draw holds the lesson's essay, or not (about one trade test in two draws it)."""
    for _ in range(40):
        public_id = start(client, slug)
        if any(is_essay(data) for data in layout_data(app, public_id)) == essay:
            return public_id
    raise AssertionError(f"40 {slug} tests all {'lacked' if essay else 'drew'} the essay")


def grade_essays(app, client, public_id, top=True) -> list[int]:
    """Grade every written essay of a scored attempt as its learner, each criterion at its top (or lowest) level;
    return their positions."""
    positions = []
    for position, data in enumerate(layout_data(app, public_id)):
        if is_essay(data) and any(a.position == position and a.status == "pending" for a in stored_answers(app, public_id)):
            chosen = {f"level-{c['id']}": len(c["levels"]) - 1 if top else 0 for c in data["rubric"]}
            response = client.post(f"/attempts/{public_id}/self-grade", data={"position": position, **chosen,
                                                                             "csrf_token": csrf_token(client, f"/lessons/{slug_of(app, public_id)}/quiz")})
            assert response.status_code == 302
            positions.append(position)
    return positions


def slug_of(app, public_id) -> str:
    with app.app_context():
        return db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id)).lesson.slug


# --- Test mode ----------------------------------------------------------------------------

def test_a_test_draws_its_size_and_a_reload_shows_the_same_quiz(app, client):
    public_id = start(client)
    first = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    again = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert len(set(re.findall(r'name="(q\d+)[-"]', first))) == 10
    without_token = lambda html: re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)  # noqa: E731
    assert without_token(first) == without_token(again)
    assert len(attempt_row(app, public_id).layout) == 10


def test_two_attempts_draw_independently(app, client):
    layouts = {tuple(e["question"] for e in attempt_row(app, start(client)).layout) for _ in range(4)}
    assert len(layouts) > 1


@pytest.mark.parametrize("essay", [False, True])
def test_submitting_the_key_scores_full_marks_and_stores_every_answer(app, client, essay):
    """The key scores full marks at once; an essay (its key is the model answer) waits for its grade, then counts."""
    public_id = start_drawing(app, client, essay)
    questions = layout_data(app, public_id)
    response = client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id), "csrf_token": csrf_token(client)})
    assert response.status_code == 302 and response.headers["Location"].endswith("/result")
    html = said(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    if essay:
        assert "You scored <strong>9/9</strong> on the marked questions; 1 essay to grade (10 questions in all)." in html
    else:
        assert 'You scored <strong>10/10</strong> <span class="percent">(100 %)</span>' in html
    assert html.count("Read this in the lesson") == 10
    answers = stored_answers(app, public_id)
    assert [a.position for a in answers] == list(range(10))
    assert all(a.score == 1.0 and a.status == "correct" for a, q in zip(answers, questions) if not is_essay(q))
    assert [(a.score, a.status) for a, q in zip(answers, questions) if is_essay(q)] == [(0.0, "pending")] * essay
    with app.app_context():
        versions = {v.id: (v.question_id, v.version) for v in db.session.scalars(sa.select(QuestionVersion))}
    assert [versions[a.question_version_id][0] for a in answers] == [q["id"] for q in questions]
    assert attempt_row(app, public_id).score == 10.0 - essay
    assert len(grade_essays(app, client, public_id)) == essay
    assert attempt_row(app, public_id).score == 10.0
    assert 'You scored <strong>10/10</strong> <span class="percent">(100 %)</span>' in said(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))


def test_the_result_shows_answer_key_explanation_and_lesson_link(app, client):
    public_id = start(client)
    questions = layout_data(app, public_id)
    client.post(f"/attempts/{public_id}/submit", data={"csrf_token": csrf_token(client)})
    html = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "You scored <strong>0/" in html
    assert html.count("Not answered") == 10
    for data in questions:
        assert f'href="/lessons/trade#{data["lesson_anchor"]}"' in html


def test_a_double_submit_changes_nothing(app, client):
    public_id = start(client)
    written = sum(1 for data in layout_data(app, public_id) if is_essay(data))  # an essay drawn waits for its grade
    token = csrf_token(client)
    client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id), "csrf_token": token})
    second = client.post(f"/attempts/{public_id}/submit", data={"csrf_token": token})
    assert second.status_code == 302
    assert "already submitted" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert attempt_row(app, public_id).score == 10.0 - written
    assert len(stored_answers(app, public_id)) == 10
    assert sum(a.status == "pending" for a in stored_answers(app, public_id)) == written
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 1


def test_a_forged_option_is_refused_and_nothing_is_stored(app, client):
    public_id = start(client)
    questions = layout_data(app, public_id)
    position = next(i for i, q in enumerate(questions) if q["type"] in ("single_choice", "multiple_response"))
    form = {**key_form(app, public_id), f"q{position}": ["not-an-option"], "csrf_token": csrf_token(client)}
    response = client.post(f"/attempts/{public_id}/submit", data=form)
    assert response.status_code == 400
    assert "“not-an-option” is not one of the choices" in response.get_data(as_text=True)
    assert stored_answers(app, public_id) == [] and not attempt_row(app, public_id).is_submitted


def test_an_oversized_text_answer_is_refused(app, client):
    public_id = start(client, mode="practice")
    questions = layout_data(app, public_id)
    position = next(i for i, q in enumerate(questions) if q["type"] in ("short_answer", "numeric"))
    response = client.post(f"/attempts/{public_id}/check", data={
        "position": position, "try_number": 1, f"q{position}": "x" * 301, "csrf_token": csrf_token(client)})
    assert response.status_code == 400 and "the limit is 300" in response.get_data(as_text=True)
    assert stored_answers(app, public_id) == []


def test_a_missing_csrf_token_is_refused(app, client):
    public_id = start(client)
    response = client.post(f"/attempts/{public_id}/submit", data=key_form(app, public_id))
    assert response.status_code == 400
    assert "CSRF token is missing" in response.get_data(as_text=True)
    assert not attempt_row(app, public_id).is_submitted


def test_starting_needs_a_known_mode(client):
    response = client.post("/lessons/trade/quiz/start", data={"mode": "exam", "csrf_token": csrf_token(client)})
    assert response.status_code == 400 and "test or practice" in response.get_data(as_text=True)


def test_another_learners_attempt_is_as_unknown_as_a_made_up_one(app, client):
    public_id = start(client)
    stranger = app.test_client()
    for path in (f"/attempts/{public_id}", f"/attempts/{public_id}/result", f"/attempts/{public_id}/summary"):
        response = stranger.get(path)
        assert response.status_code == 404
        assert "There is no quiz attempt with this address." in response.get_data(as_text=True)
    token = csrf_token(stranger)
    assert stranger.post(f"/attempts/{public_id}/submit", data={"csrf_token": token}).status_code == 404
    assert not attempt_row(app, public_id).is_submitted


def test_an_unknown_attempt_is_404(client):
    assert client.get("/attempts/nothing-here").status_code == 404


def test_attempts_are_listed_on_the_quiz_page_for_their_owner_only(app, client):
    public_id = start(client)
    assert public_id in client.get("/lessons/trade/quiz").get_data(as_text=True)
    assert public_id not in app.test_client().get("/lessons/trade/quiz").get_data(as_text=True)


# --- Practice mode ------------------------------------------------------------------------

def check(client, public_id, position, try_number, values, token):
    """Check one practice answer, ``values`` in real ids (sent as the page shows them)."""
    return client.post(f"/attempts/{public_id}/check", data={
        **shown(client.application, public_id, values), "position": position, "try_number": try_number, "csrf_token": token})


def test_practice_gives_feedback_at_once_and_a_penalty_per_wrong_try(app, client):
    """(An essay has one try, graded: see the next tests.)"""
    public_id = start(client, mode="practice")
    questions = layout_data(app, public_id)
    token = csrf_token(client)
    position, data = next((position, data) for position, data in enumerate(questions) if not is_essay(data))
    field = f"q{position}"
    check(client, public_id, position, 1, form_values(data, field, wrong_response(data)), token)
    page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
    assert "Check again" in page and "tries left" in page
    check(client, public_id, position, 2, form_values(data, field, key_response(data)), token)
    page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
    assert "Correct" in page and "Read this in the lesson" in page
    assert f"{1 - PRACTICE_PENALTY:.2f}/1" in page
    client.post(f"/attempts/{public_id}/finish", data={"csrf_token": token, "confirmed": "yes"})
    assert attempt_row(app, public_id).score == pytest.approx(1 - PRACTICE_PENALTY)


def test_the_practice_form_as_rendered_carries_everything_a_check_needs(app, client):
    """A browser sends only what the page holds: the hidden question and try numbers must be in it."""
    public_id = start(client, mode="practice")
    data = layout_data(app, public_id)[0]
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/attempts/[^"]+/check".*?</form>', page, re.S).group(0)
    inputs = [dict(re.findall(r'([\w-]+)="([^"]*)"', tag)) for tag in re.findall(r"<input[^>]*>", form)]
    hidden = {field["name"]: field.get("value", "") for field in inputs if field.get("type") == "hidden"}
    assert {"csrf_token", "position", "try_number"} <= set(hidden), hidden
    response = client.post(f"/attempts/{public_id}/check", data={**hidden, **shown(app, public_id, form_values(data, "q0", key_response(data)))})
    assert response.status_code == 302
    assert len(stored_answers(app, public_id)) == 1


def test_a_repeated_check_is_stored_once(app, client):
    public_id = start(client, mode="practice")
    data = layout_data(app, public_id)[0]
    token = csrf_token(client)
    values = form_values(data, "q0", wrong_response(data))
    check(client, public_id, 0, 1, values, token)
    check(client, public_id, 0, 1, form_values(data, "q0", key_response(data)), token)
    answers = stored_answers(app, public_id)
    assert len(answers) == 1 and answers[0].score < 1


def test_after_three_wrong_tries_the_answer_is_shown(app, client):
    """Three tries, then the answer; an essay is written once, so the model answer shows after its one try."""
    public_id = start(client, mode="practice")
    questions = layout_data(app, public_id)
    token = csrf_token(client)
    other = next(position for position, data in enumerate(questions) if not is_essay(data))
    essay = next(position for position, data in enumerate(questions) if is_essay(data))
    for position, tries in ((other, 3), (essay, 1)):
        data = questions[position]
        for try_number in (1, 2, 3, 4):
            check(client, public_id, position, try_number, form_values(data, f"q{position}", wrong_response(data)), token)
        page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
        # The key shows: beside the options as they were shown (choice types), or in words.
        assert ("Right answer" in page or "The answer:" in page) and "Check again" not in page
        assert sum(a.position == position for a in stored_answers(app, public_id)) == tries


@pytest.mark.parametrize("slug", [
    "abstract", "introduction", "cultural-diplomacy", "role-of-media", "role-of-sports", "trade",
    "civil-society", "influential-personalities", "saarc", "kashmir-non-paper", "conclusion",
])
def test_every_shipped_question_scores_full_marks_with_its_key_and_less_when_wrong(app, client, shipped_course, slug):
    token = csrf_token(client, f"/lessons/{slug}/quiz")
    right, wrong = start(client, slug, "practice"), start(client, slug, "practice")
    right_questions, wrong_questions = layout_data(app, right), layout_data(app, wrong)
    assert len(right_questions) == len(shipped_course.bank(slug).questions)
    for position, data in enumerate(right_questions):
        check(client, right, position, 1, form_values(data, f"q{position}", key_response(data)), token)
    for position, data in enumerate(wrong_questions):
        check(client, wrong, position, 1, form_values(data, f"q{position}", wrong_response(data)), token)
    essays = {data["id"] for data in right_questions if is_essay(data)}
    assert essays  # every lesson has an essay: its model answer waits for a grade, counting 0 until then
    assert {a.question_id: (a.score, a.status) for a in stored_answers(app, right) if a.question_id in essays} == \
        {ident: (0.0, "pending") for ident in essays}
    client.post(f"/attempts/{right}/finish", data={"csrf_token": token})
    assert attempt_row(app, right).score == len(right_questions) - len(essays)
    assert len(grade_essays(app, client, right)) == len(essays)
    assert attempt_row(app, right).score == len(right_questions)
    scores = {a.question_id: a.score for a in stored_answers(app, right)}
    assert scores == {data["id"]: 1.0 for data in right_questions}
    wrong_scores = {a.question_id: a.score for a in stored_answers(app, wrong)}
    assert len(wrong_scores) == len(wrong_questions) and all(value < 1.0 for value in wrong_scores.values())
