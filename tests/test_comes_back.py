"""The result page says when an attempt's questions come back for review (issue 18), by the learner's own days,
and says nothing when a due day would tell a right answer from a wrong one; a new learner's first test leaves
nothing to do today."""

import html as markup
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from flask import url_for

from app.comeback import comes_back, comes_back_sentence
from app.course.clock import local_day
from app.course.quiz import form_values
from app.course.scoring import key_response
from app.course_cache import snapshot
from app.extensions import db
from app.models import Assignment, Question, ReviewCard
from app.review_status import review_status
from tests.test_progress import cards_of, owner_of, submit_test_with_key
from tests.test_quiz import check, csrf_token, layout_data, said, shown, start, start_drawing, wrong_response
from tests.test_review_status import make_hold
from tests.test_teaching import create_assignment, create_class, join, person, take

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # a Tuesday; already Wednesday 2 Dec in Kiritimati (UTC+14)
TODAY = date(2026, 12, 1)
KIRITIMATI = ZoneInfo("Pacific/Kiritimati")


# --- The sentence ------------------------------------------------------------------------------------------------------

def test_two_days_are_named_with_weekday_and_date():
    days = [(date(2026, 12, 3), 6), (date(2026, 12, 5), 4)]
    assert comes_back_sentence(days, TODAY) == "You'll see 6 of these again on Thursday (3 Dec) and 4 on Saturday (5 Dec)."


def test_today_and_tomorrow_are_named_as_such_and_a_card_already_due_counts_as_today():
    days = [(date(2026, 11, 28), 1), (TODAY, 2), (date(2026, 12, 2), 3)]
    assert comes_back_sentence(days, TODAY) == "You'll see 3 of these again today and 3 tomorrow."


def test_three_days_are_listed_and_more_are_grouped_with_the_dates_they_span():
    three = [(date(2026, 12, 2), 5), (date(2026, 12, 3), 3), (date(2026, 12, 8), 2)]
    assert comes_back_sentence(three, TODAY) == \
        "You'll see 5 of these again tomorrow, 3 on Thursday (3 Dec) and 2 on Tuesday (8 Dec)."
    five = three + [(date(2026, 12, 20), 1), (date(2027, 1, 4), 1)]
    assert comes_back_sentence(five, TODAY) == \
        "You'll see 5 of these again tomorrow, 3 on Thursday (3 Dec) and the other 4 between 8 Dec and 4 Jan 2027."


def test_one_question_and_none():
    assert comes_back_sentence([(date(2027, 1, 5), 1)], TODAY) == "You'll see this question again on Tuesday (5 Jan 2027)."
    assert comes_back_sentence([], TODAY) == ""


# --- The query ---------------------------------------------------------------------------------------------------------

def put_cards(app, owner: str, dues: list[datetime]) -> list[str]:
    """Cards for the first questions of the trade bank, due at ``dues``; their question ids."""
    with app.app_context():
        ids = list(db.session.scalars(sa.select(Question.id).where(Question.bank == "course", Question.retired.is_(False))
                                      .order_by(Question.id).limit(len(dues))))
        for question_id, due in zip(ids, dues, strict=True):
            db.session.add(ReviewCard(owner_key=owner, question_id=question_id, state=2, step=None, stability=3.0,
                                      difficulty=5.0, due=due, last_review=NOW))
        db.session.commit()
    return ids


def test_cards_are_grouped_by_the_learner_s_own_day(app):
    """11:00 and 09:00 UTC on 1 Dec are one day in London but 2 Dec 01:00 and 1 Dec 23:00 in Kiritimati."""
    dues = [datetime(2026, 12, 1, 11, tzinfo=timezone.utc), datetime(2026, 12, 1, 9, tzinfo=timezone.utc),
            datetime(2026, 12, 4, 0, tzinfo=timezone.utc), datetime(2026, 12, 4, 0, tzinfo=timezone.utc)]
    ids = put_cards(app, "user:1", dues)
    with app.app_context():
        assert comes_back("user:1", ids, ZoneInfo("UTC")) == [(date(2026, 12, 1), 2), (date(2026, 12, 4), 2)]
        assert comes_back("user:1", ids, KIRITIMATI) == [(date(2026, 12, 1), 1), (date(2026, 12, 2), 1),
                                                          (date(2026, 12, 4), 2)]
        # Another learner's cards and questions not asked about are not counted.
        assert comes_back("user:2", ids, ZoneInfo("UTC")) == []
        assert comes_back("user:1", ids[:1], ZoneInfo("UTC")) == [(date(2026, 12, 1), 1)]


def test_a_retired_question_is_not_counted(app):
    ids = put_cards(app, "user:1", [datetime(2026, 12, 3, tzinfo=timezone.utc)] * 3)
    with app.app_context():
        db.session.get(Question, ids[0]).retired = True
        db.session.commit()
        assert comes_back("user:1", ids, ZoneInfo("UTC")) == [(date(2026, 12, 3), 2)]


