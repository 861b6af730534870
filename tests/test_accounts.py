"""Accounts over HTTP: register, log in and out, passwords, safe redirects, limits, export, delete."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt, LessonProgress, ReviewCard, ReviewLog, User
from tests.conftest import PASSWORD, csrf_token
from tests.test_quiz import is_essay, layout_data


def user_named(app, username):
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def test_register_logs_in_and_hashes_the_password(app, client, auth):
    response = auth.register()
    # Registration goes on to the recovery codes, which then lead to the progress page.
    assert response.status_code == 302 and response.headers["Location"] == "/account/recovery-codes?next=/me"
    user = user_named(app, "amina")
    assert user.role == "student" and user.password_hash.startswith("scrypt:") and PASSWORD not in user.password_hash
    assert "amina" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(("password", "repeat", "message"), [
    ("short1!", "short1!", "Use at least 10 characters."),
    ("password123", "password123", "That password is too common"),
    ("amina-rules-ok", "amina-rules-ok", "must not contain your username"),
    ("aaaaaaaaaaaa", "aaaaaaaaaaaa", "more varied characters"),
    (PASSWORD, PASSWORD + "x", "The two passwords differ."),
])
def test_weak_or_mismatched_passwords_are_refused(app, client, password, repeat, message):
    response = client.post("/account/register", data={"username": "amina", "password": password, "password2": repeat,
                                                      "csrf_token": csrf_token(client, "/account/register")})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html and 'role="alert"' in html
    assert user_named(app, "amina") is None


def test_a_username_is_taken_whatever_its_case(app, client, auth):
    auth.register()
    auth.logout()
    response = auth.register(username="AMINA")
    assert response.status_code == 400 and "That username is taken" in response.get_data(as_text=True)


def test_wrong_password_and_unknown_user_get_the_same_answer(client, auth):
    auth.register()
    auth.logout()
    wrong = auth.login(password="Wrong-password-1")
    unknown = auth.login(username="nobody")
    assert wrong.status_code == unknown.status_code == 400
    assert "Invalid username or password." in wrong.get_data(as_text=True)
    assert "Invalid username or password." in unknown.get_data(as_text=True)


@pytest.mark.parametrize(("next_url", "expected"), [
    ("/lessons/trade", "/lessons/trade"),
    ("https://evil.example/steal", "/me"),
    ("//evil.example", "/me"),
    ("/\\evil.example", "/me"),
    ("javascript:alert(1)", "/me"),
])
def test_next_redirects_stay_on_this_site(client, auth, next_url, expected):
    auth.register()
    auth.logout()
    response = auth.login(next_url=next_url)
    assert response.status_code == 302 and response.headers["Location"] == expected


def test_logout_needs_a_post_with_a_token(client, auth):
    auth.register()
    assert client.get("/account/logout").status_code == 405
    assert client.post("/account/logout").status_code == 400  # no CSRF token
    assert "Log out" in client.get("/").get_data(as_text=True)
    auth.logout()
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_a_form_without_its_csrf_token_is_refused(app, client):
    response = client.post("/account/register", data={"username": "amina", "password": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 400 and "CSRF token is missing" in response.get_data(as_text=True)
    assert user_named(app, "amina") is None


def test_change_password_checks_the_current_one(client, auth):
    auth.register()
    token = csrf_token(client, "/account/")
    wrong = client.post("/account/password", data={"current": "not-my-password", "password": "Kathmandu-2002-hand",
                                                   "password2": "Kathmandu-2002-hand", "csrf_token": token})
    assert wrong.status_code == 400 and "not your current password" in wrong.get_data(as_text=True)
    ok = client.post("/account/password", data={"current": PASSWORD, "password": "Kathmandu-2002-hand",
                                                "password2": "Kathmandu-2002-hand", "csrf_token": token})
    assert ok.status_code == 302
    auth.logout()
    assert auth.login().status_code == 400
    assert auth.login(password="Kathmandu-2002-hand").status_code == 302


def test_account_pages_need_a_login(client):
    response = client.get("/account/")
    assert response.status_code == 302 and "/account/login?next=" in response.headers["Location"]


def test_settings_accept_only_the_allowed_retention(app, client, auth):
    auth.register()
    token = csrf_token(client, "/account/")
    bad = client.post("/account/", data={"desired_retention": "0.99", "daily_review_limit": "40", "csrf_token": token})
    assert bad.status_code == 400 and "between 0.70 and 0.97" in bad.get_data(as_text=True)
    good = client.post("/account/", data={"desired_retention": "0.85", "daily_review_limit": "40", "csrf_token": token})
    assert good.status_code == 302
    user = user_named(app, "amina")
    assert user.desired_retention == pytest.approx(0.85) and user.daily_review_limit == 40


def test_login_is_rate_limited_with_a_clear_message(make_app):
    app = make_app(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    token = csrf_token(client)
    for _ in range(3):
        assert client.post("/account/login", data={"username": "x", "password": "y", "csrf_token": token}).status_code == 400
    blocked = client.post("/account/login", data={"username": "x", "password": "y", "csrf_token": token})
    assert blocked.status_code == 429
    assert "Too many login attempts" in blocked.get_data(as_text=True)


def test_session_cookie_is_httponly_and_samesite_lax(client, auth):
    response = auth.register()
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def start_and_submit(client, slug="trade"):
    token = csrf_token(client, f"/lessons/{slug}/quiz")
    location = client.post(f"/lessons/{slug}/quiz/start", data={"mode": "test", "csrf_token": token}).headers["Location"]
    public_id = location.rsplit("/", 1)[-1]
    client.post(f"/attempts/{public_id}/submit", data={"csrf_token": token})
    return public_id


def retrievals(app, public_id) -> int:
    """Answers of a blank test that go to review: every question but an essay (an unwritten essay is no retrieval)."""
    return sum(not is_essay(data) for data in layout_data(app, public_id))


def owned_counts(app, owner):
    with app.app_context():
        return {model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model).where(model.owner_key == owner))
                for model in (Attempt, ReviewCard, ReviewLog, LessonProgress)}


def test_guest_work_moves_to_the_new_account(app, client, auth):
    public_id = start_and_submit(client)
    client.get("/lessons/trade")
    with client.session_transaction() as session:
        guest = f"guest:{session['guest']}"
    before = owned_counts(app, guest)
    assert before["Attempt"] == 1 and before["ReviewCard"] == retrievals(app, public_id) and before["LessonProgress"] == 1
    auth.register()
    user = user_named(app, "amina")
    assert owned_counts(app, user.owner_key) == before
    assert all(count == 0 for count in owned_counts(app, guest).values())
    assert client.get(f"/attempts/{public_id}/result").status_code == 200


def test_guest_work_also_moves_on_login_and_cards_merge(app, client, auth):
    auth.register()
    first = start_and_submit(client)
    auth.logout()
    second = start_and_submit(client)  # as a guest, answering questions the account may already have as cards
    auth.login()
    user = user_named(app, "amina")
    counts = owned_counts(app, user.owner_key)
    assert counts["Attempt"] == 2 and counts["ReviewLog"] == retrievals(app, first) + retrievals(app, second)
    with app.app_context():
        cards = db.session.scalars(sa.select(ReviewCard.question_id).where(ReviewCard.owner_key == user.owner_key)).all()
    assert len(cards) == len(set(cards)) == counts["ReviewCard"]


def test_export_holds_all_my_data_and_nobody_elses(app, client, auth):
    other = app.test_client()
    start_and_submit(other)
    auth.register()
    public_id = start_and_submit(client)
    response = client.get("/account/export")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["username"] == "amina"
    assert [attempt["id"] for attempt in data["attempts"]] == [public_id]
    logged = retrievals(app, public_id)
    assert len(data["attempts"][0]["answers"]) == 10 and len(data["cards"]) == len(data["reviews"]) == logged


def test_delete_needs_the_password_and_removes_everything(app, client, auth):
    auth.register()
    start_and_submit(client)
    owner = user_named(app, "amina").owner_key
    token = csrf_token(client, "/account/")
    refused = client.post("/account/delete", data={"password": "wrong-password", "csrf_token": token})
    assert refused.status_code == 400 and user_named(app, "amina") is not None
    done = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": token})
    assert done.status_code == 302
    assert user_named(app, "amina") is None
    assert all(count == 0 for count in owned_counts(app, owner).values())
    assert "Log in" in client.get("/").get_data(as_text=True)


def test_create_admin_command(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create-admin", "root", "--password", "Chenab-formula-99"])
    assert result.exit_code == 0 and "created admin 'root'" in result.output
    user = user_named(app, "root")
    assert user.role == "admin" and user.check_password("Chenab-formula-99")
    short = runner.invoke(args=["users", "create-admin", "root2", "--password", "short"])
    assert short.exit_code != 0 and user_named(app, "root2") is None
