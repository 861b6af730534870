"""The response-analysis pages in a browser: axe-core at desktop and phone width and in the dark theme, nothing
wider than a phone, and a response accepted by keyboard alone."""

from browsing import BROWSER_MARKS, describe, log_in, no_horizontal_scroll, run_axe, screenshot
from tests.test_response_analysis import answer, set_questions, write
from tests.test_teaching import create_assignment, create_class, join, person

pytestmark = BROWSER_MARKS

FOCUS = r"""() => {
  const e = document.activeElement, s = getComputedStyle(e);
  return {tag: e.tagName, text: (e.innerText || "").split(/\s+/).join(" ").trim(),
          visible: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2};
}"""


def test_response_pages_pass_axe_fit_a_phone_and_accept_by_keyboard(app, serve, new_page):
    teacher = person(app, "teacher", "instructor")
    for ident in ("resp-sa", "resp-cloze"):
        write(app, teacher, ident)
    classroom_id, code = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id)
    set_questions(app, assignment_id, ["resp-sa", "resp-cloze"])
    for name, city in (("sana", "Karachi"), ("bilal", "Multan with a rather long answer that has to wrap on a phone")):
        learner = person(app, name)
        join(learner, code)
        answer(app, learner, assignment_id, {"resp-sa": city, "resp-cloze": {"start": city, "end": "Lahore"}})
    base = serve(app)
    pages = {"responses-overview": "/teach/responses", "responses": "/teach/questions/resp-sa/responses",
             "responses-cloze": "/teach/questions/resp-cloze/responses"}
    problems = []
    for width, scheme in (("desktop", "light"), ("phone", "light"), ("desktop", "dark")):
        page = new_page(width, color_scheme=scheme)
        log_in(page, base, "teacher")
        for name, path in pages.items():
            page.goto(base + path)
            label = name + ("@phone" if width == "phone" else "") + ("@dark" if scheme == "dark" else "")
            problems.extend(f"{label}: {describe(violation)}" for violation in run_axe(page, label))
            if width == "phone" and not no_horizontal_scroll(page):
                problems.append(f"{label} is wider than a 375 px screen")
            screenshot(page, name + ("-dark" if scheme == "dark" else ""))
    assert not problems, "\n".join(problems)
    page = new_page("phone")
    log_in(page, base, "teacher")
    page.goto(base + "/teach/questions/resp-sa/responses")
    for _ in range(60):
        page.keyboard.press("Tab")
        focus = page.evaluate(FOCUS)
        assert focus["tag"] == "BODY" or focus["visible"], f"no visible focus on {focus}"
        if focus["text"] == "Accept “Karachi” as right":
            break
    else:
        raise AssertionError("the accept button was never reached by Tab")
    page.keyboard.press("Enter")
    page.wait_for_url("**/teach/questions/resp-sa/regrade")
    assert "1 answer would change" in page.inner_text("main")
