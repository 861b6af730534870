"""axe-core on every page, for visitors, students and instructors, in the light and the dark theme; nothing off-screen;
screenshots at phone and desktop width in both themes."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.extensions import db
from app.models import Question, ReviewCard
from axe_playwright_python.sync_playwright import Axe

from browsing import (BROWSER_MARKS, assert_accessible, controls_outside, describe, log_in, no_horizontal_scroll, run_axe,
                      screenshot)
from tests.conftest import csrf_token
from tests.security.test_question_banks import ask_to_publish, write
from tests.test_quiz import grade_essays, key_form, layout_data, shown, start as start_quiz, start_drawing, wrong_response
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


@pytest.fixture
def world(app):
    """A class with a finished assignment, a practice attempt half done (an essay in it written and waiting for a grade),
    a test whose essay waits too, and review cards due (one an essay): every page has something to show."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    student = person(app, "sami")
    join(student, code)
    assignment_id = create_assignment(app, teacher, classroom_id, time_limit_minutes=20)
    graded = take(app, student, assignment_id, right=False)
    practice = start_quiz(student, "trade", mode="practice")
    questions = layout_data(app, practice)
    other = next(position for position, data in enumerate(questions) if data["type"] != "essay")
    essay = next(position for position, data in enumerate(questions) if data["type"] == "essay")
    for position, response in ((other, wrong_response(questions[other])), (essay, "Trade followed politics.")):
        checked = student.post(f"/attempts/{practice}/check", data={
            **shown(app, practice, form_values(questions[position], f"q{position}", response)), "position": position,
            "try_number": 1, "csrf_token": csrf_token(student, f"/attempts/{practice}")})
        assert checked.status_code == 302
    essay_test = start_drawing(app, student, True)
    student.post(f"/attempts/{essay_test}/submit", data={**key_form(app, essay_test), "csrf_token": csrf_token(student, "/lessons/trade/quiz")})
    grade_essays(app, student, essay_test)  # the essay's card
    test = start_quiz(student, "role-of-sports", mode="test")
    student.post("/lessons/trade/read", data={"csrf_token": csrf_token(student, "/lessons/trade")})
    with app.app_context():
        for card in db.session.scalars(sa.select(ReviewCard)):
            card.due = datetime.now(timezone.utc)
        db.session.commit()
        by_type = dict(db.session.execute(sa.select(Question.type, sa.func.min(Question.id)).group_by(Question.type)).all())
    write(app, teacher, "ines-draft", "A draft of Ines's")  # her own bank: its page, and a request an admin reviews
    ask_to_publish(teacher, "ines-draft")
    person(app, "root", "admin")
    return {"classroom": classroom_id, "code": code, "assignment": assignment_id, "graded": graded,
            "practice": practice, "practice_essay": essay, "essay_id": questions[essay]["id"], "test": test, "questions": by_type, "draft": "ines-draft"}


VISITOR_PAGES = {
    "home": "/", "lesson": "/lessons/kashmir-non-paper", "timeline": "/timeline", "people": "/people",
    "glossary": "/glossary", "login": "/account/login", "register": "/account/register",
    "quiz-home": "/lessons/trade/quiz", "review-empty": "/review", "progress-empty": "/me", "not-found": "/lessons/nope",
    "search": "/search?q=kashmir", "search-nothing": "/search?q=zzzz", "forgot": "/account/forgot", "recover": "/account/recover",
}
SCREENSHOT_PAGES = {"home", "lesson", "timeline", "quiz-home", "test", "practice-checked", "result", "review",
                    "review-feedback", "dashboard", "gradebook", "analysis", "classroom", "import", "search", "summary"}
# The dark theme's own check: the colours (the rest of axe's rules do not depend on the theme, and run in the light).
DARK_RULES = {"runOnly": {"type": "rule", "values": ["color-contrast", "link-in-text-block"]}}


def charts_without_text(page) -> list[str]:
    """Every chart must be an image with a name and a description (and the page a table or list of its numbers)."""
    gaps = []
    for svg in page.locator("svg:not([aria-hidden=true])").all():  # icons beside their words are decorative
        ids = (svg.get_attribute("aria-labelledby") or "").split()
        text = [page.locator(f"#{ident}").text_content().strip() for ident in ids]
        if svg.get_attribute("role") != "img" or len(text) < 2 or not all(text):
            gaps.append(f"chart without a text alternative: {svg.get_attribute('class')}")
        elif not svg.locator("xpath=following-sibling::*[1][self::details or self::table]").count():
            gaps.append(f"chart without its numbers as text: {text[0]}")
    return gaps


def visit(page, base, name, path, problems):
    page.goto(base + path)
    page.wait_for_load_state()
    inspect(page, name, problems)


