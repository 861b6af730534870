"""The gradebook: points and percentages, attempts, late and overridden cells, averages, sort and filter, former
students, drill-down with points per question, and both exports (the workbook read back from its XML)."""

import csv
import io
import re
import zipfile
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree

import pytest
import sqlalchemy as sa

from app.course.gradebook import (Row, Sitting, class_average, counted, is_late, make_cell, matches, number_text,
                                  percent_text, sort_rows)
from app.course.spreadsheet import xlsx_document
from app.extensions import db
from app.models import Assignment, AssignmentOverride, Attempt, ClassGroup, Classroom, Enrollment, Question, User
from tests.test_grading import essay_class, submit_essay  # noqa: F401  (a fixture)
from tests.test_teaching import create_assignment, create_class, join, person, take

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=timezone.utc)
SHEET = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def sitting(number, score, out_of=10.0, submitted=NOW, deadline=None, to_grade=0):
    return Sitting(f"p{number}", number, score, out_of, NOW - timedelta(hours=1), submitted, deadline, to_grade)


# --- the arithmetic (pure) ------------------------------------------------------------------------

@pytest.mark.parametrize(("method", "points", "percent", "shown"), [
    ("highest", 8.0, 80.0, "p2"), ("first", 5.0, 50.0, "p1"), ("last", 6.0, 60.0, "p3"), ("average", 19 / 3, 190 / 3, "p3")])
def test_a_grade_follows_the_method_and_its_points_agree_with_its_percent(method, points, percent, shown):
    result = counted(method, [sitting(1, 5), sitting(2, 8), sitting(3, 6)])
    assert result[0] == pytest.approx(points) and result[1] == 10 and result[2] == pytest.approx(percent)
    assert result[3].public_id == shown
    assert counted(method, []) is None


def test_points_come_from_what_the_counted_attempt_was_out_of():
    assert counted("highest", [sitting(1, 3, out_of=4), sitting(2, 5, out_of=10)])[:3] == (3, 4, 75.0)


def test_late_means_handed_in_after_the_students_own_due_date_beyond_the_grace():
    due = NOW - timedelta(minutes=10)
    assert is_late(sitting(1, 5, submitted=NOW), due)
    assert not is_late(sitting(1, 5, submitted=due + timedelta(seconds=20)), due)  # within the grace
    assert not is_late(sitting(1, 5, submitted=NOW), None)
    # Closed days later by the gradebook, but its work stopped at its deadline, which was the due date: on time.
    assert not is_late(sitting(1, 5, submitted=NOW + timedelta(days=3), deadline=due), due)
    assert not is_late(sitting(1, None, submitted=None), due)


def test_a_cell_counts_attempts_used_late_ones_and_essays_to_grade():
    due = NOW - timedelta(hours=2)
    cell = make_cell("highest", [sitting(1, 4, submitted=due - timedelta(hours=1)), sitting(2, 9, to_grade=1),
                                 sitting(3, None, submitted=None)], due, 3, ("+1 attempt",))
    assert cell.used == 3 and cell.in_progress == 1 and cell.late == (2,) and cell.to_grade == 1
    assert cell.points == 9 and cell.counted.number == 2 and cell.override == ("+1 attempt",)
    empty = make_cell("highest", [], due, None)
    assert empty.percent is None and empty.used == 0 and empty.late == ()


def test_the_class_average_is_over_the_graded_students_and_says_how_many():
    graded = [make_cell("highest", [sitting(1, 5)]), make_cell("highest", [sitting(1, 10)]), make_cell("highest", []), None]
    average = class_average(graded)
    assert (average.points, average.max_points, average.percent, average.graded, average.of) == (7.5, 10, 75, 2, 4)
    assert class_average([None]).percent is None


def rows():
    def row(name, group, percent):
        return Row(len(name), name, group, {1: make_cell("highest", [sitting(1, percent / 10)] if percent is not None else [])})
    return [row("omar", "B", 40), row("Ali", "", None), row("sana", "A", 90), row("zoe", "A", 40)]


