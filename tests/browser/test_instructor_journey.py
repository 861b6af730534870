"""Issue 17's "Done when": a new instructor runs a class from start to finish in the browser, through the pages alone.

Amna (Asia/Karachi, set in her settings) creates a class, describes it, adds a co-instructor, sets an assignment of six
hand-picked questions and four drawn at random (one worth 2 points), due 15 March 2027 at 17:00 her time, marks
released by hand. Asha chose Asia/Kolkata in her settings, Bilal keeps his browser's zone (UTC): each sees the deadline
in their own time. Asha gets extra time; Bilal starts, the due date moves (the page says what that means for him first), he submits and sees
no marks until Amna releases them; she reads the gradebook in points, opens his attempt and exports both files.
At each main page: axe clean (light; colours in dark too), nothing sideways or off-screen, at 1280 and 375 px.
The journey runs twice, the instructor's browser with JavaScript and without. Screenshots: test-output/journey/.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe

from app.extensions import db
from app.models import Attempt
from browsing import (BROWSER_MARKS, OUTPUT, WIDTHS, attempt_questions, controls_outside, describe, log_in,
                      no_horizontal_scroll, open_menu, public_id_of, register, run_axe, set_role)
from test_journeys import take_the_whole_page
from tests.test_gradebook import read_xlsx

pytestmark = BROWSER_MARKS

JOURNEY = OUTPUT / "journey"
# The dark theme's own check is its colours: axe's other rules do not depend on the theme (as test_accessibility).
DARK_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}
# The innermost elements that reach past the window's right edge, to say what makes a page scroll sideways.
TOO_WIDE = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.getBoundingClientRect().width > 0)
  .filter((e, _, all) => !all.some(other => other !== e && e.contains(other)))
  .slice(0, 3).map(e => `${e.tagName.toLowerCase()} in ${e.parentElement.closest('[class], [id]')?.className || '?'}`
    + ` ("${e.textContent.trim().slice(0, 40)}") to ${Math.round(e.getBoundingClientRect().right)} px`)"""
TITLE = "Back-channel diplomacy, week 3"
CLASS = "Informal diplomacy, spring 2027"


def check(page, name: str, problems: list[str], axe: bool = True) -> None:
    """The page as it stands, at 1280 and 375 px, light and dark: axe (every rule in light, colours in dark), no
    sideways scroll, no control outside the window; a screenshot of each. Problems are gathered so that one page's
    fault does not hide the rest of the journey; the test fails on them at the end. Axe cannot run in a page whose
    JavaScript is off (it hangs), so the run without JavaScript checks the layout only."""
    JOURNEY.mkdir(parents=True, exist_ok=True)
    for width in ("desktop", "phone"):
        w, h = WIDTHS[width]
        page.set_viewport_size({"width": w, "height": h})
        label = f"journey-{name}@{w}"
        if axe:
            problems.extend(f"{label}: {describe(v)}" for v in run_axe(page, label))
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            if scheme == "dark" and axe:
                dark = Axe().run(page, options=DARK_RULES).response["violations"]
                problems.extend(f"{label}@dark: {describe(v)}" for v in dark if v.get("impact") in ("serious", "critical"))
            if not no_horizontal_scroll(page):
                problems.append(f"{label}@{scheme}: the page scrolls sideways; too wide: {page.evaluate(TOO_WIDE)}")
            problems.extend(f"{label}@{scheme}: {control} is outside the window" for control in controls_outside(page))
            page.screenshot(path=str(JOURNEY / f"{name}-{w}px-{scheme}.png"), full_page=True)
    page.emulate_media(color_scheme="light")
    page.set_viewport_size({"width": WIDTHS["desktop"][0], "height": WIDTHS["desktop"][1]})


def choose_zone(page, base: str, zone: str) -> None:
    """Set the account's time zone on the settings page, as a person does."""
    page.goto(base + "/account/")
    page.get_by_label("Time zone", exact=True).select_option(zone)
    page.get_by_role("button", name="Save preferences").click()
    page.get_by_text("Preferences saved.").wait_for()


