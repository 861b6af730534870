"""Classes, assignments, gradebook and item analysis over HTTP, with every id checked."""

import csv
import io
import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.course.clock import as_utc
from app.course.grading import grade, may_review
from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.essays import save_grade
from app.models import Answer, Assignment, Attempt, Lesson, QuestionVersion, ReviewCard, User
from tests.conftest import AuthActions, csrf_token
from tests.test_quiz import layout_data, shown, wrong_response


def person(app, username, role="student"):
    """A logged-in client for a new account with ``role``."""
    client = app.test_client()
    AuthActions(client).register(username=username)
    if role != "student":
        with app.app_context():
            db.session.scalar(sa.select(User).where(User.username == username)).role = role
            db.session.commit()
    return client


def create_class(client, name="History 101") -> tuple[int, str]:
    response = client.post("/teach/", data={"name": name, "csrf_token": csrf_token(client, "/teach/")})
    assert response.status_code == 302, response.get_data(as_text=True)
    classroom_id = int(response.headers["Location"].rsplit("/", 1)[-1])
    code = re.search(r'class="code">(?:<bdi[^>]*>)?([A-Z0-9]+)<', client.get(f"/teach/classes/{classroom_id}").get_data(as_text=True)).group(1)
    return classroom_id, code


def lesson_id(app, slug="trade"):
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slug))


def create_assignment(app, client, classroom_id, **rules):
    data = {"title": "Trade check", "lessons": [lesson_id(app)], "question_count": 5, "grading_method": "highest",
            "shuffle": "y", "review_option": "immediately", **rules}
    data["csrf_token"] = csrf_token(client, f"/teach/classes/{classroom_id}/assignments/new")
    response = client.post(f"/teach/classes/{classroom_id}/assignments/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        return db.session.scalar(sa.select(Assignment.id).order_by(Assignment.id.desc()).limit(1))


def join(client, code):
    return client.post("/classes/join", data={"code": code, "csrf_token": csrf_token(client, "/classes/join")})


def start(client, assignment_id):
    return client.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_token(client, "/assignments")})


def take(app, client, assignment_id, right=True):
    """Answer an assignment's attempt with the key (or wrongly) and submit it. An essay drawn (its key is the model
    answer) waits for the instructor, then counts once they grade it: here at the top level of every criterion, as the
    class's instructor would on the grading page."""
    response = start(client, assignment_id)
    assert response.status_code == 302, response.get_data(as_text=True)
    public_id = response.headers["Location"].rsplit("/", 1)[-1]
    values = {}
    for position, data in enumerate(layout_data(app, public_id)):
        values.update(form_values(data, f"q{position}", key_response(data) if right else wrong_response(data)))
    values = shown(app, public_id, values)
    client.post(f"/attempts/{public_id}/submit", data={**values, "csrf_token": csrf_token(client, "/assignments")})
    grade_essays_as_instructor(app, public_id)
    return public_id


def grade_essays_as_instructor(app, public_id) -> None:
    """Grade every essay waiting in a submitted attempt at the top levels, as its class's instructor."""
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        marked = attempt.score
        waiting = db.session.scalars(sa.select(Answer).where(Answer.attempt_id == attempt.id, Answer.status == "pending")).all()
        for answer in waiting:
            data = db.session.get(QuestionVersion, answer.question_version_id).data
            assert answer.score == 0  # counts nothing until graded
            save_grade(answer, data, {c["id"]: c["levels"][-1]["points"] for c in data["rubric"]}, {},
                       grader_id=attempt.assignment.classroom.instructor_id)
        db.session.commit()
        # Each essay graded at the top levels adds its question's points (1 unless the assignment says otherwise).
        assert attempt.score == marked + sum(attempt.layout[answer.position].get("points", 1) for answer in waiting)


