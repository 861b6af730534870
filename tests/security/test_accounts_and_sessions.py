"""Accounts and sessions (F-01, F-04, F-07, F-09, F-10, F-11, F-12, F-13, F-20, F-21, F-22, F-25):
cookies that name a session, never a row id; look-alike names; passwords; races and hostile input
that end in a 4xx; instructors who delete their account; headers, hosts, file modes, API tokens."""

import os
import re
import stat
import threading
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from flask_login.utils import encode_cookie
from flask_migrate import downgrade, upgrade

from app import create_app
from app.accounts import rules
from app.api.auth import new_token
from app.course.interop.gift import parse_gift
from app.course.interop.moodle_xml import parse_moodle_xml
from app.course.scheduling import aware
from app.extensions import db
from app.models import (ApiToken, Assignment, Attempt, Classroom, ClassroomInstructor, Enrollment, Lesson, LoginSession,
                        Question, QuestionVersion, ReviewCard, User)
from app.course.names import hidden_characters
from tests.conftest import PASSWORD, AuthActions, csrf_token, make_config
from tests.test_teaching import create_assignment, create_class, join, person, take

NEW_PASSWORD = "Kathmandu-2002-hand"


def user_named(app, username: str) -> User | None:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def count(app, model, *conditions) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*conditions))


def signed_in_as(client) -> str | None:
    """The username the account page greets, or None when the client is anonymous."""
    page = client.get("/account/")
    if page.status_code != 200:
        return None
    return re.search(r"Logged in as <strong>([^<]*)</strong>", page.get_data(as_text=True)).group(1)


def login(client, username="amina", password=PASSWORD, remember=False):
    data = {"username": username, "password": password, "csrf_token": csrf_token(client)}
    if remember:
        data["remember"] = "y"
    return client.post("/account/login", data=data)


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def browser_with(app, **cookies):
    """A fresh client holding only the given cookies (a thief's copy)."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief


def post_form(client, path: str, data: dict, page: str = "/account/"):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page)})


# F-01 / F-04: sessions ---------------------------------------------------------------------------

def test_a_deleted_accounts_cookies_never_log_in_the_next_account(app):
    """The audit's reproduction: keep the cookies, delete the account, someone registers."""
    mallory = app.test_client()
    AuthActions(mallory).register("mallory")
    AuthActions(mallory).logout()
    login(mallory, "mallory", remember=True)
    kept = {"session": cookie(mallory, "session"), "remember_token": cookie(mallory, "remember_token")}
    assert signed_in_as(browser_with(app, **kept)) == "mallory"
    assert post_form(mallory, "/account/delete", {"password": PASSWORD}, "/account/delete").status_code == 302
    victim = app.test_client()
    AuthActions(victim).register("victim")
    assert signed_in_as(browser_with(app, **kept)) is None
    assert signed_in_as(browser_with(app, session=kept["session"])) is None
    assert signed_in_as(browser_with(app, remember_token=kept["remember_token"])) is None
    assert signed_in_as(victim) == "victim"


def test_an_old_cookie_naming_the_user_id_is_refused(app, client, auth):
    """Cookies of the format before this change (``_user_id`` = the row id) log nobody in."""
    auth.register()
    user = user_named(app, "amina")
    forged = app.test_client()
    with forged.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert signed_in_as(forged) is None
    with app.test_request_context():
        old_remember = encode_cookie(str(user.id))
    assert signed_in_as(browser_with(app, remember_token=old_remember)) is None


def test_cookies_hold_a_session_token_and_the_database_only_its_hash(app, client, auth):
    auth.register()
    with client.session_transaction() as session:
        token = session["_user_id"]
    user = user_named(app, "amina")
    assert token != str(user.id) and len(token) >= 40
    with app.app_context():
        stored = db.session.scalars(sa.select(LoginSession.token_hash).where(LoginSession.user_id == user.id)).all()
    assert len(stored) == 1 and token not in stored[0]


