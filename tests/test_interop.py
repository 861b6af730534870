"""GIFT and Moodle XML import and export, Anki decks: the real Moodle files, round trips, bad files."""

import io
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.course.bank import check_question_data
from app.course.interop.anki import build_deck
from app.course.interop.gift import export_gift, parse_gift
from app.course.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from app.extensions import db
from app.models import Question, QuestionVersion
from tests.conftest import SHARED, csrf_token
from tests.test_teaching import person

# The real Moodle files: ../shared/interop when present, else the identical copies kept in tests/fixtures.
INTEROP = SHARED / "interop" if (SHARED / "interop").is_dir() else Path(__file__).parent / "fixtures" / "moodle"
needs_interop = pytest.mark.skipif(not (INTEROP / "gift_questions.gift.txt").exists(), reason=f"the Moodle sample files are not at {INTEROP}")


def checked(items, anchors=frozenset({"key-facts"})):
    results = [check_question_data(item.data, set(anchors)) for item in items]
    assert all(not messages for _, messages in results), [m for _, m in results if m]
    return [question.data for question, _ in results]


@needs_interop
def test_moodles_gift_file_imports_with_types_answers_and_feedback():
    imported, skipped = parse_gift((INTEROP / "gift_questions.gift.txt").read_text(encoding="utf-8"), "key-facts")
    assert skipped == []
    by_name = {item.name: data for item, data in zip(imported, checked(imported), strict=True)}
    assert len(imported) == 9  # as Moodle imports it
    essay = by_name["Q8"]
    assert essay["type"] == "essay" and essay["prompt"] == "How are you?" and [c["id"] for c in essay["rubric"]] == ["overall"]
    assert any("no rubric" in note for note in imported[0].notes)
    assert by_name["Moodle activities"]["type"] == "matching"
    assert [p["right"] for p in by_name["Moodle activities"]["pairs"]] == ["Forum", "Choice", "Database", "Wiki"]
    assert by_name["Moodle activities"]["distractors"][0]["text"] == "Chat"
    q2 = by_name["Q2"]
    assert q2["type"] == "single_choice" and next(o for o in q2["options"] if o["text"] == "yellow")["feedback"] == "right; good!"
    assert next(o for o in q2["options"] if o["text"] == "red")["feedback"] == "wrong, it's yellow"
    colours = by_name["colours"]  # ~%50%yellow ~%-100%red ~%50%off-beige ~%-100%blue: Moodle's weights, exactly
    assert colours["type"] == "multiple_response" and colours["scoring"] == "weights"
    assert [(o["text"], o["credit"]) for o in colours["options"]] == [("yellow", 0.5), ("red", -1.0), ("off-beige", 0.5), ("blue", -1.0)]
    assert sorted(o["text"] for o in colours["options"] if o["id"] in colours["answer"]) == ["off-beige", "yellow"]
    q5 = by_name["Q5"]  # {#3:2~#Completely wrong}
    assert (q5["type"], q5["answer"], q5["tolerance"], q5["other_feedback"]) == ("numeric", 3.0, 2.0, "Completely wrong")
    short = by_name["Shortanswer"]  # =%0%*#Completely wrong is Moodle's "any other answer"
    assert [(a["text"], a["credit"], a.get("feedback")) for a in short["answers"]] == [
        ("Frog", 1.0, "Good!"), ("Cat", 0.5, "What is it with Moodlers and cats?")]
    assert short["other_feedback"] == "Completely wrong" and "wrong_answers" not in short
    q1 = by_name["Q1"]
    assert q1["answer"] is False and q1["feedback"] == {"true": "42 is the Ultimate Answer.", "false": "You gave the right answer."}
    assert "Hitchiker's Guide" in q1["explanation"]
    assert [by_name[n]["answer"] for n in ("2-08 TSL",)] == [True]


