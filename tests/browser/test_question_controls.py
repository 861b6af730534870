"""Inside a question and after it: choice cards, drag-and-drop ordering and matching (pointer, tap and keyboard), hints, and the
result page, at phone and desktop width, in light and dark, axe clean and without sideways scrolling."""

import pytest

from app.course.scoring import key_response
from browsing import BROWSER_MARKS, assert_accessible, attempt_questions, no_horizontal_scroll, public_id_of, screenshot

pytestmark = BROWSER_MARKS

SCHEMES = [("phone", "light"), ("phone", "dark"), ("desktop", "light"), ("desktop", "dark")]


def start_practice(page, base: str, slug: str = "role-of-sports") -> list[dict]:
    """Start a practice of a lesson from its quiz page, as a learner does; the questions as drawn."""
    page.goto(f"{base}/lessons/{slug}/quiz")
    page.locator('form:has(input[name="mode"][value="practice"]) [type="submit"]').click()
    page.wait_for_url("**/attempts/*")
    return attempt_questions(page.context.app, public_id_of(page.url))


@pytest.fixture
def learner_page(app, live_server, new_page):
    """Factory: a page of the given width and colour scheme that knows the app (for the drawn questions)."""
    def factory(width="desktop", scheme="light", **options):
        page = new_page(width, color_scheme=scheme, **options)
        page.context.app = app
        return page
    return factory


def question_fits(page) -> bool:
    """No part of the question (its controls, the drag list, the hint) reaches past the window's right edge.
    (The page around it, with the quiz bar, is the quiz pages' own test.)"""
    return page.evaluate("""() => [...document.querySelectorAll('.question, .question *, .question-hint')]
                              .every(e => e.getBoundingClientRect().right <= window.innerWidth + 1)""")


def ordering_position(questions: list[dict]) -> int:
    return next(position for position, data in enumerate(questions) if data["type"] == "ordering")


def open_matching(page) -> dict:
    """Go to the practice's matching question; its data as drawn."""
    questions = attempt_questions(page.context.app, public_id_of(page.url))
    position = next(position for position, data in enumerate(questions) if data["type"] == "matching")
    page.goto(f"{page.url.split('?')[0]}?q={position}")
    return questions[position]


def matched(page) -> dict[str, str]:
    """Each left item's chosen answer as the form's hidden selects hold it (the text of the option chosen)."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('.question dl.pairs select')].map(
        s => [document.querySelector(`label[for="${s.id}"]`).textContent.trim(), s.value ? s.options[s.selectedIndex].textContent.trim() : '']))""")


def slot(page, left: str):
    return page.locator(".match-slot", has=page.locator(".match-left", has_text=left)).locator(".match-target")


def chip(page, text: str):
    return page.locator(".match-chip", has=page.locator(".match-text", has_text=text))


def shown_order(page) -> list[str]:
    return [text.strip() for text in page.locator(".dnd-list .dnd-text").all_inner_texts()]


def key_texts(data: dict) -> list[str]:
    texts = {item["id"]: item["text"] for item in data["items"]}
    return [texts[ident] for ident in key_response(data)]


@pytest.mark.parametrize(("width", "scheme"), SCHEMES)
def test_every_question_type_in_practice_is_accessible_and_fits(learner_page, live_server, width, scheme):
    page = learner_page(width, scheme)
    questions = start_practice(page, live_server)
    url = page.url.split("?")[0]
    first_of_type = {}
    for position, data in enumerate(questions):
        first_of_type.setdefault(data["type"], position)
    assert len(first_of_type) == 9
    for qtype, position in first_of_type.items():
        page.goto(f"{url}?q={position}")
        assert_accessible(page, f"practice {qtype} {width} {scheme}")
        assert question_fits(page), f"a {qtype} question reaches past the window at {width}"
        for control in page.locator(".question label.choice").all():
            assert control.bounding_box()["height"] >= 44, f"a {qtype} choice is under 44 px high"
        if qtype in ("ordering", "matching"):
            screenshot(page, f"practice-{qtype}-{scheme}")


