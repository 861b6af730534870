"""Red team of issue 15 in chromium: a slow or broken network at the moment an essay is handed in."""

import re

from browsing import BROWSER_MARKS, attempt_questions, public_id_of, register

pytestmark = BROWSER_MARKS

ESSAY = "Politics governed trade: MFN came in 1996, yet little moved."


def drafts(page) -> list[str]:
    """The essay drafts this browser keeps."""
    return page.evaluate("Object.keys(localStorage).filter(key => key.startsWith('backchannel.essay.'))")


def test_an_essay_whose_hand_in_never_reaches_the_server_is_still_in_the_browser(app, live_server, page):
    """The draft was dropped the moment the form was sent, before anything said the essay had arrived: a connection
    lost then (the very case autosave is for) lost the essay. It now goes once a page shows the essay handed in."""
    register(page, live_server, "zara")
    page.goto(live_server + "/lessons/trade/quiz")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/attempts/**")
    practice = page.url
    position = next(p for p, d in enumerate(attempt_questions(app, public_id_of(practice))) if d["type"] == "essay")
    page.goto(f"{practice}?q={position}")
    box = page.get_by_label(re.compile(r"^Your essay"))
    box.press_sequentially(ESSAY)
    for _ in range(50):  # saved half a second after the last keystroke
        if drafts(page):
            break
        page.wait_for_timeout(100)
    page.route("**/check", lambda route: route.abort("internetdisconnected"))
    page.get_by_role("button", name="Check").click()
    page.wait_for_timeout(500)
    page.unroute("**/check")
    page.goto(f"{practice}?q={position}")
    assert box.input_value() == ESSAY  # the essay comes back into the empty box
    page.get_by_role("button", name="Check").click()
    page.locator(".verdict h2").wait_for()
    assert page.locator(".verdict h2").inner_text() == "Waiting for a grade" and drafts(page) == []
