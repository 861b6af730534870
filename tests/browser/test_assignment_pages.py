"""Assignment pages in a real browser: set one as a draft with the keyboard (dates in the instructor's zone), its hub,
publish, reorder, edit after a student started (the page says what changes), preview as a student, delete and
restore; and the student's own page with their override and held-back marks. At 375 and 1280 px, light and dark,
axe clean, nothing off-screen or sideways."""

from datetime import datetime, timezone

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.course.clock import as_utc
from app.extensions import db
from app.models import Assignment, AssignmentOverride, User
from browsing import BROWSER_MARKS, check_layout, log_in, tab_to
from tests.test_assignments import new
from tests.test_teaching import create_class, join, person, start

pytestmark = BROWSER_MARKS

@pytest.fixture
def term(app):
    """A teacher in Asia/Karachi with a class, one published assignment, and a student in Asia/Kolkata."""
    teacher = person(app, "farah", "instructor")
    student = person(app, "kabir")
    with app.app_context():
        for name, zone in (("farah", "Asia/Karachi"), ("kabir", "Asia/Kolkata")):
            db.session.scalar(sa.select(User).where(User.username == name)).time_zone = zone
        db.session.commit()
    classroom_id, code = create_class(teacher)
    join(student, code)
    first = new(app, teacher, classroom_id, title="Week 1 check", due_at="2031-12-01T17:00", time_limit_minutes=30)
    return {"classroom": classroom_id, "first": first, "teacher": teacher, "student": student}


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_instructor_runs_an_assignment_from_draft_to_restore(app, term, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "farah")
    page.goto(f"{live_server}/teach/classes/{term['classroom']}/assignments/new")
    expect(page.get_by_label("Due (Asia/Karachi time; optional)")).to_be_visible()
    check_layout(page, f"assignment-new-{scheme}")
    # With the keyboard: a title, one lesson, a due date typed in Karachi time, then "Save as draft".
    tab_to(page, "title")
    page.keyboard.type("Week 2 check")
    page.get_by_label("Draw questions from these lessons").select_option(index=1)
    page.get_by_label("Number of questions to draw").fill("4")
    page.get_by_label("Due (Asia/Karachi time; optional)").fill("2031-12-08T17:00")
    tab_to(page, "Save as draft")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Draft: students cannot see it")).to_be_visible()
    assert page.get_by_text("8 Dec 2031, 17:00").is_visible()
    check_layout(page, f"assignment-hub-{scheme}")
    with app.app_context():
        draft = db.session.scalar(sa.select(Assignment).where(Assignment.title == "Week 2 check"))
        # Stored in UTC: SQLite hands it back naive, PostgreSQL aware.
        assert (draft.status, as_utc(draft.due_at)) == ("draft", datetime(2031, 12, 8, 12, 0, tzinfo=timezone.utc))
        draft_id = draft.id
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()
    expect(page.get_by_text("is published")).to_be_visible()

    # The class page: the new one is last; "Up" moves it first, without JavaScript's help.
    page.goto(f"{live_server}/teach/classes/{term['classroom']}")
    rows = page.locator("table.assignment-list tbody tr")
    assert "Week 2 check" in rows.nth(1).inner_text()
    check_layout(page, f"assignment-list-{scheme}")
    rows.nth(1).get_by_role("button", name="Up").click()
    page.wait_for_load_state()
    assert "Week 2 check" in page.locator("table.assignment-list tbody tr").first.inner_text()

    # The student starts the first one; a later due date then asks first and says what changes.
    assert start(term["student"], term["first"]).status_code == 302
    page.goto(f"{live_server}/teach/assignments/{term['first']}/edit")
    assert page.get_by_label("Due (Asia/Karachi time; optional)").input_value() == "2031-12-01T17:00"
    page.get_by_label("Due (Asia/Karachi time; optional)").fill("2031-12-03T17:00")
    page.get_by_role("button", name="Save changes").click()
    page.wait_for_load_state()
    assert page.get_by_text("The due date moves for everyone, including the 1 attempt in progress").first.is_visible()
    check_layout(page, f"assignment-changes-{scheme}")
    page.get_by_role("button", name="Save the changes").click()
    page.wait_for_load_state()
    assert page.get_by_text("3 Dec 2031, 17:00").is_visible()

    # Preview as a student in Kolkata: the row and the questions, dates half an hour later.
    page.goto(f"{live_server}/teach/assignments/{term['first']}/preview")
    page.get_by_label("Show dates as a student in").select_option("Asia/Kolkata")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_role("cell", name="3 Dec 2031, 17:30").is_visible()
    assert page.locator(".test-item").count() == 5
    check_layout(page, f"assignment-preview-{scheme}")

    # Delete (confirm first), then restore from the fold.
    page.goto(f"{live_server}/teach/assignments/{draft_id}/delete")
    check_layout(page, f"assignment-delete-{scheme}")
    page.get_by_role("button", name="Delete the assignment").click()
    page.wait_for_load_state()
    page.get_by_text("Deleted assignments (1)").click()
    check_layout(page, f"assignment-deleted-fold-{scheme}")
    page.locator("#deleted-assignments").get_by_role("button", name="Restore").click()
    page.wait_for_load_state()
    expect(page.get_by_text("restored: students see it again")).to_be_visible()


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_student_sees_their_own_rules_in_their_zone(app, term, live_server, new_page, width, scheme):
    with app.app_context():
        kabir = db.session.scalar(sa.select(User.id).where(User.username == "kabir"))
        db.session.add(AssignmentOverride(assignment_id=term["first"], user_id=kabir, extra_minutes=15))
        db.session.get(Assignment, term["first"]).release_mode = "by_hand"
        db.session.commit()
    new(app, term["teacher"], term["classroom"], title="Hidden draft", draft=True)
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "kabir")
    page.goto(f"{live_server}/assignments")
    row = page.get_by_role("row").filter(has_text="Week 1 check")
    assert "1 Dec 2031, 17:30" in row.inner_text()  # 17:00 in Karachi
    assert "Extended for you: +15 minutes" in row.inner_text() and "45 min" in row.inner_text()
    assert not page.get_by_text("Hidden draft").count()
    check_layout(page, f"student-assignments-{scheme}")
    tab_to(page, "Start an attempt")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/attempts/" in page.url
