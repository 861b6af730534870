"""Overrides (one student, one group) and the release of marks, over HTTP: every id checked, in-progress deadlines
moved, and unreleased marks kept from every page, export and API answer a student reaches."""

import json
import re
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.api.auth import new_token
from app.class_rules import rules_for
from app.course.clock import as_utc
from app.extensions import db
from app.models import (Assignment, AssignmentOverride, Attempt, ClassGroup, Classroom, Enrollment, ReviewCard, User)
from tests.conftest import csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, start, take


def text_of(response) -> str:
    """A page's words as read, tags left out and spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split()).replace(" .", ".")


def user_id(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def set_zone(app, username, zone):
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == username)).time_zone = zone
        db.session.commit()


def overrides_url(assignment_id):
    return f"/teach/assignments/{assignment_id}/overrides"


def post_override(client, assignment_id, **fields):
    data = {"csrf_token": csrf_token(client, overrides_url(assignment_id)), **fields}
    return client.post(overrides_url(assignment_id), data=data)


def override_rows(app, assignment_id):
    with app.app_context():
        return [(row.user_id, row.group_id, row.due_at and as_utc(row.due_at), row.extra_minutes, row.extra_attempts)
                for row in db.session.scalars(sa.select(AssignmentOverride).where(AssignmentOverride.assignment_id == assignment_id))]


def attempt_of(app, public_id):
    with app.app_context():
        return db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id).options(sa.orm.joinedload(Attempt.lesson)))


def minutes_given(app, public_id) -> timedelta:
    """How long the attempt's deadline leaves from its start."""
    attempt = attempt_of(app, public_id)
    return as_utc(attempt.deadline) - as_utc(attempt.started_at)


