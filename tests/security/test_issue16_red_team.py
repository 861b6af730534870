"""Red team of issue 16's new code (reading time, drafts and the submit summary, practising what was missed, "Check
yourself", search and filters, password resets, recovery codes, e-mail changes, settings and the ``tz`` cookie): each
test is a finding, written to fail before its fix. The served-clone scripts that found them, and what they measured,
are in the report."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import ReviewCard, ReviewLog, StudyTime
from app.study_time import MAX_SECONDS_PER_DAY
from tests.conftest import PASSWORD, csrf_token
from tests.test_quiz import attempt_row, start
from tests.test_study_time import check_forms, guest, rows
from tests.test_submit_flow import key_values, plain_positions, post_draft


# --- Password reset: where the e-mailed link points ----------------------------------------------

def test_a_production_site_that_mails_reset_links_will_not_start_without_trusted_hosts(make_app, inbox):
    """A reset link is built from the request's Host header: with TRUSTED_HOSTS unset (the default, which only logged
    a warning), "Forgot your password?" posted with ``Host: evil.example`` mailed the victim a genuine token on the
    attacker's server (found on gunicorn: http://evil.example/account/reset/<token>). Such a site now refuses to start."""
    mail = {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": inbox.port, "PRODUCTION": True}
    with pytest.raises(RuntimeError, match="TRUSTED_HOSTS"):
        make_app(**mail)
    client = make_app(**mail, TRUSTED_HOSTS=["backchannel.example"]).test_client()
    site, evil = "http://backchannel.example", "http://evil.example"
    client.post("/account/register", base_url=site, data={
        "username": "amina", "password": PASSWORD, "password2": PASSWORD, "email": "amina@example.org",
        "csrf_token": _token(client, site, "/account/register")})
    client.get(inbox.link_in(inbox.to("amina@example.org")[-1]).removeprefix(site), base_url=site)
    client.post("/account/logout", base_url=site, data={"csrf_token": _token(client, site, "/")})
    sent = len(inbox.messages)
    forged = client.post("/account/forgot", base_url=evil,
                         data={"username": "amina", "csrf_token": _token(client, site, "/account/forgot")})
    assert forged.status_code == 400 and len(inbox.messages) == sent
    client.post("/account/forgot", base_url=site, data={"username": "amina", "csrf_token": _token(client, site, "/account/forgot")})
    assert inbox.link_in(inbox.messages[-1]).startswith(f"{site}/account/reset/")


# --- Reading time: a post and a day hold what they can ---------------------------------------------

def test_one_post_counts_five_minutes_at_most_and_a_day_a_day_over_every_lesson(app, client):
    """The caps were per entry and per lesson-day: one post of the same lesson twenty times said 100 minutes, and
    fifteen posts naming every lesson put 25 hours into one day (found on gunicorn), a streak and a dashboard
    of reading nobody did. A learner reads one page at a time, whatever the tabs."""
    token = guest(client)
    post = [{"lesson": "trade", "seconds": 300}] * 20
    assert client.post("/study-time", json=post, headers={"X-CSRFToken": token}).status_code == 204
    assert [seconds for _, _, seconds in rows(app)] == [300]
    every = [{"lesson": slug, "seconds": 300} for slug in ("saarc", "trade", "kashmir-non-paper")]
    assert client.post("/study-time", json=every, headers={"X-CSRFToken": token}).status_code == 204
    assert sum(seconds for _, _, seconds in rows(app)) == 600
    with app.app_context():
        owner = db.session.scalar(sa.select(StudyTime.owner_key))
        db.session.execute(sa.update(StudyTime).where(StudyTime.owner_key == owner).values(seconds=MAX_SECONDS_PER_DAY // 2 - 30))
        db.session.commit()
    assert client.post("/study-time", json=every, headers={"X-CSRFToken": token}).status_code == 204
    assert sum(seconds for _, _, seconds in rows(app)) == MAX_SECONDS_PER_DAY


# --- Check yourself: one answer counts once ----------------------------------------------------------

@pytest.mark.parametrize("forget", ["try three other questions", "an older session cookie"])
def test_a_check_yourself_answer_replayed_after_the_draw_is_forgotten_counts_once(app, client, auth, forget):
    """The kept draw lives in the session, which "Try three other questions" empties and which a learner can swap
    for an older copy of their cookie; the signed draw in the form still worked, so one right answer posted again and
    again was a new practice retrieval each time (found on gunicorn: 5 posts, 5 review-log rows), moving the review
    card on and filling the daily goal without answering anything new."""
    auth.register()
    page = client.get("/lessons/trade?check=1").get_data(as_text=True)
    form = next(f for f in check_forms(page) if f["radios"])
    data = {**form["hidden"], form["radios"][0][0]: form["radios"][0][1]}
    cookie = client.get_cookie("session").value
    for _ in range(4):
        assert client.post("/lessons/trade/check-yourself", data=data).status_code == 302
        if forget == "try three other questions":
            client.post("/lessons/trade/check-yourself/new", data={"csrf_token": csrf_token(client, "/lessons/trade")})
        else:
            client.set_cookie("session", cookie)
    # A replay is still answered (the learner sees the verdict); it just counts once.
    assert client.post("/lessons/trade/check-yourself", data=data).status_code == 302
    assert 'class="check-verdict' in client.get("/lessons/trade").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(ReviewCard.id))) == 1


# --- Drafts: two tabs, one clock ------------------------------------------------------------------

def test_a_stale_tab_handing_in_at_time_up_keeps_the_answers_another_tab_saved(app, client):
    """At 0:00 every open copy of a timed test posts what it holds, with no button. A copy opened before the
    answers were given (a second tab, the phone in a bag) posted its blank form first and the test was scored blank:
    the answers the other tab had saved were thrown away. A question such a post leaves blank keeps its saved answer."""
    public_id = start(client)
    first, second = plain_positions(app, public_id)[:2]
    assert post_draft(client, public_id, key_values(app, public_id, [first, second])).status_code == 302
    stale = client.post(f"/attempts/{public_id}/submit", data={"csrf_token": csrf_token(client, "/lessons/trade/quiz")})
    assert stale.status_code == 302 and stale.headers["Location"].endswith("/result")
    handed_in = attempt_row(app, public_id)
    assert handed_in.is_submitted and handed_in.score == 2


def _token(client, base_url: str, path: str) -> str:
    """The CSRF token of a form on ``path`` served under ``base_url``'s host."""
    page = client.get(path, base_url=base_url).get_data(as_text=True)
    return re.search(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
