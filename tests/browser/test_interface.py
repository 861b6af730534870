"""Keyboard only, without JavaScript, the timer, the dark theme and print: the interface as people meet it."""

import re

from app.course.quiz import form_values
from app.course.scoring import key_response
from browsing import (BROWSER_MARKS, OUTPUT, answer_correctly, assert_accessible, attempt_questions, fill_values,
                      on_page, public_id_of, register, screenshot)
from tests.test_quiz import wrong_response
from tests.test_teaching import create_assignment, create_class, person

pytestmark = BROWSER_MARKS

FOCUS_STYLE = """() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, type: e.type || "", name: e.name || "", value: e.value || "", text: (e.innerText || "").trim(),
          checked: !!e.checked, label: e.getAttribute("aria-label") || "", slot: e.closest(".match-slot")?.dataset.select || "",
          widget: !!e.closest(".dnd-list, .match-board, .dnd-keep"), visible: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2};
}"""


def focused(page) -> dict:
    return page.evaluate(FOCUS_STYLE)


def tab_until(page, wanted, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focus)`` holds; every stop on the way must show where the focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focus = focused(page)
        assert focus["visible"], f"no visible focus on {focus}"
        if wanted(focus):
            return focus
    raise AssertionError("never reached the wanted control by Tab")


def seek(page, wanted, keys=("Tab", "Shift+Tab"), limit: int = 40) -> dict:
    """Tab one way, then the other, until ``wanted(focus)`` holds: a keyboard user looking for a control near by.
    Passing the page's first or last control (focus on the body) turns the search round."""
    for key in keys:
        for _ in range(2 * limit):
            page.keyboard.press(key)
            focus = focused(page)
            if focus["tag"] == "BODY":
                break
            assert focus["visible"], f"no visible focus on {focus}"
            if wanted(focus):
                return focus
    raise AssertionError("never reached the wanted control by Tab or Shift+Tab")


def text_of(page, name: str, value: str) -> str:
    """The words a person reads for an option value of a hidden select (the test knows values; a person sees words)."""
    return page.locator(f'[name="{name}"]').evaluate("(s, v) => [...s.options].find(o => o.value === v).textContent.trim()", value)


def drag_and_drop_by_keyboard(page, values: dict[str, list[str]], names: list[str]) -> None:
    """Answer an ordering or matching question with its drag-and-drop widget's keyboard path: ordering by each item's
    "Move up" button (focus stays on the moved item), matching by Enter on an answer, then Enter on its item."""
    if page.locator(f'ol.slots [name="{names[0]}"]').count():
        shown = page.locator(".question", has=page.locator(f'[name="{names[0]}"]')).locator(".dnd-text")
        for place, name in enumerate(names):
            text = text_of(page, name, values[name][0])
            if [t.strip() for t in shown.all_inner_texts()].index(text) > place:
                seek(page, lambda f, text=text: f["label"] == f"Move “{text}” up")
                while [t.strip() for t in shown.all_inner_texts()].index(text) > place:
                    page.keyboard.press("Enter")
        if page.locator(".question", has=page.locator(f'[name="{names[0]}"]')).locator(".dnd-keep").is_visible():
            seek(page, lambda f: f["text"] == "Keep this order")
            page.keyboard.press("Enter")
        return
    for name in names:
        text = text_of(page, name, values[name][0])
        # The answers sit above the items: look back first.
        seek(page, lambda f, text=text: f["tag"] == "BUTTON" and text in f["text"].splitlines() and not f["slot"],
             keys=("Shift+Tab", "Tab"))
        page.keyboard.press("Enter")
        seek(page, lambda f, name=name: f["slot"] == name and not f["label"])
        page.keyboard.press("Enter")
        assert page.locator(f'[name="{name}"]').input_value() == values[name][0]


