"""Red team of issue 17's teaching area (classes and people, assignments, the picker, overrides and the release of
marks, the gradebook): each test is a finding, written to fail before its fix. The served-clone scripts that found
them, and what they measured, are in the report."""

import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.authoring import picker
from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Assignment, Attempt, ClassOverride, Classroom, Question, QuestionVersion, User
from app.secrecy import held_back
from tests.conftest import csrf_token
from tests.test_assignments import cls, new, post, settings  # noqa: F401 (cls is a fixture)
from tests.test_quiz import layout_data, shown
from tests.test_teaching import create_class, join, person, start, take


def _zone(app, username: str, zone: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == username)).time_zone = zone
        db.session.commit()


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


# --- Dates at the ends of the calendar ---------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "zone"), [("0001-01-01T00:00", "Asia/Karachi"), ("9999-12-31T23:59", "America/New_York"),
                                             ("9999-12-31T23:59", "Asia/Karachi"), ("0001-01-01T00:00", "America/New_York")])
def test_a_date_at_the_end_of_the_calendar_is_refused_on_every_date_field(app, cls, typed, zone):
    """A date field took any year the browser's picker allows: 1 Jan 0001 typed in Asia/Karachi (or 31 Dec 9999 in
    New York) fell off the calendar when read into UTC, a 500 on the edit, release and override forms; 31 Dec 9999
    typed in Karachi was stored, and then every student of the class got a 500 on "My assignments" (their zone, east
    of UTC, cannot show it). Each field now refuses a year outside 2000–2199 with the reason, and nothing changes."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    assignment = new(app, teacher, classroom)
    _zone(app, "teacher", zone)
    sana = _user_id(app, "sana")
    for path, data in ((f"/teach/assignments/{assignment}/edit", settings(assignment, opens_at=typed)),
                       (f"/teach/assignments/{assignment}/edit", settings(assignment, due_at=typed)),
                       (f"/teach/assignments/{assignment}/release", {"release_mode": "at_time", "release_at": typed}),
                       (f"/teach/assignments/{assignment}/overrides", {"who": f"user:{sana}", "due_at": typed})):
        response = post(teacher, path, **data)
        assert response.status_code == 400, path
        assert "between the years 2000 and 2199" in response.get_data(as_text=True)
    data = {"title": "Far", "lessons": [], "save_draft": "Save as draft", "grading_method": "highest",
            "review_option": "immediately", "due_at": typed}
    response = post(teacher, f"/teach/classes/{classroom}/assignments/new", **data)
    assert response.status_code == 400
    assert cls["student"].get("/assignments").status_code == 200


# --- People leaving a class ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("leaves", ["removed", "moved"])
def test_a_student_taken_out_of_a_class_cannot_go_on_answering_an_attempt_in_progress(app, cls, leaves):
    """Removing (or moving) a student stopped new attempts only: the test page they had open still took answers, and a
    submit after the removal was scored into the class's record with answers given once they had left. Their attempt
    in progress is now handed in as it stood when they leave, and the page says so first."""
    teacher, student, classroom = cls["teacher"], cls["student"], cls["classroom"]
    assignment = new(app, teacher, classroom)
    started = start(student, assignment)
    public_id = started.headers["Location"].rsplit("/", 1)[-1]
    sana = _user_id(app, "sana")
    path = f"/teach/classes/{classroom}/students/{sana}/{'remove' if leaves == 'removed' else 'move'}"
    other, _ = create_class(teacher, "History 102")
    assert "handed in now" in teacher.get(path).get_data(as_text=True)
    assert post(teacher, path, **({"target": other} if leaves == "moved" else {})).status_code == 302
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.submitted_at is not None and attempt.score == 0
    assert student.get(f"/attempts/{public_id}").headers["Location"].endswith(f"/attempts/{public_id}/result")
    values = shown(app, public_id, {key: value for position, data in enumerate(layout_data(app, public_id))
                                    for key, value in form_values(data, f"q{position}", key_response(data)).items()})
    student.post(f"/attempts/{public_id}/submit", data={**values, "csrf_token": csrf_token(student, "/assignments")})
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 0


# --- Two tabs, a double click ----------------------------------------------------------------------------------------

def test_publish_and_archive_do_what_their_button_said_when_sent_twice(app, cls):
    """Publish and Archive were toggles: a double click on "Publish" (or "Publish" in a tab opened before a
    co-instructor published) took the assignment straight back to draft, and "Archive the class" in a stale tab
    unarchived it, each with a success message. The buttons now name the state they ask for, and a repeat changes
    nothing."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    draft = new(app, teacher, classroom, draft=True)
    hub = teacher.get(f"/teach/assignments/{draft}").get_data(as_text=True)
    assert 'name="to" value="published"' in hub
    for _ in range(2):
        assert post(teacher, f"/teach/assignments/{draft}/publish", to="published").status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, draft).status == "published"
    page = teacher.get(f"/teach/classes/{classroom}").get_data(as_text=True)
    assert 'name="to" value="archived"' in page
    for _ in range(2):
        assert post(teacher, f"/teach/classes/{classroom}/archive", to="archived").status_code == 302
    with app.app_context():
        assert db.session.get(Classroom, classroom).archived_at is not None
    assert post(teacher, f"/teach/classes/{classroom}/archive", to="somewhere").status_code == 400


