"""The question editor: rows for options, items, pairs and answers, the key as a radio or tick box, the anchor from the
lesson's headings, ids made from the prompt, each checker message in plain words next to its field, and the preview."""

import re

import lxml.html
import pytest
import sqlalchemy as sa

from app.course.authoring import data_to_fields, fields_to_data, id_from_prompt
from app.course.bank import check_question_data
from app.course.plain_errors import plain_error, plain_errors
from app.course.qtypes import rows
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion
from tests.conftest import csrf_token
from tests.test_teaching import person

NEW = "/teach/questions/new/{}?lesson=trade"


@pytest.fixture
def teacher(app):
    return person(app, "teacher", "instructor")


def lesson_id(app, slug="trade") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slug))


def common(app, **changes) -> dict:
    """The fields every question has, for a question in the trade lesson (no id: made from the prompt)."""
    return {"lesson": lesson_id(app), "bank": "mine", "prompt": "In which year did India grant MFN status?",
            "explanation": "In **1996**.", "lesson_anchor": "mfn-1996", "tags": "trade, mfn", "difficulty": "easy", **changes}


def post(client, qtype: str, data: dict, button: str | None = "save", path: str | None = None):
    path = path or NEW.format(qtype)
    return client.post(path, data={**data, **({button: "1"} if button else {}), "csrf_token": csrf_token(client, path)})


def stored(app, ident: str) -> dict | None:
    with app.app_context():
        return db.session.scalar(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == ident))


def page(response) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(response.get_data(as_text=True))


# --- Pure: rows, ids, plain words -----------------------------------------------------------------------

def test_every_shipped_question_goes_round_the_form_unchanged(shipped_course):
    questions = [question.data for bank in shipped_course.banks for question in bank.questions]
    assert {data["type"] for data in questions} == {"single_choice", "multiple_response", "true_false", "short_answer", "numeric",
                                                    "ordering", "matching", "cloze", "essay"}
    for data in questions:
        common_fields, fields = data_to_fields(data)
        back, messages = check_question_data(fields_to_data(data["type"], common_fields, fields), None)
        assert back is not None and back.data == data, (data["id"], messages)


COLUMNS = (rows.Column("id", "Id", "hidden"), rows.Column("text", "Option"), rows.Column("correct", "Correct", "check"))


def test_rows_keep_their_order_and_leave_out_empty_ones():
    fields = {"options-3-text": "Delhi", "options-0-text": "Lahore", "options-1-text": " ", "options-1-correct": "y",
              "options-0-id": "q", "answer": "q", "options-x-text": "forged", "other-0-text": "elsewhere"}
    assert rows.read_rows(fields, "options", COLUMNS) == [{"id": "q", "text": "Lahore", "correct": ""},
                                                          {"id": "", "text": "Delhi", "correct": ""}]
    assert rows.with_ids(rows.read_rows(fields, "options", COLUMNS), set()) == [
        {"id": "q", "text": "Lahore", "correct": ""}, {"id": "a", "text": "Delhi", "correct": ""}]


@pytest.mark.parametrize(("action", "texts"), [
    ("add:options", ["A", "B", "C", ""]),
    ("remove:options:1", ["A", "C"]),
    ("up:options:2", ["A", "C", "B"]),
    ("down:options:0", ["B", "A", "C"]),
    ("up:options:0", ["A", "B", "C"]),  # the first cannot go higher: nothing moves
])
def test_a_row_button_changes_the_rows_as_it_says(action, texts):
    fields = {**rows.write_rows("options", [{"id": i, "text": t, "correct": ""} for i, t in zip("abc", "ABC")]), "answer": "a"}
    changed = rows.apply_action(fields, action, {"options": COLUMNS})
    assert [row["text"] for row in rows.shown_rows(changed, "options", COLUMNS, 0)] == texts and changed["answer"] == "a"


@pytest.mark.parametrize("action", ["add:nothing", "remove:options:9", "remove:options:-1", "explode:options:0", "up:options:x", ""])
def test_a_forged_row_button_is_refused(action):
    assert rows.apply_action({"options-0-text": "A"}, action, {"options": COLUMNS}) is None


