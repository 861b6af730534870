"""Recovery codes: made at registration and shown once, hashed at rest, each good for one new password,
replaced on request, and every wrong try answered alike (and limited)."""

import re

import pytest
import sqlalchemy as sa
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import RecoveryCode, User
from tests.conftest import PASSWORD, AuthActions, csrf_token

CODE = re.compile(r"<code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{2})</code>")
NEW_PASSWORD = "Quetta-kite-river-88"
GENERIC = "That username and recovery code do not match an unused code."


def codes_on(html: str) -> list[str]:
    return CODE.findall(html)


def register_and_get_codes(client, username: str = "amina") -> list[str]:
    response = AuthActions(client).register(username)
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Save your recovery codes" in page.get_data(as_text=True)
    return codes_on(page.get_data(as_text=True))


def stored_codes(app, username: str = "amina") -> list[RecoveryCode]:
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return list(db.session.scalars(sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id)))


def recover(client, code: str, username: str = "amina", password: str = NEW_PASSWORD):
    return client.post("/account/recover", data={"username": username, "code": code, "password": password,
                                                 "password2": password, "csrf_token": csrf_token(client, "/account/recover")})


def test_ten_codes_are_shown_once_after_registering_and_lead_on(app, client):
    codes = register_and_get_codes(client)
    assert len(codes) == len(set(codes)) == 10
    page = client.get("/account/recovery-codes?next=/me").get_data(as_text=True)
    assert codes_on(page) == [] and "10 of 10" in page  # a reload shows no codes, only how many are left
    assert 'href="/me"' in page
    assert "10 of 10" in client.get("/account/").get_data(as_text=True)


def test_codes_are_hashed_at_rest(app, client):
    codes = register_and_get_codes(client)
    rows = stored_codes(app)
    assert len(rows) == 10 and all(row.used_at is None for row in rows)
    stored = " ".join(row.code_hash for row in rows)
    for code in codes:
        plain = code.replace("-", "")
        assert code not in stored and plain not in stored
        assert any(check_password_hash(row.code_hash.split("$", 1)[1], plain) for row in rows)


def test_each_code_sets_a_new_password_once(app, client):
    codes = register_and_get_codes(client)
    AuthActions(client).logout()
    used = recover(client, codes[3].upper().replace("-", " "))  # capitals and spaces as someone might type them
    assert used.status_code == 302 and used.headers["Location"] == "/account/login"
    assert "9 of 10 codes left" in client.get("/account/login").get_data(as_text=True)
    assert AuthActions(client).login(password=NEW_PASSWORD).status_code == 302
    AuthActions(client).logout()
    again = recover(client, codes[3], password="Another-fine-kite-55")
    assert again.status_code == 400 and GENERIC in again.get_data(as_text=True)
    assert AuthActions(client).login(password=NEW_PASSWORD).status_code == 302
    assert sum(row.used_at is not None for row in stored_codes(app)) == 1


def test_using_a_code_ends_every_session(app, client):
    codes = register_and_get_codes(client)
    elsewhere = app.test_client()
    AuthActions(elsewhere).login()
    AuthActions(client).logout()
    assert recover(client, codes[0]).status_code == 302
    assert elsewhere.get("/account/").status_code == 302


@pytest.mark.parametrize("case", ["wrong code", "unknown user", "not a code", "another account's code"])
def test_every_wrong_try_gets_one_generic_answer(app, client, case):
    codes = register_and_get_codes(client)
    AuthActions(client).logout()
    other = register_and_get_codes(app.test_client(), "bilal")
    code, username = {"wrong code": ("abcd-efgh-jk", "amina"), "unknown user": (codes[0], "nobody"),
                      "not a code": ("hello", "amina"), "another account's code": (other[0], "amina")}[case]
    response = recover(client, code, username=username)
    assert response.status_code == 400 and GENERIC in response.get_data(as_text=True)
    assert AuthActions(client).login().status_code == 302


def test_a_weak_new_password_is_refused_before_the_code_is_spent(app, client):
    codes = register_and_get_codes(client)
    AuthActions(client).logout()
    weak = recover(client, codes[0], password="amina-rules-ok-77")
    assert weak.status_code == 400 and "must not contain your username" in weak.get_data(as_text=True)
    assert all(row.used_at is None for row in stored_codes(app))


def test_new_codes_need_the_password_and_kill_the_old_ones(app, client):
    old = register_and_get_codes(client)
    token = csrf_token(client, "/account/")
    wrong = client.post("/account/recovery-codes", data={"current": "not-my-password", "csrf_token": token})
    assert wrong.status_code == 400 and "your codes are unchanged" in wrong.get_data(as_text=True)
    made = client.post("/account/recovery-codes", data={"current": PASSWORD, "csrf_token": token})
    new = codes_on(made.get_data(as_text=True))
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert len(stored_codes(app)) == 10
    AuthActions(client).logout()
    assert recover(client, old[0]).status_code == 400
    assert recover(client, new[0]).status_code == 302


def test_code_attempts_are_rate_limited_per_account(make_app):
    app = make_app(LOGIN_ACCOUNT_RATE_LIMIT="3 per minute")
    client = app.test_client()
    register_and_get_codes(client)
    AuthActions(client).logout()
    statuses = [recover(client, "abcd-efgh-jk").status_code for _ in range(4)]
    assert statuses == [400, 400, 400, 429]
    assert "Too many password attempts" in recover(client, "abcd-efgh-jk").get_data(as_text=True)


def test_the_codes_download_as_a_text_file(client):
    codes = register_and_get_codes(client)
    token = csrf_token(client, "/account/")
    response = client.post("/account/recovery-codes.txt", data={"code": codes, "csrf_token": token})
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert "attachment" in response.headers["Content-Disposition"] and response.headers["Cache-Control"] == "no-store"
    assert all(code in response.get_data(as_text=True) for code in codes)
    for bad in (["<script>alert(1)</script>"], codes + ["abcd-efgh-jk"], []):
        assert client.post("/account/recovery-codes.txt", data={"code": bad, "csrf_token": token}).status_code == 400
    assert client.post("/account/recovery-codes.txt", data={"code": codes}).status_code == 400  # no CSRF token


def test_an_account_made_elsewhere_sees_no_codes_without_registering(app, client):
    """The page makes codes only right after this browser registered; a visit later never makes new ones."""
    register_and_get_codes(client)
    before = {row.code_hash for row in stored_codes(app)}
    client.get("/account/recovery-codes")
    assert {row.code_hash for row in stored_codes(app)} == before
