"""The question editor in chromium: an instructor writes a question in rows from the keyboard, with the live preview, at
375 and 1280 px in the light and the dark theme; the plain-word errors sit by their fields; every type's rows fit."""

import re

import pytest
import sqlalchemy as sa

from browsing import BROWSER_MARKS, assert_accessible, controls_outside, no_horizontal_scroll, register, screenshot, set_role

from app.extensions import db
from app.models import QuestionVersion

pytestmark = BROWSER_MARKS
NEW = "/teach/questions/new/single_choice?lesson=trade"


def instructor(app, base, new_page, width="desktop", name="ines", **options):
    """A page logged in as a new instructor."""
    page = new_page(width, **options)
    register(page, base, name)
    set_role(app, name, "instructor")
    return page


def fits(page) -> None:
    assert no_horizontal_scroll(page), "the page scrolls sideways"
    assert not controls_outside(page), controls_outside(page)


def option_texts(page) -> list[str]:
    return page.locator('#options [data-column="text"]').evaluate_all("inputs => inputs.map(i => i.value)")


@pytest.mark.parametrize(("width", "scheme"), [("phone", "light"), ("desktop", "dark")])
def test_an_instructor_writes_a_question_in_rows_from_the_keyboard_with_the_live_preview(app, serve, new_page, width, scheme):
    base = serve(app)
    page = instructor(app, base, new_page, width, color_scheme=scheme)
    page.goto(base + NEW)
    fits(page)
    assert_accessible(page, f"question-editor-new-{width}-{scheme}")
    page.get_by_label("Save into").select_option("mine")
    page.get_by_label("Prompt (Markdown)").fill("In which year did India grant **MFN** status?")
    for number, (text, feedback) in enumerate([("2006", "That is SAFTA's year."), ("1996", "Right: MFN came in 1996."),
                                               ("2012", "Pakistan's list came then.")], start=1):
        page.get_by_label(f"Option, option {number}", exact=True).fill(text)
        page.get_by_label(f"Feedback when chosen, option {number}", exact=True).fill(feedback)
    # The fourth, empty row goes; a row moves up by its button from the keyboard; the key is a radio.
    page.get_by_role("button", name="Remove option 4").focus()
    page.keyboard.press("Enter")
    assert page.locator("#options [data-row]").count() == 3
    page.get_by_role("button", name="Move option 2 up").focus()
    page.keyboard.press("Enter")
    assert option_texts(page) == ["1996", "2006", "2012"]
    assert page.evaluate("document.activeElement.getAttribute('aria-label')") == "Move option 1 down"  # focus stays on the row
    page.get_by_role("button", name="+ Add an option").click()
    assert page.evaluate("document.activeElement.name") == "options-3-text"  # the new row, ready to type into
    page.keyboard.type("2019")
    page.get_by_label("Feedback when chosen, option 4", exact=True).fill("That came later.")
    page.locator("#options-0 [data-key-radio]").focus()
    page.keyboard.press("Space")
    page.get_by_label("Explanation: why the right answer is right (Markdown)").fill("India granted MFN in **1996**.")
    page.get_by_label("Part of the lesson it tests").select_option("figures")
    page.get_by_label("Tags, comma-separated").fill("trade, mfn")
    page.locator("#live-preview .preview-status").filter(has_text="Ready to save.").wait_for()
    assert page.locator("#live-preview strong", has_text="MFN").count() >= 1  # the prompt's Markdown, rendered
    fits(page)
    screenshot(page, f"question-editor-{scheme}")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r".*/teach/questions/trade-year-india-grant-mfn-status$"))
    with app.app_context():
        data = db.session.scalar(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == "trade-year-india-grant-mfn-status"))
    assert [o["text"] for o in data["options"]] == ["1996", "2006", "2012", "2019"]
    assert next(o["text"] for o in data["options"] if o["id"] == data["answer"]) == "1996"
    assert data["lesson_anchor"] == "figures"


def test_each_problem_is_said_by_its_field_and_linked_from_the_summary(app, serve, new_page):
    # The row buttons without JavaScript are tests/test_question_editor.py's (they post the form like any other button).
    base = serve(app)
    page = instructor(app, base, new_page, "phone")
    page.goto(base + NEW)
    page.get_by_label("Option, option 1", exact=True).fill("1996")
    page.get_by_label("Option, option 2", exact=True).fill("2006")
    page.get_by_label("Feedback when chosen, option 2", exact=True).fill("That is SAFTA's year.")
    page.get_by_role("button", name="Save", exact=True).click()
    summary = page.locator("#form-problems")
    summary.wait_for()
    assert "nothing was saved" in summary.inner_text()
    for words in ("Option 1 is empty: fill in its feedback.", "Mark the right option", "Write the question itself."):
        assert summary.get_by_role("link", name=re.compile(re.escape(words))).count() == 1, words
    feedback = page.locator("#options-0-feedback")
    assert feedback.get_attribute("aria-invalid") == "true"
    assert "Option 1 is empty" in page.locator("#" + feedback.get_attribute("aria-describedby").split()[-1]).inner_text()
    assert option_texts(page) == ["1996", "2006", "", ""]  # the empty rows between went; room to type stays at the end
    fits(page)
    assert_accessible(page, "question-editor-errors-375")


def test_every_type_opens_with_its_rows_and_fits_at_375_and_1280(app, serve, new_page):
    base = serve(app)
    for width in ("phone", "desktop"):
        page = instructor(app, base, new_page, width, name=f"ed-{width}")
        for qtype, group in (("multiple_response", "options"), ("ordering", "items"), ("matching", "pairs"),
                             ("short_answer", "answers"), ("numeric", "other_answers"), ("cloze", "blanks"), ("essay", "rubric")):
            page.goto(base + f"/teach/questions/new/{qtype}?lesson=trade")
            assert page.locator(f"#{group} [data-row]").count() >= 1, qtype
            fits(page)
            if width == "phone":
                assert_accessible(page, f"question-editor-{qtype}-375")
