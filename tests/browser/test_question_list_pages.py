"""The question list and item analysis in a real browser: at 375 and 1280 px, light and dark, nothing cut off or
off-screen, axe clean; the list is filtered from the keyboard alone; the analysis chart has its legend."""

import pytest
from playwright.sync_api import expect

from browsing import BROWSER_MARKS, assert_accessible, controls_outside, log_in, no_horizontal_scroll, screenshot
from tests.test_question_list import add_question, user_id
from tests.test_teaching import create_assignment, create_class, join, person, take

pytestmark = BROWSER_MARKS


@pytest.fixture
def world(app):
    """An instructor with a draft (long prompt, Markdown), a class, and an assignment three students have taken."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    add_question(app, "trade-ines-draft", author=user_id(app, "ines"), tags=("trade", "mfn"),
                 prompt="In which year did **India** grant most-favoured-nation status to Pakistan, and what did "
                        "the paper say followed from it for trade across the border in the years after?")
    assignment_id = create_assignment(app, teacher, classroom_id)
    for name, right in (("sami", True), ("tara", False), ("uma", True)):
        student = person(app, name)
        join(student, code)
        take(app, student, assignment_id, right=right)
    return {"assignment": assignment_id}


def fits(page, label: str, width: int) -> list[str]:
    """What sticks out at this width: sideways scroll, or a control outside the window."""
    problems = [] if no_horizontal_scroll(page) else [f"{label}: the page scrolls sideways at {width} px"]
    return problems + [f"{label}: {control} is outside the window" for control in controls_outside(page)]


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_both_pages_fit_and_pass_axe(app, world, live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "ines")
    pixels = page.viewport_size["width"]
    problems = []
    for name, path in (("question-list", "/teach/questions?lesson=trade"),
                       ("item-analysis", f"/teach/assignments/{world['assignment']}/analysis")):
        page.goto(live_server + path)
        problems += fits(page, f"{name}-{scheme}", pixels)
        assert_accessible(page, f"{name}-{scheme}@{width}")
        screenshot(page, f"s7-{name}-{scheme}")
    assert not problems, "\n".join(problems)


def test_the_actions_column_is_not_cut_off_at_1280(app, world, live_server, new_page):
    page = new_page("desktop")
    log_in(page, live_server, "ines")
    page.goto(live_server + "/teach/questions?lesson=trade")
    table = page.locator("table.question-list").bounding_box()
    main = page.locator("main").bounding_box()
    assert table["x"] + table["width"] <= main["x"] + main["width"] + 1
    last = page.locator("table.question-list tbody tr").first.locator(".actions a").last
    box = last.bounding_box()
    assert box["x"] + box["width"] <= table["x"] + table["width"]
    assert page.get_by_role("columnheader", name="Actions").is_visible()
    prompt = page.locator('a.prompt[href$="/trade-ines-draft"]')
    assert "India grant" in prompt.inner_text() and "**" not in prompt.inner_text()  # plain text, not Markdown


def test_the_list_is_filtered_from_the_keyboard(app, world, live_server, new_page):
    page = new_page("phone")
    log_in(page, live_server, "ines")
    page.goto(live_server + "/teach/questions")
    page.locator("#lesson").focus()
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"  # visible focus
    while page.evaluate("document.activeElement.id") != "status":
        page.keyboard.press("Tab")
    page.locator("#status").select_option("draft")  # what the arrow keys do on a focused select
    while page.evaluate("document.activeElement.id") != "words":
        page.keyboard.press("Tab")
    page.keyboard.type("favoured")
    page.keyboard.press("Enter")
    page.wait_for_url("**status=draft**")
    rows = page.locator("table.question-list tbody tr")
    assert rows.count() == 1 and "Draft" in rows.first.inner_text()
    assert page.get_by_role("status").inner_text().startswith("1 question")
    page.get_by_role("link", name="Clear the filters").first.click()
    page.wait_for_url(live_server + "/teach/questions")
    assert page.locator("table.question-list tbody tr").count() == 40  # a page of the whole list


def test_the_analysis_chart_has_a_legend_and_warns_of_few_answers(app, world, live_server, new_page):
    page = new_page("phone")
    log_in(page, live_server, "ines")
    page.goto(live_server + f"/teach/assignments/{world['assignment']}/analysis")
    legend = page.get_by_role("list", name="How to read the chart")
    assert legend.is_visible() and legend.locator("li").count() == 5
    assert page.get_by_role("img", name="Facility and discrimination per question").is_visible()
    expect(page.get_by_text("Not yet: 0 of 5 questions have enough").first).to_be_visible()
    assert page.locator(".items .few").first.is_visible()  # a greyed figure carries words too
    chart = page.locator("svg.chart").bounding_box()
    assert chart["width"] <= 375 and chart["height"] > 100
    page.get_by_text("Why these numbers?").click()
    expect(page.get_by_text("Kelley 1939")).to_be_visible()