def test_dragging_an_item_reorders_it_and_the_order_shown_is_the_order_scored(learner_page, live_server):
    page = learner_page("phone")
    questions = start_practice(page, live_server)
    position = ordering_position(questions)
    page.goto(f"{page.url.split('?')[0]}?q={position}")
    assert page.locator(".question ol.slots").is_hidden()  # the selects stay in the form, behind the list
    before = shown_order(page)
    # The list's top well below the sticky quiz bar, so the finger lands on the grip, not on the bar.
    page.evaluate("window.scrollTo(0, document.querySelector('.dnd-list').getBoundingClientRect().top + scrollY - 200)")
    first, second = page.locator(".dnd-list li").first, page.locator(".dnd-list li").nth(1)
    grip, target = first.locator(".grip").bounding_box(), second.bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(grip["x"] + grip["width"] / 2, target["y"] + target["height"] * 0.8, steps=12)
    page.mouse.up()
    assert shown_order(page) == [before[1], before[0], *before[2:]]
    selected = page.locator(".question ol.slots select").evaluate_all(
        "selects => selects.map(s => s.options[s.selectedIndex].textContent.trim())")
    assert selected == shown_order(page)

    # Into the key's order with the arrows, then Check: scored right, from the selects the list wrote.
    wanted = key_texts(questions[position])
    for place, text in enumerate(wanted):
        while shown_order(page).index(text) > place:
            page.get_by_role("button", name=f"Move “{text}” up").click()
    assert shown_order(page) == wanted
    page.get_by_role("button", name="Check").click()
    page.locator(".verdict").wait_for()
    assert "Correct" in page.locator(".verdict").inner_text()


def test_an_ordering_shown_right_is_kept_with_one_press(learner_page, live_server):
    page = learner_page("phone")
    questions = start_practice(page, live_server)
    page.goto(f"{page.url.split('?')[0]}?q={ordering_position(questions)}")
    selects = page.locator(".question ol.slots select")
    assert selects.evaluate_all("ss => ss.map(s => s.value)") == [""] * selects.count()  # unanswered until she acts
    page.get_by_role("button", name="Keep this order").click()
    assert selects.evaluate_all("ss => ss.map(s => s.options[s.selectedIndex].textContent.trim())") == shown_order(page)
    assert page.get_by_role("button", name="Keep this order").is_hidden()
    assert "Your order is set" in page.locator(".dnd-status").inner_text()


def test_the_ordering_list_works_from_the_keyboard_alone(learner_page, live_server):
    page = learner_page("desktop", "dark")
    questions = start_practice(page, live_server)
    position = ordering_position(questions)
    page.goto(f"{page.url.split('?')[0]}?q={position}")
    before = shown_order(page)
    for _ in range(60):  # Tab to the first item's "down" button, as a keyboard user does
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement.getAttribute('aria-label') || ''")
        if label == f"Move “{before[0]}” down":
            break
    else:
        raise AssertionError("Tab never reached the first item's move-down button")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused button shows no focus ring"
    page.keyboard.press("Enter")
    assert shown_order(page)[:2] == [before[1], before[0]]
    # Focus stays on the moved item, so a second press moves it on.
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == f"Move “{before[0]}” down"
    page.keyboard.press("Space")
    assert shown_order(page).index(before[0]) == 2
    page.wait_for_function("text => document.getElementById('announcer').textContent.includes(text)",
                           arg=f"is now in place 3 of {len(before)}")


def test_matching_by_tapping_an_answer_then_its_item_is_what_gets_scored(learner_page, live_server):
    page = learner_page("phone", has_touch=True, is_mobile=True)
    start_practice(page, live_server)
    data = open_matching(page)
    assert page.locator(".question dl.pairs").is_hidden()  # the selects stay in the form, behind the board
    assert set(matched(page).values()) == {""}  # nothing chosen until the learner acts
    assert "Not answered yet" in page.locator(".match-board .dnd-status").inner_text()
    first, second = data["pairs"][0], data["pairs"][1]
    chip(page, second["right"]).tap()
    assert chip(page, second["right"]).get_attribute("aria-pressed") == "true"
    assert slot(page, first["left"]).inner_text() == "Place it here"  # the places say they wait, not only by colour
    assert_accessible(page, "practice matching holding an answer")
    slot(page, first["left"]).tap()  # a wrong place first, then moved: tap it to take the answer back
    assert matched(page)[first["left"]] == second["right"]
    slot(page, first["left"]).tap()
    slot(page, second["left"]).tap()
    assert matched(page)[first["left"]] == "" and matched(page)[second["left"]] == second["right"]
    page.wait_for_function("text => document.getElementById('announcer').textContent.includes(text)",
                           arg=f"goes with “{second['left']}”")
    for pair in data["pairs"]:
        if matched(page)[pair["left"]] != pair["right"]:
            chip(page, pair["right"]).tap()
            slot(page, pair["left"]).tap()
    assert matched(page) == {pair["left"]: pair["right"] for pair in data["pairs"]}
    assert f"{len(data['pairs'])} of {len(data['pairs'])} matched" in page.locator(".match-board .dnd-status").inner_text()
    assert question_fits(page) and no_horizontal_scroll(page)
    screenshot(page, "practice-matching-placed")
    page.get_by_role("button", name="Check").click()
    page.locator(".verdict").wait_for()
    assert "Correct" in page.locator(".verdict").inner_text()


