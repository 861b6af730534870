"""Plan your reviews over HTTP: light days, breaks (and the cards they move), postpone and advance with their preview
and its guard against going stale; guests, other learners' ids, forged and huge input change nothing."""

import re
from datetime import date, datetime, timedelta, timezone
from html import unescape
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.course.clock import local_day
from app.extensions import db
from app.course.scheduling import DEFAULT_PARAMETERS
from app.models import Question, ReviewCard, ReviewHoliday, ReviewParameters, User
from tests.conftest import csrf_token

KARACHI = ZoneInfo("Asia/Karachi")
NOW = datetime(2026, 12, 1, 4, 0, tzinfo=timezone.utc)  # 09:00 on Tuesday 1 December in Karachi
PAGE = "/review/plan"


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=True):
        yield


def learner(app, auth, username: str = "amina", zone: str | None = "Asia/Karachi", limit: int = 50) -> SimpleNamespace:
    """A registered learner, logged in, in Karachi, with this daily limit: their id and owner key."""
    auth.register(username)
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        user.time_zone, user.daily_review_limit = zone, limit
        db.session.commit()
        return SimpleNamespace(id=user.id, owner_key=user.owner_key)


def give_cards(app, owner: str, dues: list[float], stability: float = 10.0, reviewed_days_ago: float = 12) -> list[int]:
    """Reviewed cards on the course's first questions, due these many days from NOW; their ids."""
    with app.app_context():
        taken = sa.select(ReviewCard.question_id).where(ReviewCard.owner_key == owner)
        questions = db.session.scalars(sa.select(Question.id).where(Question.bank == "course", Question.retired.is_(False),
                                                                    Question.id.not_in(taken))
                                       .order_by(Question.id).limit(len(dues))).all()
        cards = [ReviewCard(owner_key=owner, question_id=question, state=2, step=None, stability=stability + index,
                            difficulty=5.0, due=NOW + timedelta(days=due), last_review=NOW - timedelta(days=reviewed_days_ago))
                 for index, (question, due) in enumerate(zip(questions, dues))]
        db.session.add_all(cards)
        db.session.commit()
        return [card.id for card in cards]


def due_days(app, owner: str) -> dict[int, date]:
    """Each of the learner's cards' due day in Karachi."""
    with app.app_context():
        cards = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner))
        return {card.id: local_day(card.due.replace(tzinfo=timezone.utc) if card.due.tzinfo is None else card.due, KARACHI)
                for card in cards}


def breaks_of(app, user_id: int) -> list[tuple[date, date]]:
    with app.app_context():
        return db.session.execute(sa.select(ReviewHoliday.starts, ReviewHoliday.ends)
                                  .where(ReviewHoliday.user_id == user_id).order_by(ReviewHoliday.id)).all()


