"""Inputs at the edges the red team's re-test found after the first round of fixes: Markdown nested
hundreds of levels deep (Python-Markdown's recursion), a lone surrogate through the API, and ids too
large for the database driver. Each was a 500; each is now a 4xx that changes nothing."""

import json

import pytest
import sqlalchemy as sa

from app.course.bank import check_question_data
from app.course.lessons import parse_lesson_text
from app.course.limits import MAX_NESTING, nesting_depth
from app.extensions import db
from app.models import Answer
from tests.conftest import PROJECT_ROOT
from tests.security.test_hostile_input import authored_count, form, post_question, trade_id, upload
from tests.test_api import token_for
from tests.test_teaching import person

DEEP_LISTS = ["- " * 1000 + "a", "1. " * 1000 + "a", "* " * 700 + "a",
              "".join("  " * level + "- a\n" for level in range(100))]


@pytest.mark.parametrize(("line", "depth"), [
    ("plain text", 0), ("- a", 1), ("- - 1. > x", 4), ("    - nested", 2), ("\t\t- two tabs", 3), ("-not a bullet", 0),
])
def test_nesting_depth_counts_markers_and_indentation(line, depth):
    assert nesting_depth(line) == depth


@pytest.mark.parametrize("text", DEEP_LISTS)
def test_a_question_nested_too_deep_is_refused_before_rendering(text):
    question, problems = check_question_data({"id": "deep", "type": "true_false", "prompt": text, "answer": True,
                                              "explanation": "Because.", "lesson_anchor": "x",
                                              "tags": ["t"], "difficulty": "easy"}, None)
    assert question is None
    assert any(f"the most it may is {MAX_NESTING}" in problem for problem in problems)


def test_ordinary_nesting_is_allowed():
    text = "Steps:\n\n- first\n    - inside\n        - deeper\n\n> a quote\n> > inside a quote"
    question, problems = check_question_data({"id": "nested", "type": "true_false", "prompt": text, "answer": True,
                                              "explanation": "Because.", "lesson_anchor": "x",
                                              "tags": ["t"], "difficulty": "easy"}, None)
    assert question is not None, problems


def test_a_lesson_with_a_line_nested_too_deep_is_refused_at_that_line():
    shipped = (PROJECT_ROOT / "lessons" / "trade.md").read_text(encoding="utf-8")
    text = shipped + "\n" + "- " * 400 + "a\n"
    lesson, problems = parse_lesson_text(text, "trade", "lessons/trade.md")
    assert lesson is None
    assert [problem.line for problem in problems] == [len(shipped.split("\n")) + 1]
    assert "nests lists or quotes 400 levels deep" in problems[0].message


@pytest.mark.parametrize("button", ["preview", "save"])
def test_the_question_form_refuses_deep_nesting_with_a_400(app, button):
    teacher = person(app, "teacher", "instructor")
    response = post_question(teacher, "single_choice", form(app, prompt=DEEP_LISTS[0]), button)
    assert response.status_code == 400 and "levels deep" in response.get_data(as_text=True)
    assert authored_count(app) == 0


def test_an_import_with_a_deeply_nested_question_skips_it_and_names_it(app):
    teacher = person(app, "teacher", "instructor")
    gift = "::deep::" + "- " * 1000 + "a {T}\n\n::fine::Is this fine? {T}\n"
    response = upload(teacher, gift.encode(), "deep.gift", trade_id(app))
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "levels deep" in page
    assert authored_count(app) == 1


def test_the_import_command_reports_deep_nesting_without_a_traceback(app, tmp_path):
    path = tmp_path / "deep.gift"
    path.write_text("::deep::" + "- " * 1000 + "a {T}\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "import", str(path), "--lesson", "trade", "--bank", "course"])
    assert "levels deep" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, RecursionError)


def test_a_recursion_error_anywhere_is_a_400_that_saves_nothing(app):
    """The net under every recursive parser we did not write: the input's fault, so a 400, not a 500."""
    def too_deep():
        raise RecursionError("maximum recursion depth exceeded")

    app.add_url_rule("/too-deep", "too_deep", too_deep)
    response = app.test_client().get("/too-deep")
    assert response.status_code == 400 and "nested too deeply" in response.get_data(as_text=True)


def answer_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Answer.id)))


@pytest.mark.parametrize("escape", ["\\ud800", "\\udfff", "a\\udc00b"])
def test_a_lone_surrogate_in_the_api_is_a_400_and_the_export_still_works(app, escape):
    client, headers = token_for(app, "apiuser")
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    cloze = next(q for q in quiz["questions"] if q["type"] == "cloze")
    body = '{"quiz": %s, "responses": {%s: {"%s": "%s"}}}' % (
        json.dumps(quiz["quiz"]), json.dumps(cloze["id"]), cloze["blanks"][0], escape)
    response = client.post("/api/v1/lessons/trade/attempts", data=body, headers=headers, content_type="application/json")
    assert response.status_code == 400 and "lone surrogate" in response.json["reason"]
    assert answer_rows(app) == 0
    assert client.get("/account/export").status_code == 200


def test_a_surrogate_pair_is_one_character_and_accepted(app):
    client, headers = token_for(app, "apiuser")
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    short = next(q for q in quiz["questions"] if q["type"] in ("short_answer", "numeric"))
    body = '{"quiz": %s, "responses": {%s: "\\ud83d\\ude00"}}' % (json.dumps(quiz["quiz"]), json.dumps(short["id"]))
    response = client.post("/api/v1/lessons/trade/attempts", data=body, headers=headers, content_type="application/json")
    assert response.status_code == 201
    assert client.get("/account/export").status_code == 200


HUGE = "9" * 25


@pytest.mark.parametrize(("method", "path"), [
    ("post", f"/assignments/{HUGE}/start"), ("post", f"/review/{HUGE}"), ("get", f"/review/done/{HUGE}"),
    ("post", f"/review/done/{HUGE}/rate"), ("post", f"/account/tokens/{HUGE}/revoke"),
    ("get", f"/teach/classes/{HUGE}"), ("get", f"/api/v1/classes/{HUGE}/results"), ("get", f"/review/done/{2**31}"),
])
def test_ids_too_large_for_the_database_are_404s(app, method, path):
    client = person(app, "teacher", "instructor")
    response = getattr(client, method)(path, data={})
    assert response.status_code == 404
