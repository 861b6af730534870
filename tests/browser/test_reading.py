"""A real browser (Debian's chromium through Playwright) opens the index and follows a lesson."""

from playwright.sync_api import expect

from browsing import BROWSER_MARKS

pytestmark = BROWSER_MARKS


def test_reader_opens_the_index_and_follows_a_lesson(live_server, page):
    page.goto(live_server + "/")
    lesson_links = page.locator("ol.lesson-list h3 a")
    assert lesson_links.count() == 11
    page.get_by_role("link", name="Kashmir").first.click()
    page.wait_for_url("**/lessons/kashmir-non-paper")
    heading = page.get_by_role("heading", level=1)
    assert "Kashmir" in heading.inner_text()
    page.get_by_role("link", name="Key facts").click()
    assert page.url.endswith("#key-facts")
    expect(page.locator("#key-facts")).to_be_visible()
