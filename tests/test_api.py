"""The JSON API: tokens, every endpoint, JSON errors, and schemathesis against the OpenAPI document."""

import re

import hypothesis
import pytest
import schemathesis
import sqlalchemy as sa

from app.api.auth import hash_token, new_token
from app.course.scoring import key_response
from app.extensions import db
from app.models import ApiToken, User
from tests.conftest import PASSWORD, csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take


def token_for(app, username, role="student"):
    client = person(app, username, role)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        token = new_token(user, "tests", scope="read submit")
        db.session.commit()
    return client, {"Authorization": f"Bearer {token}"}


def walk(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk(item)


def test_lessons_and_a_quiz_without_its_answers(client, shipped_course):
    lessons = client.get("/api/v1/lessons").json["lessons"]
    assert [lesson["slug"] for lesson in lessons] == [lesson.slug for lesson in shipped_course.lessons]
    assert re.match(r"<p[ >]", client.get("/api/v1/lessons/trade").json["html"])  # the lesson opens with its introduction
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    assert len(quiz["questions"]) == len(shipped_course.bank("trade").questions)
    keys = set(walk(quiz))
    assert not keys & {"answer", "answers", "feedback", "explanation", "accept", "pairs", "credit"}


def test_errors_are_json_with_a_reason(client):
    response = client.get("/api/v1/lessons/nope")
    assert response.status_code == 404 and response.json == {
        "error": "Not Found", "status": 404, "reason": "There is no lesson 'nope'."}
    anonymous = client.get("/api/v1/me/progress")
    assert anonymous.status_code == 401 and "Bearer" in anonymous.headers["WWW-Authenticate"]
    assert "personal access token" in anonymous.json["reason"]


def in_quiz_ids(question: dict, data: dict, response):
    """``response`` (in the bank's real ids) as a client writes it with the ids the quiz handed out:
    each choice, item, left and right entry found by its HTML, as a learner finds them by their text."""
    from app.course.bank import render_question

    html = render_question(data)
    find = lambda entries, text: next(entry["id"] for entry in entries if entry["html"] == text)  # noqa: E731
    kind = data["type"]
    if response is None or kind in ("true_false", "short_answer", "numeric", "cloze"):
        return response
    if kind == "single_choice":
        return find(question["choices"], html["options"][response])
    if kind == "multiple_response":
        return [find(question["choices"], html["options"][ident]) for ident in response]
    if kind == "ordering":
        return [find(question["items"], html["items"][ident]) for ident in response]
    return {find(question["left"], html["left"][left]): find(question["right"], html["right"][right]) for left, right in response.items()}


def test_submitting_an_attempt_scores_and_stores_it(app, shipped_course):
    client, headers = token_for(app, "amina")
    bank = shipped_course.bank("trade")
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    handed_out = {question["id"]: question for question in quiz["questions"]}
    responses = {q.id: in_quiz_ids(handed_out[q.id], q.data, key_response(q.data)) for q in bank.questions[:5]}
    response = client.post("/api/v1/lessons/trade/attempts", json={"quiz": quiz["quiz"], "responses": responses}, headers=headers)
    assert response.status_code == 201, response.json
    assert response.json["score"] == 5.0 and response.json["max_score"] == 5.0
    assert {q["status"] for q in response.json["questions"]} == {"correct"}
    progress = client.get("/api/v1/me/progress", headers=headers).json
    trade = next(row for row in progress["lessons"] if row["slug"] == "trade")
    assert trade["attempts"] == 1 and trade["best"] == 100.0 and trade["mastery"] == "attempted"
    assert client.get("/api/v1/me/reviews", headers=headers).json["waiting"] == 0


@pytest.mark.parametrize(("body", "reason"), [
    ({"quiz": "q" * 16, "responses": {"trade-mfn-year": 1996}}, "must be a string"),
    ({"quiz": "q" * 16, "responses": {"trade-nope": "x"}}, "is not a question of the lesson"),
    ({"quiz": "q" * 16, "responses": {"trade-pak-top-2015": "zz"}}, "is not one of the choices"),
    ({"quiz": "q" * 16, "responses": {}}, "at least one answer"),
    ({"responses": {"trade-pak-top-2015": "zz"}}, "Send the 'quiz' id"),
    ({"quiz": "../etc", "responses": {"trade-pak-top-2015": "zz"}}, "Send the 'quiz' id"),
    ([1, 2], "Send JSON like"),
])
def test_bad_attempts_are_refused_and_nothing_is_stored(app, body, reason):
    from app.models import Attempt

    client, headers = token_for(app, "amina")
    response = client.post("/api/v1/lessons/trade/attempts", json=body, headers=headers)
    assert response.status_code == 400 and reason in response.json["reason"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_tokens_are_stored_hashed_and_can_be_revoked(app):
    client, headers = token_for(app, "amina")
    token = headers["Authorization"].split()[1]
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        assert row.token_hash == hash_token(token) and token not in (row.token_hash, row.prefix)
    assert client.get("/api/v1/me/progress", headers=headers).status_code == 200
    client.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(client, "/account/")})
    assert client.get("/api/v1/me/progress", headers=headers).status_code == 401
    stranger = person(app, "stranger")
    assert stranger.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_token(stranger, "/account/")}).status_code == 403