def test_a_copied_session_cookie_is_dead_after_logout(app, client, auth):
    auth.register()
    copy = cookie(client, "session")
    assert signed_in_as(browser_with(app, session=copy)) == "amina"
    auth.logout()
    assert signed_in_as(browser_with(app, session=copy)) is None
    assert count(app, LoginSession) == 0


def test_a_password_change_ends_every_other_session_and_renews_this_one(app, client, auth):
    auth.register()
    laptop = app.test_client()
    login(laptop, remember=True)
    stolen = {"session": cookie(client, "session")}
    stolen_remember = {"remember_token": cookie(laptop, "remember_token")}
    changed = post_form(client, "/account/password", {"current": PASSWORD, "password": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert changed.status_code == 302
    assert signed_in_as(client) == "amina"  # the browser that changed it stays in, on a new session
    assert cookie(client, "session") != stolen["session"]
    assert signed_in_as(browser_with(app, **stolen)) is None
    assert signed_in_as(laptop) is None
    assert signed_in_as(browser_with(app, **stolen_remember)) is None
    assert count(app, LoginSession) == 1


def test_log_out_everywhere_ends_every_session(app, client, auth):
    auth.register()
    phone = app.test_client()
    login(phone, remember=True)
    assert count(app, LoginSession) == 2
    page = client.get("/account/").get_data(as_text=True)
    assert "Log out everywhere" in page and "(this browser)" in page
    response = post_form(client, "/account/logout-everywhere", {})
    assert response.status_code == 302
    assert signed_in_as(client) is None and signed_in_as(phone) is None
    assert count(app, LoginSession) == 0


def test_a_stolen_remember_token_alone_works_only_until_logout_and_lasts_30_days(app, client):
    AuthActions(client).register()
    AuthActions(client).logout()
    response = login(client, remember=True)
    remember = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("remember_token="))
    expires = datetime.strptime(re.search(r"Expires=([^;]+)", remember).group(1), "%a, %d %b %Y %H:%M:%S GMT")
    assert timedelta(days=29) < expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc) <= timedelta(days=30)
    with app.app_context():
        row = db.session.scalar(sa.select(LoginSession))
        assert row.remember and aware(row.expires_at) - aware(row.created_at) == timedelta(days=30)
    stolen = {"remember_token": cookie(client, "remember_token")}
    assert signed_in_as(browser_with(app, **stolen)) == "amina"
    AuthActions(client).logout()
    assert signed_in_as(browser_with(app, **stolen)) is None


def test_an_expired_session_loads_nobody(app, client, auth):
    auth.register()
    with app.app_context():
        row = db.session.scalar(sa.select(LoginSession))
        assert aware(row.expires_at) - aware(row.created_at) == app.config["LOGIN_SESSION_LIFETIME"] == timedelta(hours=12)
        row.expires_at = datetime.now(timezone.utc) - timedelta(seconds=1)
        db.session.commit()
    assert signed_in_as(client) is None


def test_guest_work_still_moves_into_the_account_on_login(app, client, auth):
    auth.register()
    auth.logout()
    token = csrf_token(client, "/lessons/trade/quiz")
    client.post("/lessons/trade/quiz/start", data={"mode": "test", "csrf_token": token})
    with client.session_transaction() as session:
        guest = f"guest:{session['guest']}"
    assert login(client).status_code == 302
    owner = user_named(app, "amina").owner_key
    assert count(app, Attempt, Attempt.owner_key == owner) == 1 and count(app, Attempt, Attempt.owner_key == guest) == 0


