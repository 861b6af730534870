"""Red-team round 2 on accounts, limits and names (F-04, F-07, F-08, F-20, F-21, F-22): tokens end with
the sessions, demoted instructors lose their classes, password checks are limited per account,
look-alike and invisible names are refused, hosts and links under HTTPS."""

import io
import json
import re
from html import escape

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from werkzeug.security import generate_password_hash

from app.api.auth import new_token
from app.extensions import db
from app.course.bank import parse_bank_text
from app.course.names import name_problem
from app.models import ApiToken, Assignment, Classroom, Question, QuestionVersion, User
from tests.conftest import PASSWORD, AuthActions, csrf_token
from tests.test_teaching import create_class, lesson_id, person


NEW_PASSWORD = "Kathmandu-2002-hand"


def post_form(client, path: str, data: dict, page: str = "/account/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


def login_status(app, username: str, password: str) -> int:
    client = app.test_client()
    return client.post("/account/login", data={"username": username, "password": password,
                                               "csrf_token": csrf_token(client)}).status_code


def upload(client, content: bytes, filename: str, lesson: int):
    return client.post("/teach/import", data={"file": (io.BytesIO(content), filename), "lesson": lesson,
                                              "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def count_users(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(User.id)))


def set_role(app, username: str, role: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == username)).role = role
        db.session.commit()


def api_token(app, username: str) -> dict:
    with app.app_context():
        token = new_token(db.session.scalar(sa.select(User).where(User.username == username)), "tests", scope="read submit")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# F-04 (red team 7): class rights need a teaching role, not just ownership ------------------------

def test_a_demoted_instructor_loses_their_classes_on_the_web_and_the_api(app):
    teacher = person(app, "teachd", "instructor")
    classroom_id, _ = create_class(teacher)
    headers = api_token(app, "teachd")
    assert teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=headers).status_code == 200
    set_role(app, "teachd", "student")
    assert teacher.get(f"/teach/classes/{classroom_id}").status_code == 403
    assert teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=headers).status_code == 403


# F-08 (red team 9): every route that checks a password is limited per account ------------------

def test_password_change_and_deletion_share_the_accounts_password_limit(make_app):
    app = make_app(LOGIN_ACCOUNT_RATE_LIMIT="4 per 15 minutes")
    client = person(app, "amina")  # registering checks no password: nothing counted yet
    wrong_change = {"current": "not-my-password", "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert [post_form(client, "/account/password", wrong_change).status_code for _ in range(2)] == [400, 400]
    wrong_delete = {"password": "not-my-password"}
    assert [post_form(client, "/account/delete", wrong_delete, "/account/delete").status_code for _ in range(2)] == [400, 400]
    right_change = {"current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD}
    refused = post_form(client, "/account/password", right_change)
    assert refused.status_code == 429 and "Too many password attempts for this account" in refused.get_data(as_text=True)
    assert "Try again in" in refused.get_data(as_text=True) and int(refused.headers["Retry-After"]) > 0
    refused = post_form(client, "/account/delete", {"password": PASSWORD}, "/account/delete")
    assert refused.status_code == 429
    assert login_status(app, "amina", PASSWORD) == 429  # the same counter as logins naming the account
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == "amina"))
        assert user is not None and user.check_password(PASSWORD)
    assert client.get("/account/delete").status_code == 200  # looking at the page checks no password


# F-04 / F-22 (red team 6): API tokens end with the sessions; making one asks for the password --

def make_token(client, password: str = PASSWORD):
    return post_form(client, "/account/tokens", {"name": "phone", "lifetime": "365", "scope": "read submit",
                                                 "current": password})


def token_in(page) -> dict:
    return {"Authorization": "Bearer " + re.search(r"bc_[A-Za-z0-9_\-]+", page.get_data(as_text=True)).group(0)}


def test_making_a_token_asks_for_the_current_password(app):
    client = person(app, "amina")
    for password in ("", "not-my-password"):
        refused = make_token(client, password)
        assert refused.status_code == 400 and "bc_" not in refused.get_data(as_text=True)
    assert "That is not your current password; no token was made." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    assert client.get("/api/v1/me/progress", headers=token_in(make_token(client))).status_code == 200


