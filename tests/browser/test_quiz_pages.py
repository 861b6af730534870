"""The pages around the questions, in a real browser: a test's bar (count, timer, save state) and navigator, answers
saved as they are given (offline too), the summary before submitting, and practice's bar and confirmation."""

import re

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Attempt
from browsing import (BROWSER_MARKS, answer_correctly, assert_accessible, attempt_questions, controls_outside, no_horizontal_scroll,
                      on_page, public_id_of, screenshot)

pytestmark = BROWSER_MARKS
expect = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed").expect

TAP = 44  # px: the smallest control a finger should have to hit


def start_test(page, base: str, slug: str = "trade") -> str:
    """Start a test from the lesson's quiz page, as a visitor does; the attempt's public id."""
    page.goto(f"{base}/lessons/{slug}/quiz")
    page.get_by_role("button", name="Start a test").click()
    page.wait_for_url("**/attempts/**")
    return public_id_of(page.url)


def unordered(responses: list | None) -> list | None:
    """Responses with each set of ticked options sorted (a page sends them in the order it shows them)."""
    return None if responses is None else [sorted(r) if isinstance(r, list) else r for r in responses]


def draft_of(app, public_id: str) -> list | None:
    with app.app_context():
        return unordered(db.session.scalar(sa.select(Attempt.draft).where(Attempt.public_id == public_id)))


SIMPLE = ("single_choice", "true_false", "multiple_response", "short_answer", "numeric")


def simple_positions(questions: list[dict]) -> list[int]:
    """Positions of questions answered by a tick or a typed word (quick and sure to fill in any layout)."""
    return [position for position, data in enumerate(questions) if data["type"] in SIMPLE]


def nav_link(page, number: int, state: str):
    """The navigator's link to question ``number`` as a screen reader names it ("3, answered"), the navigator
    opened first where a phone shows it folded (as its summary does)."""
    box = page.locator(".quiz-nav-box")
    if box.count() and not box.evaluate("d => d.open"):
        box.locator("summary").click()
    return page.locator(".quiz-nav").get_by_role("link", name=re.compile(rf"^{number}\s*, {state}$"))


def small_targets(page, selector: str) -> list[str]:
    """Controls under ``selector`` smaller than a finger in either direction."""
    return page.evaluate("""([selector, tap]) => [...document.querySelectorAll(selector)]
      .filter(e => e.offsetParent !== null)
      .filter(e => { const r = e.getBoundingClientRect(); return r.height < tap - 0.5 || r.width < tap - 0.5; })
      .map(e => e.outerHTML.slice(0, 80))""", [selector, TAP])