def test_two_changes_to_the_questions_sent_at_once_never_undo_each_other(app, cls, monkeypatch):
    """Each picker change is checked against the list the page showed (``state``), but the check and the write were
    apart: eight "Add selected" posted at once from one page on gunicorn gave three "Added 1" and left one question
    (two adds silently undone). Here a co-instructor's add lands between the check and the write, as it did there;
    the change now takes the row's lock, reads the list again and refuses with the reason."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    assignment = new(app, teacher, classroom, draft=True, lessons=[], title="Hand-picked")
    page = teacher.get(f"/teach/assignments/{assignment}/questions").get_data(as_text=True)
    state = re.search(r'name="state" value="([^"]+)"', page).group(1)
    mine, theirs = re.findall(r'name="add" value="([^"]+)"', page)[:2]
    checked = picker.attempts_of

    def co_instructor_adds_meanwhile(current):
        with db.engine.begin() as other:
            other.execute(sa.update(Assignment).where(Assignment.id == current.id).values(question_ids=[theirs]))
        return checked(current)

    monkeypatch.setattr(picker, "attempts_of", co_instructor_adds_meanwhile)
    response = post(teacher, f"/teach/assignments/{assignment}/questions", state=state, add=mine)
    assert response.status_code == 409 and "changed a moment ago" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assignment, assignment).question_ids == [theirs]


# --- Deleting a class: the warning says all that goes ------------------------------------------------------------------

def test_the_delete_class_page_names_the_class_versions_and_the_marks_the_exports_leave_out(app, cls):
    """The confirmation listed students, assignments, attempts, essays, groups and overrides, but a class's own
    versions of course questions (written by its instructors on the question's "Change for this class" page) went
    with the class without a word, and "Download the gradebook … afterwards it is gone" did not say that deleted
    assignments, whose attempts go too, are not in either export."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    deleted = new(app, teacher, classroom, title="Old quiz")
    assert take(app, cls["student"], deleted)
    assert post(teacher, f"/teach/assignments/{deleted}/delete").status_code == 302
    with app.app_context():
        version = db.session.scalar(sa.select(QuestionVersion).join(Question, Question.id == QuestionVersion.question_id)
                                    .where(Question.bank == "course").limit(1))
        db.session.add(ClassOverride(classroom_id=classroom, question_id=version.question_id, question_version_id=version.id))
        db.session.commit()
    page = " ".join(teacher.get(f"/teach/classes/{classroom}/delete").get_data(as_text=True).split())
    assert "the class's own version of 1 course question" in page
    assert "Deleted assignments are not in it: restore them first to keep their marks." in page
    assert "Old quiz" not in teacher.get(f"/teach/classes/{classroom}/gradebook.csv").get_data(as_text=True)


# --- Overrides that no longer change anything ------------------------------------------------------------------------

def test_extra_minutes_given_before_the_time_limit_was_removed_are_not_announced(app, cls):
    """An override of +30 minutes stays when the instructor later removes the time limit (as it should: put the limit
    back and it counts again), but the student's row still said "Extended for you: +30 minutes" on an untimed
    assignment and the gradebook marked the cell overridden, "+30 minutes", for an extension that did nothing."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    assignment = new(app, teacher, classroom, time_limit_minutes=20)
    sana = _user_id(app, "sana")
    assert post(teacher, f"/teach/assignments/{assignment}/overrides", who=f"user:{sana}", extra_minutes=30).status_code == 302
    assert "+30 minutes" in cls["student"].get("/assignments").get_data(as_text=True)
    assert post(teacher, f"/teach/assignments/{assignment}/edit", **settings(assignment)).status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, assignment).time_limit_minutes is None
    assert "+30 minutes" not in cls["student"].get("/assignments").get_data(as_text=True)
    take(app, cls["student"], assignment)
    assert "+30 minutes" not in teacher.get(f"/teach/classes/{classroom}/gradebook").get_data(as_text=True)


# --- "Answers after the due date" and a student given a later one ------------------------------------------------------

def test_answers_shown_after_the_due_date_wait_for_a_student_given_a_later_one(app, cls):
    """With "students see the correct answers after the due date", the key came out at the class's due date even
    while a student given a later due date (an override) was still answering: their classmates' result pages showed
    every right answer to pass on, and the questions stopped being held back everywhere (practice and the lesson
    quiz of the course bank gave the key to the extended student themselves). The key now waits for the latest due
    date any override gives."""
    teacher, classroom = cls["teacher"], cls["classroom"]
    omar = person(app, "omar")
    assert join(omar, cls["code"]).status_code == 302
    assignment = new(app, teacher, classroom, review_option="after_due", attempt_limit=1, due_at="2030-01-01T09:00")
    public_id = take(app, cls["student"], assignment)
    omar_id = _user_id(app, "omar")
    assert post(teacher, f"/teach/assignments/{assignment}/overrides", who=f"user:{omar_id}",
                due_at="2031-01-01T09:00").status_code == 302
    with app.app_context():  # the class's due date passes; omar's is a year away
        db.session.get(Assignment, assignment).due_at = datetime.now(timezone.utc) - timedelta(hours=1)
        db.session.commit()
        question_ids = db.session.get(Assignment, assignment).question_ids
    page = cls["student"].get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "after the due date; until then only your total shows" in page
    with app.test_request_context():
        assert set(question_ids) <= set(held_back())