def test_a_password_change_and_logging_out_everywhere_revoke_every_token(app):
    client = person(app, "amina")
    first, second = token_in(make_token(client)), token_in(make_token(client))
    changed = post_form(client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302 and "API tokens are revoked" in client.get("/account/").get_data(as_text=True)
    assert client.get("/api/v1/me/progress", headers=first).status_code == 401
    assert client.get("/api/v1/me/progress", headers=second).status_code == 401
    third = token_in(make_token(client, NEW_PASSWORD))
    assert client.get("/api/v1/me/progress", headers=third).status_code == 200
    post_form(client, "/account/logout-everywhere", {})
    assert client.get("/api/v1/me/progress", headers=third).status_code == 401
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id)).where(ApiToken.revoked_at.is_(None))) == 0


# F-20 (red team 10b, 10c): names with nothing visible, fillers and zalgo; imported tags ----------

INVISIBLE_NAMES = ["\u3164", "\u2800", "Class A\u034f", "\u17b5", "\u115f", "\u1160", "\uffa0", "Class\u180b A",
                   "Class\ufe0f A", "Class\U000e0101 A", "Class\U000e0041 A", "\u2800\u2800",
                   "Z\u0301\u0302\u0303algo", "\u0301\u0302", "\u3000"]


def test_invisible_filler_and_zalgo_names_are_refused_everywhere(app):
    teacher = person(app, "teacher", "instructor")
    classroom_id, _ = create_class(teacher)
    for name in INVISIBLE_NAMES:
        made = post_form(teacher, "/teach/", {"name": name}, "/teach/")
        assert made.status_code == 400, repr(name)
        token = post_form(teacher, "/account/tokens", {
            "name": name, "lifetime": "30", "scope": "read", "current": PASSWORD})
        assert token.status_code == 400 and "bc_" not in token.get_data(as_text=True), repr(name)
    titled = post_form(teacher, f"/teach/classes/{classroom_id}/assignments/new",
                       {"title": "\u2800\u2800", "lessons": [lesson_id(app)], "question_count": 5, "grading_method": "highest",
                        "review_option": "immediately"}, f"/teach/classes/{classroom_id}/assignments/new")
    assert titled.status_code == 400
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Classroom.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(Assignment.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
    assert post_form(teacher, "/teach/", {"name": "Tiếng Việt 한국어 हिन्दी"}, "/teach/").status_code == 302


def test_a_zalgo_refusal_says_why():
    assert "at most 2 combining marks" in name_problem("Z\u0301\u0302\u0303algo")
    assert "U+3164 (HANGUL FILLER)" in name_problem("\u3164")
    assert name_problem("Ünïcode Tiếng Việt اردو") is None


HOSTILE_TAGS = ["\u202etxt.exe", "\u200b", "a\u0000b", "\u3164", "Z\u0301\u0302\u0303"]


def test_imported_tags_follow_the_name_rule_and_the_question_is_skipped_with_its_line(app):
    teacher = person(app, "teacher", "instructor")
    for number, tag in enumerate(HOSTILE_TAGS):
        meta = json.dumps({"id": f"hostile-{number}", "tags": [tag]})
        gift = f"::fine{number}:: Is water wet? {{T}}\n\n// backchannel: {meta}\n::hostile{number}:: Is fire cold? {{F}}\n"
        report = upload(teacher, gift.encode("utf-8"), "tags.gift", lesson_id(app)).get_data(as_text=True)
        assert "1 imported" in report and "1 skipped" in report and "line 4" in report, (repr(tag), report[-2000:])
        if "\x00" in tag:
            continue  # XML 1.0 cannot hold a NUL: such a file is refused whole, as not well-formed
        xml = (f"<quiz>\n<question type=\"truefalse\"><name><text>xhostile{number}</text></name>"
               f"<questiontext><text>Is fire cold?</text></questiontext><tags><tag><text>{escape(tag)}</text></tag></tags>"
               "<answer fraction=\"0\"><text>true</text></answer><answer fraction=\"100\"><text>false</text></answer>"
               "</question>\n</quiz>")
        report = upload(teacher, xml.encode("utf-8"), "tags.xml", lesson_id(app)).get_data(as_text=True)
        assert "1 skipped" in report and "line 2" in report and "tag " in report, (repr(tag), report[-2000:])
    with app.app_context():
        stored = [tag for data in db.session.scalars(sa.select(QuestionVersion.data).join(
            Question, Question.id == QuestionVersion.question_id).where(Question.origin == "authored")) for tag in data["tags"]]
    assert stored and not any(name_problem(tag) for tag in stored)


def test_a_bank_file_tag_with_a_hidden_character_is_a_problem_with_its_line():
    text = ("questions:\n- id: q1\n  type: true_false\n  prompt: Is water wet?\n  explanation: It is.\n"
            "  lesson_anchor: key-facts\n  tags: [\"fine\", \"\\u202etxt.exe\"]\n  difficulty: easy\n  answer: true\n")
    _, problems = parse_bank_text(text, "b.yaml", "b", {"key-facts"})
    assert any(problem.line == 7 and "U+202E" in problem.message for problem in problems), problems


# F-07 (red team 10a): ASCII look-alikes of an existing name ------------------------------------

@pytest.mark.parametrize("look_alike", ["adminl", "adminI", "admln1", "adrnin1", "ADMlN1", "adm1n1", "adminL"])
def test_a_name_that_looks_like_an_existing_one_is_refused(app, look_alike):
    AuthActions(app.test_client()).register("admin1")
    response = AuthActions(app.test_client()).register(look_alike)
    assert response.status_code == 400 and "That username is taken" in response.get_data(as_text=True)
    assert count_users(app) == 1


def test_names_that_only_share_letters_still_register(app):
    for name in ("admin1", "admin2", "walter", "morn", "oliver"):
        assert AuthActions(app.test_client()).register(name).status_code == 302, name
    assert count_users(app) == 5


def test_the_admin_command_refuses_a_look_alike(app, runner):
    AuthActions(app.test_client()).register("admin1")
    result = runner.invoke(args=["users", "create-admin", "adminl"], env={"BACKCHANNEL_ADMIN_PASSWORD": NEW_PASSWORD})
    assert result.exit_code != 0 and "That username is taken" in result.output
    assert count_users(app) == 1


def test_existing_look_alikes_keep_working_after_the_migration(make_app):
    """Accounts made before the skeleton: the later look-alike keeps its account and logs in, and no
    third look-alike can register."""
    app = make_app("empty")
    with app.app_context():
        downgrade(revision="c41d7e2a5b90")
        for name in ("admin1", "adminl"):
            db.session.execute(sa.text('INSERT INTO "user" (username, username_key, password_hash, role, created_at, '
                                       'desired_retention, daily_review_limit) VALUES (:n, :n, :h, :r, '
                                       'CURRENT_TIMESTAMP, 0.9, 50)'), {"n": name, "h": generate_password_hash(PASSWORD), "r": "student"})
        db.session.commit()
        upgrade()
        skeletons = dict(db.session.execute(sa.text('SELECT username, username_skeleton FROM "user"')).all())
    assert skeletons == {"admin1": "admlnl", "adminl": None}
    assert login_status(app, "adminl", PASSWORD) == 302 and login_status(app, "admin1", PASSWORD) == 302
    assert AuthActions(app.test_client()).register("adrnin1").status_code == 400


# F-21 and red team 11: hosts compare case-insensitively, links say https, co-instructor lookups --

def test_a_trusted_host_is_answered_whatever_its_case(make_app):
    client = make_app(TRUSTED_HOSTS=["bc.example.org"]).test_client()
    assert client.get("/api/v1/lessons", base_url="http://BC.EXAMPLE.ORG").status_code == 200
    assert client.get("/api/v1/lessons", base_url="http://BC.EXAMPLE.ORG.evil.example").status_code == 400
    upper = make_app(TRUSTED_HOSTS=["BC.Example.ORG"]).test_client()
    assert upper.get("/api/v1/lessons", base_url="http://bc.example.org").status_code == 200


def test_links_say_https_when_the_site_is_served_over_https(make_app):
    lessons = make_app(HTTPS=True).test_client().get("/api/v1/lessons", base_url="http://bc.example.org").json
    assert lessons["lessons"][0]["url"].startswith("https://bc.example.org/")


def test_adding_a_co_instructor_does_not_tell_who_has_an_account_or_what_role(app):
    owner = person(app, "teacha", "instructor")
    person(app, "pupil")
    classroom_id, _ = create_class(owner)
    answers = {name: post_form(owner, f"/teach/classes/{classroom_id}/instructors", {"username": name},
                               f"/teach/classes/{classroom_id}") for name in ("pupil", "nobody")}
    texts = {name: response.get_data(as_text=True).replace(name, "NAME") for name, response in answers.items()}
    assert all(response.status_code == 400 for response in answers.values()) and texts["pupil"] == texts["nobody"]
    assert "There is no instructor called" in texts["pupil"]
