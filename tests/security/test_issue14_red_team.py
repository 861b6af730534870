"""Red team of issue 14's new features (response analysis, known wrong answers, excludes, leak-free draws): each
test is a finding, written to fail before its fix. Proof scripts against a served clone are named in the report."""

import io
import json
import re
from html import unescape

import sqlalchemy as sa

from app.course.bank import check_question_data
from app.course.leaks import states_key
from app.course.quiz import form_values
from app.extensions import db
from app.models import Assignment, Question, QuestionVersion
from tests.conftest import csrf_token
from tests.test_quiz import check, layout_data, start
from tests.test_response_analysis import answer, cards, page, set_data, text, world  # noqa: F401  (world is a fixture)
from tests.test_teaching import create_assignment, create_class, lesson_id, person


# --- Response analysis --------------------------------------------------------------------------

def test_a_cloze_answer_with_two_blanks_short_counts_once(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-cloze": {"start": "Multan", "end": "Karachi"}})
    html = page(c["teacher"], "/teach/questions/resp-cloze/responses")
    assert "1 answer scored less than full" in text(html)  # one learner's one answer, though both blanks fell short
    overview = text(page(c["teacher"], "/teach/responses"))
    assert re.search(r"resp-cloze Trade Cloze 1 2 1 ", overview)  # the course-wide list agrees: 1 answer, 2 responses


def test_a_response_that_cannot_be_accepted_offers_no_button_and_says_why(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    set_data(app, "resp-sa", wrong_answers=[{"text": "Karachi", "feedback": "Karachi is by the sea."}])
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "karachi", "resp-num": "1990-2000"})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "Multan", "resp-num": "not a year"})
    other, known = cards(page(c["teacher"], "/teach/questions/resp-sa/responses"))  # newest first
    assert "Accept" in other and "Accept" not in known
    assert "known wrong answer" in known
    for card in cards(page(c["teacher"], "/teach/questions/resp-num/responses")):
        assert "Accept" not in card and "cannot be accepted" in card, card


# --- Practice: feedback between tries -----------------------------------------------------------

MFN = {"id": "mfn", "type": "numeric", "prompt": "In which year did India grant Pakistan MFN status?", "answer": 1996.0,
       "tolerance": 0.0, "unit": None, "units": {}}


def test_a_feedback_names_the_key_as_a_learner_reads_it():
    assert states_key(MFN, "2006 is SAFTA's year; India granted MFN ten years earlier, in 1996.")
    assert not states_key(MFN, "2006 is the year SAFTA came into operation, not the MFN grant.")
    cloze = {"id": "c", "type": "cloze", "prompt": "Fill.", "text": "[[org]]", "blanks": [{"id": "org", "accept": ["SAARC"]}]}
    assert states_key(cloze, "SAPTA came earlier; SAFTA is the agreement of SAARC's members.")
    assert not states_key(cloze, "SAPTA is an earlier arrangement.")


def test_practice_keeps_a_feedback_that_names_the_key_until_the_question_is_finished(app, client):
    public_id = start(client, mode="practice")
    position, data = next((n, d) for n, d in enumerate(layout_data(app, public_id)) if d["id"] == "trade-mfn-year")
    token = csrf_token(client)
    check(client, public_id, position, 1, form_values(data, f"q{position}", "2006"), token)
    verdict = text(unescape(client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)).split('class="verdict"')[1])
    assert "1996" not in verdict, verdict  # the key is not handed over for the next try
    assert "names the right answer" in verdict
    for try_number, wrong in ((2, "2004"), (3, "2019")):
        check(client, public_id, position, try_number, form_values(data, f"q{position}", wrong), token)
    finished = unescape(client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True))
    assert "India withdrew Pakistan's MFN status" in finished and "The answer: 1996" in text(finished)


# --- excludes: named questions the author can see, in the lesson ---------------------------------

def write_short(client, app, ident: str, slug: str = "trade", **fields):
    path = f"/teach/questions/new/short_answer?lesson={slug}"
    return client.post(path, data={"id": ident, "lesson": lesson_id(app, slug), "bank": "mine", "prompt": "Which crossing?",
                                   "answers-0-text": "Wagah border", "explanation": "Wagah.", "lesson_anchor": "key-facts",
                                   "tags": "trade", "difficulty": "easy", "save": "1", **fields,
                                   "csrf_token": csrf_token(client, path)})


def saved(app, ident: str) -> bool:
    with app.app_context():
        return db.session.get(Question, ident) is not None


def test_the_editor_refuses_excludes_naming_a_question_of_another_lesson_or_someone_elses_draft(app):
    teacher, rival = person(app, "teacher", "instructor"), person(app, "rival", "instructor")
    assert write_short(rival, app, "rivals-draft").status_code == 302
    for ident, other in (("x-none", "no-such-question"), ("x-lesson", "saarc-founded-year"), ("x-rival", "rivals-draft")):
        refused = write_short(teacher, app, ident, excludes=other)
        assert refused.status_code == 400 and f"“{other}” is not a question of this lesson that you can see" in unescape(
            refused.get_data(as_text=True)), other
        assert not saved(app, ident)
    assert write_short(teacher, app, "x-course", excludes="trade-mfn-year").status_code == 302  # a course question of the lesson


