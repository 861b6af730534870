"""Helpers for the browser tests: what a person does (register, log in, answer), axe-core, screenshots."""

import json
import re
import shutil
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Attempt, QuestionVersion, ReviewCard, User
from tests.conftest import PASSWORD, PROJECT_ROOT
from tests.test_quiz import shown

KARACHI = ZoneInfo("Asia/Karachi")
VIEWS = [("phone", "light"), ("phone", "dark"), ("desktop", "light"), ("desktop", "dark")]


def nine_in_karachi() -> datetime:
    """The next 09:00 in Karachi from the real clock: near enough to now that the browser keeps its cookies."""
    local = datetime.now(timezone.utc).astimezone(KARACHI)
    nine = local.replace(hour=9, minute=0, second=0, microsecond=0)
    return (nine if nine > local else nine + timedelta(days=1)).astimezone(timezone.utc)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
OUTPUT = PROJECT_ROOT / "test-output"
SCREENSHOTS = OUTPUT / "screenshots"
AXE_REPORT = OUTPUT / "axe-results.json"
WIDTHS = {"phone": (375, 812), "desktop": (1280, 900)}

BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium; .ci/run does)"),
]

# Every axe run of the session, by page: written to test-output/axe-results.json at the end.
AXE_RESULTS: dict[str, dict] = {}


def register(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Create an account through the real form, as a person would."""
    page.goto(base + "/account/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label("Repeat the password").fill(password)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    open_menu(page)
    assert page.get_by_role("link", name=username).is_visible()


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    page.goto(base + "/account/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    open_menu(page)
    assert page.get_by_role("link", name=username).is_visible()


def open_menu(page) -> None:
    """On a narrow screen the header's links sit behind its Menu button: open it, as a person would."""
    menu = page.locator(".site-menu > summary")
    if menu.count() and menu.is_visible() and not page.locator(".site-menu[open]").count():
        menu.click()


def set_role(app, username: str, role: str) -> None:
    """What `flask users set-role` does: the one step a person cannot do in the browser."""
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == username)).role = role
        db.session.commit()


def attempt_questions(app, public_id: str) -> list[dict]:
    """The question data at each position of an attempt, as the server drew it."""
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        versions = {v.id: v.data for v in db.session.scalars(sa.select(QuestionVersion))}
        return [versions[entry["version_id"]] for entry in attempt.layout]


def public_id_of(url: str) -> str:
    return re.search(r"/attempts/([^/?#]+)", url).group(1)


def fill_values(page, values: dict[str, list[str]]) -> None:
    """Put form values into the page's inputs the way a person would: tick, choose, type."""
    for name, wanted in values.items():
        fields = page.locator(f'[name="{name}"]')
        kind = fields.first.evaluate("e => e.tagName === 'SELECT' ? 'select' : e.type")
        if kind in ("radio", "checkbox"):
            for index in range(fields.count()):
                box = fields.nth(index)
                if (box.get_attribute("value") in wanted) != box.is_checked():
                    box.click()
        elif kind == "select":
            fields.first.select_option(wanted[0])
        else:
            fields.first.fill(wanted[0])


def on_page(page, app, values: dict[str, list[str]]) -> dict[str, list[str]]:
    """Form values written in the bank's ids as the page's form shows them: the opaque values of its
    attempt or review card (a person picks by text; the test knows the ids)."""
    from app.learning.review_routes import review_item

    action = page.locator("form.quiz-form").first.get_attribute("action")
    card = re.fullmatch(r"/review/(\d+)", action)
    if card is None:
        return shown(app, public_id_of(action), values)
    with app.test_request_context():
        return review_item(db.session.get(ReviewCard, int(card.group(1))))["form"].shown_values(values)


def answer_as_shown(page, values: dict[str, list[str]]) -> None:
    """Put form values into the page as a person does: ticks, choices and words by ``fill_values``; ordering and
    matching (whose selects drag-and-drop hides) with the widget's own buttons, by the texts the selects offer."""
    plain = {}
    for name, wanted in values.items():
        field = page.locator(f'.dnd-enhanced [name="{name}"]')
        if not field.count():
            plain[name] = wanted
            continue
        text = field.evaluate("(s, v) => v ? [...s.options].find(o => o.value === v).textContent.trim() : ''", wanted[0])
        question = page.locator(".dnd-enhanced", has=page.locator(f'[name="{name}"]'))
        if field.evaluate("s => !!s.closest('ol.slots')"):
            place = field.evaluate("s => [...s.closest('ol.slots').querySelectorAll('select')].indexOf(s)")
            shown = question.locator(".dnd-list .dnd-text")
            while [t.strip() for t in shown.all_inner_texts()].index(text) > place:
                question.get_by_role("button", name=f"Move “{text}” up").click()
            keep = question.get_by_role("button", name="Keep this order")
            if keep.is_visible():  # the shuffle happened to be the order wanted
                keep.click()
        elif text:
            question.locator(".match-chip", has=page.locator(".match-text", has_text=text)).click()
            question.locator(f'.match-slot[data-select="{name}"] .match-target').click()
    fill_values(page, plain)