def started(client, assignment_id):
    response = start(client, assignment_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    return response.headers["Location"].rsplit("/", 1)[-1]


def make_group(app, classroom_id, name, *usernames):
    with app.app_context():
        group = ClassGroup(classroom_id=classroom_id, name=name)
        db.session.add(group)
        db.session.flush()
        for enrollment in db.session.scalars(sa.select(Enrollment).join(User, User.id == Enrollment.user_id).where(
                Enrollment.classroom_id == classroom_id, User.username.in_(usernames))):
            enrollment.group_id = group.id
        db.session.commit()
        return group.id


@pytest.fixture
def timed(app):
    """A class with two students (sana, omar) and a timed assignment (30 minutes, 2 attempts)."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    students = {}
    for name in ("sana", "omar"):
        students[name] = person(app, name)
        assert join(students[name], code).status_code == 302
    assignment_id = create_assignment(app, teacher, classroom_id, time_limit_minutes=30, attempt_limit=2)
    return {"teacher": teacher, "classroom": classroom_id, "assignment": assignment_id, **students}


def test_the_page_lists_the_class_rules_the_students_and_the_groups(app, timed):
    make_group(app, timed["classroom"], "Evening", "omar")
    set_zone(app, "teacher", "Asia/Karachi")
    page = timed["teacher"].get(overrides_url(timed["assignment"]))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "30 minutes" in html and "2 attempts" in html and "No overrides yet" in html
    assert '<option value="">Choose a student or group</option><optgroup label="Students">' in html
    assert re.search(r'<optgroup label="Students">\s*<option[^>]*>omar</option>\s*<option[^>]*>sana</option>', html)
    assert "Evening (1 student)" in html
    assert "Their due date (Asia/Karachi time)" in html


def test_extra_time_moves_the_deadline_of_the_attempt_in_progress(app, timed):
    public_id = started(timed["sana"], timed["assignment"])
    sana = user_id(app, "sana")
    response = post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_minutes="15")
    assert response.status_code == 302
    flashed = timed["teacher"].get(response.headers["Location"]).get_data(as_text=True)
    assert "Saved the override for sana" in flashed and "sana&#39;s attempt in progress now ends at" in flashed
    assert minutes_given(app, public_id) == timedelta(minutes=45)
    with app.app_context():
        rules = rules_for(db.session.get(Assignment, timed["assignment"]), sana)
        assert rules.time_limit_minutes == 45 and rules.changes() == ["+15 minutes"]
    # The student's own test page counts down to the new deadline.
    page = timed["sana"].get(f"/attempts/{public_id}").get_data(as_text=True)
    assert as_utc(attempt_of(app, public_id).deadline).strftime("%Y-%m-%dT%H:%M") in page


def test_saving_again_replaces_the_override_and_the_list_says_what_it_gives(app, timed):
    sana = user_id(app, "sana")
    assert post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_minutes="15").status_code == 302
    response = post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_attempts="1")
    assert response.status_code == 302
    assert override_rows(app, timed["assignment"]) == [(sana, None, None, None, 1)]
    html = timed["teacher"].get(overrides_url(timed["assignment"])).get_data(as_text=True)
    assert "Changed the override for sana" in html
    assert "3 attempts" in html and "(+1)" in html and "As the class" in html


def test_editing_fills_the_form_with_the_override(app, timed):
    sana = user_id(app, "sana")
    set_zone(app, "teacher", "Asia/Karachi")
    post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", due_at="2030-01-10T09:00", extra_minutes="5")
    row_id = override_row_id(app, timed["assignment"])
    html = timed["teacher"].get(f"{overrides_url(timed['assignment'])}?edit={row_id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="user:{sana}">sana</option>', html)
    assert 'value="2030-01-10T09:00"' in html and 'value="5"' in html and "Change the override" in html


def override_row_id(app, assignment_id):
    with app.app_context():
        return db.session.scalar(sa.select(AssignmentOverride.id).where(AssignmentOverride.assignment_id == assignment_id))


def test_a_due_date_is_typed_in_the_instructors_zone(app, timed):
    set_zone(app, "teacher", "Asia/Karachi")  # UTC+5
    sana = user_id(app, "sana")
    assert post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", due_at="2030-01-10T17:00").status_code == 302
    assert override_rows(app, timed["assignment"])[0][2] == datetime(2030, 1, 10, 12, 0, tzinfo=timezone.utc)
    html = timed["teacher"].get(overrides_url(timed["assignment"])).get_data(as_text=True)
    assert "10 Jan 2030, 17:00" in html


def test_a_group_override_moves_its_members_attempts_and_a_students_own_wins(app, timed):
    group = make_group(app, timed["classroom"], "Evening", "sana", "omar")
    sana_attempt, omar_attempt = started(timed["sana"], timed["assignment"]), started(timed["omar"], timed["assignment"])
    omar = user_id(app, "omar")
    assert post_override(timed["teacher"], timed["assignment"], who=f"user:{omar}", extra_minutes="5").status_code == 302
    assert post_override(timed["teacher"], timed["assignment"], who=f"group:{group}", extra_minutes="20").status_code == 302
    assert minutes_given(app, sana_attempt) == timedelta(minutes=50)
    assert minutes_given(app, omar_attempt) == timedelta(minutes=35)  # his own (+5) wins
    html = re.sub(r"</?bdi[^>]*>", "", timed["teacher"].get(overrides_url(timed["assignment"])).get_data(as_text=True))
    assert "Group Evening" in html and "omar has an override of their own, which wins over this one" in html


def test_removing_an_override_gives_back_the_class_rules(app, timed):
    public_id = started(timed["sana"], timed["assignment"])
    sana = user_id(app, "sana")
    post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_minutes="15")
    row_id = override_row_id(app, timed["assignment"])
    response = timed["teacher"].post(f"{overrides_url(timed['assignment'])}/{row_id}/delete",
                                     data={"csrf_token": csrf_token(timed["teacher"], overrides_url(timed["assignment"]))})
    assert response.status_code == 302 and override_rows(app, timed["assignment"]) == []
    assert minutes_given(app, public_id) == timedelta(minutes=30)
    assert "Removed the override for sana" in timed["teacher"].get(response.headers["Location"]).get_data(as_text=True)


def test_an_attempt_whose_time_ran_out_is_not_reopened(app, timed):
    public_id = started(timed["sana"], timed["assignment"])
    past = datetime.now(timezone.utc) - timedelta(minutes=1)
    with app.app_context():
        db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id)).deadline = past
        db.session.commit()
    post_override(timed["teacher"], timed["assignment"], who=f"user:{user_id(app, 'sana')}", extra_minutes="15")
    assert as_utc(attempt_of(app, public_id).deadline) == past


@pytest.mark.parametrize("fields, message", [
    ({}, "Give at least one change"),
    ({"extra_minutes": "0"}, "Give between 1 and 1,440 extra minutes"),  # a bound, written as an amount
    ({"extra_attempts": "99"}, "Give between 1 and 20 extra attempts"),
    ({"due_at": "2000-01-01T10:00"}, "must come after the assignment opens"),
    ({"due_at": "not a date", "extra_minutes": "5"}, "Not a valid datetime value"),
    ({"who": "", "extra_minutes": "5"}, "Choose a student or a group."),
])
def test_a_mistake_is_said_next_to_its_field_and_nothing_is_saved(app, timed, fields, message):
    response = post_override(timed["teacher"], timed["assignment"], **{"who": f"user:{user_id(app, 'sana')}", **fields})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert override_rows(app, timed["assignment"]) == []


def test_time_and_attempts_cannot_be_added_where_there_is_no_limit(app, timed):
    untimed = create_assignment(app, timed["teacher"], timed["classroom"])
    html = timed["teacher"].get(overrides_url(untimed)).get_data(as_text=True)
    assert "No extra time to give: this assignment has no time limit." in html
    assert "No extra attempts to give" in html and 'name="extra_minutes"' not in html
    response = post_override(timed["teacher"], untimed, who=f"user:{user_id(app, 'sana')}", extra_minutes="10", extra_attempts="1")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and "no time limit, so there are no minutes to add" in text
    assert "unlimited attempts, so there are none to add" in text and override_rows(app, untimed) == []


def test_another_classs_student_or_group_is_refused(app, timed):
    rival = person(app, "rival", "instructor")
    other_class, other_code = create_class(rival, "Elsewhere")
    outsider = person(app, "outsider")
    join(outsider, other_code)
    other_group = make_group(app, other_class, "Theirs", "outsider")
    for who in (f"user:{user_id(app, 'outsider')}", f"group:{other_group}", "user:999999", "user:abc", "group:"):
        response = post_override(timed["teacher"], timed["assignment"], who=who, extra_minutes="5")
        assert response.status_code == 400 and "Not a valid choice" in response.get_data(as_text=True), who
    assert override_rows(app, timed["assignment"]) == []


def test_another_instructor_is_refused_every_id(app, timed):
    sana = user_id(app, "sana")
    post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_minutes="15")
    row_id = override_row_id(app, timed["assignment"])
    rival = person(app, "rival", "instructor")
    token = csrf_token(rival, "/teach/")
    assert rival.get(overrides_url(timed["assignment"])).status_code == 403
    assert rival.post(overrides_url(timed["assignment"]), data={"csrf_token": token, "who": f"user:{sana}", "extra_minutes": "60"}).status_code == 403
    assert rival.post(f"{overrides_url(timed['assignment'])}/{row_id}/delete", data={"csrf_token": token}).status_code == 403
    assert rival.post(f"/teach/assignments/{timed['assignment']}/release", data={"csrf_token": token, "release_mode": "by_hand"}).status_code == 403
    assert rival.post(f"/teach/assignments/{timed['assignment']}/release-now", data={"csrf_token": token, "action": "release"}).status_code == 403
    assert override_rows(app, timed["assignment"]) == [(sana, None, None, 15, None)]
    # An override of another assignment (of the same teacher) is not this one's.
    second = create_assignment(app, timed["teacher"], timed["classroom"], time_limit_minutes=30)
    response = timed["teacher"].post(f"{overrides_url(second)}/{row_id}/delete",
                                     data={"csrf_token": csrf_token(timed["teacher"], overrides_url(second))})
    assert response.status_code == 404 and len(override_rows(app, timed["assignment"])) == 1
    assert timed["teacher"].get(f"{overrides_url(second)}?edit={row_id}").status_code == 404
    assert timed["teacher"].get(overrides_url(999999)).status_code == 404


def test_an_archived_class_or_a_deleted_assignment_is_read_only(app, timed):
    with app.app_context():
        db.session.get(Classroom, timed["classroom"]).archived_at = datetime.now(timezone.utc)
        db.session.commit()
    html = timed["teacher"].get(overrides_url(timed["assignment"])).get_data(as_text=True)
    assert "This class is archived" in html and 'name="who"' not in html
    token = csrf_token(timed["teacher"], "/teach/")
    response = timed["teacher"].post(overrides_url(timed["assignment"]), data={
        "csrf_token": token, "who": f"user:{user_id(app, 'sana')}", "extra_minutes": "5"})
    assert response.status_code == 409 and "archived" in response.get_data(as_text=True)
    assert timed["teacher"].post(f"/teach/assignments/{timed['assignment']}/release-now",
                                 data={"csrf_token": token, "action": "release"}).status_code == 409
    panel = text_of(timed["teacher"].get(f"/teach/assignments/{timed['assignment']}/release"))
    assert "This class is archived, so its overrides and the release of marks stay as they are" in panel
    assert "Release marks now" not in panel and "Save release setting" not in panel
    with app.app_context():
        db.session.get(Classroom, timed["classroom"]).archived_at = None
        db.session.get(Assignment, timed["assignment"]).deleted_at = datetime.now(timezone.utc)
        db.session.commit()
    response = timed["teacher"].post(overrides_url(timed["assignment"]), data={
        "csrf_token": token, "who": f"user:{user_id(app, 'sana')}", "extra_minutes": "5"})
    assert response.status_code == 409 and "deleted" in response.get_data(as_text=True)
    assert override_rows(app, timed["assignment"]) == []


# The release of marks.

def release(client, assignment_id, **fields):
    return client.post(f"/teach/assignments/{assignment_id}/release",
                       data={"csrf_token": csrf_token(client, f"/teach/assignments/{assignment_id}/release"), **fields})


def release_now(client, assignment_id, action="release"):
    return client.post(f"/teach/assignments/{assignment_id}/release-now",
                       data={"csrf_token": csrf_token(client, f"/teach/assignments/{assignment_id}/release"), "action": action})


@pytest.fixture
def held(app, timed):
    """The timed assignment with its marks released by hand, and sana's attempt submitted (all right)."""
    assert release(timed["teacher"], timed["assignment"], release_mode="by_hand").status_code == 302
    public_id = take(app, timed["sana"], timed["assignment"])
    timed["sana"].get(f"/lessons/{attempt_of(app, public_id).lesson.slug}")  # so the dashboard lists the lesson
    return {**timed, "attempt": public_id}


def test_unreleased_marks_show_nowhere_a_student_looks(app, held):
    sana = held["sana"]
    result = sana.get(f"/attempts/{held['attempt']}/result").get_data(as_text=True)
    assert "Submitted." in result and "Your marks and feedback come out when your instructor releases them" in result
    assert "You scored" not in result and "result-icon" not in result and "The answer</dt>" not in result
    assert "Your answer" in result  # their own answers stay
    lesson = attempt_of(app, held["attempt"]).lesson.slug
    assert "Submitted; marks not out yet" in sana.get(f"/lessons/{lesson}/quiz").get_data(as_text=True)
    assert "Quiz best" not in sana.get("/me").get_data(as_text=True)
    export = json.loads(sana.get("/account/export").get_data(as_text=True))
    mine = next(a for a in export["attempts"] if a["id"] == held["attempt"])
    assert mine["score"] is None and all("score" not in answer and "status" not in answer for answer in mine["answers"])
    assignments = sana.get("/assignments").get_data(as_text=True)
    assert "Marks not released yet" in assignments and "100" not in re.sub(r"<[^>]+>", "", assignments.split("<table", 1)[-1])
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id)).where(ReviewCard.owner_key == f"user:{user_id(app, 'sana')}")) == 0


