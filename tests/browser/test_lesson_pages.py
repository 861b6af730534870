"""The lesson page in a real browser: contents in the margin, reading progress, Check yourself in place,
reading time sent while the page is in view, and the offer to continue where you left off."""

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.extensions import db
from app.models import Lesson, LessonProgress, ReviewLog, StudyTime
from browsing import BROWSER_MARKS, assert_accessible, controls_outside, no_horizontal_scroll, register, screenshot

pytestmark = BROWSER_MARKS

LONG_LESSON = "/lessons/kashmir-non-paper"


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_lesson_fits_passes_axe_and_shows_its_questions_in_both_themes(live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    page.goto(live_server + LONG_LESSON + "?check=1")
    assert no_horizontal_scroll(page)
    assert controls_outside(page) == []
    assert page.get_by_role("heading", name="Check yourself").is_visible()
    assert page.locator("#check-yourself .check-item").count() == 3
    expect(page.get_by_text("Based on section 10 of 11")).to_be_visible()
    assert_accessible(page, f"lesson ({scheme}, {width})")
    screenshot(page, f"lesson-{scheme}")


def test_at_1280_the_contents_sits_in_the_margin_follows_the_reader_and_marks_the_section(live_server, new_page):
    page = new_page("desktop")
    page.goto(live_server + LONG_LESSON)
    toc = page.locator("nav.lesson-toc")
    body = page.locator(".lesson-body").bounding_box()
    assert toc.bounding_box()["x"] >= body["x"] + body["width"], "the contents should sit beside the text, not above it"
    progress = page.locator("nav.lesson-toc progress")
    assert progress.get_attribute("value") == "0" or int(progress.evaluate("p => p.value")) < 10
    third = page.locator("nav.lesson-toc ol a").nth(2)
    anchor = third.get_attribute("href")
    page.locator(anchor).scroll_into_view_if_needed()
    page.evaluate(f"document.querySelector('{anchor}').scrollIntoView({{block: 'start'}})")
    page.wait_for_function(f"() => document.querySelector('nav.lesson-toc a[href=\"{anchor}\"]').getAttribute('aria-current') === 'true'")
    box = toc.bounding_box()
    assert 0 <= box["y"] < 900, "the contents should stay in view while reading"
    assert page.locator("nav.lesson-toc a[aria-current=true]").count() == 1
    assert int(progress.evaluate("p => p.value")) > 10
    assert "min left" in page.locator("#progress-label").inner_text()


def test_on_a_phone_the_contents_is_a_list_at_the_top_that_folds(live_server, new_page):
    page = new_page("phone")
    page.goto(live_server + LONG_LESSON)
    toc = page.locator("nav.lesson-toc")
    body = page.locator(".lesson-body").bounding_box()
    assert toc.bounding_box()["y"] < body["y"]
    summary = toc.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert not toc.locator("ol").is_visible()
    page.keyboard.press("Enter")
    expect(toc.locator("ol")).to_be_visible()


def test_check_yourself_is_answered_in_place_with_the_keyboard_and_counts_as_practice(app, live_server, new_page):
    page = new_page("desktop")
    page.goto(live_server + "/lessons/trade")
    page.evaluate("window.stillThisPage = true")
    start = page.get_by_role("link", name="Show me three questions")
    start.focus()
    page.keyboard.press("Enter")
    page.locator("#check-yourself .check-item").first.wait_for()
    first = page.locator("#check-1 input:not([type=hidden])").first
    first.focus()
    if first.get_attribute("type") == "radio":
        page.keyboard.press("Space")
    else:
        page.keyboard.type("something")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.textContent.trim()") != "Check":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    verdict = page.locator("#check-1 .verdict-title")
    verdict.wait_for()
    assert page.evaluate("window.stillThisPage === true"), "the answer should come back without reloading the page"
    assert page.evaluate("document.activeElement.classList.contains('verdict-title')")
    assert any(word in verdict.inner_text() for word in ("Correct", "Incorrect", "Partly correct"))
    expect(page.locator("#check-1").get_by_text("Your answer")).to_be_visible()
    assert page.locator("#check-2").get_by_role("button", name="Check").is_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewLog.id)).where(ReviewLog.source == "practice")) == 1


