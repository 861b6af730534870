"""The review pages in chromium, at 375 and 1280 px, light and dark: a learner in Karachi with cards due now, later
today and tomorrow sees the badge agree with the page, reviews every card due (by keyboard), rates one by an
interval she can read, and meets the nothing-due page in her own time; a visitor is told what review is."""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa
import time_machine

from app.course.scheduling import new_card
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion, ReviewCard, User
from app.progress import apply_state
from browsing import (BROWSER_MARKS, VIEWS, answer_correctly, assert_accessible, nine_in_karachi,
                      no_horizontal_scroll, open_menu, register, screenshot)
from tests.test_progress import card_data

pytestmark = BROWSER_MARKS

def give_cards(app, username: str, minutes: list[int], now: datetime) -> None:
    """Cards for the learner on Trade's first questions that are not essays, due these minutes from ``now``."""
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == username)).owner_key
        questions = db.session.scalars(
            sa.select(Question.id).join(Lesson, Lesson.id == Question.lesson_id)
            .join(QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))
            .where(Lesson.slug == "trade", Question.bank == "course").order_by(Question.position)).all()
        chosen = [q for q in questions if db.session.scalar(sa.select(QuestionVersion.data).where(
            QuestionVersion.question_id == q).order_by(QuestionVersion.version.desc()).limit(1))["type"] != "essay"]
        for question_id, offset in zip(chosen, minutes):
            card = ReviewCard(owner_key=owner, question_id=question_id)
            apply_state(card, new_card(now + timedelta(minutes=offset)))
            db.session.add(card)
        db.session.commit()


def check_view(page, label: str) -> None:
    """No sideways scrolling, axe clean, and a screenshot for the record."""
    assert no_horizontal_scroll(page), f"{label} scrolls sideways"
    assert_accessible(page, label)
    screenshot(page, label)


def focus(page, name: str, limit: int = 60) -> None:
    """Tab until the control named ``name`` has the focus, as a keyboard user would; it must show a focus ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(document.activeElement.innerText || document.activeElement.value || '').trim()").startswith(name):
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"{name} has no visible focus"
            return
    raise AssertionError(f"Tab never reached {name}")


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_a_learner_in_karachi_reviews_everything_due_and_sees_her_own_times(app, live_server, new_page, width, scheme):
    base = live_server
    page = new_page(width, color_scheme=scheme, timezone_id="Asia/Karachi")
    now = nine_in_karachi()
    tag = f"review-{scheme}"
    with time_machine.travel(now, tick=True):
        register(page, base, "nadia")
        give_cards(app, "nadia", [-90, -60, -30, 3 * 60, 24 * 60, 25 * 60], now)
        page.goto(base + "/lessons")
        open_menu(page)
        badge = page.get_by_role("link", name=re.compile(r"^Review \d+ ready now$"))
        assert re.search(r"\d+", badge.inner_text()).group() == "3"
        badge.click()
        assert page.locator(".review-count").inner_text() == "3 ready now · 1 more later today"
        assert page.locator(".qnum").first.inner_text().lower() == "trade"  # the card is labelled by its lesson
        check_view(page, f"{tag}-card")
        for left in (3, 2, 1):
            assert page.locator(".review-count").inner_text().startswith(f"{left} ready now")
            card_id = int(re.search(r"/review/(\d+)", page.locator("form.quiz-form").get_attribute("action")).group(1))
            answer_correctly(page, app, card_data(app, card_id), "q0")
            focus(page, "Check")
            page.keyboard.press("Enter")
            page.wait_for_url("**/review/done/**")
            assert page.locator(".verdict h1").inner_text() == "Correct"
            if left == 3:
                hard, good, easy = (page.locator(".rating-choice").nth(i).inner_text() for i in range(3))
                back_in = r"\s*,\s*back in\s+"  # the words a screen reader hears; the screen shows the interval alone
                # Days, never minutes: FSRS's first Hard is 1.3 days (day 1 or 2), Good 2.3 (day 2 or 3), Easy 8.
                assert re.fullmatch(rf"Hard{back_in}[12] days?", hard) and re.fullmatch(rf"Good{back_in}[23] days", good)
                assert re.fullmatch(rf"Easy{back_in}\d+ days", easy)
                assert re.search(r"This card comes back (tomorrow|on \w+day)\.", page.locator("main").inner_text())
                check_view(page, f"{tag}-feedback")
            focus(page, "Easy")
            page.keyboard.press("Enter")
            # about eight days on: a date, with no time (the card is due from the start of that day in Karachi)
            page.get_by_text(re.compile(r"Rated easy\. That card comes back on \d+ \w+ \d{4}\.")).wait_for()
        text = " ".join(page.locator("main").inner_text().split())
        assert "Nothing to review right now. Your next card is due today at 12:00 (2 cards tomorrow)." in text  # Karachi's noon
        assert "UTC" not in text
        assert page.get_by_role("link", name=re.compile(r"^Download today's \d+ cards? for Anki$")).is_visible()
        open_menu(page)
        assert page.get_by_role("link", name="Review", exact=True).is_visible()  # no badge: nothing ready
        check_view(page, f"{tag}-nothing-due")


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_a_visitor_learns_what_review_is_and_where_to_start(live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    page.goto(live_server + "/review")
    expect(page.get_by_text("Nothing to review yet.")).to_be_visible()
    page.get_by_role("link", name="Start the first lesson").click()
    page.wait_for_url("**/lessons/abstract")
    page.go_back()
    check_view(page, f"review-visitor-{scheme}")