def test_the_api_shows_no_unreleased_score(app, held):
    client, headers = token_for_existing(app, "sana")
    lesson = attempt_of(app, held["attempt"]).lesson.slug
    mine = next(row for row in client.get("/api/v1/me/progress", headers=headers).json["lessons"] if row["slug"] == lesson)
    assert mine["best"] is None and mine["latest"] is None and mine["attempts"] == 0
    release_now(held["teacher"], held["assignment"])
    mine = next(row for row in client.get("/api/v1/me/progress", headers=headers).json["lessons"] if row["slug"] == lesson)
    assert mine["best"] == 100 and mine["attempts"] == 1


def token_for_existing(app, username):
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        token = new_token(user, "tests", scope="read")
        db.session.commit()
    return app.test_client(), {"Authorization": f"Bearer {token}"}


def test_releasing_by_hand_shows_the_marks_and_hiding_takes_them_back(app, held):
    response = release_now(held["teacher"], held["assignment"])
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/teach/assignments/{held['assignment']}#release")
    result = held["sana"].get(f"/attempts/{held['attempt']}/result").get_data(as_text=True)
    assert "You scored" in result and "Submitted." not in result
    with app.app_context():  # the released result still names the assignment, not only its lesson
        assert f"<bdi translate=\"no\">{db.session.get(Assignment, held['assignment']).title}</bdi> · result</p>" in result
    assert "Quiz best 100 %" in held["sana"].get("/me").get_data(as_text=True)
    assert release_now(held["teacher"], held["assignment"], "hide").status_code == 302
    with app.app_context():
        assignment = db.session.get(Assignment, held["assignment"])
        assert (assignment.release_mode, assignment.released_at) == ("by_hand", None)
    assert "You scored" not in held["sana"].get(f"/attempts/{held['attempt']}/result").get_data(as_text=True)