def test_it_costs_one_query_however_many_cards(app):
    ids = put_cards(app, "user:1", [NOW + timedelta(days=offset % 7, hours=offset) for offset in range(40)])
    seen = []
    with app.app_context():
        snapshot()  # the worker's course, built once per course version (not per call)
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            found = comes_back("user:1", ids, KIRITIMATI)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
    assert sum(count for _, count in found) == 40 and len(seen) == 1


# --- Over HTTP: the learner's result page ------------------------------------------------------------------------------

def submit(app, client, public_id, wrong_positions=()) -> None:
    """Hand in a test: the key everywhere but at ``wrong_positions``."""
    values = {}
    for position, data in enumerate(layout_data(app, public_id)):
        response = wrong_response(data) if position in wrong_positions else key_response(data)
        values.update(form_values(data, f"q{position}", response))
    handed = client.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, values), "csrf_token": csrf_token(client)})
    assert handed.status_code == 302


def block(html: str) -> str:
    """The page's "When they come back" section as text ('' when there is none)."""
    match = re.search(r'<section class="comes-back".*?</section>', html, re.S)
    return said(markup.unescape(re.sub(r"<[^>]+>", " ", match.group(0)))) if match else ""


def dues_by_day(app, owner: str, tz: ZoneInfo) -> dict[date, int]:
    counts: dict[date, int] = {}
    for card in cards_of(app, owner):
        counts[local_day(card.due, tz)] = counts.get(local_day(card.due, tz), 0) + 1
    return counts


@pytest.fixture
def learner(app, client, auth):
    """A new learner at ``NOW`` whose browser says they are in Kiritimati, where it is already 2 Dec."""
    with time_machine.travel(NOW, tick=False):
        auth.register()
        client.set_cookie("tz", "Pacific/Kiritimati")
        yield owner_of(app)


def test_the_result_page_says_when_the_test_s_questions_come_back_in_the_learner_s_days(app, client, learner):
    """Five wrong come back on the learner's tomorrow (3 Dec in Kiritimati, not 2 Dec as UTC's day would have it);
    five right later; the sentence agrees with the cards' own due days, and the links are there."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id, wrong_positions={1, 3, 5, 7, 9})
    html = client.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    text = block(html)
    days = sorted(dues_by_day(app, learner, KIRITIMATI).items())
    # The wrong five on the learner's tomorrow; the right five shared by balancing between FSRS's day 2 and 3.
    assert days[0] == (date(2026, 12, 3), 5) and {day for day, _ in days[1:]} <= {date(2026, 12, 4), date(2026, 12, 5)}
    assert sum(count for _, count in days) == 10 and len(days) == 3
    assert text.startswith("When they come back " + comes_back_sentence(days, date(2026, 12, 2)))
    assert "5 of these again tomorrow" in text and "on Friday (4 Dec)" in text
    assert "Days in Pacific/Kiritimati time" in text
    links = re.findall(r'href="([^"]+)"', html.split('class="comes-back"')[1].split("</section>")[0])
    with app.test_request_context():
        # The review settings page is another engineer's: linked once its route exists.
        settings = [url_for("learning.review_plan")] if "learning.review_plan" in app.view_functions else []
    assert links == ["/review", *settings]


def told(text: str) -> int:
    """How many questions the block's sentence says come back, over all its days."""
    sentence = text.split("Days in")[0]
    return sum(int(n) for n in re.findall(r"\b(\d+) (?:of these again )?(?:on|today|tomorrow)\b", sentence))