@pytest.mark.parametrize(("prompt", "taken", "ident"), [
    ("In which year did India grant **MFN** status?", set(), "trade-year-india-grant-mfn-status"),
    ("In which year did India grant MFN status?", {"trade-year-india-grant-mfn-status"}, "trade-year-india-grant-mfn-status-2"),
    ("![A map](media:abc) Where is [[place]]?", set(), "trade-where"),
    ("?!", set(), "trade-question"),
])
def test_an_id_is_made_from_the_prompt_and_is_unique(prompt, taken, ident):
    assert id_from_prompt(prompt, "trade", taken) == ident


BASE = {"id": "q1", "prompt": "Which?", "explanation": "Because.", "lesson_anchor": "here", "tags": ["t"], "difficulty": "easy"}


@pytest.mark.parametrize(("data", "field", "words"), [
    ({**BASE, "type": "single_choice", "options": [{"id": "a", "text": "A", "feedback": "Yes"}, {"id": "b", "text": "B", "feedback": "No"}],
      "answer": ""}, "answer", "Mark the right option"),
    ({**BASE, "type": "multiple_response", "options": [{"id": "a", "text": "A", "feedback": "Yes"},
                                                       {"id": "b", "text": "B", "feedback": "No"}], "answer": []},
     "answer", "Mark at least one option as correct."),
    ({**BASE, "type": "single_choice", "options": [{"id": "a", "text": "A", "feedback": "Yes"}, {"id": "b", "text": "B", "feedback": ""}],
      "answer": "a"}, "options-1-feedback", "Option 2 is empty: fill in its feedback."),
    ({**BASE, "type": "ordering", "items": [{"id": "a", "text": "A"}]}, "items", "Give at least 3 items to put in order."),
    ({**BASE, "type": "essay", "model_answer": "M", "rubric": [
        {"id": "x", "title": "X", "levels": [{"points": 0, "description": "None"}, {"points": 2, "description": "Some"}]},
        {"id": "y", "title": "Y", "levels": [{"points": 2, "description": "None"}, {"points": 1, "description": "Some"}]}]},
     "rubric-3-points", "Criterion 2, level 2: points must rise from level to level"),
    ({**BASE, "type": "cloze", "text": "In [[city]].", "blanks": [{"id": "town", "accept": ["Lahore"]}]},
     "text", "The passage has [[city]] but no blank row is named “city”"),
    ({**BASE, "type": "numeric", "answer": "about 1999"}, "answer", "The answer must be a number"),
    ({**BASE, "prompt": "", "type": "true_false", "answer": True}, "prompt", "Write the question itself."),
    ({**BASE, "tags": [], "type": "true_false", "answer": True}, "tags", "Give at least one tag"),
])
def test_each_checker_message_is_said_plainly_next_to_its_field(data, field, words):
    _, messages = check_question_data(data, {"here"})
    found = plain_errors(messages, data)
    assert any(problem.field == field and problem.text.startswith(words) for problem in found), (messages, found)


def test_a_message_no_rule_knows_keeps_the_checkers_words_without_the_file_wording():
    problem = plain_error("question 'q1': something new went wrong", {})
    assert (problem.field, problem.text) == ("", "Something new went wrong.")


# --- The editor in the browser (no JavaScript) --------------------------------------------------------------

def single(app, **changes) -> dict:
    return common(app, **{"options-0-text": "1996", "options-0-feedback": "Right: MFN came in 1996.",
                          "options-1-text": "2006", "options-1-feedback": "That is SAFTA's year.", "answer": "a", **changes})


