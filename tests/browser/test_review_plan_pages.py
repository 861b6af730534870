"""Plan your reviews in chromium, at 375 and 1280 px, light and dark, by keyboard: a learner in Karachi with a backlog
marks her weekends light, adds a break and sees the cards due in it moved to just after, is told on the review page
that she is on a break, and postpones the rest of her backlog after a preview; a visitor is told to sign up."""

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa
import time_machine

from app.course.clock import local_day
from app.extensions import db
from app.models import Question, ReviewCard, User
from browsing import BROWSER_MARKS, KARACHI, VIEWS, check_layout, nine_in_karachi, open_menu, register

pytestmark = BROWSER_MARKS

def give_cards(app, username: str, days: list[int], now: datetime) -> None:
    """Reviewed cards for the learner, due these many days from ``now`` (negative: overdue), daily limit 5."""
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        user.daily_review_limit = 5
        questions = db.session.scalars(sa.select(Question.id).where(Question.bank == "course", Question.retired.is_(False))
                                       .order_by(Question.id).limit(len(days))).all()
        db.session.add_all(ReviewCard(owner_key=user.owner_key, question_id=question, state=2, step=None,
                                      stability=8.0 + index, difficulty=5.0, due=now + timedelta(days=day),
                                      last_review=now - timedelta(days=10))
                           for index, (question, day) in enumerate(zip(questions, days)))
        db.session.commit()


def due_days(app, username: str) -> list:
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == username)).owner_key
        return sorted(local_day(due.replace(tzinfo=timezone.utc), KARACHI) for due in db.session.scalars(
            sa.select(ReviewCard.due).where(ReviewCard.owner_key == owner)))