@pytest.fixture
def course(app):
    """An instructor with a class, an assignment and a joined student."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    assert join(student, code).status_code == 302
    assignment_id = create_assignment(app, teacher, classroom_id)
    return {"teacher": teacher, "classroom": classroom_id, "code": code, "student": student, "assignment": assignment_id}


def test_students_cannot_open_the_teaching_area(app, client, auth):
    assert client.get("/teach/").status_code == 302  # anonymous: to the login page
    auth.register()
    response = client.get("/teach/")
    assert response.status_code == 403 and "for instructors" in response.get_data(as_text=True)


def test_join_by_link_and_a_wrong_code(app, course):
    other = person(app, "omar")
    page = other.get(f"/classes/join/{course['code']}").get_data(as_text=True)
    assert f'value="{course["code"]}"' in page
    bad = join(other, "WRONG123")
    assert bad.status_code == 400 and "No class has this code" in bad.get_data(as_text=True)
    assert join(other, course["code"].lower()).status_code == 302
    assert "Trade check" in other.get("/assignments").get_data(as_text=True)


def test_a_student_takes_an_assignment_and_the_gradebook_shows_it(app, course):
    take(app, course["student"], course["assignment"])
    html = course["teacher"].get(f"/teach/classes/{course['classroom']}/gradebook").get_data(as_text=True)
    assert "sana" in html and "100 %" in html
    response = course["teacher"].get(f"/teach/classes/{course['classroom']}/gradebook.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["Student", "Group", "In the class", "Trade check: points (out of 5)", "Trade check: %",
                       "Trade check: attempts", "Trade check: late", "Essays to grade"]
    assert rows[1] == ["sana", "", "yes", "5.0", "100.0", "1", "", "0"]


@pytest.mark.parametrize(("method", "expected"), [("highest", 100.0), ("average", 50.0), ("first", 0.0), ("last", 100.0)])
def test_grading_methods(method, expected):
    assert grade(method, [0.0, 50.0, 100.0]) == expected
    assert grade(method, []) is None


def test_the_attempt_limit_is_enforced(app, course):
    teacher = course["teacher"]
    limited = create_assignment(app, teacher, course["classroom"], attempt_limit=1, title="Once only")
    take(app, course["student"], limited)
    second = start(course["student"], limited)
    assert second.status_code == 403 and "used all 1 attempts" in second.get_data(as_text=True)


def test_closed_and_unopened_assignments_refuse_to_start(app, course):
    with app.app_context():
        assignment = db.session.get(Assignment, course["assignment"])
        assignment.opens_at = datetime.now(timezone.utc) + timedelta(days=1)
        db.session.commit()
    early = start(course["student"], course["assignment"])
    assert early.status_code == 403 and "opens on" in early.get_data(as_text=True)
    with app.app_context():
        opens = db.session.get(Assignment, course["assignment"]).opens_at
    # The time is the learner's own (here the browser's zone, as app.js sets the cookie), and no zone is named.
    course["student"].set_cookie("tz", "Asia/Karachi")
    karachi = start(course["student"], course["assignment"]).get_data(as_text=True)
    local = as_utc(opens).astimezone(ZoneInfo("Asia/Karachi"))
    assert f"This assignment opens on {local.day} {local:%b %Y, %H:%M}." in karachi and "UTC" not in karachi
    course["student"].delete_cookie("tz")
    with app.app_context():
        assignment = db.session.get(Assignment, course["assignment"])
        assignment.opens_at = datetime.now(timezone.utc) - timedelta(days=2)
        assignment.due_at = datetime.now(timezone.utc) - timedelta(days=1)
        db.session.commit()
    late = start(course["student"], course["assignment"])
    assert late.status_code == 403 and "it is closed" in late.get_data(as_text=True)
    assert " UTC; it is closed" in late.get_data(as_text=True)  # a learner with no zone known reads UTC, and is told so


def test_a_timed_attempt_past_its_limit_scores_what_was_saved(app, course):
    timed = create_assignment(app, course["teacher"], course["classroom"], time_limit_minutes=10, title="Timed")
    student = course["student"]
    public_id = start(student, timed).headers["Location"].rsplit("/", 1)[-1]
    questions = layout_data(app, public_id)
    token = csrf_token(student, "/assignments")
    first = next(position for position, data in enumerate(questions) if data["type"] != "essay")
    essays = [position for position, data in enumerate(questions) if data["type"] == "essay"]  # saved too: they wait for a grade
    saved = {}
    for position in [first, *essays]:
        saved.update(form_values(questions[position], f"q{position}", key_response(questions[position])))
    assert "closes at" in student.get(f"/attempts/{public_id}").get_data(as_text=True)
    student.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, saved), "save": "Save my answers", "csrf_token": token})
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.draft[first] is not None and attempt.submitted_at is None
        attempt.deadline = datetime.now(timezone.utc) - timedelta(minutes=5)
        db.session.commit()
    everything = {}
    for position, data in enumerate(questions):
        everything.update(form_values(data, f"q{position}", key_response(data)))
    response = student.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, everything), "csrf_token": token})
    assert "time for this attempt ran out" in student.get(response.headers["Location"]).get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 1.0
    grade_essays_as_instructor(app, public_id)  # a saved essay was handed in with the rest, and counts once graded
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 1.0 + len(essays)


def test_an_abandoned_timed_attempt_is_closed_for_the_gradebook(app, course):
    timed = create_assignment(app, course["teacher"], course["classroom"], time_limit_minutes=5, title="Timed")
    public_id = start(course["student"], timed).headers["Location"].rsplit("/", 1)[-1]
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        attempt.deadline = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    html = course["teacher"].get(f"/teach/classes/{course['classroom']}/gradebook").get_data(as_text=True)
    assert "0 %" in html
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.submitted_at).where(Attempt.public_id == public_id)) is not None


@pytest.mark.parametrize("option", ["never", "after_due"])
def test_the_key_stays_hidden_until_the_review_option_allows(app, course, option):
    due = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    hidden = create_assignment(app, course["teacher"], course["classroom"], review_option=option, due_at=due, title="Hidden",
                               attempt_limit=2)
    public_id = take(app, course["student"], hidden, right=False)
    html = course["student"].get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "The answer" not in html and 'class="explanation"' not in html and "Your instructor shows the answers" in html
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "sana")).owner_key
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id)).where(ReviewCard.owner_key == owner)) == 0
    assert may_review("after_due", datetime.now(timezone.utc) - timedelta(seconds=1), datetime.now(timezone.utc))


def test_other_instructors_and_outsiders_are_refused_every_id(app, course):
    public_id = take(app, course["student"], course["assignment"])
    rival = person(app, "rival", "instructor")
    for path in (f"/teach/classes/{course['classroom']}", f"/teach/classes/{course['classroom']}/gradebook",
                 f"/teach/classes/{course['classroom']}/gradebook.csv", f"/teach/assignments/{course['assignment']}/analysis",
                 f"/teach/attempts/{public_id}", f"/teach/classes/{course['classroom']}/assignments/new"):
        response = rival.get(path)
        assert response.status_code == 403 and "another instructor" in response.get_data(as_text=True), path
    outsider = person(app, "outsider")
    refused = start(outsider, course["assignment"])
    assert refused.status_code == 403 and "not in" in refused.get_data(as_text=True)
    # Another learner's attempt is as if it did not exist: the same 404 page as an id nobody has, so not even its
    # existence shows, let alone its score or answers.
    theirs, nobodys = outsider.get(f"/attempts/{public_id}/result"), outsider.get("/attempts/no-such-attempt0/result")
    # (The language switcher's links name the page asked for, so that part differs, and only that.)
    def page(response):
        return re.sub(rb'(/account/language(?:/\w+)?)\?next=[^"]*"', rb'\1"', response.get_data())
    assert theirs.status_code == nobodys.status_code == 404 and page(theirs) == page(nobodys)
    assert "sana" not in theirs.get_data(as_text=True) and "scored" not in theirs.get_data(as_text=True)
    assert course["teacher"].get("/teach/classes/9999").status_code == 404


def test_item_analysis_shows_the_statistics_of_first_attempts(app, course):
    take(app, course["student"], course["assignment"], right=True)
    take(app, course["student"], course["assignment"], right=False)  # a second attempt: not in the analysis
    for name, right in (("bilal", False), ("chandni", True)):
        student = person(app, name)
        join(student, course["code"])
        take(app, student, course["assignment"], right=right)
    html = course["teacher"].get(f"/teach/assignments/{course['assignment']}/analysis").get_data(as_text=True)
    assert "3 students, 5 questions" in html
    assert "Cronbach" in html and 'role="img"' in html
    assert html.count("67 %") >= 5  # every question answered right by 2 of the 3 first attempts


def test_a_new_assignment_needs_enough_matching_questions(app, course, shipped_course):
    data = {"title": "Too many", "lessons": [lesson_id(app)], "question_count": 99, "grading_method": "highest",
            "review_option": "immediately", "csrf_token": csrf_token(course["teacher"], f"/teach/classes/{course['classroom']}/assignments/new")}
    response = course["teacher"].post(f"/teach/classes/{course['classroom']}/assignments/new", data=data)
    shipped = len(shipped_course.bank("trade").questions)
    assert response.status_code == 400 and f"Only {shipped} questions match" in response.get_data(as_text=True)
    data.update(question_count=3, tag="mfn")  # two trade questions carry the tag "mfn"
    narrow = course["teacher"].post(f"/teach/classes/{course['classroom']}/assignments/new", data=data)
    assert narrow.status_code == 400 and "Only 2 questions match" in narrow.get_data(as_text=True)
    data.update(question_count=2)
    assert course["teacher"].post(f"/teach/classes/{course['classroom']}/assignments/new", data=data).status_code == 302
    with app.app_context():
        chosen = db.session.scalar(sa.select(Assignment.question_ids).order_by(Assignment.id.desc()).limit(1))
    assert sorted(chosen) == sorted(["trade-mfn-year", "trade-mfn-puzzle"])


def test_set_role_command(app):
    person(app, "teacher2")
    result = app.test_cli_runner().invoke(args=["users", "set-role", "teacher2", "instructor"])
    assert result.exit_code == 0 and "now instructor" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(User.role).where(User.username == "teacher2")) == "instructor"
    assert app.test_cli_runner().invoke(args=["users", "set-role", "ghost", "admin"]).exit_code != 0
