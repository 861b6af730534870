"""The design system in a real browser: at 375 and 1280 px, light and dark, the shared pages fit the screen with every
control reachable, pass axe, keep a one-row header on a desktop and a keyboard-usable menu on a phone, and a button
looks the same whether it is a link, a <button> or an <input>."""

import pytest

from browsing import BROWSER_MARKS, assert_accessible, controls_outside, log_in, no_horizontal_scroll, screenshot
from tests.test_teaching import create_assignment, create_class, join, person

pytestmark = BROWSER_MARKS

WIDTHS = {"phone": 375, "desktop": 1280}

# The tops and bottoms of what a desktop header shows: one row means they all overlap one band.
HEADER_ITEMS = """() => [...document.querySelectorAll('.site-header .brand, .site-header nav a, .site-search, .account-nav > *')]
  .filter(e => e.checkVisibility()).map(e => { const b = e.getBoundingClientRect(); return {text: e.innerText.trim(), top: b.top, bottom: b.bottom}; })"""


@pytest.fixture
def classroom(app):
    """An instructor with a class and an assignment; a student in the class who can start it."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    create_assignment(app, teacher, classroom_id, title="Trade check, a title long enough to wrap on a phone")
    join(person(app, "sami"), code)
    return classroom_id


def pages_of(role: str, classroom_id: int) -> dict[str, str]:
    """The pages a student and an instructor share the header and components on."""
    return {"student": {"home": "/", "lesson": "/lessons/kashmir-non-paper", "assignments": "/assignments"},
            "instructor": {"questions": "/teach/questions", "classroom": f"/teach/classes/{classroom_id}"}}[role]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_shared_pages_fit_the_screen_and_pass_axe(app, classroom, live_server, new_page, width, scheme):
    problems = []
    for user, role in (("sami", "student"), ("ines", "instructor")):
        page = new_page(width, color_scheme=scheme)
        log_in(page, live_server, user)
        for name, path in pages_of(role, classroom).items():
            page.goto(live_server + path)
            label = f"design-{name}-{scheme}"
            if not no_horizontal_scroll(page):
                problems.append(f"{label}: the page scrolls sideways at {WIDTHS[width]} px")
            problems.extend(f"{label}: {control} is outside the {WIDTHS[width]} px window" for control in controls_outside(page))
            assert_accessible(page, f"{label}@{width}")
            screenshot(page, label)
    assert not problems, "\n".join(problems)


def test_an_assignment_can_be_started_on_a_phone(app, classroom, live_server, new_page):
    """The audit's dead end: the Start button sat off the right edge of a table. Now the row is a card."""
    page = new_page("phone")
    log_in(page, live_server, "sami")
    page.goto(live_server + "/assignments")
    start = page.get_by_role("button", name="Start an attempt")
    box = start.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= 375
    row = page.locator("table.stack tbody tr").first
    assert row.locator("td[data-label=Due]").evaluate("e => getComputedStyle(e, '::before').content") == '"Due"'
    start.click()
    page.wait_for_url("**/attempts/**")


def test_the_desktop_header_is_one_row_for_an_instructor(app, classroom, live_server, new_page):
    page = new_page("desktop")
    log_in(page, live_server, "ines")
    page.goto(live_server + "/teach/questions")
    items = page.evaluate(HEADER_ITEMS)
    texts = [item["text"] for item in items]
    assert {"Backchannel", "Lessons", "Review", "My progress", "Assignments", "Teach", "ines", "Log out"} <= set(texts)
    band_top, band_bottom = max(item["top"] for item in items), min(item["bottom"] for item in items)
    assert band_top < band_bottom, f"the header wraps: {items}"
    assert page.locator(".site-header").bounding_box()["height"] < 72
    assert not page.get_by_text("Menu", exact=True).is_visible()
    assert page.get_by_role("link", name="Teach").get_attribute("aria-current") == "page"


def test_the_phone_menu_opens_and_is_used_with_the_keyboard(app, classroom, live_server, new_page):
    page = new_page("phone")
    log_in(page, live_server, "sami")
    page.goto(live_server + "/lessons/introduction")
    header = page.locator(".site-header")
    assert header.bounding_box()["height"] < 72
    assert not page.get_by_role("link", name="My progress").is_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    assert page.evaluate("document.activeElement.innerText").strip() == "Menu"
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="My progress").is_visible()
    assert page.get_by_role("searchbox", name="Search the course").is_visible()
    while page.evaluate("document.activeElement.innerText").strip() != "My progress":
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/me")
    page.get_by_text("Menu", exact=True).click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.get_by_text("Menu", exact=True).click()
    assert page.get_by_role("link", name="Log in").is_visible()