@needs_interop
def test_moodles_gift_file_with_a_category():
    imported, skipped = parse_gift((INTEROP / "gift_questions_in_category.gift.txt").read_text(encoding="utf-8"), "key-facts")
    data = checked(imported)
    assert skipped == [] and [d["type"] for d in data] == ["matching", "single_choice", "short_answer", "true_false"]
    assert all(d["tags"] == ["Default for New Features"] for d in data)  # the category's path, without $course$
    greeting = data[1]
    assert 'href="http://demo.moodle.net/file.php/5/media/bonjour.mp3"' in greeting["prompt"]
    assert next(o for o in greeting["options"] if o["id"] == greeting["answer"])["text"] == "French"


@needs_interop
@pytest.mark.parametrize(("file", "kind", "check"), [
    ("xml_multichoice.moodle.xml", "multiple_response", lambda d: sorted(o["text"] for o in d["options"] if o["id"] in d["answer"]) == ["London", "Paris"]
     and d["scoring"] == "weights" and sorted(o["credit"] for o in d["options"]) == [0, 0, 0, 0.5, 0.5]),
    ("xml_matching.moodle.xml", "matching", lambda d: [p["right"] for p in d["pairs"]] == ["amphibian", "mammal", "amphibian"] and d["distractors"][0]["text"] == "insect"),
    ("xml_numerical.moodle.xml", "numeric", lambda d: (d["answer"], d["tolerance"]) == (6.25, 0.05) and d["explanation"] == "The average is 6.25"),
    ("xml_shortanswer.moodle.xml", "short_answer", lambda d: [(a["text"], a["credit"]) for a in d["answers"]] == [("frog", 1.0), ("toad", 0.8)]),
])
def test_moodles_xml_files_import(file, kind, check):
    imported, skipped = parse_moodle_xml((INTEROP / file).read_text(encoding="utf-8"), "key-facts")
    (data,) = checked(imported)
    assert skipped == [] and data["type"] == kind and check(data)


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml"])
def test_every_shipped_bank_round_trips(shipped_course, fmt):
    for bank in shipped_course.banks:
        lesson = next(item for item in shipped_course.lessons if item.slug == bank.slug)
        original = [q.data for q in bank.questions]
        if fmt == "gift":  # GIFT has no cloze questions
            text, skipped = export_gift(original)
            imported, refused = parse_gift(text, "key-facts")
            expected = [d for d in original if d["type"] != "cloze"]
            assert [ident for ident, _ in skipped] == [d["id"] for d in original if d["type"] == "cloze"]
        else:
            imported, refused = parse_moodle_xml(export_moodle_xml(original), "key-facts")
            expected = original
        assert refused == []
        assert checked(imported, lesson.anchors) == expected, bank.slug


def test_broken_xml_is_refused_with_a_line():
    with pytest.raises(ValueError, match="line 4: not well-formed XML"):  # the </quiz> that closes nothing open
        parse_moodle_xml('<?xml version="1.0"?>\n<quiz>\n<question type="x">\n</quiz>', "key-facts")


def test_an_unsupported_moodle_type_is_reported_and_the_rest_imports():
    text = export_moodle_xml([{"id": "tf", "type": "true_false", "prompt": "P", "explanation": "E", "lesson_anchor": "key-facts",
                               "tags": ["t"], "difficulty": "easy", "answer": True}])
    text = text.replace("<quiz>", '<quiz>\n  <question type="calculated"><name><text>Formula one</text></name></question>')
    imported, skipped = parse_moodle_xml(text, "key-facts")
    assert [s.name for s in skipped] == ["Formula one"] and skipped[0].line == 3
    assert skipped[0].reason == "Moodle type 'calculated' has no equivalent here; skipped"
    assert [item.data["id"] for item in imported] == ["tf"]


