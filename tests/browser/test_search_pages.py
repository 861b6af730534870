"""Search and the filter boxes in chromium: both widths and themes, axe, the keyboard, filtering as you type."""

import re

import pytest
from playwright.sync_api import expect

from browsing import BROWSER_MARKS, assert_accessible, no_horizontal_scroll, screenshot
from test_interface import focused, tab_until

pytestmark = BROWSER_MARKS

PAGES = {"search": "/search?q=kashmir", "people-filtered": "/people?side=Pakistan&q=minister", "search-empty": "/search",
         "search-miss": "/search?q=zzxqv", "timeline-filtered": "/timeline?decade=1990", "glossary-filtered": "/glossary?q=track"}


def visible_rows(page) -> int:
    return page.locator("[data-filter-item]:visible").count()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_search_and_filtered_pages_pass_axe_without_sideways_scrolling(live_server, new_page, width, scheme):
    page = new_page(width, color_scheme=scheme)
    for name, path in PAGES.items():
        page.goto(live_server + path)
        assert no_horizontal_scroll(page), f"{path} scrolls sideways at {width}"
        for control in page.locator("main input, main select, main button:visible, main a.button:visible").all():
            box = control.bounding_box()
            assert box is None or box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"] + 1, \
                f"{path}: a control sits outside the window at {width}"
        assert_accessible(page, f"{name}-{width}-{scheme}")
        if scheme == "light" or name == "search":
            screenshot(page, f"{name}-{scheme}")


def test_the_filter_hides_entries_as_you_type_and_keeps_the_address(live_server, page):
    page.goto(live_server + "/people")
    everyone = visible_rows(page)
    box = page.get_by_label("Filter by name or role")
    box.press_sequentially("pervez musharraf", delay=20)
    expect(page.locator("[data-filter-item]:visible")).to_have_count(1)
    expect(page.locator("#person-pervez-musharraf")).to_be_visible()
    assert not page.locator("#person-nawaz-sharif").is_visible()
    assert re.search(r"Showing 1 of \d+\.", page.locator("[data-filter-count]").inner_text())
    assert "q=pervez+musharraf" in page.url
    page.get_by_role("link", name="Show all").click()
    assert visible_rows(page) == everyone and box.input_value() == ""
    page.get_by_label("Side").select_option("India")
    assert 0 < visible_rows(page) < everyone and not page.locator("#person-pervez-musharraf").is_visible()
    box.fill("zzxqv")
    expect(page.locator("[data-filter-empty]")).to_be_visible()
    assert page.get_by_role("link", name="search the whole course").get_attribute("href").endswith("/search?q=zzxqv")


def test_glossary_letters_follow_the_filter(live_server, page):
    page.goto(live_server + "/glossary")
    page.get_by_label("Filter terms and definitions").fill("wagah")
    expect(page.locator("#letter-A")).to_be_hidden()
    assert page.locator("#letter-W").is_visible() and not page.locator("#letter-A").is_visible()
    assert not page.locator(".alphabet a[href='#letter-A']").is_visible()


def test_without_javascript_the_filter_form_asks_the_server(app, serve, new_page):
    page = new_page(java_script_enabled=False)
    base = serve(app)
    page.goto(base + "/timeline")
    everyone = visible_rows(page)
    page.get_by_label("Decade").select_option("1990")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_load_state()
    assert "decade=1990" in page.url and 0 < visible_rows(page) < everyone
    page.goto(base + "/search")
    page.get_by_label("Lessons, glossary, people and timeline").fill("partit")
    page.locator("main").get_by_role("button", name="Search").click()
    expect(page.locator("a.result-title[href='/glossary#term-partition']")).to_be_visible()


def test_by_keyboard_a_result_lands_on_its_paragraph(live_server, page):
    page.goto(live_server + "/search")
    assert page.evaluate("document.activeElement.id") == "search-query", "the search page starts in its box"
    page.keyboard.type("pulwama")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"q=pulwama"))
    tab_until(page, lambda focus: page.evaluate("document.activeElement.getAttribute('href') || ''")
              == "/lessons/introduction#pulwama-2019")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/lessons/introduction#pulwama-2019$"))
    target = page.locator(":target")
    assert target.get_attribute("id") == "pulwama-2019" and target.is_visible()
    assert target.evaluate("e => { const r = e.getBoundingClientRect(); return r.top > -2 && r.top < innerHeight / 2; }")


def test_by_keyboard_the_people_filter_works(live_server, page):
    page.goto(live_server + "/people")
    tab_until(page, lambda focus: page.evaluate("document.activeElement.id") == "filter-q")
    page.keyboard.type("sharif")
    page.keyboard.press("Enter")  # the page already filters as you type: Enter keeps you in place
    expect(page.locator("#person-pervez-musharraf")).to_be_hidden()
    expect(page.locator("#person-nawaz-sharif")).to_be_visible()
    assert focused(page)["name"] == "q"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "filter-side"