def press_tab_until(page, test: str, limit: int = 80) -> None:
    """Tab until ``test`` (a JS expression on ``e``, the focused element) holds; its focus ring must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(e => !!({test}))(document.activeElement)"):
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", f"no visible focus: {test}"
            return
    raise AssertionError(f"Tab never reached {test}")


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_a_learner_sets_light_days_and_a_break_and_postpones_her_backlog(app, live_server, new_page, width, scheme):
    base, tag = live_server, f"review-plan-{width}-{scheme}"
    page = new_page(width, color_scheme=scheme, timezone_id="Asia/Karachi")
    now = nine_in_karachi()
    today = local_day(now, KARACHI)
    with time_machine.travel(now, tick=True):
        register(page, base, "nadia")
        page.goto(base + "/account/")
        page.get_by_label("Time zone", exact=True).select_option("Asia/Karachi")
        page.get_by_role("button", name="Save preferences").click()
        # Eight cards overdue (a backlog over the limit of 5) and three due in the days of the break to come.
        give_cards(app, "nadia", [-1] * 8 + [2, 3, 4], now)
        page.goto(base + "/review")
        page.get_by_role("link", name="Plan your reviews").click()
        page.wait_for_url("**/review/plan")
        expect(page.get_by_text("Dates here are days in Asia/Karachi time")).to_be_visible()
        check_layout(page, f"{tag}-page")

        # Light days, by keyboard only: tick Saturday and Sunday, then save.
        for value in ("6", "7"):
            press_tab_until(page, f"e.name === 'days' && e.value === '{value}'")
            page.keyboard.press("Space")
        press_tab_until(page, "e.value === 'Save light days'")
        page.keyboard.press("Enter")
        page.get_by_text("Saturday and Sunday now get fewer reviews").wait_for()
        assert page.locator("input[name=days][value='6']").is_checked()

        # A break from the day after tomorrow for three days: the three cards due then move to just after.
        starts, ends = today + timedelta(days=2), today + timedelta(days=4)
        page.get_by_label("First day away").fill(starts.isoformat())
        page.get_by_label("Last day away").fill(ends.isoformat())
        press_tab_until(page, "e.value === 'Add this break'")
        page.keyboard.press("Enter")
        page.get_by_text("Break added").wait_for()
        flash = page.locator(".flash").inner_text()
        assert re.search(r"Break added, .*\. 3 cards that would have come up during it moved", flash), flash
        assert all(not starts <= day <= ends for day in due_days(app, "nadia"))
        assert page.get_by_role("row").filter(has_text=f"{ends.day} {ends:%b}").count() == 1
        check_layout(page, f"{tag}-break")

        # The backlog: keep 5, preview, and confirm.
        page.get_by_label("Keep for today").fill("5")
        press_tab_until(page, "e.value === 'Preview the postponement'")
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Postpone 3 cards?").wait_for()
        expect(page.get_by_text("Average recall now")).to_be_visible()
        assert page.locator("table.move-days tbody tr").count() >= 1
        check_layout(page, f"{tag}-preview")
        press_tab_until(page, "e.value === 'Move these 3 cards'")
        page.keyboard.press("Enter")
        page.get_by_text(re.compile(r"Postponed 3 cards: ")).wait_for()
        assert sum(1 for day in due_days(app, "nadia") if day < today + timedelta(days=1)) == 5


@pytest.mark.parametrize("width,scheme", [("phone", "dark"), ("desktop", "light")])
def test_a_learner_on_a_break_is_told_so_on_the_review_page(app, live_server, new_page, width, scheme):
    base = live_server
    page = new_page(width, color_scheme=scheme)
    register(page, base, "imran")
    today = local_day(datetime.now(timezone.utc), ZoneInfo("UTC"))
    give_cards(app, "imran", [-1, 1], datetime.now(timezone.utc))
    page.goto(base + "/review/plan")
    page.get_by_label("First day away").fill(today.isoformat())
    page.get_by_label("Last day away").fill((today + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Add this break").click()
    assert "2 cards that would have come up during it moved" in page.locator(".flash").inner_text()
    open_menu(page)
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.get_by_text(re.compile(r"You're on a break until \w{3} \d+ \w{3}\."))).to_be_visible()
    check_layout(page, f"review-plan-on-break-{width}-{scheme}")


@pytest.mark.parametrize("width,scheme", [("phone", "dark"), ("desktop", "light")])
def test_a_visitor_is_told_why_and_where_to_sign_up(live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    page.goto(live_server + "/review/plan")
    expect(page.get_by_text("Review settings are kept with an account.")).to_be_visible()
    check_layout(page, f"review-plan-guest-{width}-{scheme}")
    page.get_by_role("link", name="Sign up (it is free)").click()
    page.wait_for_url(re.compile(r"/account/register\?next=(/|%2F)review(/|%2F)plan$"))


@pytest.mark.parametrize("width,scheme", [("phone", "light"), ("desktop", "dark")])
def test_a_learner_previews_cards_for_an_exam_and_a_stale_preview_moves_nothing(app, live_server, new_page, width, scheme):
    base, tag = live_server, f"review-plan-exam-{width}-{scheme}"
    page = new_page(width, color_scheme=scheme)
    register(page, base, "sana")
    now = datetime.now(timezone.utc)
    give_cards(app, "sana", [20, 21, 22], now)  # due after the exam, reviewed ten days ago: fading by then
    exam = local_day(now, ZoneInfo("UTC")) + timedelta(days=7)
    page.goto(base + "/review/plan#before-exam")
    page.get_by_label("Day of the exam").fill(exam.isoformat())
    page.get_by_role("button", name="Preview bringing cards forward").click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert re.fullmatch(r"Bring \d cards? forward\?", heading), heading
    assert page.get_by_text("Average recall on exam day, brought forward").is_visible()
    check_layout(page, f"{tag}-preview")
    with app.app_context():  # a review in another tab moves one of the cards on
        owner = db.session.scalar(sa.select(User).where(User.username == "sana")).owner_key
        for card in db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner)):
            card.last_review, card.due = now, now + timedelta(days=30)
        db.session.commit()
    before = due_days(app, "sana")
    press_tab_until(page, "e.value && e.value.startsWith('Move these')")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="The preview is out of date").wait_for()
    expect(page.get_by_text("Nothing was moved.")).to_be_visible()
    check_layout(page, f"{tag}-stale")
    assert due_days(app, "sana") == before