def test_a_later_review_moves_the_day_the_page_gives(app, client, learner):
    """The page tells the cards' current due days: after one is reviewed on, it is counted on its new day."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id)
    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.owner_key == learner).order_by(ReviewCard.id).limit(1))
        card.due = datetime(2026, 12, 20, 10, tzinfo=timezone.utc)  # 21 Dec in Kiritimati
        db.session.commit()
    text = block(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert told(text) == 10 and "1 on Monday (21 Dec)" in text


def test_a_question_an_exam_now_holds_back_is_not_counted(app, client, learner):
    """An exam set later on one of the test's questions hides its key, and so its day, from the page."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id)
    make_hold(app, layout_data(app, public_id)[0]["id"])
    text = block(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert told(text) == 9


def test_an_essay_waiting_for_its_grade_is_not_counted_and_alone_is_explained(app, client, learner):
    public_id = start_drawing(app, client, essay=True)
    submit(app, client, public_id)
    text = block(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert told(text) == 9  # the essay makes no card until it is graded
    with app.app_context():  # as if the test had held only its essay: no card from it yet
        db.session.execute(sa.delete(ReviewCard).where(ReviewCard.owner_key == learner))
        db.session.commit()
    text = block(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert "Your essay joins your spaced review once you have graded it below." in text and "You'll see" not in text


def test_a_practice_result_counts_the_questions_it_checked(app, client, learner):
    public_id = start(client, mode="practice")
    token = csrf_token(client)
    checked = [(position, data) for position, data in enumerate(layout_data(app, public_id)) if data["type"] != "essay"][:3]
    for position, data in checked:
        check(client, public_id, position, 1, form_values(data, f"q{position}", key_response(data)), token)
    client.post(f"/attempts/{public_id}/finish", data={"csrf_token": token, "confirmed": "yes"})
    text = block(client.get(f"/attempts/{public_id}/result").get_data(as_text=True))
    assert told(text) == 3


# --- Secrecy: a due day tells right from wrong ---------------------------------------------------------------------------

DAY_WORDS = re.compile(r"come back|You'll see|again (today|tomorrow|on)|\b(Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day \(\d")


@pytest.fixture
def course(app):
    """A teacher's class on the trade lesson; the student took the trade lesson test first, so their cards for these
    questions exist already (the page must not give their days away either)."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    assert join(student, code).status_code == 302
    submit_test_with_key(app, student, essay=False)
    return {"teacher": teacher, "classroom": classroom_id, "student": student}


def assignment_result(app, course, right=False, **rules) -> str:
    assignment_id = create_assignment(app, course["teacher"], course["classroom"], question_count=10, attempt_limit=3,
                                      **rules)
    public_id = take(app, course["student"], assignment_id, right=right)
    return course["student"].get(f"/attempts/{public_id}/result").get_data(as_text=True)


def test_an_assignment_whose_answers_show_at_once_says_when_they_come_back(app, course):
    """The control for the tests below: the same class, the answers shown and marks out, the block is there."""
    html = assignment_result(app, course)
    assert "You'll see" in block(html) and "of these again" in block(html)


@pytest.mark.parametrize("option", ["never", "after_due"])
def test_an_assignment_that_keeps_its_answers_says_nothing_of_days(app, course, option):
    due = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    html = assignment_result(app, course, review_option=option, due_at=due)
    main = html.split("<main", 1)[1]
    assert "Your instructor shows the answers" in html  # the page is the withheld one
    assert block(html) == "" and not DAY_WORDS.search(main), DAY_WORDS.search(main)


def test_an_assignment_with_marks_not_released_says_nothing_of_days(app, course):
    assignment_id = create_assignment(app, course["teacher"], course["classroom"], question_count=10)
    with app.app_context():
        db.session.get(Assignment, assignment_id).release_mode = "by_hand"
        db.session.commit()
    public_id = take(app, course["student"], assignment_id, right=False)
    html = course["student"].get(f"/attempts/{public_id}/result").get_data(as_text=True)
    main = html.split("<main", 1)[1]
    assert "Your marks and feedback come out" in html
    assert block(html) == "" and not DAY_WORDS.search(main), DAY_WORDS.search(main)
    # Released later: the marks show, but this attempt fed no review (close_test's rule), so still no days.
    with app.app_context():
        db.session.get(Assignment, assignment_id).released_at = datetime.now(timezone.utc)
        db.session.commit()
    html = course["student"].get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Your marks and feedback come out" not in html and block(html) == ""


# --- A new learner's first test ------------------------------------------------------------------------------------------

def test_a_new_learner_has_nothing_due_today_after_one_test(app, client, learner):
    """The complaint was "45 to do today" after one study session: after one ten-question test nothing is due today
    (every answer goes to a day from tomorrow on), and the badge says so."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id, wrong_positions={0, 2, 4})
    with app.test_request_context(headers={"Cookie": "tz=Pacific/Kiritimati"}):
        status = review_status(learner, NOW)
    assert status.total == 10 and status.due_now == status.due_today == 0
    for path in ("/", "/me", "/lessons/trade"):
        page = client.get(path)
        assert page.status_code == 200 and not re.search(r'class="badge">\d', page.get_data(as_text=True)), path
    assert "Nothing to review right now" in client.get("/review").get_data(as_text=True)
    assert min(dues_by_day(app, learner, KIRITIMATI)) == date(2026, 12, 3)  # Kiritimati's tomorrow
    # The dashboard's coming days: none today, the ten spread from tomorrow (3 wrong) and the day after (7 right).
    dashboard = client.get("/me").get_data(as_text=True).split('id="reviews-title"')[1].split("</section>")[0]
    assert "10 questions in review." in said(dashboard) and "ready now" not in said(dashboard)
    days = [said(re.sub(r"<[^>]+>", " ", item)) for item in re.findall(r"<li>\s*<span class=\"review-day\">.*?</li>", dashboard, re.S)]
    assert days[:2] == ["Today – none", "Tomorrow 3 reviews"], days
    later = [int(re.search(r"(\d+) reviews?$", day).group(1)) for day in days[2:4] if "none" not in day]
    assert sum(later) == 7 and len(later) == 2, days  # the seven right ones shared between Friday and Saturday


def test_a_mixed_first_test_spreads_over_more_than_one_day(app, client, learner):
    """Right and wrong answers have different intervals, so no single day holds all ten."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id, wrong_positions={0, 2, 4})
    counts = dues_by_day(app, learner, KIRITIMATI)
    assert len(counts) >= 2 and max(counts.values()) < 10


def test_an_all_right_first_test_spreads_over_more_than_one_day(app, client, learner):
    """FSRS's first right interval is 2.31 days: balancing shares the ten between days 2 and 3."""
    public_id = start_drawing(app, client, essay=False)
    submit(app, client, public_id)
    counts = dues_by_day(app, learner, KIRITIMATI)
    assert len(counts) == 2 and max(counts.values()) <= 5, counts
