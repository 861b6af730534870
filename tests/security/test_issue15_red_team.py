"""Red team of issue 15's new code (essays and their grading, rich cloze blanks, GIFT / Moodle XML / QTI imports and
exports): each test is a finding, written to fail before its fix. The served-clone scripts that found them, and the
numbers they measured, are in the report."""

import io
import re
from html import unescape

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from app.course.bank import parse_bank_text
from app.course.interop import qti
from app.extensions import db
from app.models import Answer, Attempt, EssayGrade, Question
from tests.conftest import PASSWORD, csrf_token
from tests.test_api import token_for
from tests.test_essay_review import write_practice_essay
from tests.test_grading import essay_answer, essay_class, grade, submit_essay  # noqa: F401  (essay_class is a fixture)
from tests.test_qti import EXAMPLES, manifest_of, zipped
from tests.test_teaching import create_assignment, lesson_id, person


def page_text(response) -> str:
    """A page's words, tags and spacing aside."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def grades_stored(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(EssayGrade.id)))


# --- Grading essays: the rubric form ----------------------------------------------------------

@pytest.mark.parametrize("level", ["²", "9" * 5000, "١", "1" * 40])
def test_a_rubric_level_that_is_no_level_number_is_refused_and_saves_nothing(app, essay_class, level):
    """A superscript digit or a 5,000-digit number was a 500 (``str.isdigit`` takes them, ``int`` does not); an
    Arabic-Indic digit was taken as a level. The form sends 0, 1, 2...: anything else is forged."""
    answer = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"]))
    response = grade(essay_class["teacher"], answer.id, {"thesis": level, "evidence": "0"})
    assert response.status_code == 400 and "Nothing was saved" in page_text(response)
    with app.app_context():
        assert db.session.get(Answer, answer.id).status == "pending"
    assert grades_stored(app) == 0


def test_a_rubric_level_sent_twice_is_refused(app, essay_class):
    """The first of two values was taken silently; a field sent twice is forged, as in every answer form."""
    answer = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"]))
    teacher = essay_class["teacher"]
    path = f"/teach/grading/{answer.id}"
    response = teacher.post(path, data=MultiDict([("csrf_token", csrf_token(teacher, path)), ("level-thesis", "0"),
                                                  ("level-thesis", "1"), ("level-evidence", "0")]))
    assert response.status_code == 400 and "sent 2 times" in page_text(response)
    assert grades_stored(app) == 0


def test_a_learners_own_grade_with_a_forged_level_is_refused_not_a_server_error(app, client):
    public_id, position = write_practice_essay(app, client)
    response = client.post(f"/attempts/{public_id}/self-grade", data={
        "position": position, "level-thesis": "²", "level-evidence": "0", "level-causes": "0", "level-accuracy": "0",
        "csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert response.status_code == 400 and "Nothing was saved" in page_text(response)
    assert grades_stored(app) == 0


def test_regrading_an_essay_question_keeps_the_grades_its_essays_were_given(app, essay_class):
    """A regrade marks answers again by the question's rule, and an essay's rule says "pending": the dry run listed every
    graded essay as falling to 0, and applying it put them all back in the queue with their attempts' totals lowered."""
    public_id = submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"])
    answer = essay_answer(app, public_id)
    teacher = essay_class["teacher"]
    assert grade(teacher, answer.id, {"thesis": "1", "evidence": "1"}).status_code == 302
    path = f"/teach/questions/{answer.question_id}/regrade"
    assert "0.00" not in page_text(teacher.get(path))
    assert teacher.post(path, data={"csrf_token": csrf_token(teacher, path)}).status_code == 302
    regraded = essay_answer(app, public_id)
    assert (regraded.status, regraded.score) == ("partial", pytest.approx(0.7))
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == pytest.approx(0.7)


