"""Moodle's own question files (tests/data/moodle-public): every one is read without a failure, every
question in it is either imported or skipped with a reason, and the count script's reading of the
files' own question types agrees with counts made by hand.

No import percentage is asserted here: it rises as the importers learn new types; the figures are
in bench/RESULTS.md, printed by bench/moodle_import_counts.py.
"""

import importlib.util
import io
import sys
from collections import Counter

import pytest
import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import Lesson
from tests.conftest import csrf_token
from tests.test_teaching import person

_SPEC = importlib.util.spec_from_file_location("bench_moodle_import_counts", PROJECT_ROOT / "bench" / "moodle_import_counts.py")
counts = importlib.util.module_from_spec(_SPEC)
sys.modules[_SPEC.name] = counts  # its dataclasses look their module up by name
_SPEC.loader.exec_module(counts)

PUBLIC = PROJECT_ROOT / "tests" / "data" / "moodle-public"
FILES = sorted(path for path in PUBLIC.iterdir() if path.name != "README.md")


def test_the_folder_holds_the_files_its_readme_lists():
    listed = (PUBLIC / "README.md").read_text(encoding="utf-8")
    assert len(FILES) >= 20 and all(f"`{path.name}`" in listed for path in FILES)


@pytest.mark.parametrize("path", FILES, ids=[path.name for path in FILES])
def test_every_question_is_imported_or_skipped_with_a_reason(path):
    count = counts.count_file(path)
    assert not count.refused, count.refused
    assert count.imported + sum(count.skipped.values()) == len(count.sources)
    assert all(reason.strip() for reason in count.skipped)


def test_every_file_uploads_without_a_server_error(app):
    teacher = person(app, "teacher", "instructor")
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
    for path in FILES:
        response = teacher.post("/teach/import", data={"file": (io.BytesIO(path.read_bytes()), path.name), "lesson": lesson_id,
                                                       "csrf_token": csrf_token(teacher, "/teach/import")},
                                content_type="multipart/form-data")
        assert response.status_code == 200, (path.name, response.get_data(as_text=True)[:500])
        assert " imported into Trade, " in response.get_data(as_text=True), path.name


# Counted by hand from the files themselves.
@pytest.mark.parametrize(("name", "types"), [
    ("gift_examples.txt", {"multichoice single": 16, "multichoice multi": 2, "truefalse": 5, "shortanswer": 9,
                           "numerical": 8, "matching": 3}),
    ("nested_categories_with_questions.xml", {"truefalse": 4, "essay": 1}),
    ("combined_testquestion.moodle.xml", {"combined": 1}),  # its four sub-questions are parts, not questions
    ("description_testquestion.moodle.xml", {"description": 1}),
    ("ordering_testexport.gift.txt", {"ordering": 1}),
])
def test_the_files_own_question_types_are_read_as_counted_by_hand(name, types):
    assert Counter(source.moodle_type for source in counts.count_file(PUBLIC / name).sources) == types


def test_expected_types_descriptions_and_lost_types():
    sources = {source.name: source for source in counts.count_file(PUBLIC / "sample_questions_with_old_image_tag.xml").sources}
    assert sources["mcq with image"].expected == "single_choice" and sources["mcq with image"].carries == ["images or files"]
    assert sources["cloze question with image"].expected == "cloze"
    description = counts.count_file(PUBLIC / "description_testquestion.moodle.xml")
    assert description.sources[0].expected == counts.DESCRIPTION and description.questions == []
    assert counts.count_file(PUBLIC / "varnumericset_testquestion.moodle.xml").sources[0].expected is None


def test_what_a_cloze_carries_is_read_blank_by_blank():
    (cloze,) = counts.count_file(PUBLIC / "multianswer-all-types.xml").sources
    assert cloze.blanks == {"MULTICHOICE": 1, "MULTICHOICE_H": 1, "MULTICHOICE_V": 1, "MULTICHOICE_S": 1, "MULTICHOICE_HS": 1,
                            "MULTICHOICE_VS": 1, "MULTIRESPONSE": 1, "MULTIRESPONSE_H": 1, "MULTIRESPONSE_S": 1,
                            "MULTIRESPONSE_HS": 1, "NUMERICAL": 3, "SHORTANSWER": 2, "SHORTANSWER_C": 1}
    assert sorted(cloze.carries) == ["case-sensitive answers", "partial credit"]


def test_partial_credit_and_weights_unlike_ours_are_read_from_the_source():
    gift = {source.name: source for source in counts.count_file(PUBLIC / "gift_examples.txt").sources}
    assert gift["Difficult question."].moodle_type == "multichoice single" and gift["Difficult question."].carries == ["partial credit"]
    assert gift["Thanksgiving Date"].carries == []
    (invalid,) = counts.count_file(PUBLIC / "error_invalid_grades.xml").sources
    assert invalid.moodle_type == "multichoice multi" and invalid.carries == ["exact weights"]