def test_an_answer_dragged_onto_an_item_is_placed_and_can_be_cleared(learner_page, live_server):
    page = learner_page("desktop", "dark")
    start_practice(page, live_server)
    pair = open_matching(page)["pairs"][0]
    page.evaluate("window.scrollTo(0, document.querySelector('.match-board').getBoundingClientRect().top + scrollY - 200)")
    grip = chip(page, pair["right"]).locator(".grip").bounding_box()
    target = slot(page, pair["left"]).bounding_box()
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=12)
    page.mouse.up()
    assert matched(page)[pair["left"]] == pair["right"]
    assert slot(page, pair["left"]).inner_text() == pair["right"]
    assert chip(page, pair["right"]).get_attribute("aria-pressed") == "false"  # dropped, not left in the hand
    page.get_by_role("button", name=f"Clear the answer for “{pair['left']}”").click()
    assert matched(page)[pair["left"]] == ""


def test_matching_works_from_the_keyboard_alone(learner_page, live_server):
    page = learner_page("desktop")
    start_practice(page, live_server)
    pair = open_matching(page)["pairs"][-1]
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.match-chip') && document.activeElement.innerText") and \
                pair["right"] in page.evaluate("document.activeElement.innerText"):
            break
    else:
        raise AssertionError("Tab never reached the answer")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("text => document.getElementById('announcer').textContent.includes(text)", arg="Picked")
    for _ in range(20):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('aria-labelledby') || ''").endswith("-target") and \
                pair["left"] in page.evaluate("document.activeElement.closest('.match-slot').innerText"):
            break
    else:
        raise AssertionError("Tab never reached the item")
    page.keyboard.press("Space")
    assert matched(page)[pair["left"]] == pair["right"]
    # Escape puts a picked answer back without placing it.
    chip(page, pair["right"]).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    assert chip(page, pair["right"]).get_attribute("aria-pressed") == "false"


def test_a_hint_opens_from_the_keyboard(learner_page, live_server):
    page = learner_page("phone")
    questions = start_practice(page, live_server)
    position = next(position for position, data in enumerate(questions) if data.get("hint"))
    page.goto(f"{page.url.split('?')[0]}?q={position}")
    hint = page.locator("details.question-hint")
    assert not hint.evaluate("d => d.open")
    hint.locator("summary").focus()
    page.keyboard.press("Enter")
    assert hint.evaluate("d => d.open") and questions[position]["hint"] in hint.inner_text()


@pytest.mark.parametrize(("width", "scheme"), SCHEMES)
def test_the_result_page_is_accessible_fits_and_leads_with_what_was_missed(learner_page, live_server, width, scheme):
    page = learner_page(width, scheme)
    page.goto(f"{live_server}/lessons/role-of-sports/quiz")
    page.locator('form:has(input[name="mode"][value="test"]) [type="submit"]').click()
    page.wait_for_url("**/attempts/*")
    public_id = public_id_of(page.url)
    # Nothing answered: hand it in as the timer would (straight to the result).
    page.evaluate("""() => { const form = document.querySelector('form.quiz-form');
                             form.querySelectorAll('[name=submit],[name=save]').forEach(b => b.remove());
                             HTMLFormElement.prototype.submit.call(form); }""")
    page.wait_for_url(f"**/attempts/{public_id}/result")
    assert page.locator(".result-summary .score").inner_text().startswith("You scored 0/")
    assert page.locator(".missed-list li").count() == page.locator("ol.review > li").count()
    assert_accessible(page, f"result {width} {scheme}")
    assert no_horizontal_scroll(page)
    button = page.get_by_role("button", name="Practise the")
    box = button.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]
    screenshot(page, f"result-missed-{scheme}")
    if width == "phone" and scheme == "light":
        button.click()
        page.wait_for_url("**/attempts/*")
        assert "questions you missed" in page.locator("main").inner_text()


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_an_ordering_item_keeps_the_width_for_its_words(learner_page, live_server, width):
    """The ↑/↓ buttons take a row of their own on a phone instead of squeezing the item's text; each stays 44 px."""
    page = learner_page(width)
    questions = start_practice(page, live_server)
    page.goto(f"{page.url.split('?')[0]}?q={ordering_position(questions)}")
    sizes = page.locator(".dnd-list li").first.evaluate("""li => ({
        text: li.querySelector('.dnd-text').getBoundingClientRect().width, item: li.getBoundingClientRect().width,
        buttons: [...li.querySelectorAll('button')].map(b => [b.getBoundingClientRect().width, b.getBoundingClientRect().height])})""")
    if width == "phone":
        assert sizes["text"] >= sizes["item"] - 110  # only the grip and the place number beside it (was about 120 px of 300)
    else:
        assert sizes["text"] >= 400  # room enough for the arrows beside it
    assert all(w >= 44 and h >= 44 for w, h in sizes["buttons"])
    assert question_fits(page) and no_horizontal_scroll(page)