def test_on_a_phone_the_navigator_folds_so_the_question_comes_first(app, live_server, new_page):
    page = new_page("phone")
    start_test(page, live_server)
    nav = page.locator(".quiz-nav")
    assert not nav.is_visible()
    first_question = page.locator(".test-item").first.bounding_box()
    assert first_question["y"] < page.viewport_size["height"]  # the question starts on the first screen
    page.get_by_role("link", name="Questions").click()
    assert nav.is_visible() and page.locator(".quiz-nav a").count() == 10
    page.locator(".quiz-nav a").nth(3).click()
    assert page.url.endswith("#q3")
    wide = new_page("desktop")
    start_test(wide, live_server)
    assert wide.locator(".quiz-nav").is_visible() and not wide.locator(".quiz-nav-box > summary").is_visible()


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_test_its_summary_and_a_practice_fit_the_screen_and_pass_axe(app, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    label = f"{width}-{scheme}"
    public_id = start_test(page, live_server)
    questions = attempt_questions(app, public_id)
    first = simple_positions(questions)[0]
    answer_correctly(page, app, questions[first], f"q{first}")
    page.locator(".save-state").filter(has_text="Saved").wait_for()
    assert_accessible(page, f"quiz-test-{label}")
    assert no_horizontal_scroll(page) and not controls_outside(page)
    assert not small_targets(page, ".quiz-bar a, .quiz-bar button, .quiz-nav a")
    screenshot(page, f"quiz-test-{scheme}")
    # Scrolled to the last question, the bar with the count is still in view.
    page.locator(".test-item").last.scroll_into_view_if_needed()
    bar = page.locator(".quiz-bar")
    box = bar.bounding_box()
    assert bar.is_visible() and 0 <= box["y"] < page.viewport_size["height"], box
    assert "1 of 10 answered" in " ".join(bar.inner_text().split())

    page.get_by_role("button", name="Review and submit").first.click()
    page.wait_for_url("**/summary")
    assert "9 questions not answered" in page.locator(".alert").inner_text()
    assert_accessible(page, f"quiz-summary-{label}")
    assert no_horizontal_scroll(page) and not controls_outside(page)
    screenshot(page, f"quiz-summary-{scheme}")

    page.goto(f"{live_server}/lessons/trade/quiz")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/attempts/**")
    practice = attempt_questions(app, public_id_of(page.url))
    position = simple_positions(practice)[0]
    page.goto(f"{page.url.split('?')[0]}?q={position}")
    answer_correctly(page, app, practice[position], f"q{position}")
    page.get_by_role("button", name="Check").click()
    page.locator(".verdict h2").wait_for()
    assert "1 of" in page.locator(".quiz-count").inner_text() and "1 right" in page.locator(".quiz-count").inner_text()
    assert nav_link(page, position + 1, "right").count() == 1
    assert_accessible(page, f"quiz-practice-{label}")
    assert no_horizontal_scroll(page) and not controls_outside(page)
    assert not small_targets(page, ".quiz-bar a, .quiz-nav a")
    screenshot(page, f"quiz-practice-{scheme}")


def keys_of(questions: list[dict], positions: list[int]) -> list:
    """The responses the draft should hold: the key at ``positions``, nothing elsewhere."""
    return unordered([key_response(data) if position in positions else None for position, data in enumerate(questions)])


def test_answers_given_offline_are_kept_and_sent_once_the_network_is_back(app, live_server, new_page):
    page = new_page()
    public_id = start_test(page, live_server)
    questions = attempt_questions(app, public_id)
    chosen = simple_positions(questions)[:4]
    assert len(chosen) == 4, [data["type"] for data in questions]
    status = page.locator(".save-state")
    for position in chosen[:2]:
        answer_correctly(page, app, questions[position], f"q{position}")
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert draft_of(app, public_id) == keys_of(questions, chosen[:2])

    page.context.set_offline(True)
    for position in chosen[2:]:
        answer_correctly(page, app, questions[position], f"q{position}")
    status.filter(has_text="Saved · Offline, will send").wait_for()
    assert draft_of(app, public_id) == keys_of(questions, chosen[:2])  # nothing reached the server
    assert "4 of 10 answered" in " ".join(page.locator(".quiz-count").inner_text().split())

    page.context.set_offline(False)
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert draft_of(app, public_id) == keys_of(questions, chosen)
    assert page.evaluate(f"localStorage.getItem('backchannel.test.{public_id}')") is None
    page.reload()
    for position in chosen:
        expected = on_page(page, app, form_values(questions[position], f"q{position}", key_response(questions[position])))
        for name, values in expected.items():
            field = page.locator(f'[name="{name}"]')
            if field.first.get_attribute("type") in ("radio", "checkbox"):
                assert sorted(box.get_attribute("value") for box in field.all() if box.is_checked()) == sorted(values)
            else:
                assert field.first.input_value() == values[0]
    assert page.locator(".quiz-count").inner_text().startswith("4")
    for position in chosen:
        assert nav_link(page, position + 1, "answered").count() == 1


def test_answers_the_server_never_got_come_back_from_the_browser_after_a_reload(app, live_server, new_page):
    page = new_page()
    public_id = start_test(page, live_server)
    questions = attempt_questions(app, public_id)
    position = simple_positions(questions)[0]
    page.route("**/submit", lambda route: route.abort())  # the server cannot be reached, the pages still load
    answer_correctly(page, app, questions[position], f"q{position}")
    page.locator(".save-state").filter(has_text="Offline, will send").wait_for()
    assert draft_of(app, public_id) is None
    page.unroute("**/submit")
    page.reload()
    expect(page.locator(".save-state")).to_have_text("Saved")
    assert draft_of(app, public_id) == keys_of(questions, [position])
    assert nav_link(page, position + 1, "answered").count() == 1


def test_a_late_copy_is_dropped_once_the_server_says_the_test_was_handed_in(app, live_server, new_page):
    page = new_page()
    public_id = start_test(page, live_server)
    questions = attempt_questions(app, public_id)
    position = simple_positions(questions)[0]
    other = new_page()
    other.context.add_cookies(page.context.cookies())
    other.goto(page.url)
    other.get_by_role("button", name="Review and submit").first.click()
    other.get_by_role("button", name="Submit and finish").click()
    other.wait_for_url("**/result")
    answer_correctly(page, app, questions[position], f"q{position}")
    page.locator(".save-state").filter(has_text="already handed in").wait_for()
    assert page.evaluate(f"localStorage.getItem('backchannel.test.{public_id}')") is None
    assert page.locator(".save-state a").get_attribute("href") == f"/attempts/{public_id}/result"
    assert draft_of(app, public_id) == [None] * len(questions)  # as the other tab handed it in


def test_a_test_taken_with_the_keyboard_alone_reaches_the_summary_and_is_submitted(app, live_server, page):
    public_id = start_test(page, live_server)
    questions = attempt_questions(app, public_id)
    position = simple_positions(questions)[0]
    # The navigator comes first: its link takes the focus to the question.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('data-nav')") == str(position):
            break
    page.keyboard.press("Enter")
    expect(page.locator(f"#q{position} :focus")).to_have_count(1)
    data = questions[position]
    if data["type"] in ("short_answer", "numeric"):
        page.keyboard.type(str(on_page(page, app, form_values(data, f"q{position}", key_response(data)))[f"q{position}"][0]))
    else:
        page.keyboard.press("Space")
    page.locator(".save-state").filter(has_text="Saved").wait_for()
    assert page.locator(".quiz-count").inner_text().startswith("1")
    for _ in range(200):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Review and submit":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/summary")
    assert "9 questions not answered" in page.locator(".alert").inner_text()
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Submit and finish":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/result")
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.submitted_at).where(Attempt.public_id == public_id)) is not None