def test_a_single_choice_question_is_written_in_rows_with_its_key_as_a_radio_and_its_id_from_the_prompt(app, teacher):
    page_html = teacher.get(NEW.format("single_choice")).get_data(as_text=True)
    assert page_html.count('name="answer" value=') == 4  # four empty rows to start, each with its "Right answer" radio
    response = post(teacher, "single_choice", single(app, answer="b", **{"options-0-credit": "0.5"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    data = stored(app, "trade-year-india-grant-mfn-status")
    assert data["answer"] == "b" and [(o["id"], o["text"], o.get("credit")) for o in data["options"]] == [("a", "1996", 0.5), ("b", "2006", None)]


def test_multiple_response_marks_its_keys_with_tick_boxes(app, teacher):
    response = post(teacher, "multiple_response", common(app, id="trade-mr", **{
        "options-0-text": "1996", "options-0-feedback": "Yes.", "options-0-correct": "y",
        "options-1-text": "2012", "options-1-feedback": "Also yes.", "options-1-correct": "y",
        "options-2-text": "2006", "options-2-feedback": "No."}))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(app, "trade-mr")["answer"] == ["a", "b"]
    edit = page(teacher.get("/teach/questions/trade-mr/edit"))
    assert [box.checked for box in edit.xpath('//input[@type="checkbox"][starts-with(@name, "options-")]')] == [True, True, False, False]  # and a fourth, empty row to add one


def test_an_essay_rubric_is_rows_of_levels_grouped_by_criterion(app, teacher):
    levels = [("Thesis", "0", "None."), ("Thesis", "2", "A clear position."), ("Evidence", "0", "None."), ("Evidence", "1.5", "Figures.")]
    fields = {f"rubric-{n}-{key}": value for n, level in enumerate(levels) for key, value in zip(("criterion", "points", "description"), level)}
    response = post(teacher, "essay", common(app, id="trade-essay-rows", model_answer="Hostility kept it small.", **fields))
    assert response.status_code == 302, response.get_data(as_text=True)
    rubric = stored(app, "trade-essay-rows")["rubric"]
    assert [(c["id"], c["title"], [level["points"] for level in c["levels"]]) for c in rubric] == [
        ("thesis", "Thesis", [0, 2]), ("evidence", "Evidence", [0, 1.5])]


def test_add_remove_and_move_rows_without_javascript_change_the_form_and_save_nothing(app, teacher):
    added = post(teacher, "ordering", common(app, **{"items-0-text": "Lahore bus", "items-1-text": "Kargil", "row_action": "add:items"}),
                 button=None)
    form = page(added)
    assert added.status_code == 200 and len(form.xpath('//li[@data-row][starts-with(@id, "items-")]')) == 3
    assert form.xpath('//textarea[@name="items-2-text"] | //input[@name="items-2-text"]')[0].get("autofocus") is not None
    moved = page(post(teacher, "ordering", common(app, **{"items-0-text": "Kargil", "items-1-text": "Lahore bus",
                                                          "row_action": "down:items:0"}), button=None))
    assert [i.value for i in moved.xpath('//input[starts-with(@name, "items-")][@data-column="text"]')] == ["Lahore bus", "Kargil"]
    removed = page(post(teacher, "ordering", common(app, **{"items-0-text": "Kargil", "items-1-text": "Lahore bus",
                                                            "row_action": "remove:items:0"}), button=None))
    assert [i.value for i in removed.xpath('//input[starts-with(@name, "items-")][@data-column="text"]')] == ["Lahore bus"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored")) == 0
    assert post(teacher, "ordering", common(app, row_action="remove:items:7"), button=None).status_code == 400


def test_each_problem_sits_next_to_its_field_and_the_summary_links_to_it(app, teacher):
    response = post(teacher, "single_choice", single(app, answer="", **{"options-1-feedback": ""}))
    html = page(response)
    assert response.status_code == 400
    summary = html.get_element_by_id("form-problems")
    assert {a.get("href") for a in summary.xpath(".//a")} >= {"#options", "#options-1-feedback"}
    feedback = html.get_element_by_id("options-1-feedback")
    assert "options-1-feedback-errors" in feedback.get("aria-describedby") and feedback.get("aria-invalid") == "true"
    assert "Option 2 is empty: fill in its feedback." in html.get_element_by_id("options-1-feedback-errors").text_content()
    assert "Mark the right option" in html.get_element_by_id("options-errors").text_content()
    assert "question '" not in response.get_data(as_text=True)  # no bank-file wording on the page
    with app.app_context():
        assert db.session.get(Question, "trade-year-india-grant-mfn-status") is None


def test_the_anchor_is_chosen_from_the_lessons_headings(app, teacher):
    select = page(teacher.get(NEW.format("true_false"))).get_element_by_id("lesson_anchor")
    with app.app_context():
        headings = db.session.scalar(sa.select(Lesson.headings).where(Lesson.slug == "trade"))
    assert [o.get("value") for o in select.xpath("option")] == ["", *[h["anchor"] for h in headings]]
    assert [o.text for o in select.xpath("option")][1:] == [("\u2003" * (h["level"] - 2)) + h["title"] for h in headings]
    assert post(teacher, "true_false", common(app, id="trade-tf-para", answer="true")).status_code == 302  # a paragraph's anchor
    edit = page(teacher.get("/teach/questions/trade-tf-para/edit")).get_element_by_id("lesson_anchor")
    assert edit.value == "mfn-1996" and "#mfn-1996 (a paragraph of the lesson)" in [o.text for o in edit.xpath("option")]


def test_a_new_question_without_a_lesson_offers_the_headings_of_the_lesson_shown(app, teacher):
    """The lesson select shows its first lesson; the anchor list must match it (choosing the lesson already shown fires
    no change), or the headings of that lesson could not be chosen at all."""
    form = page(teacher.get("/teach/questions/new/true_false"))
    lesson = form.get_element_by_id("lesson")
    shown = next(o for o in lesson.xpath("option") if o.get("selected") is not None)
    with app.app_context():
        first = db.session.scalar(sa.select(Lesson).where(Lesson.retired.is_(False)).order_by(Lesson.position).limit(1))
        assert shown.get("value") == str(first.id)
        anchors = [o.get("value") for o in form.get_element_by_id("lesson_anchor").xpath("option")]
        assert anchors == ["", *[h["anchor"] for h in first.headings]] and len(anchors) > 1


def test_the_live_preview_renders_the_question_and_what_to_fix_and_saves_nothing(app, teacher):
    path = "/teach/questions/preview/single_choice"
    ready = teacher.post(path, data={**single(app, id="trade-live"), "csrf_token": csrf_token(teacher, NEW.format("single_choice"))})
    assert ready.status_code == 200 and "Ready to save." in ready.get_data(as_text=True) and "<strong>1996</strong>" in ready.get_data(as_text=True)
    broken = teacher.post(path, data={**single(app, id="trade-live", answer=""), "csrf_token": csrf_token(teacher, NEW.format("single_choice"))})
    assert "1 thing to fix before saving" in broken.get_data(as_text=True) and "Mark the right option" in broken.get_data(as_text=True)
    assert teacher.post(path, data=single(app)).status_code == 400  # no CSRF token
    assert teacher.post("/teach/questions/preview/nothing", data={"csrf_token": csrf_token(teacher, NEW.format("single_choice"))}).status_code == 404
    with app.app_context():
        assert db.session.get(Question, "trade-live") is None


def test_another_instructors_question_cannot_be_previewed_through_its_id(app, teacher):
    assert post(teacher, "true_false", common(app, id="trade-tf-mine", answer="true")).status_code == 302
    other = person(app, "other", "instructor")
    refused = other.post("/teach/questions/preview/true_false?question=trade-tf-mine",
                         data={**common(app, answer="false"), "csrf_token": csrf_token(other, NEW.format("true_false"))})
    assert refused.status_code in (403, 404)


def test_rows_past_the_limit_are_not_read(app, teacher):
    many = {f"items-{n}-text": f"Item {n}" for n in range(rows.MAX_FORM_ROWS + 50)}
    response = post(teacher, "ordering", common(app, id="trade-many", **many), button="preview")
    assert response.status_code == 400 and "There are 200 rows here; a question may have at most 100." in response.get_data(as_text=True)
    assert stored(app, "trade-many") is None
    assert not re.search(r'name="items-2(0[0-9]|[1-4][0-9])-text"', response.get_data(as_text=True))