def flashed(html: str) -> str:
    alerts = re.findall(r'class="alert [a-z]+ flash"[^>]*>(.*?)</div>', html, re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", "", alert)) for alert in alerts)


def add_break(client, starts: str, ends: str):
    return client.post(f"{PAGE}/breaks", data={"starts": starts, "ends": ends, "csrf_token": csrf_token(client, PAGE)})


def confirm_token(html: str) -> str:
    return unescape(re.search(r'name="token" type="hidden" value="([^"]+)"', html).group(1))


# Light days

def test_light_days_are_saved_and_shown_ticked(app, client, auth, clock):
    user = learner(app, auth)
    response = client.post(f"{PAGE}/light-days", data={"days": ["6", "7"], "csrf_token": csrf_token(client, PAGE)},
                           follow_redirects=True)
    assert "Saturday and Sunday now get fewer reviews" in flashed(response.get_data(as_text=True))
    assert "Cards already scheduled stay where they are" in flashed(response.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(User, user.id).light_days == "6,7"
    page = client.get(PAGE).get_data(as_text=True)
    assert re.search(r'checked[^>]*value="6"|value="6"[^>]*checked', page)
    assert not re.search(r'checked[^>]*value="1"|value="1"[^>]*checked', page)


def test_every_day_light_is_refused_with_the_reason_and_nothing_saved(app, client, auth, clock):
    user = learner(app, auth)
    every_day = [str(day) for day in range(1, 8)]
    response = client.post(f"{PAGE}/light-days", data={"days": every_day, "csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 400
    assert "no day is lighter than another" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, user.id).light_days == ""


def test_a_forged_weekday_or_a_missing_token_is_refused(app, client, auth, clock):
    user = learner(app, auth)
    forged = client.post(f"{PAGE}/light-days", data={"days": ["8"], "csrf_token": csrf_token(client, PAGE)})
    assert forged.status_code == 400 and "'8' is not one of them" in unescape(forged.get_data(as_text=True))
    assert client.post(f"{PAGE}/light-days", data={"days": ["6"]}).status_code == 400
    with app.app_context():
        assert db.session.get(User, user.id).light_days == ""


# Breaks

def test_a_break_moves_the_cards_due_in_it_to_the_days_after_and_says_where(app, client, auth, clock):
    user = learner(app, auth)
    # Two cards overdue (served today, 1 Dec), three due 3–5 Dec, one due 20 Dec, all inside or outside 1–7 Dec.
    ids = give_cards(app, user.owner_key, [-2, -1, 2, 3, 4, 19])
    response = add_break(client, "2026-12-01", "2026-12-07")
    assert response.status_code == 302
    days = due_days(app, user.owner_key)
    assert days[ids[5]] == date(2026, 12, 20)  # outside the break: untouched
    moved = [days[i] for i in ids[:5]]
    assert all(date(2026, 12, 8) <= day <= date(2026, 12, 10) for day in moved)  # spread over the first days after
    assert len(set(moved)) == 3
    message = flashed(client.get(PAGE).get_data(as_text=True))
    assert "Break added, Tue 1 Dec to Mon 7 Dec. 5 cards that would have come up during it moved" in message
    assert "Tue 8 Dec" in message and "Thu 10 Dec" in message
    assert breaks_of(app, user.id) == [(date(2026, 12, 1), date(2026, 12, 7))]


def test_a_break_added_after_the_review_page_was_seen_still_moves_the_cards_in_it(app, client, auth, clock):
    """The review page keeps the learner's breaks in memory; the post that adds one must schedule with it, not with
    what was kept (its row is not committed yet, so the kept copy has not been replaced)."""
    user = learner(app, auth)
    ids = give_cards(app, user.owner_key, [2, 3, 4])
    assert client.get("/review").status_code == 200
    add_break(client, "2026-12-03", "2026-12-05")
    assert "3 cards that would have come up during it moved" in flashed(client.get(PAGE).get_data(as_text=True))
    assert all(day > date(2026, 12, 5) for day in (due_days(app, user.owner_key)[i] for i in ids))


def test_during_a_break_the_review_page_says_so(app, client, auth, clock):
    user = learner(app, auth)
    give_cards(app, user.owner_key, [-1, 5])
    add_break(client, "2026-11-28", "2026-12-06")
    page = client.get("/review").get_data(as_text=True)
    assert "on a break until Sun 6 Dec" in unescape(page)
    assert "Plan your reviews" in page


def test_the_break_list_shows_a_current_break_and_removing_it_moves_nothing_back(app, client, auth, clock):
    user = learner(app, auth)
    ids = give_cards(app, user.owner_key, [1])
    add_break(client, "2026-12-01", "2026-12-03")
    page = client.get(PAGE).get_data(as_text=True)
    assert "Tue 1 Dec 2026 – Thu 3 Dec 2026" in page and "(on now)" in page
    moved_to = due_days(app, user.owner_key)[ids[0]]
    assert moved_to == date(2026, 12, 4)
    with app.app_context():
        held = db.session.scalar(sa.select(ReviewHoliday.id).where(ReviewHoliday.user_id == user.id))
    response = client.post(f"{PAGE}/breaks/{held}/remove", data={"csrf_token": csrf_token(client, PAGE)}, follow_redirects=True)
    assert "stay on their new days" in flashed(response.get_data(as_text=True))
    assert breaks_of(app, user.id) == []
    assert due_days(app, user.owner_key)[ids[0]] == moved_to


@pytest.mark.parametrize("starts,ends,message", [
    ("2026-12-10", "2026-12-05", "The last day comes before the first"),
    ("2026-11-01", "2026-11-30", "That break is already over"),
    ("2026-12-10", "2027-06-30", "A break can be at most 183 days"),
    ("1999-12-30", "2026-12-05", "between the years 2000 and 2199"),
    ("2026-12-10", "2200-01-01", "between the years 2000 and 2199"),
    ("", "2026-12-05", "Give the first day of your break."),
    ("2026-12-10", "soon", "Not a valid date value."),
])
def test_a_bad_break_is_refused_with_a_clear_error_and_nothing_stored(app, client, auth, clock, starts, ends, message):
    user = learner(app, auth)
    response = add_break(client, starts, ends)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert breaks_of(app, user.id) == []


def test_posting_the_same_break_twice_stores_it_once(app, client, auth, clock):
    user = learner(app, auth)
    assert add_break(client, "2026-12-20", "2026-12-24").status_code == 302
    second = add_break(client, "2026-12-20", "2026-12-24")
    assert second.status_code == 302
    assert "already have that break" in flashed(client.get(PAGE).get_data(as_text=True))
    assert len(breaks_of(app, user.id)) == 1


def test_another_learners_break_cannot_be_removed(app, client, auth, clock):
    other = learner(app, auth, "bilal")
    add_break(client, "2026-12-20", "2026-12-24")
    with app.app_context():
        theirs = db.session.scalar(sa.select(ReviewHoliday.id).where(ReviewHoliday.user_id == other.id))
    auth.logout()
    learner(app, auth, "amina")
    response = client.post(f"{PAGE}/breaks/{theirs}/remove", data={"csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 404
    assert "You have no break with this number" in response.get_data(as_text=True)
    assert client.post(f"{PAGE}/breaks/999999/remove", data={"csrf_token": csrf_token(client, PAGE)}).status_code == 404
    assert len(breaks_of(app, other.id)) == 1


# Guests

def test_a_guest_sees_why_and_a_sign_up_link_and_their_posts_change_nothing(app, client, clock):
    page = client.get(PAGE)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Review settings are kept with an account" in html and "/account/register?next=/review/plan" in html
    token = csrf_token(client)
    for path, data in [("/light-days", {"days": ["6"]}), ("/breaks", {"starts": "2026-12-10", "ends": "2026-12-12"})]:
        response = client.post(PAGE + path, data={**data, "csrf_token": token})
        assert response.status_code == 403 and "Nothing was changed" in response.get_data(as_text=True)
    assert client.get(f"{PAGE}/postpone?keep=0").status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewHoliday.id))) == 0


# Postpone

def backlog(app, auth, client, count: int = 12, limit: int = 5) -> tuple[SimpleNamespace, list[int]]:
    """A learner with ``count`` cards overdue by one to three days and this daily limit."""
    user = learner(app, auth, limit=limit)
    return user, give_cards(app, user.owner_key, [-1 - (index % 3) for index in range(count)])


def test_the_postpone_preview_shows_the_days_and_recall_and_confirming_makes_exactly_those_moves(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    page = client.get(PAGE).get_data(as_text=True)
    assert "Catch up on a backlog" in page and "12 cards due now" in page and 'value="5"' in page
    before = due_days(app, user.owner_key)
    preview = client.get(f"{PAGE}/postpone?keep=5")
    html = unescape(preview.get_data(as_text=True))
    assert preview.status_code == 200 and "Postpone 7 cards?" in html and "Nothing has moved yet" in html
    assert due_days(app, user.owner_key) == before
    assert "Average recall now" in html and "Lowest recall on the new day" in html
    rows = re.findall(r'<th scope="row">([^<]+)</th><td class="num" data-label="Cards">(\d+)</td>', html)
    assert rows == [("Wed 2 Dec", "5"), ("Thu 3 Dec", "2")]
    done = client.post(f"{PAGE}/moves", data={"token": confirm_token(html), "csrf_token": csrf_token(client, PAGE)},
                       follow_redirects=True)
    assert "Postponed 7 cards: 5 to Wed 2 Dec and 2 to Thu 3 Dec." in flashed(done.get_data(as_text=True))
    after = due_days(app, user.owner_key)
    moved = {i for i in ids if after[i] != before[i]}
    assert len(moved) == 7 and sorted(after[i] for i in moved) == [date(2026, 12, 2)] * 5 + [date(2026, 12, 3)] * 2
    # The five kept are the most forgotten: the least stable of those overdue longest.
    assert {after[i] for i in set(ids) - moved} <= {date(2026, 11, 28), date(2026, 11, 29), date(2026, 11, 30)}


def test_a_stale_preview_is_refused_with_what_changed_and_nothing_moves(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    html = client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True)
    with app.app_context():  # a review in another tab: one card moves on
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.owner_key == user.owner_key)
                                 .order_by(ReviewCard.stability.desc()))
        card.last_review, card.due = NOW, NOW + timedelta(days=9)
        db.session.commit()
    before = due_days(app, user.owner_key)
    response = client.post(f"{PAGE}/moves", data={"token": confirm_token(html), "csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 409
    text = unescape(response.get_data(as_text=True))
    assert "Nothing was moved" in text and "1 card it would move was reviewed or moved since" in text
    assert "/review/plan/postpone?keep=5" in text
    assert due_days(app, user.owner_key) == before


def test_another_card_reviewed_or_a_new_break_also_makes_the_preview_stale(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    html = client.get(f"{PAGE}/postpone?keep=11").get_data(as_text=True)
    add_break(client, "2026-12-20", "2026-12-21")
    response = client.post(f"{PAGE}/moves", data={"token": confirm_token(html), "csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 409
    assert "Your light days, breaks, daily limit or target recall changed" in unescape(response.get_data(as_text=True))


def test_a_new_target_recall_or_a_refit_makes_the_preview_stale(app, client, auth, clock):
    """The recall figures and which cards an advance picks depend on the retention and the FSRS parameters."""
    user, ids = backlog(app, auth, client)
    for change in ("retention", "refit"):
        data = {"token": confirm_token(client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True)),
                "csrf_token": csrf_token(client, PAGE)}
        with app.app_context():
            if change == "retention":
                db.session.get(User, user.id).desired_retention = 0.8
            else:
                db.session.add(ReviewParameters(scope=user.owner_key, parameters=[v * 1.05 for v in DEFAULT_PARAMETERS],
                                                reviews=900))
            db.session.commit()
        before = due_days(app, user.owner_key)
        response = client.post(f"{PAGE}/moves", data=data)
        assert response.status_code == 409, change
        assert "target recall changed" in unescape(response.get_data(as_text=True))
        assert due_days(app, user.owner_key) == before


def test_postponing_when_breaks_fill_the_whole_year_moves_cards_after_them(app, client, auth, clock):
    user = learner(app, auth, limit=5)
    give_cards(app, user.owner_key, [-1, -2, -3, 5])
    assert add_break(client, "2026-12-02", "2027-06-02").status_code == 302
    assert add_break(client, "2027-06-03", "2027-12-02").status_code == 302
    page = client.get(f"{PAGE}/postpone?keep=0")
    assert page.status_code == 200 and "Fri 3 Dec 2027" in unescape(page.get_data(as_text=True))


def test_eight_posts_of_one_break_at_once_store_it_once(app, auth, clock):
    import threading

    user = learner(app, auth)
    clients = [app.test_client() for _ in range(8)]
    with auth.client.session_transaction() as signed_in:
        for other in clients:
            with other.session_transaction() as tab:
                tab.update(dict(signed_in))
    tokens = [csrf_token(other, PAGE) for other in clients]
    start, statuses = threading.Barrier(8), []

    def post(other, token):
        start.wait()
        statuses.append(other.post(f"{PAGE}/breaks", data={"starts": "2026-12-20", "ends": "2026-12-27",
                                                           "csrf_token": token}).status_code)

    threads = [threading.Thread(target=post, args=pair) for pair in zip(clients, tokens)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * 8
    assert breaks_of(app, user.id) == [(date(2026, 12, 20), date(2026, 12, 27))]


def test_an_hour_old_preview_or_one_from_another_zone_is_made_again(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    data = {"token": confirm_token(client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True)),
            "csrf_token": csrf_token(client, PAGE)}
    before = due_days(app, user.owner_key)
    with time_machine.travel(NOW + timedelta(hours=2)):
        late = client.post(f"{PAGE}/moves", data=data)
    assert late.status_code == 409 and "more than an hour old" in late.get_data(as_text=True)
    with app.app_context():
        db.session.get(User, user.id).time_zone = "Europe/London"
        db.session.commit()
    moved = client.post(f"{PAGE}/moves", data=data)
    assert moved.status_code == 409 and "from Asia/Karachi to Europe/London" in moved.get_data(as_text=True)
    assert due_days(app, user.owner_key) == before


def test_confirming_twice_moves_the_cards_once(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    token = confirm_token(client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True))
    data = {"token": token, "csrf_token": csrf_token(client, PAGE)}
    assert client.post(f"{PAGE}/moves", data=data).status_code == 302
    after_first = due_days(app, user.owner_key)
    second = client.post(f"{PAGE}/moves", data=data, follow_redirects=True)
    assert second.status_code == 200 and "already moved" in flashed(second.get_data(as_text=True))
    assert due_days(app, user.owner_key) == after_first


def test_a_forged_or_huge_confirmation_is_refused_and_nothing_moves(app, client, auth, clock):
    user, ids = backlog(app, auth, client)
    token = confirm_token(client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True))
    before = due_days(app, user.owner_key)
    forged = client.post(f"{PAGE}/moves", data={"token": token[:-3] + "abc", "csrf_token": csrf_token(client, PAGE)})
    assert forged.status_code == 400 and "not made by this site" in forged.get_data(as_text=True)
    huge = client.post(f"{PAGE}/moves", data={"token": "x" * (2 * 1024 * 1024 + 10), "csrf_token": csrf_token(client, PAGE)})
    assert huge.status_code == 413
    long = client.post(f"{PAGE}/moves", data={"token": "x" * 70_000, "csrf_token": csrf_token(client, PAGE)})
    assert long.status_code == 400
    assert due_days(app, user.owner_key) == before


def test_a_preview_made_for_one_learner_moves_nothing_for_another(app, client, auth, clock):
    backlog(app, auth, client)
    token = confirm_token(client.get(f"{PAGE}/postpone?keep=5").get_data(as_text=True))
    auth.logout()
    learner(app, auth, "bilal")
    response = client.post(f"{PAGE}/moves", data={"token": token, "csrf_token": csrf_token(client, PAGE)})
    assert response.status_code == 403 and "another account" in response.get_data(as_text=True)


@pytest.mark.parametrize("query,message", [
    ("keep=-1", "Keep between 0 and 10,000 cards."),
    ("keep=lots", "Not a valid integer value."),
    ("", "Say how many cards to keep for today"),
])
def test_a_bad_postpone_is_refused_on_the_page(app, client, auth, clock, query, message):
    backlog(app, auth, client)
    response = client.get(f"{PAGE}/postpone?{query}")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


# Advance

def test_bringing_cards_forward_before_an_exam_previews_recall_then_moves_them(app, client, auth, clock):
    user = learner(app, auth)
    # Due well after an exam on 10 Dec, reviewed 5 days ago with low stability: fading by then. One strong card stays.
    ids = give_cards(app, user.owner_key, [15, 16, 17], stability=4.0, reviewed_days_ago=5)
    strong = give_cards(app, user.owner_key, [0] * 4 + [40], stability=300.0)[-1]
    html = unescape(client.get(f"{PAGE}/advance?exam=2026-12-10").get_data(as_text=True))
    assert "Bring 3 cards forward?" in html and "For your exam on Thu 10 Dec 2026" in html
    assert "Average recall on exam day, as things are" in html and "assumes you answer it right" in html
    figures = [float(value) for value in re.findall(r"<dd>([\d.]+)%</dd>", html)]
    assert figures[1] > figures[0] and figures[3] > figures[2]  # brought forward beats as things are
    done = client.post(f"{PAGE}/moves", data={"token": confirm_token(html), "csrf_token": csrf_token(client, PAGE)},
                       follow_redirects=True)
    assert "Brought forward 3 cards" in flashed(done.get_data(as_text=True))
    days = due_days(app, user.owner_key)
    assert all(date(2026, 12, 2) <= days[i] <= date(2026, 12, 9) for i in ids)
    assert days[strong] == date(2027, 1, 10)


@pytest.mark.parametrize("query,message", [
    ("exam=2026-12-02", "the exam must be at least two days away"),
    ("exam=2028-01-01", "more than a year away"),
    ("exam=2026-12-10&lessons=nowhere", "Tick lessons from the list: 'nowhere' is not a lesson of this course."),
    ("exam=", "Give the day of your exam."),
])
def test_a_bad_exam_is_refused_on_the_page(app, client, auth, clock, query, message):
    learner(app, auth)
    response = client.get(f"{PAGE}/advance?{query}")
    assert response.status_code == 400 and message in unescape(response.get_data(as_text=True))


def test_the_page_is_linked_from_the_review_pages_and_account_settings(app, client, auth, clock):
    user = learner(app, auth)
    give_cards(app, user.owner_key, [5])
    assert 'href="/review/plan"' in client.get("/review").get_data(as_text=True)  # nothing due now
    assert 'href="/review/plan"' in client.get("/account/").get_data(as_text=True)
    give_cards(app, user.owner_key, [-1, -1])
    assert 'href="/review/plan"' in client.get("/review").get_data(as_text=True)  # a card to answer
