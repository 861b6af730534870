"""Mastery that fades, in chromium at 375 and 1280 px, light and dark: a learner whose Mastered lesson has faded sees
"Needs review" (icon and words) with how many cards bring it back on the dashboard, the course map and the lesson
page; the pages stay axe clean with nothing off-screen; the keyboard reaches "Review 3 cards" and it opens a card."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Lesson
from browsing import BROWSER_MARKS, SCREENSHOTS, check_layout, focused, log_in, tab_to
from tests.test_mastery_fading import expected_count, seed_mastered
from tests.test_progress import owner_of
from tests.test_teaching import person

pytestmark = BROWSER_MARKS

VIEWS = [("phone", "light"), ("phone", "dark"), ("desktop", "light"), ("desktop", "dark")]


def faded_learner(app) -> str:
    """An account whose SAARC lesson is Mastered but has six long-forgotten cards; the lesson's title."""
    person(app, "nadia")
    owner = owner_of(app, "nadia")
    seed_mastered(app, owner, "saarc")
    assert expected_count(app, owner, "saarc") == 3
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.title).where(Lesson.slug == "saarc"))


def badge_looks_right(page, row) -> None:
    """The badge shows its icon and its words (never colour alone), in a colour of its own."""
    badge = row.locator(".mastery-badge")
    assert badge.inner_text().strip() == "Needs review"
    icon = badge.evaluate("b => getComputedStyle(b, '::before').content")
    assert "↻" in icon, icon
    mastered = page.evaluate("""() => { const probe = document.createElement('span');
        probe.className = 'mastery-badge level-mastered'; document.body.append(probe);
        const colour = getComputedStyle(probe).color; probe.remove(); return colour; }""")
    assert badge.evaluate("b => getComputedStyle(b).color") != mastered


@pytest.mark.parametrize("width,scheme", VIEWS)
def test_a_faded_lesson_says_needs_review_and_how_many_cards_bring_it_back(app, live_server, new_page, width, scheme):
    title = faded_learner(app)
    page = new_page(width, color_scheme=scheme)
    log_in(page, live_server, "nadia")

    page.goto(f"{live_server}/me")
    row = page.locator("li.mastery-row", has=page.get_by_role("link", name=title, exact=True))
    badge_looks_right(page, row)
    line = row.locator(".mastery-fading")
    assert line.inner_text().startswith("Recall has faded to about") and line.inner_text().endswith("to bring it back to Mastered.")
    assert row.get_by_role("link", name=f"Review 3 cards of {title}").is_visible()
    assert "1 needs review" in page.locator(".headline").inner_text()
    check_layout(page, f"mastery-fading-dashboard-{scheme}")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    row.screenshot(path=str(SCREENSHOTS / f"mastery-fading-row-{scheme}-{page.viewport_size['width']}px.png"))  # the badge up close

    page.goto(f"{live_server}/")
    card = page.locator("li.lesson-card", has=page.get_by_role("link", name=title, exact=True))
    badge_looks_right(page, card)
    assert card.get_by_role("link", name=f"Review 3 cards of {title}").is_visible()
    check_layout(page, f"mastery-fading-home-{scheme}")

    page.goto(f"{live_server}/lessons/saarc")
    standing = page.locator(".lesson-standing")
    assert "Needs review" in standing.inner_text() and "Review 3 cards" in standing.inner_text()
    check_layout(page, f"mastery-fading-lesson-{scheme}")

    # Keyboard only: from the top of the dashboard to the lesson's review link, and on to a card to review.
    page.goto(f"{live_server}/me")
    row.get_by_role("link", name=f"Review 3 cards of {title}").focus()
    words = focused(page).strip()  # as the keyboard user's screen reader says it
    page.evaluate("document.activeElement.blur()")
    page.locator("body").focus()
    tab_to(page, words, limit=120)
    assert words.startswith("Review 3 cards")
    page.keyboard.press("Enter")
    page.wait_for_url("**/review")
    assert page.locator("form.quiz-form").count() == 1  # a forgotten card, ready to answer
