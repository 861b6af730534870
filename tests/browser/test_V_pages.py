"""Visitor pages kept by the browser (Cache-Control: public, max-age=60, Vary: Cookie): in chromium, a visitor who
signs in never sees the page the browser kept from before, and one who logs out never sees a signed-in copy."""

import pytest

from browsing import BROWSER_MARKS, no_horizontal_scroll, open_menu, register

pytestmark = BROWSER_MARKS

LESSON = "/lessons/trade"
INVITATION = "Want to tick off lessons as you finish them?"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_signing_in_shows_your_own_lesson_page_not_the_one_kept_from_before(live_server, new_page, width):
    page = new_page(width)
    page.goto(live_server + LESSON)
    assert page.get_by_text(INVITATION).is_visible() and no_horizontal_scroll(page)
    register(page, live_server, f"reader{width}")
    page.goto(live_server + LESSON)  # within the minute the browser may keep the visitor's copy
    assert page.get_by_role("button", name="I've read this").is_visible()
    assert page.get_by_text(INVITATION).count() == 0
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(live_server + LESSON)
    assert page.get_by_text(INVITATION).is_visible() and page.get_by_role("button", name="I've read this").count() == 0