def test_marks_at_a_time_come_out_then_and_the_student_reads_it_in_their_zone(app, held):
    set_zone(app, "teacher", "Asia/Karachi")
    set_zone(app, "sana", "Asia/Kolkata")
    assert release(held["teacher"], held["assignment"], release_mode="at_time", release_at="2031-03-01T09:00").status_code == 302
    with app.app_context():
        assert as_utc(db.session.get(Assignment, held["assignment"]).release_at) == datetime(2031, 3, 1, 4, 0, tzinfo=timezone.utc)
    result = held["sana"].get(f"/attempts/{held['attempt']}/result").get_data(as_text=True)
    assert "Your marks and feedback come out on 1 Mar 2031, 09:30" in result and "You scored" not in result
    panel = held["teacher"].get(f"/teach/assignments/{held['assignment']}/release").get_data(as_text=True)
    assert 'value="2031-03-01T09:00"' in panel and "They come out on 1 Mar 2031, 09:00; 1 submitted attempt waits." in panel
    assert release(held["teacher"], held["assignment"], release_mode="at_time", release_at="2001-03-01T09:00").status_code == 302
    assert "You scored" in held["sana"].get(f"/attempts/{held['attempt']}/result").get_data(as_text=True)


def test_marks_as_they_submit_show_at_once(app, timed):
    public_id = take(app, timed["sana"], timed["assignment"])  # the default: on submit
    assert "You scored" in timed["sana"].get(f"/attempts/{public_id}/result").get_data(as_text=True)


