"""Two essay journeys in chromium, as people make them: an instructor writes an essay question, sets it,
and grades a student's essay with the rubric from the keyboard; a self-learner writes an essay in practice
(autosaved), compares it with the model answer and grades it criterion by criterion."""

import re

from browsing import BROWSER_MARKS, assert_accessible, attempt_questions, no_horizontal_scroll, open_menu, public_id_of, register, screenshot, set_role

pytestmark = BROWSER_MARKS

ESSAY = ("Trade stayed small because politics governed it. India granted MFN status in 1996, yet by 2004 hardly "
         "any goods crossed the border.\n\nExports grew only when relations were normalised, which suggests that "
         "peace drives trade more than trade drives peace.")
RUBRIC = [("Thesis", "0", "No position, or one that does not answer the question"),
          ("Thesis", "2", "A clear position that answers it"),
          ("Evidence from the lesson", "0", "No evidence"),
          ("Evidence from the lesson", "1", "A fact or two, loosely used"),
          ("Evidence from the lesson", "3", "The lesson's figures, each used to make a point")]


def test_an_instructor_sets_an_essay_and_grades_it_with_the_rubric_from_the_keyboard(app, serve, new_page):
    base = serve(app)
    teacher = new_page()
    register(teacher, base, "ines")
    set_role(app, "ines", "instructor")
    teacher.goto(base + "/teach/")
    teacher.get_by_label("Class name").fill("Essays 2026")
    teacher.get_by_role("button", name="Create class").click()
    teacher.get_by_role("heading", name="Essays 2026").wait_for()
    code = teacher.locator(".code").first.inner_text().strip()

    # The instructor writes the question in the browser, into the class's bank.
    teacher.goto(base + "/teach/questions/new/essay?lesson=trade")
    teacher.get_by_label("Question id (optional)").fill("trade-essay-class")
    teacher.get_by_label("Save into").select_option(label="Class bank: Essays 2026")
    teacher.get_by_label("Prompt (Markdown)").fill("Why did trade do so little to bring the two countries together?")
    teacher.get_by_label("Fewest words (optional)").fill("20")
    teacher.get_by_label("Most words (optional)").fill("300")
    teacher.get_by_label("Model answer (Markdown), shown after submitting").fill("Hostility kept trade small: MFN in 1996, little by 2004.")
    teacher.get_by_role("button", name="+ Add a level").click()  # four rows to start; this rubric has five levels
    for number, (criterion, points, description) in enumerate(RUBRIC, start=1):
        teacher.get_by_label(f"Criterion, level {number}", exact=True).fill(criterion)
        teacher.get_by_label(f"Points, level {number}", exact=True).fill(points)
        teacher.get_by_label(f"What an answer at this level does, level {number}", exact=True).fill(description)
    teacher.get_by_label("Explanation: why the right answer is right (Markdown)").fill("Politics came first.")
    teacher.get_by_label("Part of the lesson it tests").select_option("figures")
    teacher.get_by_label("Tags, comma-separated").fill("trade, class-essay")
    teacher.get_by_role("button", name="Save").click()
    teacher.wait_for_url(re.compile(r".*/teach/questions/trade-essay-class.*"))

    student = new_page("phone")
    register(student, base, "omar")
    student.goto(base + "/classes/join")
    student.get_by_label("Class code").fill(code)
    student.get_by_role("button", name="Join the class").click()

    teacher.goto(base + "/teach/")
    teacher.get_by_role("link", name="Essays 2026").first.click()
    teacher.get_by_role("link", name="Set an assignment").click()
    teacher.get_by_label("Title").fill("Trade essay")
    teacher.get_by_label("Draw questions from these lessons").select_option(label="Trade")
    teacher.get_by_label("Only questions tagged (optional)").fill("class-essay")
    teacher.get_by_label("Number of questions").fill("1")
    teacher.get_by_role("button", name="Publish").click()
    assert "published with 1 question" in teacher.locator(".flash").inner_text()

    # The student writes on a phone: the count follows the words, and the essay waits for its grade.
    open_menu(student)
    student.get_by_role("link", name="Assignments").click()
    student.get_by_role("button", name="Start an attempt").click()
    student.wait_for_url("**/attempts/**")
    box = student.get_by_label(re.compile("Your essay"))
    box.fill(ESSAY)
    assert student.locator(".word-count").inner_text() == f"{len(ESSAY.split())} words"
    assert no_horizontal_scroll(student)
    student.get_by_role("button", name="Review and submit").first.click()
    student.get_by_role("button", name="Submit and finish").click()
    student.wait_for_url("**/result")
    assert "Waiting for a grade" in student.locator("ol.review").inner_text()
    assert student.get_by_role("button", name="Save my grade").count() == 0

    # The instructor grades anonymously, choosing levels with the digit keys, and saves with the keyboard.
    teacher.goto(base + "/teach/")
    teacher.get_by_role("link", name="Essays 2026").first.click()
    teacher.get_by_role("link", name="1 essay to grade").click()
    assert "1 of 1 essay waiting" in teacher.locator("main").inner_text()
    teacher.get_by_role("link", name="Grade anonymously").click()
    assert "omar" not in teacher.locator("main").inner_text()
    teacher.get_by_role("link", name="Grade the next ungraded essay").click()
    assert teacher.get_by_role("heading", level=1).inner_text() == "Essay 1"
    assert "politics governed it" in teacher.locator(".essay-text").inner_text()
    assert_accessible(teacher, "grade an essay")
    teacher.emulate_media(color_scheme="dark")
    assert_accessible(teacher, "grade an essay, dark theme")
    teacher.emulate_media(color_scheme="light")
    teacher.get_by_role("radio").first.focus()
    teacher.keyboard.press("2")  # thesis: the second level (2 points); focus moves on to the evidence criterion
    teacher.keyboard.press("2")  # evidence: the second level (1 point)
    assert teacher.get_by_role("radio", name=re.compile("A clear position")).is_checked()
    assert teacher.get_by_role("radio", name=re.compile("A fact or two")).is_checked()
    teacher.get_by_label("Overall comment (optional)").fill("Use the export figures too.")
    teacher.get_by_role("button", name="Save and grade the next essay").focus()
    teacher.keyboard.press("Enter")
    teacher.wait_for_url(re.compile(r".*/grading\?anonymous=1$"))
    assert "0 of 1 essay waiting" in teacher.locator("main").inner_text()

    teacher.goto(base + "/teach/")
    teacher.get_by_role("link", name="Essays 2026").first.click()
    teacher.get_by_role("link", name="Gradebook").click()
    assert "60 %" in teacher.get_by_role("row", name=re.compile("omar")).inner_text()

    student.reload()
    item = student.locator("ol.review > li").first
    assert "Partly correct" in item.inner_text()
    assert "Graded by your instructor: Thesis: 2 of 2; Evidence from the lesson: 1 of 3." in item.inner_text()
    assert "Use the export figures too." in item.inner_text()
    screenshot(student, "essay-graded")