@pytest.mark.parametrize(("column", "descending", "order"), [
    ("student", False, ["Ali", "omar", "sana", "zoe"]), ("student", True, ["zoe", "sana", "omar", "Ali"]),
    ("1", False, ["omar", "zoe", "sana", "Ali"]), ("1", True, ["sana", "omar", "zoe", "Ali"]),
    ("group", False, ["sana", "zoe", "omar", "Ali"]), ("group", True, ["omar", "sana", "zoe", "Ali"])])
def test_sorting_keeps_blanks_last_and_equals_by_name(column, descending, order):
    assert [row.name for row in sort_rows(rows(), column, descending)] == order


def test_a_filter_matches_a_name_or_a_group_in_any_case():
    assert [row.name for row in rows() if matches(row, " b ")] == ["omar"]  # omar's group
    assert [row.name for row in rows() if matches(row, "ZO")] == ["zoe"] and all(matches(row, "") for row in rows())


def test_numbers_read_as_a_person_writes_them():
    assert [number_text(x) for x in (7.5, 10.0, 20 / 3, 0.0)] == ["7.5", "10", "6.67", "0"]
    assert [percent_text(x) for x in (37.5, 100.0, 200 / 3)] == ["37.5 %", "100 %", "66.7 %"]


def read_xlsx(body: bytes) -> tuple[list[list[object]], ElementTree.Element]:
    """The first sheet's cells (numbers as floats, text as str) and its XML, read with the standard library only."""
    with zipfile.ZipFile(io.BytesIO(body)) as book:
        names = book.namelist()
        shared = []
        if "xl/sharedStrings.xml" in names:
            shared = ["".join(t.text or "" for t in si.iter(f"{SHEET}t"))
                      for si in ElementTree.fromstring(book.read("xl/sharedStrings.xml")).iter(f"{SHEET}si")]
        sheet = ElementTree.fromstring(book.read("xl/worksheets/sheet1.xml"))
    table: list[list[object]] = []
    for row in sheet.iter(f"{SHEET}row"):
        line: list[object] = []
        for c in row.iter(f"{SHEET}c"):
            column = 0
            for letter in re.match(r"[A-Z]+", c.get("r")).group():
                column = column * 26 + ord(letter) - 64
            line += [None] * (column - 1 - len(line))
            assert c.find(f"{SHEET}f") is None, "no cell may be a formula"
            value = c.find(f"{SHEET}v")
            line.append(shared[int(value.text)] if c.get("t") == "s" else float(value.text))
        table.append(line)
    return table, sheet


def test_the_workbook_writes_text_as_text_and_numbers_as_numbers():
    body = xlsx_document([["Student", "=HYPERLINK(\"x\")", "Score"], ["-2-3", "https://evil.example", 7.5], ["sana", None, 10]])
    table, sheet = read_xlsx(body)
    assert table == [["Student", '=HYPERLINK("x")', "Score"], ["-2-3", "https://evil.example", 7.5], ["sana", None, 10.0]]
    assert sheet.find(f"{SHEET}sheetViews/{SHEET}sheetView/{SHEET}pane").get("topLeftCell") == "B2"  # header and names stay


# --- over HTTP ------------------------------------------------------------------------------------

