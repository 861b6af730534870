"""Production safety: security headers, health check, database outages, secrets, XSS and fuzzing."""

import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings, strategies as st
from sqlalchemy import event

from app import create_app
from app.course.bank import QUESTION_TYPES, parse_bank_text, render_question
from app.course.interop.gift import parse_gift
from app.course.interop.moodle_xml import parse_moodle_xml
from app.course.lessons import parse_lesson_text
from app.extensions import db
from tests.conftest import AuthActions, make_config

PAGES = ["/", "/lessons/trade", "/timeline", "/people", "/glossary", "/lessons/trade/quiz", "/account/login",
         "/account/register", "/me", "/review", "/api/v1/lessons", "/nowhere"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    headers = client.get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_script_or_style(client):
    for path in PAGES:
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert " style=" not in html and "<style" not in html, path
        assert not re.search(r"\son[a-z]+=", html), path


def test_healthz(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}


def test_an_unreachable_database_gets_503s_not_500s(tmp_path):
    app = create_app(make_config(f"sqlite:///{tmp_path / 'missing' / 'dir' / 'db.sqlite3'}", TESTING=False,
                                 PROPAGATE_EXCEPTIONS=False), instance_path=str(tmp_path / "instance"))
    client = app.test_client()
    health = client.get("/healthz")
    assert health.status_code == 503 and health.json["database"] == "unavailable"
    page = client.get("/")
    assert page.status_code == 503 and "database is not answering" in page.get_data(as_text=True)
    api = client.get("/api/v1/lessons")
    assert api.status_code == 503 and api.json["status"] == 503


def test_a_database_dying_mid_request_gives_a_signed_in_user_a_503_page(make_app):
    """The outage starts after the user was loaded: the error page must not reload the user
    (the rollback expired it) and turn its 503 into a 500."""
    app = make_app("loaded", TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    AuthActions(client).register("tariq")
    assert client.get("/me").status_code == 200
    user_loaded = {"yes": False}
    with app.app_context():
        engine = db.engine
    driver_error = engine.dialect.dbapi.OperationalError  # sqlite3's or psycopg's, whichever engine runs

    def connection_dies_after_the_user_is_loaded(conn, cursor, statement, *args):
        if user_loaded["yes"]:
            raise driver_error("server closed the connection unexpectedly")
        user_loaded["yes"] = re.search(r'FROM "?user"?\s', statement) is not None

    event.listen(engine, "before_cursor_execute", connection_dies_after_the_user_is_loaded)
    try:
        page = client.get("/me")
    finally:
        event.remove(engine, "before_cursor_execute", connection_dies_after_the_user_is_loaded)
    html = page.get_data(as_text=True)
    assert user_loaded["yes"] and page.status_code == 503, html[-600:]
    assert "database is not answering" in html and "tariq" not in html  # drawn as for a visitor
    assert client.get("/me").status_code == 200  # and the next request is served again


def test_a_database_dying_after_the_response_is_made_keeps_the_response(make_app, monkeypatch):
    """PostgreSQL stopping between a finished response and the session's closing rollback must
    not replace that response (perhaps a saved submission) with a 500."""
    app = make_app("loaded", TESTING=False, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    AuthActions(client).register("tariq")
    with app.app_context():
        dialect = db.engine.dialect
    failures = []

    def rollback_fails(dbapi_connection):
        failures.append(1)
        raise dialect.dbapi.OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(dialect, "do_rollback", rollback_fails)
    page = client.get("/me")
    monkeypatch.undo()
    assert failures and page.status_code == 200 and "tariq" in page.get_data(as_text=True)
    assert client.get("/me").status_code == 200


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    config = make_config(f"sqlite:///{tmp_path / 'db.sqlite3'}", SECRET_KEY=None, PRODUCTION=True)
    with pytest.raises(RuntimeError, match="SECRET_KEY must be set in production"):
        create_app(config, instance_path=str(tmp_path / "instance"))


XSS = [
    "<script>alert(1)</script>", '<img src=x onerror="alert(1)">', "<svg onload=alert(1)>", '<a href="javascript:alert(1)">x</a>',
    "<iframe src=//evil.example></iframe>", '<div style="background:url(javascript:alert(1))">x</div>',
    "[click](javascript:alert(1))", '<object data="x.swf"></object>', "<body onload=alert(1)>", '"><script>alert(1)</script>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<form action=//evil><button>go</button></form>",
]


def dangerous(html: str) -> bool:
    lowered = html.lower()
    return bool(re.search(r"<(script|iframe|object|embed|style|svg|math|form|button|img|body)\b", lowered)
                or re.search(r"\son[a-z]+\s*=", lowered) or "javascript:" in lowered or " style=" in lowered)


def every_text_field(data: dict, payload: str) -> dict:
    """The question with every authored text replaced by ``payload``."""
    def walk(value, key=""):
        if isinstance(value, dict):
            return {k: (v if k in ("id", "type", "lesson_anchor", "difficulty", "answer") and not isinstance(v, (dict, list))
                        else walk(v, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(item, key) for item in value]
        return f"{value} {payload}" if isinstance(value, str) else value
    return walk(data)


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_any_authored_question_field_is_stripped(shipped_course, payload):
    seen = set()
    for bank in shipped_course.banks:
        for question in bank.questions:
            if question.type in seen:
                continue
            seen.add(question.type)
            html = render_question(every_text_field(question.data, payload))
            rubric = [text for criterion in html.get("rubric", {}).values() for text in (criterion["title"], *criterion["levels"])]
            for part in [html["prompt"], html["explanation"], *[v for key in ("options", "feedback", "items", "left", "right")
                                                                   for v in html.get(key, {}).values()], *html.get("text_parts", []),
                         html.get("model_answer", ""), *rubric]:
                assert not dangerous(part), (question.type, part)
    assert seen == set(QUESTION_TYPES)


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_a_lesson_is_stripped(payload):
    text = ("---\nslug: x\ntitle: X\norder: 1\nsummary: S.\nobjectives: [Explain.]\nsource_lines: [1, 2]\n---\n"
            f"Intro {payload}\n\n## Key facts {{#key-facts}}\n\n- A fact {payload}\n\n## Glossary {{#glossary}}\n\n- **Term**: it {payload}\n")
    lesson, problems = parse_lesson_text(text, "x", "x.md")
    assert problems == [] and not dangerous(lesson.html)
    assert all(not dangerous(entry.definition_html) for entry in lesson.glossary)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.text(max_size=400))
def test_the_bank_parser_never_crashes(text):
    bank, problems = parse_bank_text(text, "fuzz.yaml", "fuzz", {"key-facts"})
    assert (bank is None) == bool(problems)
    assert all(problem.line >= 0 and problem.message for problem in problems)


yaml_like = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(st.sampled_from(
        ["id", "type", "prompt", "explanation", "lesson_anchor", "tags", "difficulty", "options", "answer", "answers",
         "items", "pairs", "blanks", "text", "feedback", "tolerance", "unit", "units", "accept", "credit", "left", "right"]),
        children, max_size=8)), max_leaves=30)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(yaml_like, max_size=3))
def test_the_bank_checker_never_crashes_on_odd_shapes(questions):
    import yaml
    text = yaml.safe_dump({"questions": questions})
    parse_bank_text(text, "fuzz.yaml", "fuzz", {"key-facts"})


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from(list("{}=~#:%->.\\\n TFabc123[]/$") + ["TRUE", "::", "####", "->", "\n\n", "// backchannel: {"]),
                max_size=80).map("".join))
