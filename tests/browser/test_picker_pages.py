"""The question picker in a real browser: at 375 and 1280 px, light and dark, it fits the screen and passes axe; a
ticked question joins the list at once with JavaScript and through "Add selected" without it; the keyboard reaches
every control; once a student has started, a change is shown and confirmed first."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from browsing import BROWSER_MARKS, assert_accessible, controls_outside, log_in, no_horizontal_scroll, screenshot
from app.extensions import db
from app.models import Assignment, Attempt
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


@pytest.fixture
def picker(app):
    """An instructor's class with a five-question assignment and a joined student; the picker's address."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id, title="Trade check, a title long enough to wrap on a phone")
    student = person(app, "sami")
    join(student, code)
    return {"assignment": assignment_id, "path": f"/teach/assignments/{assignment_id}/questions", "student": student}


def question_ids(app, assignment_id) -> list[str]:
    with app.app_context():
        return list(db.session.get(Assignment, assignment_id).question_ids)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_picker_fits_the_screen_and_passes_axe(app, picker, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "ines")
    page.goto(live_server + picker["path"])
    page.locator("#bank .pick-preview summary").first.click()
    assert page.get_by_role("heading", name=re.compile(r"Chosen: 5 questions, 5 points in all")).is_visible()
    assert no_horizontal_scroll(page), "the picker scrolls sideways"
    assert not controls_outside(page)
    assert_accessible(page, f"picker-{width}-{scheme}")
    screenshot(page, f"picker-{scheme}")


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_ticking_a_question_adds_it_at_once(app, picker, live_server, new_page, width):
    page = new_page(width)
    log_in(page, live_server, "ines")
    page.goto(live_server + picker["path"])
    assert not page.get_by_role("button", name="Add selected").is_visible()  # JavaScript adds on a tick
    box = page.locator("#bank input[name=add]").first
    added = box.get_attribute("value")
    box.check()
    page.locator(f"#chosen-{added}").wait_for()
    assert page.get_by_role("heading", name=re.compile(r"Chosen: 6 questions, 6 points in all")).is_visible()
    expect(page.locator(f"#bank-{added} .chosen-mark")).to_be_visible()
    expect(page.locator("#announcer")).to_contain_text("Added 1. Now 6 questions")
    assert question_ids(app, picker["assignment"])[-1] == added
    # points, then a move and a remove, in place and saved
    page.locator(f"#points-{added}").fill("2.5")
    page.locator(f"#points-{added}").press("Enter")
    page.get_by_role("heading", name=re.compile(r"7\.5 points in all")).wait_for()
    page.get_by_role("button", name="Move question 6 up").click()
    expect(page.locator(f"#chosen-{added} .chosen-number")).to_have_text("5.")
    assert question_ids(app, picker["assignment"])[4] == added
    assert page.evaluate("document.activeElement.value") == f"up:{added}"  # focus stays on the button pressed
    page.get_by_role("button", name="Remove question 5").click()
    page.get_by_role("heading", name=re.compile(r"Chosen: 5 questions")).wait_for()
    assert added not in question_ids(app, picker["assignment"])
    # two ticks in quick succession: the second waits for the first's answer, then goes in too
    first, second = [page.locator("#bank input[name=add]").nth(n).get_attribute("value") for n in (0, 1)]
    page.locator(f"#add-{first}").check()
    page.locator(f"#add-{second}").check()
    page.get_by_role("heading", name=re.compile(r"Chosen: 7 questions")).wait_for()
    assert question_ids(app, picker["assignment"])[-2:] == [first, second]


def test_without_javascript_add_selected_and_the_keyboard(app, picker, live_server, new_page):
    page = new_page("desktop", java_script_enabled=False)
    log_in(page, live_server, "ines")
    page.goto(live_server + picker["path"] + "?lesson=&qtype=true_false")
    boxes = page.locator("#bank input[name=add]")
    chosen = [boxes.nth(0).get_attribute("value"), boxes.nth(1).get_attribute("value")]
    # from the first box, by keyboard only: tick two, then reach "Add selected" and press it
    boxes.nth(0).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    while page.evaluate("document.activeElement.name") != "add":
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    page.get_by_role("button", name="Add selected").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert question_ids(app, picker["assignment"])[-2:] == chosen
    assert page.get_by_text("Added 2. Now 7 questions, 7 points in all.").is_visible()
    focus_ring = page.evaluate("""() => { const b = document.querySelector('#chosen button[name=remove]'); b.focus();
        return getComputedStyle(b).outlineStyle; }""")
    assert focus_ring != "none"


def test_a_change_after_a_start_is_confirmed(app, picker, live_server, new_page):
    take(app, picker["student"], picker["assignment"], right=True)
    page = new_page("phone")
    log_in(page, live_server, "ines")
    page.goto(live_server + picker["path"])
    expect(page.get_by_text("1 student has started.")).to_be_visible()
    first = question_ids(app, picker["assignment"])[0]
    page.locator(f"#points-{first}").fill("4")
    page.get_by_role("button", name="Save points").first.click()
    expect(page.get_by_text("goes from 1 to 4 points")).to_be_visible()
    expect(page.get_by_text("The new points re-mark every attempt: 1 submitted attempt gets a new total")).to_be_visible()
    assert no_horizontal_scroll(page)
    assert_accessible(page, "picker-confirm-phone")
    page.get_by_role("button", name="Yes, make this change").click()
    expect(page.get_by_text("1 attempt re-marked")).to_be_visible()
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.assignment_id == picker["assignment"]))
        assert attempt.max_score == 8 and attempt.score == 8