def inspect(page, name, problems):
    """Run axe on the page as it stands in the light theme and its colour checks in the dark one (the label says at
    which width), check its charts, that nothing sticks out of the window, and photograph the main pages in both themes."""
    width = page.viewport_size["width"]
    label = name if width > 400 else f"{name}@phone"
    problems.extend(f"{label}: {describe(v)}" for v in run_axe(page, label))
    problems.extend(f"{label}: {gap}" for gap in charts_without_text(page))
    if not no_horizontal_scroll(page):
        problems.append(f"{label} is wider than the {width} px window")
    problems.extend(f"{label}: {control} is outside the window" for control in controls_outside(page))
    if name in SCREENSHOT_PAGES:
        screenshot(page, name)
    page.emulate_media(color_scheme="dark")
    try:
        dark = Axe().run(page, options=DARK_RULES).response["violations"]
        problems.extend(f"{label}@dark: {describe(v)}" for v in dark if v.get("impact") in ("serious", "critical"))
        if name in SCREENSHOT_PAGES:
            screenshot(page, f"{name}-dark")
    finally:
        page.emulate_media(color_scheme="light")


def test_every_page_passes_axe_and_is_photographed_at_both_widths(app, world, serve, new_page):
    base = serve(app)
    problems: list[str] = []
    for width in ("desktop", "phone"):
        visitor = new_page(width)
        for label, path in VISITOR_PAGES.items():
            visit(visitor, base, label, path, problems)
        student = new_page(width)
        log_in(student, base, "sami")
        student_pages = {
            "test": f"/attempts/{world['test']}", "practice-checked": f"/attempts/{world['practice']}",
            "result": f"/attempts/{world['graded']}/result", "dashboard": "/me", "assignments": "/assignments",
            "practice-essay-to-grade": f"/attempts/{world['practice']}?q={world['practice_essay']}",
            "join": "/classes/join", "join-by-link": f"/classes/join/{world['code']}", "settings": "/account/", "review": "/review", "quiz-home-signed-in": "/lessons/trade/quiz",
            "summary": f"/attempts/{world['test']}/summary", "recovery-codes": "/account/recovery-codes",
            "search-signed-in": "/search?q=kashmir",
        }
        for label, path in student_pages.items():
            visit(student, base, label, path, problems)
        # Write the due essay (reviewed longest ago, so served first) to reach its grading step, then answer the next
        # card to reach the feedback page. Each width starts with every card due.
        with app.app_context():
            for card in db.session.scalars(sa.select(ReviewCard)):
                card.due = datetime.now(timezone.utc)
                if card.question_id == world["essay_id"]:
                    card.last_review = datetime.now(timezone.utc) - timedelta(days=30)
            db.session.commit()
        student.goto(base + "/review")
        inspect(student, "review-essay", problems)
        student.locator("textarea[data-essay]").fill("Trade followed politics.")
        student.get_by_role("button", name="Hand in and grade it").click()
        student.wait_for_load_state()
        inspect(student, "review-grade-essay", problems)
        for criterion in student.locator("fieldset.criterion").all():
            criterion.get_by_role("radio").first.check()
        student.get_by_role("button", name="Save my grade").click()
        student.wait_for_url("**/review/done/**")
        student.goto(base + "/review")
        student.get_by_role("button", name="Check").click()
        student.wait_for_load_state()
        inspect(student, "review-feedback", problems)
        with app.app_context():
            for card in db.session.scalars(sa.select(ReviewCard)):
                card.due = datetime.now(timezone.utc) + timedelta(days=3)
            db.session.commit()
        visit(student, base, "review-nothing-due", "/review", problems)
        teacher = new_page(width)
        log_in(teacher, base, "ines")
        teacher_pages = {
            "classes": "/teach/", "classroom": f"/teach/classes/{world['classroom']}",
            "assignment-form": f"/teach/classes/{world['classroom']}/assignments/new",
            "gradebook": f"/teach/classes/{world['classroom']}/gradebook",
            "analysis": f"/teach/assignments/{world['assignment']}/analysis",
            "student-attempt": f"/teach/attempts/{world['graded']}", "questions": "/teach/questions",
            "new-question": "/teach/questions/new/single_choice", "import": "/teach/import",
            "question-page": f"/teach/questions/{world['draft']}",
            **{f"edit-{kind}": f"/teach/questions/{ident}/edit" for kind, ident in world["questions"].items()},
            "regrade": f"/teach/questions/{world['questions']['single_choice']}/regrade",
            "override": f"/teach/questions/{world['questions']['matching']}/override",
        }
        for label, path in teacher_pages.items():
            visit(teacher, base, label, path, problems)
        admin = new_page(width)
        log_in(admin, base, "root")
        for label, path in {"new-lesson": "/teach/lessons/new", "publish-requests": "/teach/publish"}.items():
            visit(admin, base, label, path, problems)
    assert not problems, "\n".join(problems)


def test_form_errors_are_announced_and_tied_to_their_fields(app, live_server, page):
    page.goto(live_server + "/account/register")
    page.get_by_label("Username").fill("x")
    page.get_by_label("Password", exact=True).fill("short")
    page.get_by_label("Repeat the password").fill("different")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    username = page.get_by_label("Username")
    assert username.get_attribute("aria-invalid") == "true"
    described = username.get_attribute("aria-describedby").split()
    errors = page.locator(f"#{described[-1]}")
    assert errors.get_attribute("role") == "alert" and "characters" in errors.inner_text()
    assert page.get_by_role("alert").count() >= 2  # each field with an error has its own announced list
    assert_accessible(page, "register-with-errors")