def test_the_account_page_shows_a_new_token_once(app):
    client = person(app, "amina")
    page = client.post("/account/tokens", data={"name": "phone", "current": PASSWORD, "csrf_token": csrf_token(client, "/account/")}).get_data(as_text=True)
    assert "bc_" in page and "never shown again" in page
    assert "never shown again" not in client.get("/account/").get_data(as_text=True)


def test_class_results_for_the_instructor_only(app):
    teacher, headers = token_for(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    join(student, code)
    assignment_id = create_assignment(app, teacher, classroom_id)
    take(app, student, assignment_id)
    results = teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=headers).json
    assert results["students"] == [{"username": "sana", "grades": {str(assignment_id): 100.0}}]
    _, other = token_for(app, "rival", "instructor")
    assert teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=other).status_code == 403
    assert teacher.get("/api/v1/classes/9999/results", headers=headers).status_code == 404


def test_the_openapi_document_covers_every_api_route(app, client):
    document = client.get("/api/v1/openapi.json").json
    assert document["openapi"] == "3.1.0"
    documented = {(path, method.upper()) for path, operations in document["paths"].items() for method in operations}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi":
            path = rule.rule.removeprefix("/api/v1").replace("<int:", "{").replace("<", "{").replace(">", "}")
            routes |= {(path, method) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_the_api_keeps_its_contract(app):
    """schemathesis against /api/v1/openapi.json: for every operation, generated requests (valid and
    not) never get a 5xx, and every status code, content type and body is the one documented."""
    client, headers = token_for(app, "fuzzer", "instructor")
    create_class(client)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 7
    for operation in operations:
        @hypothesis.given(case=operation.as_strategy())
        @hypothesis.settings(max_examples=30, deadline=None, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def check(case):
            case.call_and_validate(headers=headers)

        check()


def test_an_api_attempt_may_not_answer_two_questions_that_show_each_others_answers(app, client, shipped_course):
    """A test never holds a leaking pair; the API's quiz hands out the whole lesson, so the submit checks."""
    from app.course.leaks import leak_graph
    from tests.security.test_input_edges import token_for

    bank = next(b for b in shipped_course.banks if leak_graph([q.data for q in b.questions]).pairs)
    first, second = sorted(next(iter(leak_graph([q.data for q in bank.questions]).pairs)))
    _, headers = token_for(app, "apiuser")
    quiz = client.get(f"/api/v1/lessons/{bank.slug}/quiz").json
    handed_out = {question["id"]: question for question in quiz["questions"]}
    data = {question.id: question.data for question in bank.questions}
    keyed = {ident: in_quiz_ids(handed_out[ident], data[ident], key_response(data[ident])) for ident in (first, second)}
    refused = client.post(f"/api/v1/lessons/{bank.slug}/attempts", headers=headers,
                          json={"quiz": quiz["quiz"], "responses": keyed})
    assert refused.status_code == 400 and first in refused.json["reason"] and second in refused.json["reason"]
    for ident in (first, second):  # each alone is a fair attempt
        alone = client.post(f"/api/v1/lessons/{bank.slug}/attempts", headers=headers,
                            json={"quiz": quiz["quiz"], "responses": {ident: keyed[ident]}})
        assert alone.status_code == 201 and alone.json["score"] == 1.0
