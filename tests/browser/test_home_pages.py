"""Home and dashboard in a real browser: phone and desktop, light and dark, axe, keyboard, nothing sideways."""

import pytest
import sqlalchemy as sa
from browsing import BROWSER_MARKS, assert_accessible, no_horizontal_scroll, register, screenshot

from app.extensions import db
from app.models import ReviewLog, User
from tests.conftest import AuthActions
from tests.test_progress import make_due, submit_test_with_key

pytestmark = BROWSER_MARKS

THEMES = ("light", "dark")


def take_a_test_with_the_key(app, username: str, slug: str = "trade") -> None:
    """The learner hands in a test with every answer right (from another of their devices: the quiz has its own journeys)."""
    client = app.test_client()
    AuthActions(client).login(username)
    submit_test_with_key(app, client, slug)


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_visitor_sees_the_start_button_in_the_first_screen(live_server, new_page, width, theme):
    page = new_page(width, color_scheme=theme)
    page.goto(live_server + "/")
    start = page.get_by_role("link", name="Start the first lesson")
    assert start.is_visible() and start.count() == 1
    box = start.bounding_box()
    viewport = page.viewport_size
    assert box["y"] + box["height"] <= viewport["height"] and box["x"] + box["width"] <= viewport["width"]
    assert page.locator("ol.lesson-map > li").count() == 11
    assert no_horizontal_scroll(page)
    assert_accessible(page, f"home-visitor-{width}-{theme}")
    screenshot(page, f"home-visitor-{theme}")


def test_the_visitor_reaches_the_first_lesson_by_keyboard(live_server, page):
    page.goto(live_server + "/")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Start the first lesson":
            break
    else:
        pytest.fail("Tab never reached “Start the first lesson”")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # the focus shows
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/abstract")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_after_one_test_home_shows_up_next_and_the_lessons_bar(app, live_server, new_page, width):
    page = new_page(width)
    register(page, live_server, f"learner{width}")
    take_a_test_with_the_key(app, f"learner{width}")
    page.goto(live_server + "/")
    card = page.locator(".up-next")
    assert card.is_visible() and card.get_by_role("link").first.is_visible()
    trade = page.locator("li.lesson-card", has=page.get_by_role("link", name="Trade", exact=True))
    assert trade.locator(".mastery-badge").inner_text().strip() == "Attempted"
    assert int(trade.locator("progress").get_attribute("value")) > 0
    assert "Quiz best 100 %" in trade.inner_text()
    assert no_horizontal_scroll(page)
    assert_accessible(page, f"home-learner-{width}")
    screenshot(page, "home-learner")


def familiar_and_proficient(app, username: str) -> None:
    """Make the learner Familiar in one lesson and Proficient in another: their retrievals, written as the quizzes write them."""
    from datetime import datetime, timezone

    from app.models import Question, QuestionVersion, ReviewCard

    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == username)).owner_key
        now = datetime.now(timezone.utc)
        for slug, share, right in (("saarc", 0.6, 1.0), ("conclusion", 0.9, 1.0)):
            questions = list(db.session.scalars(sa.select(Question).join(Question.lesson)
                                                .where(Question.lesson.has(slug=slug), Question.bank == "course")))
            for question in questions[:max(1, round(share * len(questions)) + 1)]:
                version = db.session.scalar(sa.select(QuestionVersion).where(QuestionVersion.question_id == question.id))
                card = ReviewCard(owner_key=owner, question_id=question.id, state=2, step=None, stability=5.0, difficulty=5.0,
                                  due=now, last_review=now)
                db.session.add(card)
                db.session.flush()
                db.session.add(ReviewLog(owner_key=owner, card_id=card.id, question_id=question.id, question_version_id=version.id,
                                         source="test", rating=3, score=right, response=None, reviewed_at=now, seconds_taken=20,
                                         card_before={}))
        db.session.commit()


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_dashboard_passes_axe_with_every_level_shown(app, live_server, new_page, width, theme):
    page = new_page(width, color_scheme=theme)
    username = f"dash{width}{theme}"
    register(page, live_server, username)
    take_a_test_with_the_key(app, username)
    familiar_and_proficient(app, username)
    with app.app_context():
        make_due(app, db.session.scalar(sa.select(User).where(User.username == username)).owner_key, count=3)
    page.goto(live_server + "/me")
    badges = {text.strip() for text in page.locator(".mastery-list .mastery-badge").all_inner_texts()}
    assert {"Not started", "Attempted", "Familiar", "Proficient"} <= badges
    assert page.locator(".up-next").is_visible() and "ready now" in page.locator(".up-next").inner_text()
    assert page.locator("svg.sparkline").count() == 1
    label_size = page.locator("svg.sparkline .point-label").first.evaluate("t => t.getBoundingClientRect().height")
    assert label_size >= 10  # the audit measured ~5 px chart text on a phone
    assert no_horizontal_scroll(page)
    assert_accessible(page, f"dashboard-{width}-{theme}")
    screenshot(page, f"dashboard-{theme}")


def test_a_new_account_gets_a_start_button_on_the_dashboard(live_server, new_page):
    page = new_page("phone", color_scheme="dark")
    register(page, live_server, "newcomer")
    page.goto(live_server + "/me")
    start = page.get_by_role("link", name="Start lesson 1")
    assert start.is_visible() and page.locator("svg").filter(has=page.locator("title")).count() == 0
    assert no_horizontal_scroll(page)
    assert_accessible(page, "dashboard-empty-phone-dark")