def test_an_instructors_grade_stays_theirs_once_their_account_is_deleted(app, essay_class):
    """The grade's grader becomes unknown when that account goes (the class moving to its co-instructor): the student's
    result then called their instructor's grade and comments "Your own grade"."""
    person(app, "colleague", "instructor")
    teacher, classroom = essay_class["teacher"], essay_class["classroom"]
    added = teacher.post(f"/teach/classes/{classroom}/instructors",
                         data={"username": "colleague", "csrf_token": csrf_token(teacher, f"/teach/classes/{classroom}")})
    assert added.status_code == 302
    sana = essay_class["students"]["sana"]
    public_id = submit_essay(app, sana, essay_class["assignment"])
    assert grade(teacher, essay_answer(app, public_id).id, {"thesis": "1", "evidence": "1"}, comment="Use 2004.").status_code == 302
    deleted = teacher.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(teacher, "/account/delete")})
    assert deleted.status_code == 302
    result = page_text(sana.get(f"/attempts/{public_id}/result"))
    assert "Graded by your instructor: Thesis: 2 of 2" in result and "Your own grade" not in result


def test_the_data_export_holds_an_essays_grade_once_the_student_may_see_it(app, essay_class):
    """"Everything stored about you" left out the levels and comments of every essay's grade."""
    sana = essay_class["students"]["sana"]
    public_id = submit_essay(app, sana, essay_class["assignment"])
    grade(essay_class["teacher"], essay_answer(app, public_id).id, {"thesis": "1", "evidence": "1"}, comment="Use 2004.")
    [shown] = next(attempt["answers"] for attempt in sana.get("/account/export").get_json()["attempts"] if attempt["id"] == public_id)
    assert shown["grade"]["levels"] == {"thesis": 2, "evidence": 1.5} and shown["grade"]["comments"] == {"overall": "Use 2004."}
    hidden = create_assignment(app, essay_class["teacher"], essay_class["classroom"], tag="grading-test", question_count=1,
                               title="Hidden essay", review_option="never", attempt_limit=1)
    secret = submit_essay(app, sana, hidden)
    grade(essay_class["teacher"], essay_answer(app, secret).id, {"thesis": "0", "evidence": "0"}, comment="Secret.")
    exported = sana.get("/account/export").get_json()["attempts"]
    assert "Secret." not in str(exported) and "Use 2004." not in str(exported)  # the exam holds the question back now


# --- Essays as a browser sends them -------------------------------------------------------------

def browser_essay(visible_chars: int, paragraphs: int) -> str:
    """An essay of ``visible_chars`` characters as the textarea counts them (a line break is one), sent as browsers
    send a form: every line break as CR LF."""
    breaks = "\n\n" * (paragraphs - 1)
    words = visible_chars - len(breaks)
    size, extra = divmod(words, paragraphs)
    parts = ["x" * (size + (1 if index < extra else 0)) for index in range(paragraphs)]
    text = "\n\n".join(parts)
    assert len(text) == visible_chars
    return text.replace("\n", "\r\n")


def test_an_essay_at_the_textarea_limit_with_paragraphs_is_taken_and_keeps_them(app, essay_class):
    """The textarea (maxlength 20000) counts a line break as one character, a browser sends it as two (CR LF): a
    full-length essay with paragraphs was refused as forged, the whole test with it ("Nothing was saved"), and a
    shorter one showed as one paragraph, since its paragraphs are split at blank lines ("\\n\\n")."""
    sent = browser_essay(20_000, 12)
    assert len(sent) > 20_000
    public_id = submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"], sent)
    answer = essay_answer(app, public_id)
    assert answer.response == sent.replace("\r\n", "\n") and answer.status == "pending"
    html = essay_class["teacher"].get(f"/teach/grading/{answer.id}").get_data(as_text=True)
    essay = html.split('class="essay-text">', 1)[1].split("</div>", 1)[0]
    assert essay.count("<p>") == 12


def test_a_grade_comment_at_its_limit_with_line_breaks_is_taken(app, essay_class):
    """The same for comments (maxlength 2000): a full comment of several lines was refused and the grade lost."""
    answer = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"]))
    comment = browser_essay(2_000, 4)
    response = grade(essay_class["teacher"], answer.id, {"thesis": "1", "evidence": "2"}, comment=comment)
    assert response.status_code == 302
    with app.app_context():
        stored = db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer.id))
        assert stored.comments["overall"] == comment.replace("\r\n", "\n")


# --- Cloze over the API ---------------------------------------------------------------------------

