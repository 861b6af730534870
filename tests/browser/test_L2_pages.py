"""The learner's pages made lean (issue 19, slice L2) in a real browser: the lesson page (its visit and "I've read
this" now one upsert), home, the dashboard and a review card, at phone and desktop width, light and dark, axe clean,
nothing sideways; the read mark on every later visit, and a review answered by keyboard alone."""

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa
from browsing import BROWSER_MARKS, check_layout, register, tab_to

from app.extensions import db
from app.models import LessonProgress, ReviewLog
from tests.conftest import AuthActions, csrf_token
from tests.test_progress import make_due, owner_of, submit_test_with_key

pytestmark = BROWSER_MARKS


def learner_with_a_card_due(app, live_server, page, username: str) -> str:
    """Registered in the browser; a test handed in with the key from another device; one card due now."""
    register(page, live_server, username)
    client = app.test_client()
    AuthActions(client).login(username)
    submit_test_with_key(app, client)
    owner = owner_of(app, username)
    make_due(app, owner, count=1)
    return owner


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_learner_pages_fit_read_well_and_pass_axe(app, live_server, new_page, width, theme):
    page = new_page(width, color_scheme=theme)
    learner_with_a_card_due(app, live_server, page, f"l2{width}{theme}")
    page.goto(live_server + "/lessons/trade")
    assert page.get_by_role("button", name="I've read this").is_visible()
    check_layout(page, f"l2-lesson-{width}-{theme}")
    page.goto(live_server + "/")
    expect(page.locator(".up-next")).to_be_visible()
    check_layout(page, f"l2-home-{width}-{theme}")
    page.goto(live_server + "/me")
    expect(page.get_by_text("1 review ready now").first).to_be_visible()
    check_layout(page, f"l2-dashboard-{width}-{theme}")
    page.goto(live_server + "/review")
    assert page.get_by_role("button", name="Check").is_visible()
    check_layout(page, f"l2-review-{width}-{theme}")


def test_the_read_mark_shows_after_each_visit_and_a_review_is_answered_by_keyboard(app, live_server, page):
    owner = learner_with_a_card_due(app, live_server, page, "l2keys")
    client = app.test_client()  # marked read on another device (in this browser, reading to the end marks it: lesson.js)
    AuthActions(client).login("l2keys")
    client.post("/lessons/trade/read", data={"csrf_token": csrf_token(client, "/lessons/trade")})
    for _ in range(2):  # each visit's upsert hands the read date back: it shows every time
        page.goto(live_server + "/lessons/trade")
        expect(page.get_by_text("You marked this lesson as read on")).to_be_visible()
    with app.app_context():
        visits = db.session.scalar(sa.select(LessonProgress.visits).where(LessonProgress.owner_key == owner))
    assert visits >= 2
    page.goto(live_server + "/review")
    tab_to(page, "Check", limit=120)
    page.keyboard.press("Enter")
    page.wait_for_url("**/review/done/*")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(
            ReviewLog.owner_key == owner, ReviewLog.source == "review")) == 1