def test_reading_time_arrives_while_the_page_is_in_view(app, live_server, new_page):
    page = new_page("desktop")
    page.clock.install()
    page.goto(live_server + "/lessons/trade?check=1")
    # Answering a question makes the reader a guest: from then on the page may send reading time.
    page.locator("#check-1 input:not([type=hidden])").first.check() if page.locator("#check-1 input:not([type=hidden])").first.get_attribute("type") == "radio" \
        else page.locator("#check-1 input:not([type=hidden])").first.fill("something")
    page.locator("#check-1").get_by_role("button", name="Check").click()
    page.locator("#check-1 .verdict-title").wait_for()
    assert page.locator("article.lesson").get_attribute("data-study-token")
    page.clock.run_for(35_000)

    def stored() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(StudyTime.seconds), 0)))

    for _ in range(50):
        if stored():
            break
        page.wait_for_timeout(100)
    assert 25 <= stored() <= 40


def test_coming_back_offers_to_continue_where_you_left_off(live_server, new_page):
    page = new_page("desktop")
    page.goto(live_server + LONG_LESSON)
    assert page.locator("[data-resume]").is_hidden()
    links = page.locator("nav.lesson-toc ol a")
    anchor = links.nth(3).get_attribute("href")
    title = links.nth(3).inner_text()
    page.evaluate(f"document.querySelector('{anchor}').scrollIntoView({{block: 'start'}})")
    page.wait_for_function(f"() => localStorage.getItem('backchannel.position.kashmir-non-paper') === '{anchor[1:]}'")
    page.goto(live_server + "/")
    page.goto(live_server + LONG_LESSON)
    offer = page.get_by_role("link", name=f"Continue where you left off: {title}")
    expect(offer).to_be_visible()
    assert page.evaluate("window.scrollY") == 0, "coming back never jumps on its own"
    offer.click()
    page.wait_for_function(f"() => location.hash === '{anchor}'")
    assert page.locator(anchor).bounding_box()["y"] < 300
    assert page.locator("[data-resume]").is_hidden()


def test_scrolling_to_the_end_of_the_text_marks_the_lesson_read_and_up_next_stops_saying_continue_reading(app, live_server, new_page):
    page = new_page("phone")
    register(page, live_server, "reader")
    page.goto(live_server + "/lessons/trade")
    page.goto(live_server + "/")
    assert page.get_by_text("Continue reading: Trade").is_visible()  # visited, not read yet

    def read_at():
        with app.app_context():
            return db.session.scalar(sa.select(LessonProgress.read_at).join(Lesson, Lesson.id == LessonProgress.lesson_id)
                                     .where(Lesson.slug == "trade"))

    page.goto(live_server + "/lessons/trade")
    assert page.get_by_role("button", name="I've read this").is_visible() and read_at() is None
    page.evaluate("document.querySelector('.lesson-body').scrollIntoView({block: 'center'})")  # halfway: not the end
    page.wait_for_function("() => document.querySelector('[data-progress-percent]').textContent !== '0'")
    assert read_at() is None
    page.evaluate("document.querySelector('.lesson-body').lastElementChild.scrollIntoView({block: 'end'})")
    page.locator(".done-mark").wait_for()
    assert "marked as read" in page.locator(".done-mark").inner_text()
    assert page.get_by_role("button", name="I've read this").count() == 0
    assert read_at() is not None
    # The lesson's Check yourself answered too: still read, and never offered as "Continue reading".
    first = page.locator("#check-1 input:not([type=hidden])").first
    first.check() if first.get_attribute("type") == "radio" else first.fill("something")
    page.locator("#check-1").get_by_role("button", name="Check").click()
    page.locator("#check-1 .verdict-title").wait_for()
    page.goto(live_server + "/")
    assert page.get_by_text("Up next").is_visible() and page.get_by_text("Continue reading").count() == 0


def test_a_visitor_without_a_session_reading_to_the_end_posts_nothing(live_server, new_page):
    page = new_page("desktop")
    posted = []
    page.on("request", lambda request: posted.append(request.url) if request.method == "POST" else None)
    page.goto(live_server + "/lessons/trade")
    assert page.locator("form.mark-read").count() == 0
    page.evaluate("document.querySelector('.lesson-body').lastElementChild.scrollIntoView({block: 'end'})")
    page.wait_for_function("() => document.querySelector('[data-progress-percent]').textContent === '100'")
    assert posted == [] and page.locator(".done-mark").count() == 0
