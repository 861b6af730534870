"""The overrides page and the release of marks in a real browser: at 375 and 1280 px, light and dark, axe clean,
nothing off-screen, and done with the keyboard alone (Tab, arrows, typing, Enter)."""

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.extensions import db
from app.models import Attempt, User
from browsing import BROWSER_MARKS, check_layout, log_in, tab_to
from tests.test_overrides import make_group
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


@pytest.fixture
def lesson_class(app):
    """A class with two students in a group, a timed assignment (30 minutes, 2 attempts), the teacher in Asia/Karachi."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    students = {name: person(app, name) for name in ("sami", "noor")}
    for client in students.values():
        join(client, code)
    make_group(app, classroom_id, "Evening", "noor")
    assignment_id = create_assignment(app, teacher, classroom_id, time_limit_minutes=30, attempt_limit=2)
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == "ines")).time_zone = "Asia/Karachi"
        db.session.commit()
    return {"classroom": classroom_id, "assignment": assignment_id, **students}


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_an_override_given_with_the_keyboard(app, lesson_class, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/teach/assignments/{lesson_class['assignment']}/overrides")
    expect(page.get_by_label("Their due date (Asia/Karachi time)")).to_be_visible()
    check_layout(page, f"overrides-{scheme}")
    tab_to(page, "who")
    for _ in range(2):  # nobody is chosen at first; then the students by name: noor, sami
        page.keyboard.press("ArrowDown")
    with app.app_context():
        sami = db.session.scalar(sa.select(User.id).where(User.username == "sami"))
    assert page.get_by_label("Student or group").input_value() == f"user:{sami}"
    tab_to(page, "extra_minutes")
    page.keyboard.type("15")
    tab_to(page, "Save override")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("alert").filter(has_text="Saved the override for sami").is_visible() or \
        page.get_by_text("Saved the override for sami").is_visible()
    row = page.get_by_role("row").filter(has_text="sami")
    assert "45 minutes" in row.inner_text() and "(+15)" in row.inner_text()
    check_layout(page, f"overrides-saved-{scheme}")
    # A mistake comes back next to its field, announced.
    page.get_by_label("Extra attempts").fill("99")
    page.get_by_role("button", name="Save override").click()
    page.wait_for_load_state()
    assert page.get_by_text("Give between 1 and 20 extra attempts.").is_visible()
    assert page.get_by_label("Extra attempts").get_attribute("aria-invalid") == "true"
    check_layout(page, f"overrides-error-{scheme}")


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_marks_held_back_then_released(app, lesson_class, live_server, new_page, width, scheme):
    teacher = new_page(width, color_scheme=scheme)
    log_in(teacher, live_server, "ines")
    teacher.goto(f"{live_server}/teach/assignments/{lesson_class['assignment']}/release")
    teacher.get_by_label("When I release them").check()
    tab_to(teacher, "Save release setting")
    with teacher.expect_navigation():
        teacher.keyboard.press("Enter")
    panel = teacher.locator("#release")
    assert "Marks hidden. They come out when you release them; 0 submitted attempts wait." in panel.inner_text()
    check_layout(teacher, f"release-panel-{scheme}")

    public_id = take(app, lesson_class["sami"], lesson_class["assignment"])
    student = new_page(width, color_scheme=scheme)
    log_in(student, live_server, "sami")
    student.goto(f"{live_server}/attempts/{public_id}/result")
    summary = student.locator(".result-summary")
    assert "Submitted. Your marks and feedback come out when your instructor releases them." in summary.inner_text()
    assert not student.get_by_text("You scored").count() and not student.locator(".result-icon").count()
    check_layout(student, f"result-held-{scheme}")

    teacher.reload()
    assert "1 submitted attempt waits" in teacher.locator("#release").inner_text()
    tab_to(teacher, "Release marks now")
    with teacher.expect_navigation():
        teacher.keyboard.press("Enter")
    assert "Marks out. You released them on" in teacher.locator("#release").inner_text()
    assert teacher.get_by_role("button", name="Hide the marks again").is_visible()

    student.reload()
    expect(student.get_by_text("You scored")).to_be_visible()
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) > 0