def gift(*questions: tuple[str, list[str]]) -> bytes:
    return "\n".join(f"// backchannel: {json.dumps({'id': ident, 'lesson_anchor': 'key-facts', 'excludes': excludes})}\n"
                     f"::{ident}::Which crossing ({ident})?{{=Wagah border}}\n" for ident, excludes in questions).encode()


def import_file(client, content: bytes, slug: str = "trade"):
    return client.post("/teach/import", data={"file": (io.BytesIO(content), "pair.gift"), "lesson": lesson_id(client.application, slug),
                                              "bank": "mine", "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def stored_excludes(app, ident: str) -> list[str]:
    with app.app_context():
        question = db.session.get(Question, ident)
        return db.session.scalar(sa.select(QuestionVersion.data).where(
            QuestionVersion.question_id == ident, QuestionVersion.version == question.version)).get("excludes", [])


def test_an_import_skips_excludes_it_cannot_place_and_follows_the_ids_it_renames(app):
    teacher = person(app, "teacher", "instructor")
    content = gift(("imp-a", ["imp-b"]), ("imp-b", ["trade-mfn-year"]), ("imp-c", ["no-such-question"]))
    report = text(unescape(import_file(teacher, content).get_data(as_text=True)))
    assert "line 8: imp-c: question 'imp-c': excludes 'no-such-question', which is not a question of this lesson you can see" in report
    assert not saved(app, "imp-c") and stored_excludes(app, "imp-a") == ["imp-b"]
    report = text(unescape(import_file(teacher, gift(("imp-a", ["imp-b"]), ("imp-b", []))).get_data(as_text=True)))
    assert "imported as 'imp-a-2'" in report and "imported as 'imp-b-2'" in report
    assert stored_excludes(app, "imp-a-2") == ["imp-b-2"]  # the copy's pair is the copy, not the first import's question


# --- The leak-free draw of an assignment over several lessons -----------------------------------

def test_an_assignment_over_two_lessons_keeps_apart_a_pair_that_leaks_across_them(app):
    teacher = person(app, "teacher", "instructor")
    assert write_short(teacher, app, "xl-key", **{"answers-0-text": "Zorbatown"}, tags="xl").status_code == 302
    assert write_short(teacher, app, "xl-shows", slug="saarc", prompt="Why did the envoys meet in Zorbatown?", tags="xl").status_code == 302
    assert write_short(teacher, app, "xl-other", slug="saarc", prompt="Which crossing, again?", tags="xl").status_code == 302
    classroom_id, _ = create_class(teacher)
    drawn = set()
    for _ in range(24):
        assignment_id = create_assignment(app, teacher, classroom_id, lessons=[lesson_id(app), lesson_id(app, "saarc")], tag="xl",
                                          question_count=2)
        with app.app_context():
            drawn.add(frozenset(db.session.get(Assignment, assignment_id).question_ids))
    assert frozenset({"xl-key", "xl-shows"}) not in drawn, drawn


# --- Known wrong answers that are an accepted answer in other words ------------------------------

def test_a_wrong_answer_that_reads_as_an_accepted_number_is_refused():
    cloze = {"id": "c", "type": "cloze", "prompt": "Fill.", "text": "In [[year]].", "explanation": "2005.",
             "lesson_anchor": "key-facts", "tags": ["t"], "difficulty": "easy",
             "blanks": [{"id": "year", "accept": ["2005"], "wrong_answers": [{"text": "two thousand five"}]}]}
    assert "wrong answer 'two thousand five' reads the same as the accepted '2005'" in " ".join(check_question_data(cloze, None)[1])
    numeric = {"id": "n", "type": "numeric", "prompt": "How many?", "answer": 403, "explanation": "403.", "lesson_anchor": "key-facts",
               "tags": ["t"], "difficulty": "easy", "wrong_answers": [{"text": "400"}], "other_answers": [{"text": "400.0", "credit": 0.5}]}
    assert "'400.0' is both a known wrong answer and an other answer" in " ".join(check_question_data(numeric, None)[1])


def test_known_and_other_answers_are_a_short_list():
    """50,000 other answers were saved from the editor and then cost 0.6 s of marking per answer, on every page that marks."""
    numeric = {"id": "n", "type": "numeric", "prompt": "How many?", "answer": 3, "explanation": "3.", "lesson_anchor": "key-facts",
               "tags": ["t"], "difficulty": "easy", "other_answers": [{"text": str(1000 + n), "credit": 0.5} for n in range(101)]}
    assert "at most 100 other answers (this has 101)" in " ".join(check_question_data(numeric, None)[1])
    short = {"id": "s", "type": "short_answer", "prompt": "Where?", "answers": ["Wagah"], "explanation": "Wagah.",
             "lesson_anchor": "key-facts", "tags": ["t"], "difficulty": "easy", "wrong_answers": [f"Town {n}" for n in range(101)]}
    assert "at most 100 wrong answers (this has 101)" in " ".join(check_question_data(short, None)[1])
    short["wrong_answers"] = short["wrong_answers"][:100]
    assert check_question_data(short, None)[0] is not None