def answer_by_keyboard(page, values: dict[str, list[str]], submit_label: str) -> None:
    """Work through a quiz form with Tab, arrows, Space and typing, as a keyboard user does, then submit."""
    done: set[str] = set()
    for _ in range(200):
        page.keyboard.press("Tab")
        focus = focused(page)
        assert focus["visible"], f"no visible focus on {focus}"
        name = focus["name"]
        if focus["widget"]:
            # Ordering and matching: the selects are hidden behind drag and drop; its buttons are the keyboard's way.
            question = page.locator(".question:focus-within")
            names = [n for n in question.locator("select").evaluate_all("ss => ss.map(s => s.name)") if n in values]
            if names and not set(names) <= done:
                drag_and_drop_by_keyboard(page, values, names)
                done.update(names)
            continue
        if focus["tag"] == "BUTTON" or focus["type"] == "submit":
            # A test's bar offers "Review and submit" before the questions too: pressed only once all are answered.
            if (focus["text"] == submit_label or focus["value"] == submit_label) and done == set(values):
                page.keyboard.press("Enter")
                return
            continue
        if name not in values:
            continue
        wanted = values[name]
        if focus["type"] == "radio":
            for _ in range(12):  # arrows move through the group and select as they go
                if focus["value"] == wanted[0]:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
                focus = focused(page)
            assert focused(page)["checked"]
            done.add(name)
        elif focus["type"] == "checkbox":
            if (focus["value"] in wanted) != focus["checked"]:
                page.keyboard.press("Space")
            if all(page.locator(f'[name="{name}"][value="{v}"]').is_checked() for v in wanted):
                done.add(name)
        elif focus["tag"] == "SELECT":
            for _ in range(12):
                if focused(page)["value"] == wanted[0]:
                    break
                page.keyboard.press("ArrowDown")
            assert focused(page)["value"] == wanted[0]
            done.add(name)
        elif focus["tag"] == "INPUT":
            page.keyboard.type(wanted[0])
            done.add(name)
        elif focus["tag"] == "TEXTAREA":
            page.keyboard.insert_text(wanted[0])  # an essay: typed (as one input, to keep the test quick)
            done.add(name)
    raise AssertionError("never reached the submit button")