def test_a_self_learner_writes_an_essay_in_practice_and_grades_it_against_the_model(app, serve, new_page):
    base = serve(app)
    page = new_page()
    register(page, base, "amna")
    page.goto(base + "/lessons/trade/quiz")
    page.get_by_role("button", name="Start practising").click()
    page.wait_for_url("**/attempts/**")
    public_id = public_id_of(page.url)
    position = next(i for i, data in enumerate(attempt_questions(app, public_id)) if data["type"] == "essay")
    page.goto(f"{base}/attempts/{public_id}?q={position}")

    # Autosave: a half-written essay survives a reload (a closed tab, a lost connection).
    box = page.get_by_label(re.compile("Your essay"))
    box.fill(ESSAY)
    page.wait_for_timeout(700)  # the draft is written half a second after the last key
    page.reload()
    assert page.get_by_label(re.compile("Your essay")).input_value() == ESSAY
    page.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Save my grade").wait_for()
    verdict = page.locator(".verdict")
    assert "Waiting for a grade" in verdict.inner_text() and "Model answer" in verdict.inner_text()
    assert_accessible(page, "self-grade an essay")
    page.emulate_media(color_scheme="dark")
    assert_accessible(page, "self-grade an essay, dark theme")

    criteria = page.locator("fieldset.criterion")
    for index in range(criteria.count()):  # a middle level on every criterion
        radios = criteria.nth(index).get_by_role("radio")
        radios.nth(radios.count() // 2).check()
    page.get_by_role("button", name="Save my grade").click()
    page.get_by_text("Your grade is saved").wait_for()
    assert page.locator(".verdict h2").inner_text() in ("Partly correct", "Correct")
    assert "Your own grade:" in page.locator(".verdict").inner_text()
    assert page.get_by_role("button", name="Save my grade").count() == 0  # graded once
    page.reload()
    assert page.get_by_label(re.compile("Your essay")).count() == 0  # the draft went with the submission
