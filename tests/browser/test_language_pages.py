"""The main pages in Urdu and Hindi, at phone and desktop width: axe-clean, nothing wider than the window or cut off,
Urdu right to left where order matters (the header, the quiz's navigator, the dashboard), the switcher keeping the
page. Screenshots go to test-output/screenshots/ur-* and hi-*."""

import pytest

from browsing import BROWSER_MARKS, controls_outside, describe, log_in, no_horizontal_scroll, run_axe, screenshot
from test_accessibility import world  # noqa: F401  (the fixture: a class, a finished assignment, a test, due cards)

pytestmark = BROWSER_MARKS

# Text boxes whose words are cut off: an element that hides its overflow and whose text is wider than it.
CLIPPED = """() => [...document.querySelectorAll('body *')].filter(e => {
  if (e.closest('.visually-hidden, svg, script, style, textarea, select, input')) return false;
  if (e.clientWidth < 2 || e.clientHeight < 2) return false;  // hidden on purpose (a stacked table's header)
  const style = getComputedStyle(e);
  const hides = ['hidden', 'clip'].includes(style.overflowX) && style.textOverflow !== 'ellipsis';
  return hides && e.scrollWidth > e.clientWidth + 2 && e.checkVisibility();
}).map(e => `${e.tagName.toLowerCase()}.${e.className}: ${(e.innerText || '').trim().slice(0, 40)}`)"""


def speak(page, base: str, code: str) -> None:
    page.context.add_cookies([{"name": "lang", "value": code, "url": base}])


def look(page, base: str, code: str, name: str, path: str, problems: list[str]) -> None:
    page.goto(base + path)
    page.wait_for_load_state()
    width = page.viewport_size["width"]
    label = f"{code}-{name}" + ("" if width > 400 else "@phone")
    html = page.locator("html")
    if html.get_attribute("lang") != code or html.get_attribute("dir") != ("rtl" if code == "ur" else "ltr"):
        problems.append(f"{label}: <html lang={html.get_attribute('lang')} dir={html.get_attribute('dir')}>")
    problems.extend(f"{label}: {describe(v)}" for v in run_axe(page, label))
    if not no_horizontal_scroll(page):
        problems.append(f"{label} is wider than the {width} px window")
    problems.extend(f"{label}: {control} is outside the window" for control in controls_outside(page))
    problems.extend(f"{label}: cut off: {box}" for box in page.evaluate(CLIPPED))
    screenshot(page, f"{code}-{name}")


def pages_of(world) -> dict[str, dict[str, str]]:
    return {
        "visitor": {"home": "/", "lesson": "/lessons/kashmir-non-paper", "timeline": "/timeline", "glossary": "/glossary",
                    "login": "/account/login", "register": "/account/register", "search": "/search?q=kashmir"},
        "student": {"dashboard": "/me", "test": f"/attempts/{world['test']}", "practice": f"/attempts/{world['practice']}",
                    "result": f"/attempts/{world['graded']}/result", "review": "/review", "settings": "/account/",
                    "assignments": "/assignments", "quiz-home": "/lessons/trade/quiz"},
        "ines": {"classroom": f"/teach/classes/{world['classroom']}",
                 "gradebook": f"/teach/classes/{world['classroom']}/gradebook", "questions": "/teach/questions",
                 "analysis": f"/teach/assignments/{world['assignment']}/analysis"},
    }


@pytest.mark.parametrize("code", ["ur", "hi"])
def test_the_main_pages_in_urdu_and_hindi_at_both_widths(app, world, serve, new_page, code):  # noqa: F811
    base = serve(app)
    problems: list[str] = []
    for width in ("desktop", "phone"):
        for who, pages in pages_of(world).items():
            page = new_page(width)
            if who != "visitor":
                log_in(page, base, "sami" if who == "student" else who)  # in English, as any browser starts
            speak(page, base, code)
            for name, path in pages.items():
                look(page, base, code, name, path, problems)
    assert not problems, "\n".join(problems)


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found, "not on the page"
    return found