def test_a_whole_test_can_be_taken_with_the_keyboard_alone(app, live_server, page):
    """Its essay too: written in the test, then graded on the result page with the rubric's radios."""
    register(page, live_server, "kamal")
    for _ in range(20):  # a test draws its essay about one time in two
        page.goto(live_server + "/lessons/trade/quiz")
        tab_until(page, lambda f: f["text"] == "Start a test")
        page.keyboard.press("Enter")
        page.wait_for_url("**/attempts/**")
        questions = attempt_questions(app, public_id_of(page.url))
        if any(data["type"] == "essay" for data in questions):
            break
    values: dict[str, list[str]] = {}
    for position, data in enumerate(questions):
        values.update(form_values(data, f"q{position}", key_response(data)))
    answer_by_keyboard(page, on_page(page, app, values), "Review and submit")
    page.wait_for_url("**/summary")
    tab_until(page, lambda f: f["text"] == "Submit and finish")
    page.keyboard.press("Enter")
    page.wait_for_url("**/result")
    assert " ".join(page.locator(".score").inner_text().split()) == "You scored 9/9 on the marked questions; 1 essay to grade (10 questions in all)."
    essay = next(data for data in questions if data["type"] == "essay")
    answer_by_keyboard(page, {f"level-{c['id']}": [str(len(c["levels"]) - 1)] for c in essay["rubric"]}, "Save my grade")
    page.wait_for_url("**/result#q*")
    assert "(100 %)" in page.locator(".score").inner_text()
    # From the result, the keyboard opens a folded (right) answer by its summary and reaches the link into the lesson.
    tab_until(page, lambda f: f["tag"] == "SUMMARY")
    page.keyboard.press("Enter")
    tab_until(page, lambda f: f["text"] == "Read this in the lesson")
    page.keyboard.press("Enter")
    page.wait_for_url("**/lessons/trade#*")


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(live_server, page):
    page.goto(live_server + "/lessons/trade")
    page.keyboard.press("Tab")
    focus = focused(page)
    assert focus["text"] == "Skip to content" and focus["visible"]
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_everything_works_without_javascript(app, serve, new_page):
    """Practice checks with a full page load, tests submit, the timer is plain text, shortcuts stay hidden."""
    base = serve(app)
    page = new_page(java_script_enabled=False)
    register(page, base, "lina")
    page.goto(base + "/lessons/trade/quiz")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/attempts/**")
    assert not page.locator("[data-shortcuts]").is_visible()
    practice, questions = page.url, attempt_questions(app, public_id_of(page.url))
    position, data = next((position, data) for position, data in enumerate(questions) if data["type"] != "essay")
    page.goto(f"{practice}?q={position}")
    fill_values(page, on_page(page, app, form_values(data, f"q{position}", wrong_response(data))))
    page.get_by_role("button", name="Check").click()
    page.wait_for_load_state()
    assert page.locator(".verdict h2").inner_text() in ("Incorrect", "Partly correct")
    answer_correctly(page, app, data, f"q{position}")
    page.get_by_role("button", name="Check again").click()
    page.wait_for_load_state()
    assert page.locator(".verdict h2").inner_text() == "Correct"
    # An essay: written, checked, then graded with the rubric's radios, each a plain form.
    position, data = next((position, data) for position, data in enumerate(questions) if data["type"] == "essay")
    page.goto(f"{practice}?q={position}")
    answer_correctly(page, app, data, f"q{position}")
    page.get_by_role("button", name="Check").click()
    page.wait_for_load_state()
    assert page.locator(".verdict h2").inner_text() == "Waiting for a grade"
    fill_values(page, {f"level-{c['id']}": [str(len(c["levels"]) - 1)] for c in data["rubric"]})
    page.get_by_role("button", name="Save my grade").click()
    page.wait_for_load_state()
    assert page.locator(".verdict h2").inner_text() == "Correct" and "Your own grade: Thesis: 3 of 3" in page.locator(".verdict").inner_text()

    teacher = person(app, "tariq", "instructor")
    classroom_id, code = create_class(teacher)
    page.goto(base + "/classes/join")
    page.get_by_label("Class code").fill(code)
    page.get_by_role("button", name="Join the class").click()
    create_assignment(app, teacher, classroom_id, time_limit_minutes=30, title="Timed")
    page.goto(base + "/assignments")
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url("**/attempts/**")
    assert re.search(r"This attempt closes at \d+ \w+ \d{4}, \d\d:\d\d", page.locator("main").inner_text())
    assert re.fullmatch(r"(29|30):\d\d", page.get_by_role("timer").inner_text())  # the time left as the page was made
    page.get_by_role("button", name="Save my answers").click()
    assert "Your answers are saved" in page.get_by_role("status").first.inner_text()
    page.get_by_role("button", name="Review and submit").first.click()
    page.wait_for_url("**/summary")
    page.get_by_role("button", name="Submit and finish").click()
    page.wait_for_url("**/result")
    assert "You scored" in page.locator(".score").inner_text()


def test_the_countdown_warns_and_hands_in_the_answers_when_time_runs_out(app, serve, new_page):
    base = serve(app)
    teacher = person(app, "tariq", "instructor")
    classroom_id, code = create_class(teacher)
    create_assignment(app, teacher, classroom_id, time_limit_minutes=6, title="Six minutes")
    page = new_page()
    register(page, base, "rafi")
    page.goto(base + "/classes/join")
    page.get_by_label("Class code").fill(code)
    page.get_by_role("button", name="Join the class").click()
    page.clock.install()
    page.goto(base + "/assignments")
    page.get_by_role("button", name="Start an attempt").click()
    page.wait_for_url("**/attempts/**")
    timer = page.get_by_role("timer")
    assert re.fullmatch(r"[56]:\d\d", timer.inner_text())
    questions = attempt_questions(app, public_id_of(page.url))
    # The first question an answer marks at once (an essay, drawn at random, waits for its grade).
    position = next(index for index, data in enumerate(questions) if data["type"] != "essay")
    answer_correctly(page, app, questions[position], f"q{position}")
    page.clock.run_for("01:10")
    assert re.fullmatch(r"4:[45]\d", timer.inner_text())
    assert page.locator("#announcer").text_content() == "5 minutes left on this test."
    page.clock.run_for("04:00")
    assert re.fullmatch(r"0:[45]\d", timer.inner_text())
    assert page.locator("#announcer").text_content() == "1 minute left on this test."
    page.clock.run_for("01:00")
    page.wait_for_url("**/result")
    assert page.locator("ol.review > li").nth(position).locator(".status").inner_text() == "Correct"
    assert page.locator("ol.review > li").nth(position + 1).locator(".status").inner_text() == "Not answered"


