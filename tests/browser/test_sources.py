"""Traceable lessons and quoted passages as a reader meets them: "Show sources" by keyboard, remembered,
moving no text; labels without JavaScript; passages captioned for a screen reader; dark theme and phones."""

import re

from playwright.sync_api import expect

from browsing import BROWSER_MARKS, assert_accessible, log_in, no_horizontal_scroll, screenshot
from tests.test_traceability import CAPTION, chosen_question, give_passage, passage_assignment_started

pytestmark = BROWSER_MARKS

LESSON = "/lessons/kashmir-non-paper"
LABELS = """() => [...document.querySelectorAll('.lesson-body p[data-source]')].map(p => {
  const label = getComputedStyle(p, '::before');
  return {shown: label.visibility === 'visible' && label.content !== 'none', text: p.dataset.source};
})"""
PARAGRAPH_TOPS = "() => [...document.querySelectorAll('.lesson-body p')].map(p => p.getBoundingClientRect().top + window.scrollY)"


def labels(page) -> list[dict]:
    return page.evaluate(LABELS)


def test_show_sources_works_by_keyboard_moves_no_text_and_is_remembered(live_server, page):
    page.goto(live_server + LESSON)
    assert labels(page) and not any(label["shown"] for label in labels(page))  # off until asked for
    assert all(re.fullmatch(r"Paper, lines? \d.*|Added context, not in the paper", label["text"]) for label in labels(page))
    button = page.get_by_role("button", name="Show sources")
    expect(button).to_have_attribute("aria-pressed", "false")
    tops = page.evaluate(PARAGRAPH_TOPS)
    for _ in range(40):  # Tab to the button, as a keyboard user does
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.dataset.sourceToggle !== undefined"):
            break
    else:
        raise AssertionError("Tab never reached the Show sources button")
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-pressed", "true")
    assert all(label["shown"] for label in labels(page))
    assert page.evaluate(PARAGRAPH_TOPS) == tops  # the labels sit in space kept for them: no text moves
    heard = page.locator(".lesson-body p[data-source]").first.aria_snapshot()
    assert re.match(r'- paragraph:(\n  - text:)? "Source: (Paper, lines? \d|Added context)', heard), heard  # a screen reader hears it first
    expect(page.locator("#announcer")).to_have_text("Sources shown before each paragraph.")
    page.reload()
    expect(page.get_by_role("button", name="Show sources")).to_have_attribute("aria-pressed", "true")
    assert all(label["shown"] for label in labels(page))
    page.get_by_role("button", name="Show sources").press("Enter")
    assert not any(label["shown"] for label in labels(page))
    assert "Source:" not in page.locator(".lesson-body p[data-source]").first.aria_snapshot()


def test_without_javascript_the_sources_are_shown(live_server, new_page):
    page = new_page(java_script_enabled=False)
    page.goto(live_server + LESSON)
    assert labels(page) and all(label["shown"] for label in labels(page))
    assert not page.get_by_role("button", name="Show sources").is_visible()  # it would do nothing


def test_sources_and_passages_are_readable_in_the_dark_theme_and_on_a_phone(app, live_server, new_page, shipped_course):
    data = give_passage(app, chosen_question(shipped_course))
    attempt = passage_assignment_started(app)[3]
    for width in ("desktop", "phone"):
        page = new_page(width, color_scheme="dark")
        page.goto(live_server + LESSON)
        page.get_by_role("button", name="Show sources").click()
        assert all(label["shown"] for label in labels(page))
        assert_accessible(page, f"lesson-sources@dark-{width}")
        assert no_horizontal_scroll(page)
        screenshot(page, "lesson-sources-dark")

        log_in(page, live_server, "sami")
        page.goto(live_server + attempt)
        group = page.get_by_role("group", name=re.compile(r"^Question 1\b"))
        expect(group).to_have_accessible_description(re.compile(re.escape(CAPTION)))
        figure = page.get_by_role("figure", name=CAPTION)
        expect(figure).to_be_visible()
        assert figure.bounding_box()["y"] < page.locator("#q0-prompt").bounding_box()["y"]  # above the prompt
        assert data["passage"]["quote"].split("…")[0].strip() in figure.inner_text()
        assert_accessible(page, f"test-with-passage@dark-{width}")
        assert no_horizontal_scroll(page)
        screenshot(page, "test-with-passage-dark")
