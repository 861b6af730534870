"""Managing a class over HTTP: details, archive, delete, join code, roster, removing and moving students, groups."""

import html
import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (Answer, Assignment, AssignmentOverride, Attempt, Classroom, ClassGroup, Enrollment, Question,
                        QuestionVersion, User)
from tests.conftest import csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take


def post(client, path, data=None):
    """POST a form with the client's CSRF token."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/teach/")})


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def enrollments(app, classroom_id):
    """{username: group name or None} of a class."""
    with app.app_context():
        return dict(db.session.execute(
            sa.select(User.username, ClassGroup.name).join(Enrollment, Enrollment.user_id == User.id)
            .outerjoin(ClassGroup, ClassGroup.id == Enrollment.group_id).where(Enrollment.classroom_id == classroom_id)).all())


def text(response):
    """The page as a reader sees its words (entities such as &#39; unescaped; the <bdi> that keeps a name apart gone)."""
    return html.unescape(re.sub(r"</?bdi[^>]*>", "", response.get_data(as_text=True)))


@pytest.fixture
def taught(app):
    """A teacher with a class of two students, one assignment that sana has taken, and another instructor."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    sana, bilal = person(app, "sana"), person(app, "bilal")
    for student in (sana, bilal):
        assert join(student, code).status_code == 302
    assignment_id = create_assignment(app, teacher, classroom_id)
    take(app, sana, assignment_id)
    return {"teacher": teacher, "classroom": classroom_id, "code": code, "sana": sana, "bilal": bilal,
            "assignment": assignment_id, "other": person(app, "otherteacher", "instructor")}


def test_edit_the_class_details(app, taught):
    path = f"/teach/classes/{taught['classroom']}/edit"
    assert "Edit the class" in text(taught["teacher"].get(path))
    response = post(taught["teacher"], path, {"name": "History 102", "description": "Tuesdays, room 4",
                                              "term_starts": "2026-09-01", "term_ends": "2026-12-18"})
    assert response.status_code == 302
    page = text(taught["teacher"].get(f"/teach/classes/{taught['classroom']}"))
    assert "History 102" in page and "Tuesdays, room 4" in page and "1 Sep 2026 to 18 Dec 2026" in page


@pytest.mark.parametrize("data, message", [
    ({"name": ""}, "Give the class a name."),
    ({"name": "x" * 121}, "Field cannot be longer than 120 characters."),
    ({"name": "History", "term_starts": "2026-12-01", "term_ends": "2026-09-01"}, "The term must end on or after the day it starts."),
    ({"name": "History", "term_starts": "not a date"}, "Not a valid date value."),
    ({"name": "History", "description": "x" * 2001}, "Field cannot be longer than 2000 characters."),
])
def test_bad_class_details_are_refused_next_to_the_field(app, taught, data, message):
    response = post(taught["teacher"], f"/teach/classes/{taught['classroom']}/edit", data)
    assert response.status_code == 400 and message in text(response)
    with app.app_context():
        assert db.session.get(Classroom, taught["classroom"]).name == "History 101"


def test_an_archived_class_is_read_only_until_unarchived(app, taught):
    classroom = taught["classroom"]
    assert post(taught["teacher"], f"/teach/classes/{classroom}/archive").status_code == 302
    page = text(taught["teacher"].get(f"/teach/classes/{classroom}"))
    assert "Archived on" in page and "Unarchive the class" in page and "Set an assignment" not in page
    assert "Archived classes (1)" in text(taught["teacher"].get("/teach/"))
    sana = user_id(app, "sana")
    for path, data in ((f"/teach/classes/{classroom}/edit", {"name": "Changed"}), (f"/teach/classes/{classroom}/join-code", {}),
                       (f"/teach/classes/{classroom}/students/{sana}/remove", {}),
                       (f"/teach/classes/{classroom}/groups", {"name": "Monday"})):
        refused = post(taught["teacher"], path, data)
        assert refused.status_code == 409 and "This class is archived; unarchive it to change it." in text(refused)
    assert text(taught["teacher"].get(f"/teach/classes/{classroom}/students")).count("Remove") == 0
    assert set(enrollments(app, classroom)) == {"sana", "bilal"}
    assert post(taught["teacher"], f"/teach/classes/{classroom}/archive").status_code == 302
    assert "Archived on" not in text(taught["teacher"].get(f"/teach/classes/{classroom}"))
    assert post(taught["teacher"], f"/teach/classes/{classroom}/groups", {"name": "Monday"}).status_code == 302


def test_a_new_join_code_stops_the_old_one(app, taught):
    old = taught["code"]
    assert post(taught["teacher"], f"/teach/classes/{taught['classroom']}/join-code").status_code == 302
    new = re.search(r'class="code">(?:<bdi[^>]*>)?([A-Z0-9]+)<', text(taught["teacher"].get(f"/teach/classes/{taught['classroom']}"))).group(1)
    assert new != old
    late = person(app, "latecomer")
    join(late, old)
    assert "latecomer" not in enrollments(app, taught["classroom"])
    join(late, new)
    assert {"sana", "bilal", "latecomer"} == set(enrollments(app, taught["classroom"]))


def test_the_roster_shows_group_activity_and_progress(app, taught):
    page = text(taught["teacher"].get(f"/teach/classes/{taught['classroom']}/students"))
    assert "Students (2)" in page
    rows = {name: re.search(rf'<th scope="row">{name}</th>(.*?)</tr>', page, re.S).group(1) for name in ("sana", "bilal")}
    assert "1 of 1" in rows["sana"] and "100 %" in rows["sana"] and "Not yet" not in rows["sana"]
    assert "0 of 1" in rows["bilal"] and "Not yet" in rows["bilal"] and "–" in rows["bilal"]


def test_a_draft_or_deleted_assignment_is_not_counted_on_the_roster(app, taught):
    with app.app_context():
        db.session.get(Assignment, taught["assignment"]).status = "draft"
        db.session.commit()
    page = text(taught["teacher"].get(f"/teach/classes/{taught['classroom']}/students"))
    assert "0 of 0" in page and "1 of 1" not in page


def test_remove_a_student_keeps_their_attempts(app, taught):
    sana = user_id(app, "sana")
    path = f"/teach/classes/{taught['classroom']}/students/{sana}/remove"
    confirm = text(taught["teacher"].get(path))
    assert "Remove sana from History 101?" in confirm and "1 attempt stays" in confirm
    assert post(taught["teacher"], path).status_code == 302
    assert set(enrollments(app, taught["classroom"])) == {"bilal"}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.assignment_id == taught["assignment"])) == 1
    assert taught["sana"].post(f"/assignments/{taught['assignment']}/start",
                               data={"csrf_token": csrf_token(taught["sana"], "/assignments")}).status_code in (403, 404)
    assert post(taught["teacher"], path).status_code == 404  # not in the class any more
    gradebook = text(taught["teacher"].get(f"/teach/classes/{taught['classroom']}/gradebook"))
    assert "sana" in gradebook.split("No longer in the class", 1)[1]


def test_an_archived_class_can_still_be_deleted_and_left(app, taught):
    co = person(app, "colleague", "instructor")
    post(taught["teacher"], f"/teach/classes/{taught['classroom']}/instructors", {"username": "colleague"})
    post(taught["teacher"], f"/teach/classes/{taught['classroom']}/archive")
    refused = post(taught["teacher"], f"/teach/classes/{taught['classroom']}/instructors", {"username": "otherteacher"})
    assert refused.status_code == 409
    assert post(co, f"/teach/classes/{taught['classroom']}/instructors/{user_id(app, 'colleague')}/remove").status_code == 302
    assert post(taught["teacher"], f"/teach/classes/{taught['classroom']}/delete", {"confirm_name": "History 101"}).status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, taught["classroom"]) is None


def test_move_a_student_to_another_class_you_teach(app, taught):
    other_class, _ = create_class(taught["teacher"], "History 201")
    foreign_class, _ = create_class(taught["other"], "Not yours")
    bilal = user_id(app, "bilal")
    path = f"/teach/classes/{taught['classroom']}/students/{bilal}/move"
    page = text(taught["teacher"].get(path))
    assert "History 201" in page and "Not yours" not in page
    refused = post(taught["teacher"], path, {"target": foreign_class})
    assert refused.status_code == 400 and "Nothing changed" in text(refused)
    assert post(taught["teacher"], path, {"target": other_class}).status_code == 302
    assert set(enrollments(app, taught["classroom"])) == {"sana"}
    assert set(enrollments(app, other_class)) == {"bilal"}


def test_moving_into_a_class_the_student_is_already_in_is_refused(app, taught):
    other_class, code = create_class(taught["teacher"], "History 201")
    join(taught["bilal"], code)
    bilal = user_id(app, "bilal")
    refused = post(taught["teacher"], f"/teach/classes/{taught['classroom']}/students/{bilal}/move", {"target": other_class})
    assert refused.status_code == 400 and "already in History 201" in text(refused)
    assert "bilal" in enrollments(app, taught["classroom"])


def test_groups_create_rename_fill_and_delete(app, taught):
    classroom = taught["classroom"]
    assert post(taught["teacher"], f"/teach/classes/{classroom}/groups", {"name": "Monday"}).status_code == 302
    duplicate = post(taught["teacher"], f"/teach/classes/{classroom}/groups", {"name": "monday"})
    assert duplicate.status_code == 400 and "has a group called" in text(duplicate)
    with app.app_context():
        group_id = db.session.scalar(sa.select(ClassGroup.id).where(ClassGroup.classroom_id == classroom))
    assert post(taught["teacher"], f"/teach/classes/{classroom}/groups/{group_id}/rename", {"name": "Monday seminar"}).status_code == 302
    sana = user_id(app, "sana")
    assert post(taught["teacher"], f"/teach/classes/{classroom}/students/group", {"group": group_id, "student": [sana]}).status_code == 302
    assert enrollments(app, classroom) == {"sana": "Monday seminar", "bilal": None}
    assert "Monday seminar" in text(taught["teacher"].get(f"/teach/classes/{classroom}/students"))
    one_group = text(taught["teacher"].get(f"/teach/classes/{classroom}/students?group={group_id}"))
    assert "Students (1 shown)" in one_group and '<th scope="row">sana</th>' in one_group and '<th scope="row">bilal</th>' not in one_group
    no_group = text(taught["teacher"].get(f"/teach/classes/{classroom}/students?group=none"))
    assert '<th scope="row">bilal</th>' in no_group and '<th scope="row">sana</th>' not in no_group
    for forged in ("99999", "²", "x" * 50, str(2**40)):
        assert taught["teacher"].get(f"/teach/classes/{classroom}/students?group={forged}").status_code == 404
    with app.app_context():
        db.session.add(AssignmentOverride(assignment_id=taught["assignment"], group_id=group_id, extra_minutes=10))
        db.session.commit()
    page = text(taught["teacher"].get(f"/teach/classes/{classroom}/groups"))
    assert "Its 1 student stays in the class, in no group;" in page and "its 1 override goes too" in page
    assert post(taught["teacher"], f"/teach/classes/{classroom}/groups/{group_id}/delete").status_code == 302
    assert enrollments(app, classroom) == {"sana": None, "bilal": None}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(AssignmentOverride.id))) == 0


@pytest.mark.parametrize("data, status", [
    ({"group": 0}, 400),  # nobody ticked
    ({"group": 999999, "student": ["{sana}"]}, 400),  # not one of the class's groups
    ({"group": 0, "student": ["abc"]}, 400),
    ({"group": 0, "student": ["²"]}, 400),  # a digit to str.isdigit, not to int()
    ({"group": 0, "student": ["{outsider}"]}, 404),  # not in this class
    ({"group": 0, "student": ["{sana}", "{outsider}"]}, 404),
])
def test_bad_group_moves_change_nothing(app, taught, data, status):
    person(app, "outsider")
    ids = {"sana": user_id(app, "sana"), "outsider": user_id(app, "outsider")}
    classroom = taught["classroom"]
    post(taught["teacher"], f"/teach/classes/{classroom}/groups", {"name": "Monday"})
    post(taught["teacher"], f"/teach/classes/{classroom}/students/group",
         {"group": db_group(app, classroom), "student": [ids["sana"]]})
    sent = {**data, "student": [value.format(**ids) for value in data.get("student", [])]}
    assert post(taught["teacher"], f"/teach/classes/{classroom}/students/group", sent).status_code == status
    assert enrollments(app, classroom) == {"sana": "Monday", "bilal": None}


def db_group(app, classroom_id):
    with app.app_context():
        return db.session.scalar(sa.select(ClassGroup.id).where(ClassGroup.classroom_id == classroom_id))


def test_another_instructors_ids_are_refused_and_change_nothing(app, taught):
    foreign_class, _ = create_class(taught["other"], "Theirs")
    post(taught["other"], f"/teach/classes/{foreign_class}/groups", {"name": "Their group"})
    their_group = db_group(app, foreign_class)
    classroom, sana = taught["classroom"], user_id(app, "sana")
    other = taught["other"]
    for method, path, data in (
            ("get", f"/teach/classes/{classroom}/edit", None), ("post", f"/teach/classes/{classroom}/edit", {"name": "Mine"}),
            ("post", f"/teach/classes/{classroom}/archive", {}), ("get", f"/teach/classes/{classroom}/delete", None),
            ("post", f"/teach/classes/{classroom}/delete", {"confirm_name": "History 101"}),
            ("post", f"/teach/classes/{classroom}/join-code", {}), ("get", f"/teach/classes/{classroom}/students", None),
            ("post", f"/teach/classes/{classroom}/students/{sana}/remove", {}),
            ("post", f"/teach/classes/{classroom}/students/{sana}/move", {"target": foreign_class}),
            ("post", f"/teach/classes/{classroom}/groups", {"name": "Sneaky"}),
            ("post", f"/teach/classes/{classroom}/students/group", {"group": 0, "student": [sana]})):
        response = other.get(path) if method == "get" else post(other, path, data)
        assert response.status_code == 403 and "belongs to another instructor" in text(response), path
    # The teacher's own class, the other's group: 404, not a way to reach into another class.
    for path in (f"/teach/classes/{classroom}/groups/{their_group}/rename", f"/teach/classes/{classroom}/groups/{their_group}/delete"):
        assert post(taught["teacher"], path, {"name": "Taken"}).status_code == 404
    assert post(taught["teacher"], f"/teach/classes/{classroom}/students/group",
                {"group": their_group, "student": [sana]}).status_code == 400
    with app.app_context():
        assert db.session.get(ClassGroup, their_group).name == "Their group"
        assert db.session.get(Classroom, classroom).archived_at is None
    assert enrollments(app, classroom) == {"sana": None, "bilal": None}


def test_a_co_instructor_manages_people_but_only_the_owner_deletes(app, taught):
    co = person(app, "colleague", "instructor")
    post(taught["teacher"], f"/teach/classes/{taught['classroom']}/instructors", {"username": "colleague"})
    assert post(co, f"/teach/classes/{taught['classroom']}/groups", {"name": "Tuesday"}).status_code == 302
    assert post(co, f"/teach/classes/{taught['classroom']}/archive").status_code == 302
    refused = co.get(f"/teach/classes/{taught['classroom']}/delete")
    assert refused.status_code == 403 and "Only the class's owner" in text(refused)


def test_delete_shows_what_goes_and_needs_the_name(app, taught):
    classroom, teacher = taught["classroom"], taught["teacher"]
    with app.app_context():
        question = db.session.scalar(sa.select(Question).where(Question.bank == "course").limit(1))
        mine = Question(id="class-only-q", lesson_id=question.lesson_id, position=99, type=question.type, version=question.version,
                        bank="class", classroom_id=classroom, author_id=user_id(app, "otherteacher"))
        db.session.add(mine)
        db.session.flush()
        version = db.session.scalar(sa.select(QuestionVersion).where(QuestionVersion.question_id == question.id))
        db.session.add(QuestionVersion(question_id=mine.id, version=version.version, data={**version.data, "id": mine.id},
                                       html=version.html))
        db.session.scalar(sa.select(Answer).limit(1)).status = "pending"  # as an essay waiting for its grade
        db.session.commit()
    page = text(teacher.get(f"/teach/classes/{classroom}/delete"))
    for words in ("2 students taken out", "1 assignment", "1 attempt (answers and marks)", "1 essay answer not graded yet",
                  "1 question in the class's bank", "gradebook.csv", "gradebook.xlsx"):
        assert words in page, words
    wrong = post(teacher, f"/teach/classes/{classroom}/delete", {"confirm_name": "history 101"})
    assert wrong.status_code == 400 and "That is not the class's name" in text(wrong)
    with app.app_context():
        assert db.session.get(Classroom, classroom) is not None
    assert post(teacher, f"/teach/classes/{classroom}/delete", {"confirm_name": " History 101 "}).status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, classroom) is None
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.assignment_id == taught["assignment"])) == 0
        assert db.session.scalar(sa.select(sa.func.count(Answer.id)).join(Attempt).where(
            Attempt.assignment_id == taught["assignment"])) == 0
        assert db.session.scalar(sa.select(sa.func.count(Enrollment.id)).where(Enrollment.classroom_id == classroom)) == 0
        kept = db.session.get(Question, "class-only-q")
        assert (kept.bank, kept.classroom_id, kept.author_id) == ("instructor", None, user_id(app, "teacher"))
    listing = text(teacher.get("/teach/"))
    assert "History 101 is deleted. Its 1 class-bank question moved" in listing
    assert f'href="/teach/classes/{classroom}"' not in listing


@pytest.mark.parametrize("path", ["/teach/classes/{c}/students/99999999999/remove", "/teach/classes/{c}/students/0/move",
                                  "/teach/classes/{c}/groups/2147483648/rename"])
def test_huge_and_zero_ids_are_refused(app, taught, path):
    assert post(taught["teacher"], path.format(c=taught["classroom"]), {"name": "x"}).status_code == 404