# F-07: usernames --------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "message"), [
    ("admin1\n", "That username is taken"),
    ("Admin1", "That username is taken"),
    ("ADMIN1", "That username is taken"),
    ("ａｄｍｉｎ1", "That username is taken"),  # full-width letters fold to admin1 (NFKC)
    ("  admin1  ", "That username is taken"),
    ("\tadmin1\r\n", "That username is taken"),
    ("аdmin1", "Use 3 to 40 characters"),  # Cyrillic а
    ("admin\u200b1", "Use 3 to 40 characters"),  # zero-width space
    ("admin1\x00", "NUL character"),
    ("ad", "Use 3 to 40 characters"),
    ("a" * 41, "Use 3 to 40 characters"),
    ("admin 1", "Use 3 to 40 characters"),
])
def test_look_alike_usernames_are_refused(app, name, message):
    AuthActions(app.test_client()).register("admin1")
    client = app.test_client()
    response = AuthActions(client).register(name)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert count(app, User) == 1


def test_names_are_stored_normalised_and_log_in_whatever_their_case(app, client, auth):
    assert auth.register("  ｓａｎａ.k  ").status_code == 302
    assert user_named(app, "sana.k") is not None
    auth.logout()
    assert login(client, " SANA.K ").status_code == 302 and signed_in_as(client) == "sana.k"


def test_the_export_filename_never_breaks_on_a_name(app, client, auth):
    """A name stored before the rule (with a newline) still downloads, under a safe filename."""
    auth.register("stu1")
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "stu1")).username = "stu1\n\"x"
        db.session.commit()
    response = client.get("/account/export")
    assert response.status_code == 200
    assert re.fullmatch(r'attachment; filename="backchannel-stu1_x-\d{8}\.json"', response.headers["Content-Disposition"])


def test_the_admin_command_applies_the_same_rules(app, runner):
    AuthActions(app.test_client()).register("admin1")
    lookalike = runner.invoke(args=["users", "create-admin", "ａｄｍｉｎ1", "--password", "Chenab-formula-99"])
    assert lookalike.exit_code == 0 and "updated admin 'admin1'" in lookalike.output and count(app, User) == 1
    bad_name = runner.invoke(args=["users", "create-admin", "аdmin2", "--password", "Chenab-formula-99"])
    assert bad_name.exit_code != 0 and "Use 3 to 40 characters" in bad_name.output
    weak = runner.invoke(args=["users", "create-admin", "root", "--password", "Welcome2024"])
    assert weak.exit_code != 0 and "too easy to guess" in weak.output and user_named(app, "root") is None


# F-09: a login costs one password hash whether or not the name exists ------------------------------

def test_login_hashes_once_for_unknown_and_known_users(app, client, auth, monkeypatch):
    auth.register()
    auth.logout()
    calls = []
    real = rules.check_password_hash
    monkeypatch.setattr(rules, "check_password_hash", lambda stored, password: calls.append(stored) or real(stored, password))
    assert login(client, "nobody-here").status_code == 400
    assert calls == [rules.DUMMY_HASH]
    calls.clear()
    assert login(client, "amina", "Wrong-password-1").status_code == 400
    stored = user_named(app, "amina").password_hash
    assert calls == [stored]
    assert rules.DUMMY_HASH.split("$")[0] == stored.split("$")[0]  # same method and scrypt parameters


# F-10: passwords ------------------------------------------------------------------------------

@pytest.mark.parametrize(("password", "message"), [
    ("Password1!", "too easy to guess"),
    ("qwerty12345", "too common"),
    ("QWERTY12345", "too common"),
    ("iloveyou123", "too common"),
    ("Welcome2024", "too easy to guess"),
    ("1234567890a", "too common"),
    ("abcdabcdab", "too easy to guess"),
    ("Backchannel2026", "too easy to guess"),
])
def test_common_and_guessable_passwords_are_refused(app, client, password, message):
    response = AuthActions(client).register("amina", password)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert user_named(app, "amina") is None


def test_the_common_list_is_large_and_a_passphrase_passes(app, client):
    assert len(rules.COMMON_PASSWORDS) >= 10_000
    assert AuthActions(client).register("amina", "Ravi tide-lamp 47 orchard").status_code == 302