def test_the_dark_theme_follows_the_system_and_keeps_its_contrast(app, live_server, new_page):
    page = new_page(color_scheme="dark")
    for name, path in [("lesson", "/lessons/kashmir-non-paper"), ("quiz-home", "/lessons/trade/quiz"), ("timeline", "/timeline")]:
        page.goto(live_server + path)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(22, 24, 27)", background
        assert_accessible(page, f"{name}@dark")  # includes colour contrast in the dark palette
        screenshot(page, f"{name}-dark")
    light = new_page(color_scheme="light")
    light.goto(live_server + "/timeline")
    assert light.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(251, 250, 247)"


def test_a_lesson_prints_without_the_site_around_it(live_server, page):
    page.goto(live_server + "/lessons/kashmir-non-paper")
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", ".lesson-actions", ".toc"):
        assert page.locator(selector).first.evaluate("e => getComputedStyle(e).display") == "none", selector
    assert page.locator("article h1, main h1").first.is_visible()
    OUTPUT.mkdir(exist_ok=True)
    pdf = OUTPUT / "lesson-kashmir-non-paper.pdf"
    page.pdf(path=str(pdf), format="A4")
    assert pdf.stat().st_size > 20_000


def test_what_a_screen_reader_meets_on_a_test_page(app, live_server, page):
    """Each question is a group named by its number and prompt; every control in it has a name of its own."""
    register(page, live_server, "sadia")
    page.goto(live_server + "/lessons/kashmir-non-paper/quiz")
    page.get_by_role("button", name="Start a test").click()
    page.wait_for_url("**/attempts/**")
    questions = attempt_questions(app, public_id_of(page.url))
    types = set()
    for position, data in enumerate(questions):
        group = page.get_by_role("group", name=re.compile(rf"^Question {position + 1}\b"))
        assert group.count() == 1, f"question {position + 1} is not a named group"
        snapshot = group.aria_snapshot()
        # Ordering and matching are answered with drag-and-drop's buttons (their selects are hidden behind them).
        kinds = "radio|checkbox|textbox|combobox" + ("|button" if data["type"] in ("ordering", "matching") else "")
        controls = re.findall(rf"^\s*- ({kinds})\b(.*)$", snapshot, re.M)
        assert controls, snapshot
        unnamed = [line for kind, line in controls if not line.strip().startswith('"')]
        assert not unnamed, f"question {position + 1} ({data['type']}) has controls without a name:\n{snapshot}"
        types.add(data["type"])
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "test-page.aria.yaml").write_text(page.locator("form.quiz-form").aria_snapshot())
    assert len(types) >= 3, types  # the drawn test mixes question types


def test_shortcuts_move_between_questions_and_can_be_switched_off(app, live_server, page):
    register(page, live_server, "hina")
    page.goto(live_server + "/lessons/trade/quiz")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/attempts/**")
    page.keyboard.press("n")
    page.wait_for_url("**?q=1")
    assert page.locator(".eyebrow").text_content().startswith("Practice · question 2 of")
    page.keyboard.press("p")
    page.wait_for_url("**?q=0")
    # Typing in an answer box is never taken for a shortcut.
    data = attempt_questions(app, public_id_of(page.url))
    text_position = next((i for i, d in enumerate(data) if d["type"] in ("short_answer", "numeric")), None)
    if text_position is not None:
        page.goto(f"{page.url.split('?')[0]}?q={text_position}")
        page.get_by_label(re.compile("Your answer")).type("np")
        assert page.url.endswith(f"?q={text_position}")
    # Switched off, the keys do nothing, and the choice is remembered on the next page.
    page.get_by_text("Keyboard shortcuts").click()
    page.get_by_label("Use these shortcuts").uncheck()
    page.locator("h1").click()
    url = page.url
    page.keyboard.press("n")
    page.wait_for_timeout(300)
    assert page.url == url
    page.reload()
    page.get_by_text("Keyboard shortcuts").click()
    assert not page.get_by_label("Use these shortcuts").is_checked()