@pytest.fixture
def klass(app):
    """A class with two students (sana, omar), a five-question assignment allowing two attempts, and a rival."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    students = {name: person(app, name) for name in ("sana", "omar")}
    for client in students.values():
        assert join(client, code).status_code == 302
    assignment_id = create_assignment(app, teacher, classroom_id, attempt_limit=2)
    return {"teacher": teacher, "classroom": classroom_id, "code": code, "assignment": assignment_id, **students}


def user_id(app, name):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == name))


def attempt_id(app, public_id):
    with app.app_context():
        return db.session.scalar(sa.select(Attempt.id).where(Attempt.public_id == public_id))


def change(app, model, ident, **values):
    with app.app_context():
        row = db.session.get(model, ident)
        for name, value in values.items():
            setattr(row, name, value)
        db.session.commit()


def page(klass, **query):
    response = klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def names_in_order(html):
    """The students the page shows, in order (a row the filter leaves out is sent hidden, for the script)."""
    return [name for name, hidden in re.findall(r'<tr data-name="([^"]+)" data-group="[^"]*"( hidden)?>', html) if not hidden]


def test_cells_show_points_percent_attempts_and_the_class_average(app, klass):
    with app.app_context():
        assignment = db.session.get(Assignment, klass["assignment"])
        assignment.points = {assignment.question_ids[0]: 3}  # 3 + 4 × 1 = 7 points
        db.session.commit()
    take(app, klass["sana"], klass["assignment"])
    wrong = take(app, klass["omar"], klass["assignment"], right=False)
    change(app, Attempt, attempt_id(app, wrong), score=3.5)  # a wrong answer may earn part (a cloze): fix omar's total
    html = page(klass)
    assert "out of 7 points" in html and "highest attempt counts" in html
    assert "7 / 7<span class=\"visually-hidden\"> points</span>" in html and "100 %" in html
    assert "3.5 / 7" in html and "50 %" in html and "1 of 2 attempts" in html
    average = html[html.index("Class average"):]
    assert "5.25 / 7" in average and "75 %" in average and "2 of 2 students graded" in average


def test_drafts_and_deleted_assignments_are_left_out(app, klass):
    draft = create_assignment(app, klass["teacher"], klass["classroom"], title="Still a draft")
    gone = create_assignment(app, klass["teacher"], klass["classroom"], title="Thrown away")
    change(app, Assignment, draft, status="draft")
    change(app, Assignment, gone, deleted_at=datetime.now(timezone.utc))
    klass["teacher"].get(f"/teach/classes/{klass['classroom']}")  # reads the flashes the creations left
    html = page(klass)
    assert "Trade check" in html and "Still a draft" not in html and "Thrown away" not in html
    rows = list(csv.reader(io.StringIO(klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert not any("draft" in cell or "Thrown" in cell for cell in rows[0])


def test_late_and_overridden_cells_are_marked_in_words(app, klass):
    public_id = take(app, klass["sana"], klass["assignment"])
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        attempt.started_at = datetime.now(timezone.utc) - timedelta(hours=1, minutes=5)
        attempt.submitted_at = datetime.now(timezone.utc) - timedelta(hours=1)
        attempt.assignment.due_at = datetime.now(timezone.utc) - timedelta(hours=2)
        group = ClassGroup(classroom_id=klass["classroom"], name="Evening")
        db.session.add(group)
        db.session.flush()
        db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == user_id(app, "omar"))).group_id = group.id
        db.session.add(AssignmentOverride(assignment_id=attempt.assignment_id, group_id=group.id, extra_attempts=1))
        db.session.commit()
    html = page(klass)
    sana = html[html.index('data-name="sana"'):]
    omar = html[html.index('data-name="omar"'):html.index('data-name="sana"')]
    assert "Late" in sana and "is-late" in sana and "Override" not in sana
    assert "Override: group Evening, +1 attempt" in omar and "Late" not in omar
    assert "Evening" in omar  # the group column
    detail = re.sub(r"</?bdi[^>]*>", "", klass["teacher"].get(f"/teach/attempts/{public_id}").get_data(as_text=True))
    assert "Late: handed in after sana's due date." in detail and "5 min" in detail
    rows = list(csv.reader(io.StringIO(klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert [(row[0], row[1], row[6]) for row in rows[1:]] == [("omar", "Evening", ""), ("sana", "", "late")]


def test_a_former_student_is_listed_apart_and_left_out_of_the_average(app, klass):
    take(app, klass["sana"], klass["assignment"])
    take(app, klass["omar"], klass["assignment"], right=False)
    with app.app_context():
        db.session.execute(sa.delete(Enrollment).where(Enrollment.user_id == user_id(app, "omar")))
        db.session.commit()
    html = page(klass)
    former = html[html.index("No longer in the class"):]
    assert 'data-name="omar"' in former and 'data-name="sana"' not in former
    assert "1 of 1 students graded" in former and "100 %" in html[html.index("Class average"):]
    rows = list(csv.reader(io.StringIO(klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert [row[:3] for row in rows[1:]] == [["sana", "", "yes"], ["omar", "", "no"]]


def test_sort_and_filter_by_links_that_work_without_javascript(app, klass):
    third = person(app, "zara")
    join(third, klass["code"])
    take(app, klass["sana"], klass["assignment"])
    take(app, klass["omar"], klass["assignment"], right=False)
    assert names_in_order(page(klass)) == ["omar", "sana", "zara"]
    column = str(klass["assignment"])
    assert names_in_order(page(klass, sort=column, dir="desc")) == ["sana", "omar", "zara"]  # no grade: last either way
    assert names_in_order(page(klass, sort=column)) == ["omar", "sana", "zara"]
    html = page(klass, sort=column, dir="desc")
    assert 'aria-sort="descending"' in html and f"sort={column}&amp;dir=asc" in html  # its heading turns it round
    filtered = page(klass, filter="SAN")
    assert names_in_order(filtered) == ["sana"] and "Showing 1 of 3 students." in filtered
    assert "No student in the class matches." in page(klass, filter="nobody")


def test_a_group_filter_shows_that_group_or_those_in_none(app, klass):
    with app.app_context():
        group = ClassGroup(classroom_id=klass["classroom"], name="Morning")
        db.session.add(group)
        db.session.flush()
        db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == user_id(app, "sana"))).group_id = group.id
        db.session.commit()
        group_id = group.id
    assert names_in_order(page(klass, group=group_id)) == ["sana"]
    assert names_in_order(page(klass, group="none")) == ["omar"]
    assert names_in_order(page(klass, filter="morn")) == ["sana"]
    assert names_in_order(page(klass, sort="group")) == ["sana", "omar"]


@pytest.mark.parametrize(("query", "status", "reason"), [
    ({"sort": "99999"}, 400, "cannot sort by that"), ({"sort": "password"}, 400, "cannot sort by that"),
    ({"dir": "sideways"}, 400, "Sort either"), ({"filter": "x" * 101}, 400, "at most 100 characters"),
    ({"group": "12345"}, 404, "no group with that number"), ({"group": "1; drop"}, 404, "no group with that number")])
def test_bad_sorts_filters_and_groups_are_refused_with_the_reason(app, klass, query, status, reason):
    response = klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook", query_string=query)
    assert response.status_code == status and reason in response.get_data(as_text=True)


def test_another_class_group_is_not_a_filter_here(app, klass):
    rival = person(app, "rival", "instructor")
    other_class, _ = create_class(rival, "Rival class")
    with app.app_context():
        group = ClassGroup(classroom_id=other_class, name="Theirs")
        db.session.add(group)
        db.session.commit()
        group_id = group.id
    assert klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook?group={group_id}").status_code == 404


def test_the_csv_has_points_percent_attempts_and_late_per_assignment(app, klass):
    take(app, klass["sana"], klass["assignment"])
    response = klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    assert re.fullmatch(r'attachment; filename="gradebook-history-101-\d{4}-\d\d-\d\d\.csv"',  # the class's name, not its code
                        response.headers["Content-Disposition"])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Student", "Group", "In the class", "Trade check: points (out of 5)", "Trade check: %",
                       "Trade check: attempts", "Trade check: late", "Essays to grade"]
    assert rows[1:] == [["omar", "", "yes", "", "", "0", "", "0"], ["sana", "", "yes", "5.0", "100.0", "1", "", "0"]]


def test_the_workbook_holds_the_same_table_with_numbers_as_numbers(app, klass):
    take(app, klass["sana"], klass["assignment"])
    response = klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert re.fullmatch(r'attachment; filename="gradebook-history-101-\d{4}-\d\d-\d\d\.xlsx"',  # the class's name, not its code
                        response.headers["Content-Disposition"])
    table, _ = read_xlsx(response.get_data())
    assert table[0][3] == "Trade check: points (out of 5)"
    assert table[1] == ["omar", None, "yes", None, None, 0.0, None, 0.0]
    assert table[2] == ["sana", None, "yes", 5.0, 100.0, 1.0, None, 0.0]


def test_the_attempt_shows_points_per_question_and_the_students_other_attempts(app, klass):
    with app.app_context():
        assignment = db.session.get(Assignment, klass["assignment"])
        # Every question but an essay is worth 2 (take() grades an essay as worth 1, at the top of its rubric).
        doubled = [q.id for q in db.session.scalars(sa.select(Question).where(Question.id.in_(assignment.question_ids)))
                   if q.type != "essay"]
        assignment.points = {qid: 2 for qid in doubled}
        db.session.commit()
        total = 2 * len(doubled) + 5 - len(doubled)
    first = take(app, klass["sana"], klass["assignment"], right=False)
    second = take(app, klass["sana"], klass["assignment"])
    html = page(klass)
    assert f"/teach/attempts/{second}" in html and "2 of 2 attempts" in html  # the cell opens the attempt that counts
    detail = klass["teacher"].get(f"/teach/attempts/{second}").get_data(as_text=True)
    assert detail.count("2 of 2 points") == len(doubled) and f"{total} / {total}" in detail and "<dt>Key</dt>" in detail
    assert f"/teach/attempts/{first}" in detail and "(counts)" in detail and 'aria-current="page">2: 100 %' in detail
    earlier = klass["teacher"].get(f"/teach/attempts/{first}").get_data(as_text=True)
    # A wrong answer's points: none, or a part for a partly right one (a cloze's blanks), never all of them.
    assert earlier.count(" of 2 points") == len(doubled) and "2 of 2 points" not in earlier


def test_other_instructors_and_forged_addresses_are_refused(app, klass):
    public_id = take(app, klass["sana"], klass["assignment"])
    rival = person(app, "rival", "instructor")
    for path in (f"/teach/classes/{klass['classroom']}/gradebook", f"/teach/classes/{klass['classroom']}/gradebook.xlsx",
                 f"/teach/classes/{klass['classroom']}/gradebook.csv", f"/teach/attempts/{public_id}"):
        response = rival.get(path)
        assert response.status_code == 403 and "another instructor" in response.get_data(as_text=True), path
    assert klass["sana"].get(f"/teach/classes/{klass['classroom']}/gradebook.xlsx").status_code == 403
    assert klass["teacher"].get("/teach/attempts/" + "x" * 500).status_code == 404
    assert klass["teacher"].get("/teach/classes/99999/gradebook.xlsx").status_code == 404


def test_essays_waiting_for_a_grade_are_named_with_the_way_to_grade_them(app, essay_class):
    submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"])
    teacher = essay_class["teacher"]
    teacher.get(f"/teach/classes/{essay_class['classroom']}")  # reads the flashes the set-up left
    html = teacher.get(f"/teach/classes/{essay_class['classroom']}/gradebook").get_data(as_text=True)
    queue = f"/teach/assignments/{essay_class['assignment']}/grading"
    assert "Essays wait for your grade" in html and f'<a href="{queue}">Essay task (1)</a>' in html
    assert "(provisional: 1 essay to grade)" in html
    rows = list(csv.reader(io.StringIO(teacher.get(f"/teach/classes/{essay_class['classroom']}/gradebook.csv")
                                       .get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][-1] == "Essays to grade" and [row[-1] for row in rows[1:]] == ["0", "1"]  # omar, sana


def test_an_archived_class_keeps_its_gradebook_and_exports_to_read(app, klass):
    take(app, klass["sana"], klass["assignment"])
    with app.app_context():
        db.session.get(Classroom, klass["classroom"]).archived_at = datetime.now(timezone.utc)
        db.session.commit()
    assert "This class is archived: its grades and exports stay here to read." in page(klass)
    assert klass["teacher"].get(f"/teach/classes/{klass['classroom']}/gradebook.xlsx").status_code == 200


def test_an_export_of_a_class_named_without_ascii_letters_is_named_by_its_join_code(app):
    teacher = person(app, "urduteacher", "instructor")
    classroom_id, code = create_class(teacher, "تاریخ")
    disposition = teacher.get(f"/teach/classes/{classroom_id}/gradebook.csv").headers["Content-Disposition"]
    assert re.fullmatch(rf'attachment; filename="gradebook-{code}-\d{{4}}-\d\d-\d\d\.csv"', disposition)
