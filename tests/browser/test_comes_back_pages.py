"""The result page's "When they come back" in chromium, at 375 and 1280 px, light and dark: a learner in Karachi who
handed in a test with some answers wrong reads on which of her days the questions come back, reaches "Your reviews"
by keyboard, and the page stays axe clean with nothing off-screen."""

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.comeback import comes_back_sentence
from app.course.clock import local_day
from app.extensions import db
from app.models import ReviewCard, User
from browsing import BROWSER_MARKS, check_layout, log_in, tab_to
from tests.test_comes_back import submit
from tests.test_quiz import start_drawing
from tests.test_teaching import person

pytestmark = BROWSER_MARKS

KARACHI = ZoneInfo("Asia/Karachi")
VIEWS = [("phone", "light"), ("phone", "dark"), ("desktop", "light"), ("desktop", "dark")]


def hand_in_a_test(app) -> str:
    """An account in Asia/Karachi that handed in a Trade test with three answers wrong; the attempt's id."""
    client = person(app, "hina")
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "hina")).time_zone = "Asia/Karachi"
        db.session.commit()
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id, wrong_positions={0, 4, 8})
    return public_id


def expected_sentence(app) -> str:
    """What the page must say, worked out from the cards' own due dates in Karachi's days."""
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "hina")).owner_key
        counts: dict = {}
        for due in db.session.scalars(sa.select(ReviewCard.due).where(ReviewCard.owner_key == owner)):
            counts[local_day(due, KARACHI)] = counts.get(local_day(due, KARACHI), 0) + 1
    return comes_back_sentence(sorted(counts.items()), local_day(datetime.now(timezone.utc), KARACHI))


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_the_result_page_says_when_the_questions_come_back(app, live_server, new_page, width, scheme):
    public_id = hand_in_a_test(app)
    page = new_page(width, color_scheme=scheme, timezone_id="Asia/Karachi")
    log_in(page, live_server, "hina")
    page.goto(f"{live_server}/attempts/{public_id}/result")
    block = page.get_by_role("region", name="When they come back")
    text = " ".join(block.inner_text().split())
    assert text.startswith("When they come back " + expected_sentence(app)), text
    # Three wrong answers tomorrow; the seven right ones shared by balancing between FSRS's day 2 and day 3.
    later = re.search(r"You'll see 3 of these again tomorrow, (\d) on \w+day \(\d+ \w{3}\) and (\d) on \w+day \(\d+ \w{3}\)\.", text)
    assert later and int(later.group(1)) + int(later.group(2)) == 7, text
    assert "Days in Asia/Karachi time" in text
    check_layout(page, f"comes-back-{scheme}")
    # Keyboard only: from the top of the page to the review link, with a visible focus ring, and on to the review page.
    page.locator("body").focus()
    tab_to(page, "Your reviews")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review")
    assert "Nothing to review right now" in page.locator("main").inner_text()  # a first test leaves nothing for today
