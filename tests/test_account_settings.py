"""The account page's settings (time zone, daily goal, streak) and what export, guest merge and deletion do
with the account's new data (address, zone, goal, recovery codes, reading time)."""

import json
from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Lesson, RecoveryCode, StudyTime, User
from tests.conftest import PASSWORD, AuthActions, csrf_token


def user_named(app, username: str = "amina") -> User:
    with app.app_context():
        return db.session.scalar(sa.select(User).where(User.username == username))


def save_preferences(client, **fields):
    return client.post("/account/preferences", data={"csrf_token": csrf_token(client, "/account/"), **fields})


def test_preferences_are_saved(app, client, auth):
    auth.register()
    page = client.get("/account/").get_data(as_text=True)
    assert "Use my browser&#39;s time zone" in page and '<optgroup label="Asia">' in page and "No goal" in page
    assert '<option value="Asia/Karachi">Karachi</option>' in page
    response = save_preferences(client, time_zone="Asia/Karachi", daily_goal="20", show_streak="y")
    assert response.status_code == 302
    user = user_named(app)
    assert (user.time_zone, user.daily_goal, user.show_streak) == ("Asia/Karachi", 20, True)
    assert "now shown in Asia/Karachi" in client.get("/account/").get_data(as_text=True)
    assert save_preferences(client, time_zone="", daily_goal="").status_code == 302
    user = user_named(app)
    assert (user.time_zone, user.daily_goal, user.show_streak) == (None, None, False)


@pytest.mark.parametrize(("fields", "message"), [
    ({"time_zone": "Mars/Olympus_Mons"}, "Choose a time zone from the list."),
    ({"time_zone": "x" * 5000}, "Field cannot be longer than 64 characters."),
    ({"daily_goal": "7"}, "Choose one of the goals in the list."),
    ({"daily_goal": "lots"}, "Choose one of the goals in the list."),
    ({"daily_goal": "-5"}, "Choose one of the goals in the list."),
])
def test_only_real_zones_and_offered_goals_are_accepted(app, client, auth, fields, message):
    auth.register()
    response = save_preferences(client, **fields)
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    user = user_named(app)
    assert (user.time_zone, user.daily_goal) == (None, None)


def test_the_zone_set_on_the_account_page_wins_over_the_browser(app, client, auth):
    auth.register()
    client.set_cookie("tz", "America/New_York")
    assert "now shown in America/New_York, your browser" in client.get("/account/").get_data(as_text=True)
    save_preferences(client, time_zone="Asia/Kolkata")
    assert "now shown in Asia/Kolkata." in client.get("/account/").get_data(as_text=True)


def test_the_account_page_shows_times_in_the_learners_zone(app, client, auth):
    auth.register()
    save_preferences(client, time_zone="Asia/Karachi")
    page = client.get("/account/").get_data(as_text=True)
    assert " UTC</td>" not in page


def test_preferences_need_a_login_and_a_token(client, auth):
    anonymous = client.post("/account/preferences", data={"daily_goal": "5", "csrf_token": csrf_token(client)})
    assert anonymous.status_code == 302 and "/account/login" in anonymous.headers["Location"]
    auth.register()
    assert client.post("/account/preferences", data={"daily_goal": "5"}).status_code == 400


def add_study_time(app, owner: str, seconds: int, day: date = date(2026, 3, 2)) -> None:
    with app.app_context():
        lesson_id = db.session.scalar(sa.select(Lesson.id).order_by(Lesson.position).limit(1))
        db.session.add(StudyTime(owner_key=owner, lesson_id=lesson_id, day=day, seconds=seconds))
        db.session.commit()


def study_rows(app, owner: str) -> list[tuple[date, int]]:
    with app.app_context():
        return [(row.day, row.seconds) for row in db.session.scalars(
            sa.select(StudyTime).where(StudyTime.owner_key == owner).order_by(StudyTime.day))]


def test_export_holds_the_new_account_fields_and_no_code_hashes(app, client, auth):
    auth.register()
    client.get("/account/recovery-codes")
    save_preferences(client, time_zone="Asia/Karachi", daily_goal="10", show_streak="y")
    user = user_named(app)
    add_study_time(app, user.owner_key, 300)
    exported = client.get("/account/export").get_data(as_text=True)
    data = json.loads(exported)
    assert data["account"]["time_zone"] == "Asia/Karachi" and data["account"]["daily_goal"] == 10
    assert data["account"]["show_streak"] is True and "email" in data["account"]
    assert data["study_time"][0]["seconds"] == 300
    assert "scrypt" not in exported and "code_hash" not in exported


def test_guest_reading_time_moves_into_the_account_and_adds_up(app, client, auth):
    auth.register()
    auth.logout()
    client.get("/lessons/introduction")
    with client.session_transaction() as session:
        session["guest"] = "guest-token-123"
    owner = user_named(app).owner_key
    add_study_time(app, owner, 100)
    add_study_time(app, "guest:guest-token-123", 50)
    add_study_time(app, "guest:guest-token-123", 70, day=date(2026, 3, 3))
    assert auth.login().status_code == 302
    assert study_rows(app, owner) == [(date(2026, 3, 2), 150), (date(2026, 3, 3), 70)]
    assert study_rows(app, "guest:guest-token-123") == []


def test_deleting_the_account_deletes_its_codes_and_reading_time(app, client, auth):
    auth.register()
    client.get("/account/recovery-codes")
    user = user_named(app)
    add_study_time(app, user.owner_key, 100)
    response = client.post("/account/delete", data={"password": PASSWORD, "csrf_token": csrf_token(client, "/account/delete")})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    assert study_rows(app, user.owner_key) == []


def test_the_password_rules_are_shown_before_the_first_try(client, auth):
    for page in ("/account/register", "/account/recover"):
        html = client.get(page).get_data(as_text=True)
        assert "At least 10 characters" in html and "not your username" in html
    AuthActions(client).register()
    assert "not your username" in client.get("/account/").get_data(as_text=True)


def test_the_zone_list_holds_places_not_old_aliases(client, auth):
    auth.register()
    page = client.get("/account/").get_data(as_text=True)
    assert '<option value="Australia/Darwin">Darwin</option>' in page and '<option value="UTC">UTC</option>' in page
    for alias in ("Australia/North", "Australia/West", "Australia/LHI", "Asia/Calcutta"):
        assert f'value="{alias}"' not in page


def test_a_saved_setting_is_announced_as_done_and_the_site_has_an_icon(client, auth):
    auth.register()
    page = client.get("/account/").get_data(as_text=True)
    assert '<link rel="icon" href="/static/favicon.svg"' in page
    icon = client.get("/static/favicon.svg")
    assert icon.status_code == 200 and icon.get_data(as_text=True).startswith("<svg")
    icon.close()
    page = client.get(save_preferences(client, time_zone="Asia/Karachi").location).get_data(as_text=True)
    assert '<div class="alert success flash" role="status"><p><span class="visually-hidden">Done: </span>Preferences saved.' in page
    assert 'class="notice" role="status"' not in page