def test_an_api_answer_to_a_blank_the_cloze_lacks_is_refused(app):
    """An unknown blank id was ignored, so a client's typo scored 0 without a word; matching refuses its unknown ids."""
    client, headers = token_for(app, "sana")
    quiz = client.get("/api/v1/lessons/role-of-sports/quiz").get_json()
    cloze = next(question for question in quiz["questions"] if question["id"] == "sports-other-games-cloze")
    token = cloze["blank_choices"]["games"][0]["id"]
    response = client.post("/api/v1/lessons/role-of-sports/attempts", headers=headers, json={
        "quiz": quiz["quiz"], "responses": {"sports-other-games-cloze": {"games": token, "gmaes": token}}})
    assert response.status_code == 400 and "'gmaes' is not a blank of sports-other-games-cloze" in response.get_json()["reason"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


# --- Imports ----------------------------------------------------------------------------------------

def upload(client, content: bytes, filename: str, app, slug: str = "trade"):
    """Post a file to the import page."""
    return client.post("/teach/import", data={"file": (io.BytesIO(content), filename), "lesson": lesson_id(app, slug),
                                              "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def authored(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored"))


def test_a_package_listing_one_item_file_for_two_items_is_refused_at_the_second_listing():
    """Each listing was parsed and read again: a 6 KB package listing one 4 MB item 300 times took a worker to 1.3 GB
    and imported 300 copies; 1,000 listings (the item limit) would take about 4 GB."""
    item = (EXAMPLES / "TF-choice.xml").read_bytes()
    package = zipped({"imsmanifest.xml": manifest_of("a.xml", "b.xml", "./a.xml"), "a.xml": item, "b.xml": item})
    with pytest.raises(ValueError) as refused:
        qti.import_package(package, "key-facts")
    assert "imsmanifest.xml: line 2: 'a.xml' is listed for two items" in str(refused.value)


def test_a_package_item_of_more_elements_than_any_question_needs_is_refused_naming_its_file():
    """Every item's tree was kept until all were read: 8 items of 4 MB of bare ``<em>a</em>`` (a 64 KB zip) took a worker
    to 1.3 GB and each took 9 s to read, past the import's time budget; now one tree at a time, and an item is refused
    past 50,000 elements (the shipped questions export to at most 209)."""
    dense = choice_item(2).replace(b"<p>Which?</p>", b"<p>" + b"<em>a</em> " * 60_000 + b"</p>")
    package = zipped({"imsmanifest.xml": manifest_of("fine.xml", "dense.xml"), "fine.xml": choice_item(2), "dense.xml": dense})
    with pytest.raises(ValueError) as refused:
        qti.import_package(package, "key-facts")
    assert "dense.xml: line 3: the item holds 60,017 elements" in str(refused.value) and "one item may hold at most 50,000" in str(refused.value)


def choice_item(choices: int) -> bytes:
    """A QTI 3.0 single-choice item of another tool with ``choices`` choices, each with its own feedback."""
    listed = "".join(f'<qti-simple-choice identifier="C{n}">Choice {n}</qti-simple-choice>' for n in range(choices))
    feedback = "".join(f'<qti-modal-feedback outcome-identifier="FEEDBACK" identifier="C{n}" show-hide="show">'
                       f'<qti-content-body><p>About {n}.</p></qti-content-body></qti-modal-feedback>' for n in range(choices))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="many" title="Many" adaptive="false"
    time-dependent="false">
<qti-response-declaration identifier="RESPONSE" cardinality="single" base-type="identifier">
<qti-correct-response><qti-value>C0</qti-value></qti-correct-response></qti-response-declaration>
<qti-outcome-declaration identifier="SCORE" cardinality="single" base-type="float"/>
<qti-item-body><p>Which?</p><qti-choice-interaction response-identifier="RESPONSE" max-choices="1">{listed}
</qti-choice-interaction></qti-item-body>
<qti-response-processing template="https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml"/>{feedback}
</qti-assessment-item>""".encode()


def test_a_question_of_thousands_of_options_is_skipped_at_its_line(app):
    """Nothing capped a question's options, blanks, items or pairs: a 34 KB package of one 4,000-choice item took
    18 s to read (each choice's feedback was looked for among all of them) and imported, a GIFT question of 10,001
    options took 9 s, and a lesson's QTI export with such a question took minutes (192 s for 10,001 options, 77 s
    for a cloze of 2,200 blanks)."""
    teacher = person(app, "teacher", "instructor")
    package = zipped({"imsmanifest.xml": manifest_of("many.xml"), "many.xml": choice_item(2_000)})
    response = upload(teacher, package, "many.zip", app)
    assert response.status_code == 200 and "0 imported into Trade, 1 skipped" in page_text(response)
    assert "'options' holds 2,000 entries; the most it may hold is 100" in page_text(response)
    gift = "::many:: Which? {=a " + " ".join(f"~o{n}" for n in range(101)) + "}\n"
    response = upload(teacher, gift.encode(), "many.gift", app)
    assert "line 1: many: question 'many': 'options' holds 102 entries; the most it may hold is 100" in page_text(response)
    blanks = "".join("{1:SHORTANSWER:=a}" for _ in range(101))
    moodle = (f'<?xml version="1.0"?>\n<quiz>\n<question type="cloze"><name><text>long</text></name><questiontext format="html">'
              f'<text><![CDATA[{blanks}]]></text></questiontext></question>\n</quiz>')
    response = upload(teacher, moodle.encode(), "long.xml", app)
    assert "line 3: long: question 'long': 'blanks' holds 101 entries; the most it may hold is 100" in page_text(response)
    assert authored(app) == 0


def test_a_shipped_bank_list_over_the_limit_is_refused_at_its_line():
    options = "".join(f"      - {{id: o{n}, text: Option {n}, feedback: No.}}\n" for n in range(101))
    bank = (f"questions:\n  - id: many\n    type: single_choice\n    prompt: Which?\n    options:\n{options}    answer: o0\n"
            "    explanation: Because.\n    lesson_anchor: mfn\n    tags: [trade]\n    difficulty: easy\n")
    _, problems = parse_bank_text(bank, "quizzes/t.yaml", "t", {"mfn"})
    assert any(p.line == 5 and "'options' holds 101 entries; the most it may hold is 100" in p.message for p in problems), problems


def test_a_category_path_of_ten_thousand_levels_makes_no_tag(app):
    """The path became one tag of 59,000 characters, stored and shown with the question; a tag now has a length limit,
    and the question is skipped at its line, the file's other questions imported."""
    teacher = person(app, "teacher", "instructor")
    path = "$course$/top/" + "/".join(f"c{n}" for n in range(10_000))
    moodle = (f'<?xml version="1.0"?>\n<quiz>\n<question type="category"><category><text>{path}</text></category></question>\n'
              '<question type="shortanswer"><name><text>deep</text></name><questiontext><text>Which crossing?</text>'
              '</questiontext><answer fraction="100"><text>Wagah</text></answer></question>\n</quiz>')
    response = upload(teacher, moodle.encode(), "deep.xml", app)
    assert "line 4: deep: question 'deep': tag" in page_text(response) and "characters; the most a tag may hold is" in page_text(response)
    gift = f"$CATEGORY: {path}\n\n::deep:: Which crossing? {{=Wagah}}\n\n$CATEGORY: $course$/top/Trade\n\n::ok:: Which crossing? {{=Wagah}}\n"
    response = upload(teacher, gift.encode(), "deep.gift", app)
    assert "1 imported into Trade, 1 skipped" in page_text(response) and "line 3: deep" in page_text(response)
    with app.app_context():
        assert [q.id for q in db.session.scalars(sa.select(Question).where(Question.origin == "authored"))] == ["ok"]


def test_gift_metadata_holding_a_number_too_long_to_read_skips_its_question_at_its_line(app):
    """A 5,000-digit number in ``// backchannel:`` refused the whole file with Python's message (no file, no line)."""
    teacher = person(app, "teacher", "instructor")
    gift = '::fine:: Which crossing? {=Wagah}\n\n// backchannel: {"tolerance": ' + "9" * 5000 + "}\n::odd:: In which year? {#1996}\n"
    response = upload(teacher, gift.encode(), "odd.gift", app)
    words = page_text(response)
    assert response.status_code == 200 and "1 imported into Trade, 1 skipped" in words
    assert "line 4: odd: the // backchannel: metadata holds a number too long to read; skipped" in words