def answer_correctly(page, app, data: dict, field: str) -> None:
    answer_as_shown(page, on_page(page, app, form_values(data, field, key_response(data))))


def run_axe(page, label: str) -> list[dict]:
    """Run axe-core on the page as it stands; record the result; return serious and critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    violations = results.response["violations"]
    bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
    AXE_RESULTS[label] = {
        "url": page.url.split("://", 1)[-1].split("/", 1)[-1],
        "violations": {v["id"]: {"impact": v.get("impact"), "nodes": len(v["nodes"])} for v in violations},
        "serious_or_critical": len(bad),
        "passes_checked": len(results.response.get("passes", [])),
    }
    return bad


def describe(violation: dict) -> str:
    """One axe violation in a line: rule, impact, what it asks, where (first three places)."""
    return f"{violation['id']} ({violation['impact']}): {violation['help']} at {[n['target'] for n in violation['nodes']][:3]}"


def assert_accessible(page, label: str) -> None:
    bad = run_axe(page, label)
    assert not bad, f"{label}: " + "; ".join(describe(v) for v in bad)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as test-output/screenshots/<name>-<width>px.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = page.viewport_size["width"]
    path = SCREENSHOTS / f"{name}-{width}px.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def no_horizontal_scroll(page) -> bool:
    """The page is no wider than the window: nothing forces a phone user to scroll sideways."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


# Every control the page shows (links, buttons, fields, a menu's summary) whose box lies partly outside the window:
# such a control can only be reached by scrolling sideways, or not at all (the audit's off-screen "Start" button).
# The skip link waits off-screen on purpose until it is focused.
CONTROLS_OUTSIDE = """() => {
  const controls = document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary');
  return [...controls].filter(e => !e.closest('.skip-link, .visually-hidden') && e.checkVisibility({visibilityProperty: true}))
    .map(e => [e, e.getBoundingClientRect()])
    .filter(([e, box]) => box.width > 1 && box.height > 1 && (box.left < -1 || box.right > window.innerWidth + 1))
    .map(([e, box]) => `${e.tagName.toLowerCase()} "${(e.innerText || e.value || e.name || '').trim().slice(0, 40)}" at ${Math.round(box.left)}–${Math.round(box.right)}`);
}"""


def controls_outside(page) -> list[str]:
    """Visible controls that stick out of the window sideways, described for a failure message."""
    return page.evaluate(CONTROLS_OUTSIDE)


# The focused element as a keyboard user meets it: a field by its name, a button or link by its words.
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e) return '';
  const field = e.tagName === 'SELECT' || e.tagName === 'TEXTAREA' || (e.tagName === 'INPUT' && !['submit', 'button'].includes(e.type));
  return field ? e.name : (e.innerText || e.value || '').trim();
}"""


def focused(page) -> str:
    """A focused field's name, or a button's or link's words."""
    return page.evaluate(FOCUSED)


def tab_to(page, wanted: str, limit: int = 60) -> None:
    """Press Tab until the focused element's name or words are ``wanted``; its focus must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if focused(page).strip() == wanted:
            assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none", f"no visible focus on {wanted}"
            return
    raise AssertionError(f"Tab never reached {wanted!r}")


def check_layout(page, label: str) -> None:
    """No sideways scroll, no control off-screen, axe clean; a screenshot for the record."""
    assert no_horizontal_scroll(page), f"{label}: the page scrolls sideways"
    assert not controls_outside(page), f"{label}: {controls_outside(page)}"
    assert_accessible(page, label)
    screenshot(page, label)


def write_axe_report() -> None:
    if AXE_RESULTS:
        OUTPUT.mkdir(exist_ok=True)
        AXE_REPORT.write_text(json.dumps(AXE_RESULTS, indent=2, sort_keys=True))
