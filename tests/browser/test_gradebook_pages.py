"""The gradebook and an attempt's page in a browser: at 375 and 1280 px, light and dark, axe clean, nothing sideways;
sorting and filtering by keyboard with and without JavaScript; a wide gradebook scrolls in its own box with the names
kept in view; the cell opens the attempt; both exports download and read back."""

import csv
import io
from datetime import timedelta

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.extensions import db
from app.models import Assignment, AssignmentOverride, Attempt, ClassGroup, Enrollment, User

from browsing import BROWSER_MARKS, assert_accessible, controls_outside, log_in, no_horizontal_scroll, screenshot
from tests.test_gradebook import read_xlsx
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


def build_class(app, assignments: int) -> dict:
    """A teacher (ines) with a class of three students in two groups, ``assignments`` assignments (the first taken by
    sana right and omar wrong), a group override, and a student who left after handing in."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher, "Backchannel seminar")
    students = {name: person(app, name) for name in ("sana", "omar", "zara", "leaver")}
    for client in students.values():
        join(client, code)
    ids = [create_assignment(app, teacher, classroom_id, attempt_limit=2,
                             title=["Trade check", "Kashmir back-channel", "Sports diplomacy", "Composite dialogue",
                                    "Track two", "Neemrana", "Agra summit", "Lahore bus", "Cricket", "Musharraf"][i])
           for i in range(assignments)]
    attempt = take(app, students["sana"], ids[0])
    take(app, students["omar"], ids[0], right=False)
    take(app, students["leaver"], ids[0], right=False)
    with app.app_context():
        users = dict(db.session.execute(sa.select(User.username, User.id)).all())
        evening = ClassGroup(classroom_id=classroom_id, name="Evening")
        morning = ClassGroup(classroom_id=classroom_id, name="Morning")
        db.session.add_all([evening, morning])
        db.session.flush()
        enrolments = {e.user_id: e for e in db.session.scalars(sa.select(Enrollment).where(Enrollment.classroom_id == classroom_id))}
        enrolments[users["omar"]].group_id = evening.id
        enrolments[users["sana"]].group_id = morning.id
        db.session.add(AssignmentOverride(assignment_id=ids[0], group_id=evening.id, extra_attempts=1))
        # Omar handed in after the due date (moved earlier since): his cell is marked late.
        omar_attempt = db.session.scalar(sa.select(Attempt).where(Attempt.owner_key == f"user:{users['omar']}"))
        db.session.get(Assignment, ids[0]).due_at = omar_attempt.submitted_at - timedelta(hours=1)
        for other in db.session.scalars(sa.select(Attempt).where(Attempt.owner_key != omar_attempt.owner_key)):
            other.submitted_at = omar_attempt.submitted_at - timedelta(hours=2)
            other.started_at = other.submitted_at - timedelta(minutes=10)
        db.session.delete(enrolments[users["leaver"]])
        db.session.commit()
    teacher.get(f"/teach/classes/{classroom_id}")  # the creations' flashes are read here, not on the gradebook
    return {"classroom": classroom_id, "assignments": ids, "attempt": attempt}


@pytest.fixture
def small(app):
    return build_class(app, 4)


def open_gradebook(new_page, live_server, classroom_id, width="desktop", **options):
    page = new_page(width, **options)
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/teach/classes/{classroom_id}/gradebook")
    return page


def shown_names(page) -> list[str]:
    return page.eval_on_selector_all("#gradebook-current tr[data-name]:not([hidden])", "rows => rows.map(r => r.dataset.name)")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_gradebook_fits_reads_and_passes_axe(new_page, live_server, small, width, scheme):
    page = open_gradebook(new_page, live_server, small["classroom"], width, color_scheme=scheme)
    assert page.locator("h1").inner_text() == "Gradebook"
    sana = page.locator('tr[data-name="sana"]')
    assert "5 / 5" in sana.inner_text() and "100 %" in sana.inner_text()
    assert "Override: group Evening, +1 attempt" in page.locator('tr[data-name="omar"]').inner_text()
    assert "1 of 3 attempts" in page.locator('tr[data-name="omar"]').inner_text()  # the override's extra attempt
    assert "Late" in page.locator('tr[data-name="omar"]').inner_text() and "Late" not in sana.inner_text()
    expect(page.locator("#gradebook-former").get_by_text("No longer in the class")).to_be_visible()
    assert "2 of 3 students graded" in page.locator("tfoot").inner_text()
    assert no_horizontal_scroll(page), "the page scrolls sideways"
    assert controls_outside(page) == []
    assert_accessible(page, f"gradebook-{width}-{scheme}")
    screenshot(page, f"gradebook-{scheme}")


def test_sorting_and_filtering_from_the_keyboard_happen_in_place(new_page, live_server, small):
    page = open_gradebook(new_page, live_server, small["classroom"])
    page.evaluate("window.stayedHere = true")
    assert shown_names(page) == ["omar", "sana", "zara"]
    heading = page.locator(f'a[data-sort-key="{small["assignments"][0]}"]')
    for _ in range(60):  # Tab through the page to the first assignment's heading, as a keyboard user would
        page.keyboard.press("Tab")
        if heading.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the sort link was never reached with Tab")
    assert heading.evaluate("link => getComputedStyle(link).outlineStyle") != "none"  # the focus ring shows
    page.keyboard.press("Enter")
    assert shown_names(page) == ["omar", "sana", "zara"]  # lowest first, no grade last
    page.keyboard.press("Enter")
    assert shown_names(page) == ["sana", "omar", "zara"]
    assert page.locator(f'th:has(a[data-sort-key="{small["assignments"][0]}"])').get_attribute("aria-sort") == "descending"
    assert f"sort={small['assignments'][0]}&dir=desc" in page.url
    assert page.evaluate("window.stayedHere") is True  # sorted without loading another page
    page.locator("#gradebook-filter").fill("EVEN")
    assert shown_names(page) == ["omar"] and page.locator("#gradebook-count").inner_text() == "Showing 1 of 4 students."
    page.locator("#gradebook-filter").fill("")
    page.locator("#gradebook-group").select_option(label="No group")
    assert shown_names(page) == ["zara"]
    page.reload()  # the address kept the view
    assert shown_names(page) == ["zara"] and page.locator("#gradebook-group").input_value() == "none"


def test_without_javascript_the_links_and_the_form_do_the_same(new_page, live_server, small):
    page = open_gradebook(new_page, live_server, small["classroom"], java_script_enabled=False)
    page.locator(f'a[data-sort-key="{small["assignments"][0]}"]').click()
    page.locator(f'a[data-sort-key="{small["assignments"][0]}"]').click()
    assert shown_names(page) == ["sana", "omar", "zara"]
    page.locator("#gradebook-filter").fill("zar")
    page.get_by_role("button", name="Show", exact=True).click()
    assert shown_names(page) == ["zara"] and "filter=zar" in page.url and f"sort={small['assignments'][0]}" in page.url
    page.get_by_role("link", name="Show everyone").click()
    assert shown_names(page) == ["sana", "omar", "zara"]


def test_a_wide_gradebook_scrolls_in_its_box_and_keeps_the_names_in_view(app, new_page, live_server):
    world = build_class(app, 10)
    page = open_gradebook(new_page, live_server, world["classroom"])
    box = page.locator(".gradebook-scroll")
    assert box.evaluate("box => box.scrollWidth > box.clientWidth"), "ten assignments should be wider than the window"
    assert no_horizontal_scroll(page)
    box.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")  # the box takes the keyboard: focusable, it scrolls with the arrows
    for _ in range(50):  # keyboard scrolling is animated: wait for it to move
        if box.evaluate("box => box.scrollLeft") > 0:
            break
        page.wait_for_timeout(100)
    assert box.evaluate("box => box.scrollLeft") > 0, "the arrow keys did not scroll the focused box"
    box.evaluate("box => { box.scrollLeft = box.scrollWidth; }")
    name = page.locator('tr[data-name="sana"] th')
    left = name.evaluate("cell => cell.getBoundingClientRect().left")
    assert left >= box.evaluate("box => box.getBoundingClientRect().left") - 1 and name.is_visible()
    assert_accessible(page, "gradebook-wide")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_cell_opens_the_attempt_with_points_per_question(new_page, live_server, small, width, scheme):
    page = open_gradebook(new_page, live_server, small["classroom"], width, color_scheme=scheme)
    page.locator('tr[data-name="sana"] a.grade').click()
    assert page.locator("h1").inner_text() == "Trade check: sana"
    assert page.locator(".question-points").count() == 5 and page.get_by_text("1 of 1 point").first.is_visible()
    assert no_horizontal_scroll(page) and controls_outside(page) == []
    assert_accessible(page, f"gradebook-attempt-{width}-{scheme}")
    screenshot(page, f"gradebook-attempt-{scheme}")


def test_both_exports_download_and_read_back(new_page, live_server, small):
    page = open_gradebook(new_page, live_server, small["classroom"])
    with page.expect_download() as download:
        page.get_by_role("link", name="Download for Excel (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    table, _ = read_xlsx(download.value.path().read_bytes())
    assert table[0][:4] == ["Student", "Group", "In the class", "Trade check: points (out of 5)"]
    assert ["sana", "Morning", "yes", 5.0, 100.0, 1.0] == table[2][:6]
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(download.value.path().read_text(encoding="utf-8-sig"))))
    assert rows[2][:6] == ["sana", "Morning", "yes", "5.0", "100.0", "1"] and rows[-1][:3] == ["leaver", "", "no"]


@pytest.mark.parametrize("script", [True, False])
def test_on_a_phone_the_form_sorts_the_cards(new_page, live_server, small, script):
    page = open_gradebook(new_page, live_server, small["classroom"], "phone", java_script_enabled=script)
    assert not page.locator("table.gradebook thead").is_visible()  # no headings on the cards: the form sorts
    page.locator("#gradebook-sort").select_option(label="Trade check")
    page.locator("#gradebook-dir").select_option(value="desc")
    if not script:
        page.get_by_role("button", name="Show", exact=True).click()
    assert shown_names(page) == ["sana", "omar", "zara"]
    assert f"sort={small['assignments'][0]}&dir=desc" in page.url
    assert no_horizontal_scroll(page) and controls_outside(page) == []