def test_hostile_passwords_are_judged_on_a_bounded_prefix():
    """zxcvbn's l33t readings make 72 distinct symbols cost seconds; such passwords are judged on a
    prefix (timings: bench/password_strength.py), ordinary ones whole."""
    hostile = ("@!1|7$5304+%(<{[8639" * 4)[:72]
    assert len(rules.judged_part(hostile)) <= 25
    assert rules.password_problem(hostile) is None
    passphrase = "the ravi runs past the old fort at dusk 1947"
    assert rules.judged_part(passphrase) == passphrase


def test_a_new_password_may_not_hold_the_username_either(app, client, auth):
    auth.register()
    response = post_form(client, "/account/password", {"current": PASSWORD, "password": "amina-Ravi-lamp-47",
                                                        "password2": "amina-Ravi-lamp-47"})
    assert response.status_code == 400 and "must not contain your username" in response.get_data(as_text=True)


# F-11: races and hostile input end in a 4xx -------------------------------------------------------

def test_a_registration_that_loses_the_race_gets_the_form_again(app, client, monkeypatch):
    """The other registration commits between this one's check and its insert."""
    from app.accounts.forms import RegisterForm

    AuthActions(app.test_client()).register("racer")
    monkeypatch.setattr(RegisterForm, "validate_username", lambda self, field: None)
    response = AuthActions(client).register("RACER")
    assert response.status_code == 400 and "That username is taken" in response.get_data(as_text=True)
    assert count(app, User) == 1