def tab_to(page, target, limit: int = 120) -> None:
    """Press Tab until ``target`` (a locator) has the focus, as a keyboard user does; its focus must show."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("e => e === document.activeElement"):
            assert target.evaluate("e => getComputedStyle(e).outlineStyle") != "none", "the focus does not show"
            return
    raise AssertionError(f"Tab never reached {target}")


def row_of(page, title: str):
    """A student's row of an assignment on their assignments page."""
    return page.get_by_role("row").filter(has=page.get_by_role("rowheader").filter(has_text=title))


@pytest.mark.parametrize("script", [True, False], ids=["with-javascript", "without-javascript"])
def test_an_instructor_runs_a_class_from_start_to_finish(app, serve, new_page, script):
    """The whole journey; the instructor's browser runs JavaScript or not (every step works both ways)."""
    base = serve(app)
    problems: list[str] = []

    # 1. Amna, a new instructor in Karachi, sets her zone, creates a class and describes it.
    amna = new_page(timezone_id="Asia/Karachi", java_script_enabled=script)

    def look(page, name: str) -> None:
        """Check a main page: Amna's in each run (named apart without JavaScript), the others' once."""
        if page is amna:
            check(page, name + ("" if script else "-nojs"), problems, axe=script)
        elif script:
            check(page, name, problems)

    register(amna, base, "amna")
    set_role(app, "amna", "instructor")  # what an administrator does with `flask users set-role`
    choose_zone(amna, base, "Asia/Karachi")
    amna.goto(base + "/")
    open_menu(amna)
    amna.get_by_role("link", name="Teach").click()
    amna.get_by_label("Class name").fill(CLASS)
    amna.get_by_role("button", name="Create class").click()
    amna.get_by_role("heading", name=CLASS, level=1).wait_for()
    code = amna.locator(".join-card .code").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4,16}", code)
    class_url = amna.url
    amna.get_by_role("link", name="Edit details").click()
    look(amna, "class-edit")
    amna.get_by_label("Description").fill("Tuesdays 10:00, room 4. One lesson of the paper a week.")
    amna.get_by_role("button", name=re.compile("Save")).click()
    amna.wait_for_url(class_url)
    assert amna.locator(".class-description").inner_text() == "Tuesdays 10:00, room 4. One lesson of the paper a week."

    # 2. She adds a co-instructor by username; he logs in and finds the class among his.
    register(new_page(), base, "farid")  # he signed up earlier, elsewhere
    set_role(app, "farid", "instructor")
    amna.get_by_label("Username").focus()  # by keyboard: type the name, Enter
    amna.keyboard.type("farid")
    with amna.expect_navigation():
        amna.keyboard.press("Enter")
    expect(amna.get_by_text("farid now teaches")).to_be_visible()
    look(amna, "class")
    farid = new_page()
    log_in(farid, base, "farid")
    farid.get_by_role("link", name="Teach").click()
    class_row = farid.get_by_role("row").filter(has_text=CLASS)
    assert "Co-instructor" in class_row.inner_text()
    look(farid, "classes-co-instructor")
    class_row.get_by_role("link", name=CLASS).click()
    assert farid.get_by_role("link", name="Set an assignment").is_visible()  # the same rights as the owner

    # 3. A draft assignment with a due date typed in her time, a time limit, then its questions.
    amna.get_by_role("link", name="Set an assignment").click()
    assert amna.get_by_text("Type them in your own time, Asia/Karachi").is_visible()
    amna.get_by_label("Title").fill(TITLE)
    amna.get_by_label(re.compile("^Due")).fill("2027-03-15T17:00")  # 17:00 in Karachi (UTC+5) = 12:00 UTC
    amna.get_by_label("Time limit in minutes (blank: none)").fill("30")
    amna.get_by_label("Attempts allowed (blank: unlimited)").fill("2")
    look(amna, "assignment-form")
    amna.get_by_role("button", name="Save as draft").click()
    amna.get_by_role("heading", name=TITLE, level=1).wait_for()
    hub = amna.url
    assert "15 Mar 2027, 17:00" in amna.locator("dl.settings").inner_text()
    amna.get_by_role("link", name="Questions and points").first.click()

    # Six hand-picked: the single-choice questions of the Kashmir lesson, ticked one by one (added at once).
    amna.get_by_label("Lesson", exact=True).select_option(label='Kashmir "non-paper" diplomacy')
    amna.get_by_label("Type", exact=True).select_option("single_choice")
    amna.get_by_role("button", name="Show", exact=True).click()
    amna.wait_for_load_state()
    boxes = amna.locator("#bank input[name=add]")
    picked = [boxes.nth(n).get_attribute("value") for n in range(6)]
    add_selected = amna.get_by_role("button", name="Add selected")
    assert add_selected.is_visible() != script  # picker.js adds a ticked question at once, so it hides the button
    if not script:  # tick them all, then add them
        for ident in picked:
            amna.locator(f"#add-{ident}").check()
        add_selected.click()
    else:  # with it, each tick adds the question at once
        for number, ident in enumerate(picked, start=1):
            amna.locator(f"#add-{ident}").check()
            amna.locator(f"#chosen-{ident}").wait_for()
            amna.get_by_role("heading", name=re.compile(rf"^Chosen: {number} questions?, {number} points? in all")).wait_for()
    amna.get_by_role("heading", name=re.compile(r"^Chosen: 6 questions, 6 points in all")).wait_for()
    look(amna, "picker")

    # Four drawn at random from the Trade lesson, never one already chosen.
    draw = amna.locator("section.draw")
    draw.get_by_label("Trade", exact=True).check()
    draw.get_by_label("How many").fill("4")
    draw.get_by_role("button", name="Draw at random").click()
    amna.get_by_role("heading", name=re.compile(r"^Chosen: 10 questions, 10 points in all")).wait_for()
    assert amna.locator(".chosen-row .drawn").count() == 4
    chosen = amna.eval_on_selector_all(".chosen-row", "rows => rows.map(r => r.id.replace('chosen-', ''))")
    assert chosen[:6] == picked and len(set(chosen)) == 10

    # The first question is worth 2 points.
    amna.locator(f"#points-{picked[0]}").fill("2")
    amna.get_by_role("button", name="Save points").first.click()
    amna.get_by_role("heading", name=re.compile(r"^Chosen: 10 questions, 11 points in all")).wait_for()
    look(amna, "picker-chosen")

    # 4. Marks by hand, then publish.
    amna.goto(hub)
    assert "10 questions, 11 points in all (4 drawn at random)" in " ".join(amna.locator("dl.settings").inner_text().split())
    amna.get_by_label("When I release them").check()
    amna.get_by_role("button", name="Save release setting").click()
    assert "Marks hidden. They come out when you release them" in amna.locator("#release").inner_text()
    amna.get_by_role("button", name="Publish", exact=True).click()
    assert f"“{TITLE}” is published" in amna.locator("main").inner_text()
    look(amna, "assignment-hub")

    # 5. Two students join with the code; each sees the deadline in their own time.
    asha = new_page(timezone_id="Asia/Kolkata")
    register(asha, base, "asha")
    # Chromium names her browser's zone by its old name, Asia/Calcutta (the tz cookie app.js sets says so, and the pages
    # would too): she picks Asia/Kolkata in her settings. Bilal keeps his browser's zone, UTC, through that cookie.
    choose_zone(asha, base, "Asia/Kolkata")
    bilal = new_page(timezone_id="UTC")
    register(bilal, base, "bilal")
    for student in (asha, bilal):
        student.goto(base + "/classes/join")
        student.get_by_label("Class code").fill(code)
        if student is bilal:
            look(student, "join")
        student.get_by_role("button", name="Join the class").click()
        student.wait_for_load_state()
        expect(student.get_by_text(CLASS).first).to_be_visible()
        student.goto(base + "/assignments")
    expect(asha.get_by_text("Dates are in Asia/Kolkata time")).to_be_visible()
    assert row_of(asha, TITLE).locator("td[data-label=Due]").inner_text() == "15 Mar 2027, 17:30"
    expect(bilal.get_by_text("Dates are in UTC time")).to_be_visible()
    assert row_of(bilal, TITLE).locator("td[data-label=Due]").inner_text() == "15 Mar 2027, 12:00 UTC"
    look(asha, "student-assignments")

    # 6. Asha gets 15 minutes more; her page says so.
    amna.goto(hub)
    amna.get_by_role("link", name=re.compile("Extra time, later due dates")).click()
    amna.get_by_label("Student or group").select_option(label="asha")
    amna.get_by_label("Extra minutes on the time limit").fill("15")
    amna.get_by_role("button", name="Save override").click()
    expect(amna.get_by_text("Saved the override for asha").first).to_be_visible()
    override_row = amna.get_by_role("row").filter(has_text="asha")
    assert "45 minutes" in override_row.inner_text() and "(+15)" in override_row.inner_text()
    look(amna, "overrides")
    asha.reload()
    asha_row = row_of(asha, TITLE)
    assert "Extended for you: +15 minutes" in asha_row.inner_text() and "45 min" in asha_row.inner_text()
    assert "Extended for you" not in row_of(bilal, TITLE).inner_text()

    # 7. Bilal starts; Amna moves the due date a day later: she is told who started and what changes for them first.
    bilal.reload()
    row_of(bilal, TITLE).get_by_role("button", name="Start an attempt").click()
    bilal.wait_for_url("**/attempts/**")
    expect(bilal.get_by_role("timer")).to_be_visible()
    look(bilal, "test")
    amna.goto(hub)
    assert "1 student has started: 1 attempt in progress, 0 submitted." in " ".join(amna.locator("main").inner_text().split())
    amna.get_by_role("link", name="Edit settings").click()
    assert amna.get_by_label(re.compile("^Due")).input_value() == "2027-03-15T17:00"  # shown back in her time
    amna.get_by_label(re.compile("^Due")).fill("2027-03-16T17:00")
    amna.get_by_role("button", name="Save changes").click()
    amna.get_by_role("heading", name="Save these changes?").wait_for()
    said = " ".join(amna.locator("main").inner_text().split())
    assert "1 student has started this assignment (1 attempt in progress, 0 submitted)" in said
    due_row = " ".join(amna.get_by_role("row").filter(has_text="Due date").inner_text().split())
    assert "15 Mar 2027, 17:00 becomes 16 Mar 2027, 17:00" in due_row
    assert "The due date moves for everyone, including the 1 attempt in progress" in due_row
    look(amna, "assignment-changes")
    amna.get_by_role("button", name="Save the changes").click()
    amna.wait_for_url(hub)
    assert "Changes saved." in amna.locator("main").inner_text()
    asha.reload()
    assert row_of(asha, TITLE).locator("td[data-label=Due]").inner_text() == "16 Mar 2027, 17:30"

    # 8. Bilal submits (all but one answered right; an essay drawn is left blank) and sees no marks yet.
    answerable = sum(q["type"] != "essay" for q in attempt_questions(app, public_id_of(bilal.url)))
    questions = take_the_whole_page(bilal, app, right=answerable - 1)
    attempt_id = public_id_of(bilal.url)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == attempt_id))
        layout, points = attempt.layout, attempt.score
    assert sum(entry["points"] for entry in layout) == 11 and attempt.max_score == 11
    # The wrong answer may earn part of its points (a half-right ordering): the server's mark is what every page shows.
    right_ones = [q["id"] for q in questions if q["type"] != "essay"][:-1]
    assert sum(entry["points"] for entry, q in zip(layout, questions) if q["id"] in right_ones) <= points < 11
    summary = bilal.locator(".result-summary").inner_text()
    assert "Submitted. Your marks and feedback come out when your instructor releases them." in summary
    assert not bilal.get_by_text("You scored").count()
    look(bilal, "result-held")
    bilal.goto(base + "/assignments")
    assert "Marks not released yet" in row_of(bilal, TITLE).inner_text()

    amna.goto(hub)
    assert "1 submitted attempt waits" in amna.locator("#release").inner_text()
    tab_to(amna, amna.get_by_role("button", name="Release marks now"))
    with amna.expect_navigation():
        amna.keyboard.press("Enter")
    assert "Marks out. You released them on" in amna.locator("#release").inner_text()
    bilal.goto(f"{base}/attempts/{attempt_id}/result")
    expect(bilal.get_by_text("You scored")).to_be_visible()
    percent = round(100 * points / 11)
    assert f"({percent} %)" in bilal.locator(".score").inner_text()
    look(bilal, "result-released")
    bilal.goto(base + "/assignments")
    assert row_of(bilal, TITLE).locator("td[data-label=Grade]").inner_text() == f"{percent} %"

    # 9. The gradebook in points; the cell opens Bilal's attempt with points per question.
    amna.goto(class_url)
    amna.get_by_role("link", name="Gradebook").first.click()
    amna.get_by_role("heading", name="Gradebook", level=1).wait_for()
    shown = f"{points:g} / 11"
    cell = amna.locator('tr[data-name="bilal"]')
    in_book = f"{round(100 * points / 11, 1):g} %"  # the gradebook gives one decimal, the student's page none
    assert shown in cell.inner_text() and in_book in cell.inner_text() and "1 of 2 attempts" in cell.inner_text()
    assert "Override: +15 minutes" in amna.locator('tr[data-name="asha"]').inner_text()
    assert "out of 11 points" in amna.locator("thead").inner_text()
    look(amna, "gradebook")
    amna.locator('tr[data-name="bilal"] a.grade').click()
    assert amna.get_by_role("heading", level=1).inner_text() == f"{TITLE}: bilal"
    assert amna.locator(".question-points").count() == 10
    assert amna.get_by_text(re.compile(r"^(0|2) of 2 points$")).count() == 1
    assert amna.locator(".review-item dt").filter(has_text=re.compile("^Key$")).count() == 10  # the key beside each answer
    assert "due 16 Mar 2027, 17:00 (Asia/Karachi time)" in amna.locator("main").inner_text()
    look(amna, "attempt-detail")

    # 10. Both exports, downloaded as a person does, hold points and percentages.
    amna.go_back()
    with amna.expect_download() as download:
        amna.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    header = rows[0]
    assert header[:3] == ["Student", "Group", "In the class"]
    assert f"{TITLE}: points (out of 11)" in header and f"{TITLE}: %" in header
    by_name = {row[0]: row for row in rows[1:]}
    assert set(by_name) == {"asha", "bilal"}
    assert float(by_name["bilal"][header.index(f"{TITLE}: points (out of 11)")]) == points
    assert abs(float(by_name["bilal"][header.index(f"{TITLE}: %")]) - 100 * points / 11) < 0.1
    assert by_name["asha"][header.index(f"{TITLE}: points (out of 11)")] == ""
    with amna.expect_download() as download:
        amna.get_by_role("link", name="Download for Excel (.xlsx)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    table, _ = read_xlsx(Path(download.value.path()).read_bytes())
    assert table[0] == header  # the same columns as the CSV
    bilal_line = next(line for line in table[1:] if line[0] == "bilal")
    assert bilal_line[header.index(f"{TITLE}: points (out of 11)")] == float(points)  # a number, not text
    assert abs(bilal_line[header.index(f"{TITLE}: %")] - 100 * points / 11) < 0.1

    assert not problems, "\n".join(problems)