def test_urdu_runs_right_to_left_where_order_matters(app, world, serve, new_page):  # noqa: F811
    base = serve(app)
    page = new_page("desktop")
    log_in(page, base, "sami")
    speak(page, base, "ur")
    page.goto(base + "/me")
    # The brand sits at the right end of the header, the main links to its left, first link rightmost.
    links = page.locator(".site-header nav[aria-label] a")
    assert box(page.locator(".brand"))["x"] > box(links.nth(0))["x"] > box(links.nth(1))["x"]
    page.goto(base + f"/attempts/{world['test']}")
    # The navigator counts from the right: question 1 is right of question 2.
    first, second = page.locator(".quiz-nav .nav-item").nth(0), page.locator(".quiz-nav .nav-item").nth(1)
    assert box(first)["x"] > box(second)["x"]
    # A choice card's radio button is on the right of its words, as in an Urdu form. (A cloze's radio buttons sit inside
    # its English text, which runs left to right, so the card is the one to look at; the test draws 10 of the bank's
    # 22 questions, 10 of them choice cards.)
    option = page.locator("main label.choice input[type=radio]").first
    words = option.locator("xpath=ancestor::label[1]")
    assert box(option)["x"] + box(option)["width"] > box(words)["x"] + box(words)["width"] / 2
    # The course's own text inside stays English and left to right.
    prompt = page.locator("main [lang=en]").first
    assert prompt.evaluate("e => getComputedStyle(e).direction") == "ltr"
    page.goto(base + "/me")
    # The dashboard's lessons: the number of each row on its right.
    row = page.locator(".mastery-row").first
    assert box(row.locator(".lesson-number"))["x"] > box(row.locator(".mastery-row-title"))["x"]
    # Urdu is set in Nastaliq (served by the app), English course text in the English face.
    assert "Nastaliq" in page.evaluate("getComputedStyle(document.body).fontFamily")
    assert page.evaluate("document.fonts.check('16px \"Noto Nastaliq Urdu\"', 'اردو')")


def test_the_switcher_keeps_the_page_and_the_answers(app, world, serve, new_page):  # noqa: F811
    base = serve(app)
    page = new_page("phone")
    page.goto(base + "/glossary?q=track")
    page.locator(".language-switch").get_by_role("link", name="हिन्दी").click()
    page.wait_for_load_state()
    assert page.url.endswith("/glossary?q=track") and page.locator("html").get_attribute("lang") == "hi"
    page.locator(".language-switch").get_by_role("link", name="اردو").click()
    page.wait_for_load_state()
    assert page.url.endswith("/glossary?q=track") and page.locator("html").get_attribute("dir") == "rtl"
    student = new_page("desktop")
    log_in(student, base, "sami")
    student.goto(base + f"/attempts/{world['test']}")
    student.locator("main input[type=radio]").first.check()
    student.wait_for_timeout(1500)  # the autosave
    student.locator(".language-switch").get_by_role("button", name="اردو").click()
    student.wait_for_load_state()
    assert student.locator("html").get_attribute("dir") == "rtl" and f"/attempts/{world['test']}" in student.url
    assert student.locator("main input[type=radio]").first.is_checked()  # the answer was kept


def test_a_slider_moves_in_the_learner_s_own_digits(app, world, serve, new_page):  # noqa: F811
    import sqlalchemy as sa
    from app.extensions import db
    from app.models import User
    with app.app_context():
        sami = db.session.scalar(sa.select(User).where(User.username == "sami"))
        sami.language, sami.digits = "ur", "native"
        db.session.commit()
    base = serve(app)
    page = new_page("phone")
    log_in(page, base, "sami")
    page.goto(base + "/account/#review-settings")
    value = page.locator("#desired_retention-value")
    assert value.text_content() == "۰٫۹۰"  # as served
    page.locator("#desired_retention").fill("0.85")
    assert value.text_content() == "۰٫۸۵"  # as it moves (js/range.js), two places still