def test_simultaneous_registrations_of_one_name_make_one_account_and_no_500(app):
    clients = [app.test_client() for _ in range(6)]
    tokens = [csrf_token(c, "/account/register") for c in clients]
    barrier, statuses = threading.Barrier(len(clients)), []

    def register(c, token):
        barrier.wait()
        statuses.append(c.post("/account/register", data={"username": "dupracer", "password": PASSWORD,
                                                          "password2": PASSWORD, "csrf_token": token}).status_code)

    threads = [threading.Thread(target=register, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [302] + [400] * 5
    assert count(app, User) == 1


def test_deeply_nested_json_to_the_api_is_a_400_with_the_reason(app):
    client = person(app, "amina")
    with app.app_context():
        token = new_token(db.session.scalar(sa.select(User)), "tests", scope="read submit")
        db.session.commit()
    body = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/lessons/trade/attempts", data=body, content_type="application/json",
                           headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400 and "nested too deeply" in response.json["reason"]
    assert count(app, Attempt) == 0


def test_deeply_nested_import_metadata_is_a_broken_question_with_its_line():
    nested = "[" * 100_000 + "]" * 100_000
    gift = f"::fine:: Is water wet? {{T}}\n\n// backchannel: {nested}\n::deep:: Is fire cold? {{F}}\n"
    imported, skipped = parse_gift(gift, "key-facts")
    assert [q.name for q in imported] == ["fine"]
    assert [(s.line, "nested too deeply" in s.reason) for s in skipped] == [(4, True)]
    xml = ("<quiz>\n<question type=\"truefalse\"><name><text>deep</text></name><questiontext><text>Q</text></questiontext>"
           f"<backchannel>{nested}</backchannel><answer fraction=\"100\"><text>true</text></answer>"
           "<answer fraction=\"0\"><text>false</text></answer></question>\n</quiz>")
    imported, skipped = parse_moodle_xml(xml, "key-facts")
    assert not imported and [(s.line, "nested too deeply" in s.reason) for s in skipped] == [(2, True)]


# F-12: an instructor deletes their account --------------------------------------------------------

def own_question(app, author: str, ident: str, answered_by: str | None = None, drawn_by: str | None = None) -> None:
    """A draft in ``author``'s own bank; ``answered_by`` has a review card for it, ``drawn_by`` an
    unfinished practice attempt that drew it."""
    with app.app_context():
        author_id = db.session.scalar(sa.select(User.id).where(User.username == author))
        lesson = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
        db.session.add(Question(id=ident, lesson_id=lesson, position=999, type="true_false", version="1",
                                origin="authored", bank="instructor", author_id=author_id))
        version = QuestionVersion(question_id=ident, version="1", data={"id": ident}, html={})
        db.session.add(version)
        db.session.flush()
        if drawn_by:
            db.session.add(Attempt(public_id=f"drawn-{ident}", lesson_id=lesson, mode="practice", max_score=1.0,
                                   owner_key=user_named(app, drawn_by).owner_key,
                                   layout=[{"question": ident, "version_id": version.id, "order": []}]))
        if answered_by:
            db.session.add(ReviewCard(owner_key=user_named(app, answered_by).owner_key, question_id=ident, state=1,
                                      due=datetime.now(timezone.utc)))
        db.session.commit()


def test_an_instructor_without_co_instructors_deletes_their_classes_with_them(app):
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher, "Kashmir seminar")
    student = person(app, "sana")
    join(student, code)
    take(app, student, create_assignment(app, teacher, classroom_id))
    own_question(app, "teacher", "teacher-draft")
    own_question(app, "teacher", "teacher-answered", answered_by="sana")
    own_question(app, "teacher", "teacher_drawn", drawn_by="sana")
    own_question(app, "teacher", "teacherXdrawn")  # "_" must not match "X" as a LIKE wildcard
    page = " ".join(teacher.get("/account/delete").get_data(as_text=True).split())
    assert "Kashmir seminar</strong>: 1 student, 1 assignment, 1 attempt" in page
    assert "teacher-draft" in page and "teacher-answered" in page
    response = post_form(teacher, "/account/delete", {"password": PASSWORD}, "/account/delete")
    assert response.status_code == 302
    assert user_named(app, "teacher") is None and user_named(app, "sana") is not None
    assert count(app, Classroom) == count(app, Enrollment) == count(app, Assignment) == 0
    assert count(app, Attempt, Attempt.assignment_id.is_not(None)) == 0
    with app.app_context():
        assert db.session.get(Question, "teacher-draft") is None and db.session.get(Question, "teacherXdrawn") is None
        for kept in (db.session.get(Question, "teacher-answered"), db.session.get(Question, "teacher_drawn")):
            assert kept is not None and kept.author_id is None


def test_a_class_with_co_instructors_moves_to_the_earliest_added(app):
    owner = person(app, "owner", "instructor")
    classroom_id, code = create_class(owner, "Track two")
    assignment_id = create_assignment(app, owner, classroom_id)
    student = person(app, "sana")
    join(student, code)
    take(app, student, assignment_id)
    person(app, "first", "instructor")
    person(app, "second", "instructor")
    with app.app_context():
        first, second = (db.session.scalar(sa.select(User.id).where(User.username == name)) for name in ("first", "second"))
        now = datetime.now(timezone.utc)
        db.session.add(ClassroomInstructor(classroom_id=classroom_id, user_id=second, added_at=now))
        db.session.add(ClassroomInstructor(classroom_id=classroom_id, user_id=first, added_at=now - timedelta(days=1)))
        db.session.commit()
    page = " ".join(owner.get("/account/delete").get_data(as_text=True).split())
    assert "<strong>Track two</strong> (1 student, 1 assignment) goes to <strong>first</strong>" in page
    assert post_form(owner, "/account/delete", {"password": PASSWORD}, "/account/delete").status_code == 302
    with app.app_context():
        classroom = db.session.get(Classroom, classroom_id)
        assert classroom.instructor_id == first
        remaining = db.session.scalars(sa.select(ClassroomInstructor.user_id).where(ClassroomInstructor.classroom_id == classroom_id)).all()
        assert remaining == [second]
    assert count(app, Attempt, Attempt.assignment_id == assignment_id) == 1
    assert count(app, Enrollment, Enrollment.classroom_id == classroom_id) == 1


def test_deleting_an_account_ends_its_sessions_and_tokens(app, client, auth):
    auth.register()
    with app.app_context():
        new_token(db.session.scalar(sa.select(User)), "phone")
        db.session.commit()
    other = app.test_client()
    login(other)
    post_form(client, "/account/delete", {"password": PASSWORD}, "/account/delete")
    assert count(app, LoginSession) == count(app, ApiToken) == 0
    assert signed_in_as(other) is None


# F-13, F-21, F-25: headers, hosts, file modes ------------------------------------------------------

def test_hsts_is_sent_over_https_only(make_app):
    secure = make_app(HTTPS=True, SESSION_COOKIE_SECURE=True).test_client().get("/")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "Strict-Transport-Security" not in make_app().test_client().get("/").headers


def test_only_trusted_hosts_are_answered(make_app):
    client = make_app(TRUSTED_HOSTS=["backchannel.example"]).test_client()
    page = client.get("/", base_url="http://evil.example")
    assert page.status_code == 400 and "Host 'evil.example' is not trusted" in page.get_data(as_text=True)
    api = client.get("/api/v1/lessons", base_url="http://evil.example")
    assert api.status_code == 400 and "is not trusted" in api.json["reason"]
    good = client.get("/api/v1/lessons", base_url="http://backchannel.example")
    assert good.status_code == 200 and good.json["lessons"][0]["url"].startswith("http://backchannel.example/")


def test_the_database_and_the_secret_key_are_created_private(tmp_path):
    instance = tmp_path / "instance"
    app = create_app(make_config(None, SECRET_KEY=None), instance_path=str(instance))
    with app.app_context():
        upgrade()
        db.session.execute(sa.text("SELECT 1 FROM user"))
        files = sorted(instance.glob("backchannel.sqlite3*"))
        assert {path.name for path in files} >= {"backchannel.sqlite3", "backchannel.sqlite3-wal", "backchannel.sqlite3-shm"}
        for path in [*files, instance / "secret_key"]:
            assert stat.S_IMODE(os.stat(path).st_mode) == 0o600, path
        db.engine.dispose()


def test_an_instance_folder_that_git_made_readable_is_made_private(tmp_path):
    """A clone makes instance/ with the umask (0755: its README is tracked); the app keeps it owner-only."""
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    instance.chmod(0o755)
    create_app(make_config(f"sqlite:///{tmp_path / 'other.sqlite3'}"), instance_path=str(instance))
    assert stat.S_IMODE(os.stat(instance).st_mode) == 0o700


# F-20: names show what they hold ---------------------------------------------------------------

@pytest.mark.parametrize("name", ["A\x01B", "\u202eexe.txt", "Class\u2066x\u2069", "zero\u200bwidth", "bom\ufeff", "line\u2028break"])
def test_names_with_invisible_or_control_characters_are_refused(app, name):
    teacher = person(app, "teacher", "instructor")
    response = teacher.post("/teach/", data={"name": name, "csrf_token": csrf_token(teacher, "/teach/")})
    assert response.status_code == 400 and "invisible or control character" in response.get_data(as_text=True)
    token = post_form(teacher, "/account/tokens", {"name": name, "lifetime": "90", "scope": "read", "current": PASSWORD})
    assert token.status_code == 400 and "invisible or control character" in token.get_data(as_text=True)
    assert count(app, Classroom) == count(app, ApiToken) == 0


def test_a_nul_character_anywhere_is_a_400_that_changes_nothing(app):
    """PostgreSQL cannot hold or compare text with NUL: refused before any query, on every engine."""
    teacher = person(app, "teacher", "instructor")
    created = teacher.post("/teach/", data={"name": "A\x00B", "csrf_token": csrf_token(teacher, "/teach/")})
    visitor = app.test_client()
    logged_in = visitor.post("/account/login", data={"username": "teacher\x00", "password": PASSWORD,
                                                     "csrf_token": csrf_token(visitor)})
    for response in (created, logged_in, visitor.get("/lessons/trade%00"), visitor.get("/api/v1/lessons/trade%00"),
                     visitor.get("/teach/questions?lesson=%00")):
        assert response.status_code == 400 and "NUL character" in response.get_data(as_text=True)
    assert count(app, Classroom) == 0 and signed_in_as(visitor) is None


def test_every_free_text_name_field_uses_the_rule():
    from app.accounts.forms import TokenForm
    from app.authoring.class_forms import AssignmentForm, ClassroomForm
    from app.authoring.forms import LessonForm, QuestionForm
    from app.validators import visible_text

    fields = [(ClassroomForm, "name"), (AssignmentForm, "title"), (AssignmentForm, "tag"), (TokenForm, "name"),
              (LessonForm, "title"), (LessonForm, "summary"), (QuestionForm, "tags")]
    for form, name in fields:
        assert visible_text in getattr(form, name).kwargs["validators"], f"{form.__name__}.{name}"
    assert hidden_characters("Plain name, ünïcode and اردو") == []
    assert hidden_characters("a\u202eb\x00") == ["U+202E (RIGHT-TO-LEFT OVERRIDE)", "U+0000"]


# F-22: API tokens expire and have a scope ----------------------------------------------------------

def test_a_token_is_made_with_an_expiry_and_a_scope(app):
    client = person(app, "amina")
    page = post_form(client, "/account/tokens", {"name": "phone", "lifetime": "30", "scope": "read", "current": PASSWORD}).get_data(as_text=True)
    token = re.search(r"(bc_[A-Za-z0-9_-]+)", page).group(1)
    with app.app_context():
        row = db.session.scalar(sa.select(ApiToken))
        assert row.scope == "read" and aware(row.expires_at) - aware(row.created_at) < timedelta(days=30, seconds=5)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/me/progress", headers=headers).status_code == 200
    submit = client.post("/api/v1/lessons/trade/attempts", json={"responses": {"x": "a"}}, headers=headers)
    assert submit.status_code == 403 and "may not submit" in submit.json["reason"]
    assert count(app, Attempt) == 0
    bad = post_form(client, "/account/tokens", {"name": "x", "lifetime": "9999", "scope": "admin", "current": PASSWORD})
    assert bad.status_code == 400 and count(app, ApiToken) == 1


def test_an_expired_token_is_refused_with_the_reason(app):
    client = person(app, "amina")
    with app.app_context():
        token = new_token(db.session.scalar(sa.select(User)), "old", days=30)
        db.session.scalar(sa.select(ApiToken)).expires_at = datetime.now(timezone.utc) - timedelta(minutes=1)
        db.session.commit()
    response = client.get("/api/v1/me/progress", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401 and "expired" in response.json["reason"]


def test_tokens_made_before_the_migration_keep_reading_and_submitting_for_90_days(make_app):
    app = make_app("empty")
    with app.app_context():
        downgrade(revision="b3f1c0d2a9e4")  # the revision before api tokens expired
        with db.engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO \"user\" (username, username_key, password_hash, role, created_at, "
                                       "desired_retention, daily_review_limit) VALUES ('old', 'old', 'x', 'student', "
                                       ":now, 0.9, 50)"), {"now": datetime.now(timezone.utc)})
            connection.execute(sa.text("INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) "
                                       "SELECT id, 'legacy', 'hash', 'bc_x', :now FROM \"user\""), {"now": datetime.now(timezone.utc)})
        upgrade()
        row = db.session.scalar(sa.select(ApiToken))
        assert row.scope == "read submit"
        assert timedelta(days=89) < aware(row.expires_at) - datetime.now(timezone.utc) <= timedelta(days=90)
        db.session.remove()
        db.engine.dispose()