def test_the_gift_importer_never_crashes(text):
    imported, skipped = parse_gift(text, "key-facts")
    assert all(item.line >= 1 for item in imported) and all(item.line >= 1 for item in skipped)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(st.sampled_from([
    '<question type="multichoice">', '<question type="numerical">', '<question type="truefalse">', '<question type="cloze">',
    '<question type="matching">', '<question type="shortanswer">', "</question>", '<answer fraction="x">', '<answer fraction="100">',
    "</answer>", "<text>", "</text>", "abc", "6.25", "{1:SA:=a}", "{1:MC:=a}", "<single>false</single>", "<subquestion>",
    "</subquestion>", "<backchannel>[1]</backchannel>", "<tolerance>y</tolerance>"]), max_size=25))
def test_the_moodle_xml_importer_gives_a_clear_error_or_a_result(parts):
    text = "<quiz>" + "".join(parts) + "</quiz>"
    try:
        parse_moodle_xml(text, "key-facts")
    except ValueError as error:
        assert str(error).startswith("line ")


# POST routes exempt from the global CSRF check because they check the token themselves (navigator.sendBeacon cannot
# set a header, so /study-time also takes it from the JSON body), each with a body it accepts when the token is good.
CHECKS_ITS_OWN_TOKEN = {"/study-time": {"lesson": "trade", "seconds": 30}}


