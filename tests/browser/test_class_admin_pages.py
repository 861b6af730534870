"""Managing a class in a real browser: the class page, its details, delete, students, groups, moving and removing a
student, at 375 and 1280 px, light and dark, axe clean, nothing off-screen; groups and deletion done with the keyboard."""

import pytest
from playwright.sync_api import expect
import sqlalchemy as sa

from app.extensions import db
from app.models import Classroom, ClassGroup, Enrollment, User
from browsing import BROWSER_MARKS, check_layout, log_in
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


@pytest.fixture
def full_class(app):
    """A class with a long name and description, three students (one has taken the assignment), a group, a second class."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher, "Informal diplomacy between Pakistan and India, autumn seminar")
    create_class(teacher, "Second class")
    students = {name: person(app, name) for name in ("sami", "noor", "a_student_with_a_rather_long_username")}
    for client in students.values():
        join(client, code)
    assignment_id = create_assignment(app, teacher, classroom_id)
    take(app, students["sami"], assignment_id)
    with app.app_context():
        classroom = db.session.get(Classroom, classroom_id)
        classroom.description = "Tuesdays 10:00, room 4.\nReading: the paper, one lesson a week."
        db.session.add(ClassGroup(classroom_id=classroom_id, name="Evening"))
        db.session.scalar(sa.select(User).where(User.username == "ines")).time_zone = "Asia/Karachi"
        db.session.commit()
        ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
    return {"classroom": classroom_id, "assignment": assignment_id, "ids": ids}


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_class_page_fits_and_passes_axe(app, full_class, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "ines")
    classroom, sami = full_class["classroom"], full_class["ids"]["sami"]
    for path, label, words in (
            ("/teach/", "classes", "Your classes"), (f"/teach/classes/{classroom}", "class", "How students join"),
            (f"/teach/classes/{classroom}/edit", "class-edit", "Edit the class's details"),
            (f"/teach/classes/{classroom}/delete", "class-delete", "This cannot be undone."),
            (f"/teach/classes/{classroom}/students", "roster", "Students (3)"),
            (f"/teach/classes/{classroom}/groups", "groups", "Create a group"),
            (f"/teach/classes/{classroom}/students/{sami}/move", "student-move", "Move sami to another class"),
            (f"/teach/classes/{classroom}/students/{sami}/remove", "student-remove", "Remove sami from")):
        page.goto(live_server + path)
        assert page.get_by_text(words).first.is_visible(), f"{label}: {words!r} not shown"
        check_layout(page, f"{label}-{scheme}")


def test_put_students_in_a_group_with_the_keyboard(app, full_class, live_server, new_page):
    page = new_page("phone")
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/teach/classes/{full_class['classroom']}/students")
    page.get_by_label("Choose noor").focus()
    page.keyboard.press("Space")
    page.get_by_label("Choose sami").focus()
    page.keyboard.press("Space")
    page.get_by_label("Put the chosen students in").focus()
    page.keyboard.press("ArrowDown")  # No group → Evening
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.value") == "Put in group"
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("2 students now in Evening.")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="noor").get_by_text("Evening")).to_be_visible()
    with app.app_context():
        grouped = set(db.session.scalars(sa.select(User.username).join(Enrollment, Enrollment.user_id == User.id)
                                         .where(Enrollment.group_id.is_not(None))))
    assert grouped == {"noor", "sami"}


def test_delete_a_class_by_typing_its_name(app, full_class, live_server, new_page):
    page = new_page("desktop", color_scheme="dark")
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/teach/classes/{full_class['classroom']}")
    page.get_by_role("link", name="Delete the class…").click()
    page.get_by_text("3 students taken out of the class").wait_for()  # the link's page has loaded
    assert page.get_by_role("link", name="Download the gradebook (CSV)").is_visible()
    field = page.get_by_label("Type the class's name to confirm")
    field.fill("Informal diplomacy")
    with page.expect_navigation():
        field.press("Enter")
    expect(page.get_by_text("That is not the class's name.")).to_be_visible()
    field = page.get_by_label("Type the class's name to confirm")
    field.fill("Informal diplomacy between Pakistan and India, autumn seminar")
    with page.expect_navigation():
        field.press("Enter")
    assert page.get_by_role("heading", name="Your classes").is_visible()
    expect(page.get_by_text("is deleted")).to_be_visible()
    with app.app_context():
        assert db.session.get(Classroom, full_class["classroom"]) is None


def test_a_new_join_code_and_archiving_from_the_class_page(app, full_class, live_server, new_page):
    page = new_page("phone", color_scheme="dark")
    log_in(page, live_server, "ines")
    page.goto(f"{live_server}/teach/classes/{full_class['classroom']}")
    old = page.locator(".join-card .code").inner_text()
    page.get_by_text("Make a new code…").click()
    assert page.get_by_text(f"The code {old} and its link stop working at once").is_visible()
    page.get_by_role("button", name="Make a new code").click()
    new = page.locator(".join-card .code").inner_text()
    assert new != old and page.get_by_text(f"The old code {old} no longer works").is_visible()
    page.get_by_role("button", name="Archive the class").click()
    expect(page.get_by_text("This class is read-only")).to_be_visible()
    assert not page.get_by_role("link", name="Set an assignment").count()
    assert not page.get_by_text("Make a new code…").count()
    check_layout(page, "class-archived-dark")
    page.get_by_role("button", name="Unarchive the class").first.click()
    expect(page.get_by_text("is open again")).to_be_visible()
    assert page.get_by_role("link", name="Set an assignment").is_visible()