def test_the_header_search_is_a_plain_get_form(live_server, new_page):
    page = new_page("desktop")
    page.goto(live_server + "/")
    box = page.get_by_role("searchbox", name="Search the course")
    box.fill("Kargil")
    box.press("Enter")
    page.wait_for_load_state()
    assert page.url.endswith("/search?q=Kargil")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_button_looks_the_same_on_a_link_a_button_and_an_input(live_server, new_page, width):
    page = new_page(width)
    page.goto(live_server + "/")
    page.locator("main").evaluate("""main => main.insertAdjacentHTML('beforeend',
      '<p id=trio><a class=button href=#>Go</a> <button class=button>Go</button> <input type=submit class=button value=Go>'
      + ' <a class="button secondary" href=#>Go</a> <button class="button danger">Go</button> <input type=submit class="button quiet" value=Go></p>')""")
    looks = page.locator("#trio .button").evaluate_all("""buttons => buttons.map(b => { const s = getComputedStyle(b);
      return [s.fontFamily, s.fontSize, s.fontWeight, s.lineHeight, s.paddingTop, s.paddingLeft, b.getBoundingClientRect().height]; })""")
    # A quiet button reads as a link: no side padding, so its words line up with the text above it.
    quiet = looks.pop()
    assert all(look == looks[0] for look in looks), looks
    assert quiet[5] == "0px" and quiet[:5] + quiet[6:] == looks[0][:5] + looks[0][6:], quiet
    assert looks[0][6] >= 44  # a touch target


def test_choice_cards_show_hover_checked_and_focus(app, live_server, new_page):
    """A radio's label is a card at least 44 px high; checking it marks the card (border and tint); the focused radio
    keeps its ring and its card takes the focus colour."""
    page = new_page("phone")
    page.goto(live_server + "/")
    page.locator("main").evaluate("""main => main.insertAdjacentHTML('beforeend',
      '<fieldset id=pick><legend>Pick</legend><label class=choice><input type=radio name=p value=a> Track two</label>'
      + '<label class=choice><input type=radio name=p value=b> Backdoor</label></fieldset>')""")
    first = page.locator("#pick label.choice").first
    assert first.bounding_box()["height"] >= 44
    before = first.evaluate("e => getComputedStyle(e).borderTopWidth")
    first.click()
    assert first.evaluate("e => getComputedStyle(e).borderTopWidth") != before
    first.hover()
    assert first.evaluate("e => getComputedStyle(e).backgroundColor") != page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.keyboard.press("ArrowDown")
    second = page.locator("#pick label.choice").nth(1)
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") == "solid"  # the radio's own ring
    assert second.evaluate("e => getComputedStyle(e).borderTopColor") != first.evaluate("e => getComputedStyle(e).borderTopColor")


# Boxes wider than the window, the widest first (an element a few pixels too wide still scrolls a phone sideways).
TOO_WIDE = """() => [...document.querySelectorAll('main *')].filter(e => e.checkVisibility())
  .map(e => [e, e.getBoundingClientRect()]).filter(([e, b]) => b.width > 0 && (b.left < -0.5 || b.right > innerWidth + 0.5))
  .map(([e, b]) => `${e.tagName.toLowerCase()}.${e.className} ${Math.round(b.left)}–${Math.round(b.right)}`)"""


def test_a_test_page_fits_a_phone_and_its_flag_button_reads_as_one_link(live_server, new_page):
    """The audit's defects on a test at 375 px: the quiz bar 4 px wider than the screen, and "Flag for later" with its
    underline broken in two (each word run was a flex item of its own, set apart by the button's gap)."""
    page = new_page("phone")
    page.goto(live_server + "/lessons/trade/quiz")
    page.get_by_role("button", name="Start a test").click()
    page.wait_for_url("**/attempts/**")
    assert page.evaluate(TOO_WIDE) == [] and no_horizontal_scroll(page)
    flag = page.locator(".flag-toggle").first
    runs = flag.evaluate("b => [...b.childNodes].filter(n => n.nodeType === 1 ? getComputedStyle(n).position !== 'absolute' : n.textContent.trim()).length")
    assert runs == 1 and " ".join(flag.text_content().split()) == "⚑ Flag question 1 for later"