def anki_notes(package: bytes, columns: str = "mid, flds", order: str = "id") -> list[tuple]:
    """The notes of an .apkg (``columns`` of Anki's notes table), read from the package's collection database."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive, tempfile.TemporaryDirectory() as folder:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        rows = connection.execute(f"SELECT {columns} FROM notes ORDER BY {order}").fetchall()
        connection.close()
    return rows


def test_anki_deck_has_stable_note_ids(shipped_course):
    from app.course.bank import render_question

    bank = shipped_course.bank("trade")
    cards = [(q.data, render_question(q.data), "https://example/lesson") for q in bank.questions]
    first, second = build_deck("Trade", cards, b"deck key"), build_deck("Trade", cards, b"deck key")

    a, b = anki_notes(first, "guid, flds", "guid"), anki_notes(second, "guid, flds", "guid")
    assert len(a) == len(bank.questions) and a == b  # the same ids and, shuffled by a keyed seed, the same fronts
    assert any("1996" in fields for _, fields in a)


# --- Over HTTP and the command line -------------------------------------------------------

def upload(client, content: bytes, filename: str, lesson_id: int):
    return client.post("/teach/import", data={"file": (io.BytesIO(content), filename), "lesson": lesson_id,
                                              "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def trade_id(app):
    from app.models import Lesson
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))


@needs_interop
def test_uploading_a_moodle_file_imports_its_questions_and_reports_the_rest(app):
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, (INTEROP / "gift_questions.gift.txt").read_bytes(), "questions.gift.txt", trade_id(app))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "9 imported into Trade, 0 skipped" in html and "line 2: Q8" in html
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored")) == 9
    assert "moodle-activities" in teacher.get("/teach/questions?lesson=trade").get_data(as_text=True)


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"\xff\xfe\x00bad", "bad.gift", "not UTF-8 text"),
    (b"just some words", "notes.txt", "neither a GIFT file"),
    (b"<quiz><question", "broken.xml", "not well-formed XML"),
    (b"hello", "picture.png", "Import takes .gift, .txt or .xml files."),
])
def test_bad_files_change_nothing(app, content, filename, message):
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, content, filename, trade_id(app))
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored")) == 0


def test_an_oversized_upload_gets_a_413_page(make_app):
    app = make_app(MAX_CONTENT_LENGTH=1024)
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, b"x" * 4096, "big.gift", trade_id(app))
    assert response.status_code == 413 and "413" in response.get_data(as_text=True)


@needs_interop
def test_bank_import_command(app):
    result = app.test_cli_runner().invoke(args=["bank", "import", str(INTEROP / "xml_matching.moodle.xml"), "--lesson", "saarc",
                                                "--bank", "course"])
    assert result.exit_code == 0, result.output
    assert "1 imported, 0 skipped (moodle-xml)" in result.output and "xml_matching.moodle.xml:12: imported" in result.output
    with app.app_context():
        data = db.session.scalar(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == "matching-001"))
    assert data["type"] == "matching"
    missing = app.test_cli_runner().invoke(args=["bank", "import", str(INTEROP / "xml_matching.moodle.xml"), "--lesson", "nope",
                                                 "--bank", "course"])
    assert missing.exit_code != 0 and "no lesson 'nope'" in missing.output


def test_exports_download_in_every_format(app, shipped_course):
    teacher = person(app, "teacher", "instructor")
    gift = teacher.get("/teach/lessons/trade/bank.gift")
    assert gift.status_code == 200 and "// not exported: trade-safta-cloze (GIFT has no cloze questions)" in gift.get_data(as_text=True)
    assert "{>" in gift.get_data(as_text=True)  # ordering, as the ordering plugin writes it
    xml = teacher.get("/teach/lessons/trade/bank.xml")
    assert xml.status_code == 200 and xml.get_data(as_text=True).count("<question ") == len(shipped_course.bank("trade").questions)
    deck = app.test_client().get("/lessons/trade/anki.apkg")
    assert deck.status_code == 200 and zipfile.is_zipfile(io.BytesIO(deck.data))
    assert app.test_client().get("/review/anki.apkg").status_code == 404