def test_csrf_is_on_for_every_form_post(app, client):
    """Every POST route outside the token-authenticated API refuses a request without a CSRF token."""
    posts = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and not rule.rule.startswith("/api/")]
    assert len(posts) >= 20
    exempt = app.extensions["csrf"]._exempt_views  # flask_wtf's record of @csrf.exempt views, as "module.name"
    for rule in posts:
        view = app.view_functions[rule.endpoint]
        if f"{view.__module__}.{view.__name__}" in exempt:
            assert rule.rule in CHECKS_ITS_OWN_TOKEN, f"{rule.rule} skips the CSRF check: prove it checks the token itself"
            continue
        path = re.sub(r"<int:[^>]+>", "1", rule.rule)
        path = re.sub(r"<[^>]+>", "trade", path)
        response = client.post(path, data={"x": "y"})
        assert response.status_code == 400 and "CSRF token is missing" in response.get_data(as_text=True), rule.rule


@pytest.mark.parametrize("path", sorted(CHECKS_ITS_OWN_TOKEN))
def test_a_post_that_checks_its_own_csrf_token_refuses_one_without_a_valid_token(app, path):
    """A body the route accepts with the session's token is refused, and records nothing, without it or with a forged one."""
    from app.models import StudyTime
    from tests.test_study_time import guest

    def stored() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(StudyTime))

    client = app.test_client()
    token, body = guest(client), CHECKS_ITS_OWN_TOKEN[path]  # a guest has somewhere to record reading time
    for refused in ({}, {"X-CSRFToken": "forged"}, {"X-CSRFToken": token + "x"}):
        response = client.post(path, json=body, headers=refused)
        assert response.status_code == 400 and "valid CSRF token" in response.get_data(as_text=True), refused
        response = client.post(path, json={**body, "csrf_token": refused.get("X-CSRFToken", "")})
        assert response.status_code == 400 and "valid CSRF token" in response.get_data(as_text=True), refused
    assert stored() == 0
    assert client.post(path, json=body, headers={"X-CSRFToken": token}).status_code == 204 and stored() == 1  # it can pass


def test_a_held_back_key_comes_back_at_a_time_in_the_readers_zone(app):
    from datetime import datetime, timezone

    from app.secrecy import comes_back
    due = datetime(2026, 12, 3, 20, 0, tzinfo=timezone.utc)
    with app.test_request_context(headers={"Cookie": "tz=Asia/Karachi"}):
        assert comes_back(due) == "after 4 Dec 2026, 01:00"  # already the next day in Karachi; no zone named
    with app.test_request_context():
        assert comes_back(due) == "after 3 Dec 2026, 20:00 UTC"  # no zone known: UTC, and it says so
        assert comes_back(None) == "when the exam's instructor shows its answers"
