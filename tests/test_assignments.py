"""Assignments' life (draft, publish, edit, duplicate, delete, reorder, preview), their dates in the instructor's
zone, and what students see of them."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.course.assignment_rules import Rules
from app.course import clock
from app.course.clock import as_utc, attempt_deadline, to_utc
from app.extensions import db
from app.models import Assignment, AssignmentOverride, Attempt, Classroom, User
from tests.conftest import csrf_token
from tests.test_teaching import create_class, join, lesson_id, person, start, take


def test_to_utc_reads_a_time_typed_in_the_zone():
    assert to_utc(datetime(2026, 12, 1, 17, 0), ZoneInfo("Asia/Karachi")) == datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert to_utc(datetime(2026, 12, 1, 17, 0), ZoneInfo("Asia/Kolkata")) == datetime(2026, 12, 1, 11, 30, tzinfo=timezone.utc)
    assert to_utc(datetime(2026, 12, 1, 17, 0), ZoneInfo("UTC")) == datetime(2026, 12, 1, 17, 0, tzinfo=timezone.utc)


def test_a_browser_zone_by_its_old_name_is_shown_by_its_current_one(app, cls):
    """Chromium reports India's zone as CLDR's "Asia/Calcutta"; the page names it as the settings list does."""
    assert clock.zone("Asia/Calcutta").key == "Asia/Kolkata" and clock.zone("Europe/Kiev").key == "Europe/Kyiv"
    new(app, cls["teacher"], cls["classroom"], due_at="2031-12-01T17:00")
    browser_zoned = person(app, "ravi")  # no zone in the account: the browser's cookie says which
    assert join(browser_zoned, cls["code"]).status_code == 302
    browser_zoned.set_cookie("tz", "Asia/Calcutta")
    page = browser_zoned.get("/assignments").get_data(as_text=True)
    assert "Asia/Kolkata time" in page and "Calcutta" not in page and "1 Dec 2031, 17:30" in page


def test_to_utc_moves_a_skipped_time_forward():
    # 02:30 on 8 March 2026 never happens in New York (02:00 -> 03:00): it is read as 03:30 daylight time.
    moment = to_utc(datetime(2026, 3, 8, 2, 30), ZoneInfo("America/New_York"))
    assert moment == datetime(2026, 3, 8, 7, 30, tzinfo=timezone.utc)
    assert moment.astimezone(ZoneInfo("America/New_York")).hour == 3


def test_to_utc_takes_the_first_of_a_repeated_time():
    # 01:30 on 1 November 2026 happens twice in New York; the first is still daylight time (UTC-4).
    assert to_utc(datetime(2026, 11, 1, 1, 30), ZoneInfo("America/New_York")) == datetime(2026, 11, 1, 5, 30, tzinfo=timezone.utc)


def test_to_utc_returns_an_aware_utc_moment():
    moment = to_utc(datetime(2026, 6, 1, 9, 0), ZoneInfo("Europe/London"))
    assert moment.utcoffset().total_seconds() == 0 and moment.hour == 8


def test_attempt_deadline_is_the_sooner_of_the_time_limit_and_the_due_date():
    started = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    due = datetime(2026, 12, 1, 9, 20, tzinfo=timezone.utc)
    assert attempt_deadline(started, Rules(started, due, 30, None)) == due
    assert attempt_deadline(started, Rules(started, due, 15, None)) == started + timedelta(minutes=15)
    assert attempt_deadline(started, Rules(started, None, None, None)) is None


# --- Over HTTP -------------------------------------------------------------------------------------------------------


def new(app, client, classroom_id, draft=False, **fields):
    """Post the new-assignment form; the new assignment's id."""
    data = {"title": "Trade check", "lessons": [lesson_id(app)], "question_count": 5, "grading_method": "highest",
            "shuffle": "y", "review_option": "immediately", **fields}
    if draft:
        data["save_draft"] = "Save as draft"
    data["csrf_token"] = csrf_token(client, f"/teach/classes/{classroom_id}/assignments/new")
    response = client.post(f"/teach/classes/{classroom_id}/assignments/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])


def post(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/teach/")})


def row(app, assignment_id) -> Assignment:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        db.session.expunge(assignment)
        return assignment


def settings(assignment_id: int, **changes) -> dict:
    return {"title": "Trade check", "grading_method": "highest", "shuffle": "y", "review_option": "immediately", **changes}


@pytest.fixture
def cls(app):
    """An instructor (in Asia/Karachi) with a class and a joined student (in Asia/Kolkata)."""
    teacher = person(app, "teacher", "instructor")
    student = person(app, "sana")
    with app.app_context():
        for name, zone in (("teacher", "Asia/Karachi"), ("sana", "Asia/Kolkata")):
            db.session.scalar(sa.select(User).where(User.username == name)).time_zone = zone
        db.session.commit()
    classroom_id, code = create_class(teacher)
    assert join(student, code).status_code == 302
    return {"teacher": teacher, "student": student, "classroom": classroom_id, "code": code}


def test_a_draft_is_hidden_from_students_and_cannot_start(app, cls):
    draft = new(app, cls["teacher"], cls["classroom"], draft=True, title="Secret draft")
    assert row(app, draft).status == "draft"
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "Secret draft" not in page
    assert start(cls["student"], draft).status_code == 404
    hub = cls["teacher"].get(f"/teach/assignments/{draft}").get_data(as_text=True)
    assert "Draft: students cannot see it" in hub
    assert post(cls["teacher"], f"/teach/assignments/{draft}/publish").status_code == 302
    assert row(app, draft).status == "published"
    assert "Secret draft" in cls["student"].get("/assignments").get_data(as_text=True)


def test_publish_is_the_default_and_a_draft_without_questions_cannot_be_published(app, cls):
    published = new(app, cls["teacher"], cls["classroom"])
    assert row(app, published).status == "published" and len(row(app, published).question_ids) == 5
    assert row(app, published).pool["count"] == 5
    empty = new(app, cls["teacher"], cls["classroom"], draft=True, lessons=[], title="Hand-picked later")
    assert row(app, empty).question_ids == []
    response = post(cls["teacher"], f"/teach/assignments/{empty}/publish")
    assert response.status_code == 409 and "no questions yet" in response.get_data(as_text=True)
    assert row(app, empty).status == "draft"
    # Publishing with nothing to draw from is refused with the reason on the form.
    data = {"title": "Nothing", "grading_method": "highest", "review_option": "immediately",
            "csrf_token": csrf_token(cls["teacher"], f"/teach/classes/{cls['classroom']}/assignments/new")}
    response = cls["teacher"].post(f"/teach/classes/{cls['classroom']}/assignments/new", data=data)
    assert response.status_code == 400 and "save a draft and choose its questions by hand" in response.get_data(as_text=True)


def test_dates_are_typed_in_the_instructors_zone_and_shown_in_the_students(app, cls):
    form = cls["teacher"].get(f"/teach/classes/{cls['classroom']}/assignments/new").get_data(as_text=True)
    assert "Due (Asia/Karachi time; optional)" in form
    assignment_id = new(app, cls["teacher"], cls["classroom"], due_at="2031-12-01T17:00", attempt_limit=2)
    assert as_utc(row(app, assignment_id).due_at) == datetime(2031, 12, 1, 12, 0, tzinfo=timezone.utc)
    assert "1 Dec 2031, 17:00" in cls["teacher"].get(f"/teach/assignments/{assignment_id}").get_data(as_text=True)
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "1 Dec 2031, 17:30" in page and "Asia/Kolkata time" in page
    edit = cls["teacher"].get(f"/teach/assignments/{assignment_id}/edit").get_data(as_text=True)
    assert 'value="2031-12-01T17:00"' in edit


def test_editing_after_someone_started_says_what_changes_and_asks(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"], due_at="2031-12-01T17:00", time_limit_minutes=30)
    assert start(cls["student"], assignment_id).status_code == 302
    path = f"/teach/assignments/{assignment_id}/edit"
    opens = re.search(r'name="opens_at" type="datetime-local" value="([^"]+)"', cls["teacher"].get(path).get_data(as_text=True)).group(1)
    data = settings(assignment_id, opens_at=opens, due_at="2031-12-08T17:00", time_limit_minutes=30,
                    csrf_token=csrf_token(cls["teacher"], path))
    response = cls["teacher"].post(path, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Save these changes?" in page
    assert "The due date moves for everyone, including the 1 attempt in progress" in page
    assert "Started: sana (in progress)." in re.sub(r"</?bdi[^>]*>", "", page)  # who the change reaches, by name
    assert ">Opens<" not in page  # the opening date shown back to the minute is no change
    assert as_utc(row(app, assignment_id).due_at).day == 1  # not yet
    response = cls["teacher"].post(path, data={**data, "confirmed": "yes"})
    assert response.status_code == 302
    assert as_utc(row(app, assignment_id).due_at) == datetime(2031, 12, 8, 12, 0, tzinfo=timezone.utc)
    # "Change them again" goes back to the form with what was typed, saving nothing.
    response = cls["teacher"].post(path, data={**data, "title": "Renamed", "back": "Change them again"})
    assert response.status_code == 200 and 'value="Renamed"' in response.get_data(as_text=True)
    assert row(app, assignment_id).title == "Trade check"


def test_a_shorter_time_limit_moves_the_deadline_of_attempts_in_progress(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"], time_limit_minutes=60)
    assert start(cls["student"], assignment_id).status_code == 302
    path = f"/teach/assignments/{assignment_id}/edit"
    data = settings(assignment_id, time_limit_minutes=20, confirmed="yes", csrf_token=csrf_token(cls["teacher"], path))
    assert cls["teacher"].post(path, data=data).status_code == 302
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.assignment_id == assignment_id))
        assert as_utc(attempt.deadline) - as_utc(attempt.started_at) == timedelta(minutes=20)


def test_editing_before_anyone_started_saves_at_once(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"])
    path = f"/teach/assignments/{assignment_id}/edit"
    response = cls["teacher"].post(path, data=settings(assignment_id, title="Trade, week 2", attempt_limit=3,
                                                       csrf_token=csrf_token(cls["teacher"], path)))
    assert response.status_code == 302
    assert row(app, assignment_id).title == "Trade, week 2" and row(app, assignment_id).attempt_limit == 3


def test_unpublishing_is_refused_once_anyone_started(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"])
    assert start(cls["student"], assignment_id).status_code == 302
    response = post(cls["teacher"], f"/teach/assignments/{assignment_id}/publish")
    assert response.status_code == 409 and "cannot go back to draft" in response.get_data(as_text=True)
    assert row(app, assignment_id).status == "published"


def test_delete_hides_keeps_attempts_and_restores(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"], title="Soon gone")
    untouched = cls["teacher"].get(f"/teach/assignments/{assignment_id}/delete").get_data(as_text=True)
    assert "Nobody has submitted an attempt yet." in untouched and "Its 0 submitted" not in untouched
    take(app, cls["student"], assignment_id)
    confirm = cls["teacher"].get(f"/teach/assignments/{assignment_id}/delete").get_data(as_text=True)
    assert "Its 1 submitted attempt is kept" in confirm
    assert post(cls["teacher"], f"/teach/assignments/{assignment_id}/delete").status_code == 302
    assert row(app, assignment_id).deleted_at is not None
    assert "Soon gone" not in cls["student"].get("/assignments").get_data(as_text=True)
    assert start(cls["student"], assignment_id).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id)).where(Attempt.assignment_id == assignment_id)) == 1
    assert "Deleted assignments (1)" in cls["teacher"].get(f"/teach/classes/{cls['classroom']}").get_data(as_text=True)
    assert post(cls["teacher"], f"/teach/assignments/{assignment_id}/restore").status_code == 302
    assert row(app, assignment_id).deleted_at is None
    assert "Soon gone" in cls["student"].get("/assignments").get_data(as_text=True)


def test_reorder_with_up_and_down(app, cls):
    first = new(app, cls["teacher"], cls["classroom"], title="First one")
    second = new(app, cls["teacher"], cls["classroom"], title="Second one")
    assert post(cls["teacher"], f"/teach/assignments/{second}/move", direction="up").status_code == 302
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert page.index("Second one") < page.index("First one")
    teacher_page = cls["teacher"].get(f"/teach/classes/{cls['classroom']}").get_data(as_text=True)
    assert teacher_page.index("Second one") < teacher_page.index("First one")
    assert post(cls["teacher"], f"/teach/assignments/{first}/move", direction="sideways").status_code == 400


def test_duplicate_as_a_draft_into_another_class(app, cls):
    original = new(app, cls["teacher"], cls["classroom"], attempt_limit=2)
    other, _ = create_class(cls["teacher"], "History 102")
    path = f"/teach/assignments/{original}/duplicate"
    response = cls["teacher"].post(path, data={"classroom": other, "title": "Trade again",
                                               "csrf_token": csrf_token(cls["teacher"], path)})
    assert response.status_code == 302
    copy = row(app, int(response.headers["Location"].rsplit("/", 1)[-1]))
    assert (copy.classroom_id, copy.status, copy.title, copy.attempt_limit) == (other, "draft", "Trade again", 2)
    assert copy.question_ids == row(app, original).question_ids


def test_preview_shows_the_students_row_and_questions_and_stores_nothing(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"], due_at="2031-12-01T17:00")
    page = cls["teacher"].get(f"/teach/assignments/{assignment_id}/preview?zone=Asia/Kolkata").get_data(as_text=True)
    assert "1 Dec 2031, 17:30" in page and 'class="test-item"' in page
    assert "1 Dec 2031, 17:00" in cls["teacher"].get(f"/teach/assignments/{assignment_id}/preview").get_data(as_text=True)
    assert cls["teacher"].get(f"/teach/assignments/{assignment_id}/preview?zone=Mars/Olympus").status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Attempt.id))) == 0


def test_a_students_own_rules_come_from_their_override(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"], time_limit_minutes=30, attempt_limit=1,
                        review_option="immediately")
    with app.app_context():
        sana = db.session.scalar(sa.select(User.id).where(User.username == "sana"))
        db.session.add(AssignmentOverride(assignment_id=assignment_id, user_id=sana, extra_minutes=15, extra_attempts=1))
        db.session.commit()
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "Extended for you: +15 minutes, +1 attempt" in page and "45 min" in page and "0 of 2" in page
    take(app, cls["student"], assignment_id)
    assert start(cls["student"], assignment_id).status_code == 302  # the second attempt the override gives


def test_the_grade_waits_for_the_release_of_marks(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"])
    with app.app_context():
        db.session.get(Assignment, assignment_id).release_mode = "by_hand"
        db.session.commit()
    take(app, cls["student"], assignment_id)
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "Marks not released yet" in page and "100 %" not in page
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assignment.release_mode, assignment.release_at = "at_time", datetime(2031, 12, 1, 12, 0)
        db.session.commit()
    assert "Marks out 1 Dec 2031, 17:30" in cls["student"].get("/assignments").get_data(as_text=True)
    with app.app_context():
        db.session.get(Assignment, assignment_id).released_at = datetime(2020, 1, 1)
        db.session.commit()
    assert "100 %" in cls["student"].get("/assignments").get_data(as_text=True)


def test_an_archived_class_takes_no_joins_no_attempts_and_no_changes(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"])
    newcomer = person(app, "ravi")
    with app.app_context():
        db.session.get(Classroom, cls["classroom"]).archived_at = datetime(2026, 1, 1)
        db.session.commit()
    response = join(newcomer, cls["code"])
    assert response.status_code == 400 and "archived" in response.get_data(as_text=True)
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "This class is archived" in page
    response = start(cls["student"], assignment_id)
    assert response.status_code == 403 and "archived" in response.get_data(as_text=True)
    for action in ("publish", "delete", "move"):
        assert post(cls["teacher"], f"/teach/assignments/{assignment_id}/{action}", direction="up").status_code == 409
    hub = cls["teacher"].get(f"/teach/assignments/{assignment_id}").get_data(as_text=True)
    assert "read-only" in hub
    assert "closed (the class is archived)" in hub and "open now" not in hub  # nobody can start it, so it is not open


def test_another_instructors_ids_are_refused_and_nothing_changes(app, cls):
    assignment_id = new(app, cls["teacher"], cls["classroom"])
    stranger = person(app, "other", "instructor")
    theirs, _ = create_class(stranger, "Their class")
    for path in ("", "/edit", "/preview", "/delete", "/duplicate"):
        assert stranger.get(f"/teach/assignments/{assignment_id}{path}").status_code == 403
    for action in ("publish", "delete", "restore", "move"):
        assert post(stranger, f"/teach/assignments/{assignment_id}/{action}", direction="up").status_code == 403
    # Duplicating my own into a class I do not teach: refused.
    path = f"/teach/assignments/{assignment_id}/duplicate"
    response = cls["teacher"].post(path, data={"classroom": theirs, "title": "x", "csrf_token": csrf_token(cls["teacher"], path)})
    assert response.status_code == 400
    assert cls["teacher"].get("/teach/assignments/99999999999").status_code == 404
    assert row(app, assignment_id).status == "published" and row(app, assignment_id).deleted_at is None
    # A bare POST without the page's token changes nothing.
    assert cls["teacher"].post(f"/teach/assignments/{assignment_id}/delete").status_code == 400
    assert row(app, assignment_id).deleted_at is None



def test_a_near_due_date_and_an_open_attempts_deadline_are_said_in_words(app, cls):
    due = (datetime.now(ZoneInfo("Asia/Karachi")) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assignment_id = new(app, cls["teacher"], cls["classroom"], due_at=due, time_limit_minutes=30)
    assert "(tomorrow at " in cls["student"].get("/assignments").get_data(as_text=True)
    assert start(cls["student"], assignment_id).status_code == 302
    page = cls["student"].get("/assignments").get_data(as_text=True)
    assert "Continue" in page and re.search(r"It closes in (29|30) minutes\.", page)


def test_the_edit_confirmation_names_no_attempts_in_progress_when_there_are_none():
    """With every attempt submitted, the confirmation does not speak of '0 attempts in progress'."""
    from app.authoring.assignment_routes import SETTINGS, change_words

    before = {name: None for name in SETTINGS} | {"due_at": datetime(2027, 3, 15, 12, tzinfo=timezone.utc),
                                                  "time_limit_minutes": 30}
    after = before | {"due_at": datetime(2027, 3, 16, 12, tzinfo=timezone.utc), "time_limit_minutes": 45}
    zone = ZoneInfo("Asia/Karachi")
    none_open = {"students": 1, "in_progress": 0, "submitted": 1}
    said = {row["what"]: row["started"] for row in change_words(before, after, none_open, zone)}
    assert "0 attempts" not in " ".join(said.values())
    assert said["Due date"].startswith("The due date moves for everyone. ")
    assert said["Time limit"] == "No attempt is in progress; submitted ones stay as they are."
    one_open = {"students": 2, "in_progress": 1, "submitted": 1}
    said = {row["what"]: row["started"] for row in change_words(before, after, one_open, zone)}
    assert "including the 1 attempt in progress" in said["Due date"]
    assert said["Time limit"].startswith("The 1 attempt in progress gets the new limit")


def test_assignment_form_mistakes_are_said_in_plain_words(app, auth, client):
    """A missing title and an impossible time limit are named plainly, not in WTForms' generic words."""
    from tests.conftest import csrf_token

    auth.register("plainteach")
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "plainteach")).role = "instructor"
        classroom = Classroom(name="Plain words", instructor_id=db.session.scalar(
            sa.select(User.id).where(User.username == "plainteach")), join_code="PLAIN123")
        db.session.add(classroom)
        db.session.commit()
        classroom_id = classroom.id
    path = f"/teach/classes/{classroom_id}/assignments/new"
    page = client.post(path, data={"csrf_token": csrf_token(client, path), "title": "", "time_limit_minutes": "-5",
                                   "draft": "y"}).get_data(as_text=True)
    assert "Give the assignment a title." in page
    assert "Give 1 to 600 minutes, or leave it blank for no time limit." in page
    assert "This field is required" not in page and "Number must be between" not in page