@pytest.mark.parametrize("fields, message", [
    ({"release_mode": "at_time"}, "Choose the time the marks come out"),
    ({"release_mode": "whenever"}, "Not a valid choice"),
    ({}, "Choose when students see their marks"),
    ({"release_mode": "at_time", "release_at": "soon"}, "Not a valid datetime value"),
])
def test_a_release_setting_with_a_mistake_is_refused_and_said(app, timed, fields, message):
    response = release(timed["teacher"], timed["assignment"], **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Assignment, timed["assignment"]).release_mode == "on_submit"


def test_the_release_panel_says_whether_marks_are_out(app, held):
    page = text_of(held["teacher"].get(f"/teach/assignments/{held['assignment']}/release"))
    assert "Marks hidden. They come out when you release them; 1 submitted attempt waits." in page
    assert "Release marks now" in page
    assert re.search(r'value="by_hand" checked', held["teacher"].get(f"/teach/assignments/{held['assignment']}/release").get_data(as_text=True))
    release_now(held["teacher"], held["assignment"])
    page = text_of(held["teacher"].get(f"/teach/assignments/{held['assignment']}/release"))
    assert "Marks out. You released them on" in page and "Hide the marks again" in page


def test_a_co_instructor_gives_overrides_and_a_former_students_stays_on_record(app, timed):
    from app.models import ClassroomInstructor
    helper = person(app, "helper", "instructor")
    with app.app_context():
        db.session.add(ClassroomInstructor(classroom_id=timed["classroom"], user_id=user_id(app, "helper")))
        db.session.commit()
    group = make_group(app, timed["classroom"], "Evening", "omar")
    sana = user_id(app, "sana")
    assert post_override(helper, timed["assignment"], who=f"user:{sana}", extra_attempts="2").status_code == 302
    response = post_override(helper, timed["assignment"], who=f"group:{group}", extra_minutes="10")
    assert "Saved the override for group Evening." in helper.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.delete(Enrollment).where(Enrollment.user_id == sana))
        db.session.commit()
    html = helper.get(overrides_url(timed["assignment"])).get_data(as_text=True)
    assert "sana (no longer in the class)" in html and "Group Evening" in html


def test_forged_or_huge_input_changes_nothing(app, timed):
    sana = user_id(app, "sana")
    response = post_override(timed["teacher"], timed["assignment"], who="user:" + "9" * 10_000, extra_minutes="5")
    assert response.status_code == 400 and override_rows(app, timed["assignment"]) == []
    response = post_override(timed["teacher"], timed["assignment"], who=f"user:{sana}", extra_minutes="9" * 40)
    assert response.status_code == 400 and override_rows(app, timed["assignment"]) == []
    assert timed["teacher"].get(f"{overrides_url(timed['assignment'])}?edit={2**40}").status_code == 404
    assert release_now(timed["teacher"], timed["assignment"], action="explode").status_code == 400
    assert release(timed["teacher"], timed["assignment"], release_mode="at_time", release_at="9" * 5000).status_code == 400
    with app.app_context():
        assignment = db.session.get(Assignment, timed["assignment"])
        assert (assignment.release_mode, assignment.released_at) == ("on_submit", None)
