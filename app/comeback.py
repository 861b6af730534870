"""When an attempt's questions come back for spaced review, by the learner's local day (issue 18: "You'll see 6 of
these again on Thursday"). The days are the cards' *current* due dates: a later review moves a card on, so the
result page always says when each card is due now, not when the attempt first scheduled it."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.course.clock import local_day
from app.course_cache import snapshot

# The brief's rule: up to three days are named one by one; with more, the first two are named and the rest grouped,
# so the sentence stays one line's worth however long a test was.
NAMED_DAYS = 3


def comes_back(owner: str, question_ids: Iterable[str], tz: ZoneInfo) -> list[tuple[date, int]]:
    """(local day, cards now due that day) for ``owner``'s cards of ``question_ids``, earliest first: from the cards
    the navigation's badge reads too (``owner_cards``: one statement for both).

    Only cards the review page serves count: a retired question or another bank's is left out here, and the caller
    passes no question an exam holds back (the result page has already worked those out). A question with no card
    (an essay not yet graded) is simply not counted.
    """
    wanted = set(question_ids)
    if not owner or not wanted:
        return []
    from app.review_status import owner_cards, start_of_local_day  # the badge's read, shared; imported late (a cycle)

    course = snapshot().questions
    _, cards = owner_cards(owner, start_of_local_day(datetime.now(timezone.utc), tz))
    days: Counter[date] = Counter()
    for question_id, due in cards:
        question = course.get(question_id)
        if question_id in wanted and question is not None and not question.retired and question.bank == "course":
            days[local_day(due, tz)] += 1
    return sorted(days.items())


def day_words(day: date, today: date) -> str:
    """"today", "tomorrow" or "on Thursday (3 Dec)" (with the year when it is not this one)."""
    if day <= today:
        return "today"  # a card already due is waiting on the review page now
    if day == today + timedelta(days=1):
        return "tomorrow"
    year = f" {day.year}" if day.year != today.year else ""
    return f"on {day:%A} ({day.day} {day:%b}{year})"


def short_date(day: date, today: date) -> str:
    """"5 Dec", with the year when it is not this one."""
    return f"{day.day} {day:%b}" + (f" {day.year}" if day.year != today.year else "")


def comes_back_sentence(days: list[tuple[date, int]], today: date) -> str:
    """The result page's sentence: "You'll see 6 of these again on Thursday (3 Dec) and 4 on Saturday (5 Dec)."

    Days up to today are one ("today": they are ready now); more than ``NAMED_DAYS`` days name the first two and group
    the rest with the dates they span. Empty for no cards.
    """
    merged: Counter[date] = Counter()
    for day, count in days:
        merged[max(day, today)] += count
    ordered = sorted(merged.items())
    if not ordered:
        return ""
    if sum(count for _, count in ordered) == 1:
        return f"You'll see this question again {day_words(ordered[0][0], today)}."
    named, rest = (ordered, []) if len(ordered) <= NAMED_DAYS else (ordered[:NAMED_DAYS - 1], ordered[NAMED_DAYS - 1:])
    parts = [f"{count} {day_words(day, today)}" for day, count in named]
    parts[0] = f"{named[0][1]} of these again {day_words(named[0][0], today)}"
    if rest:
        parts.append(f"the other {sum(count for _, count in rest)} between "
                     f"{short_date(rest[0][0], today)} and {short_date(rest[-1][0], today)}")
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"You'll see {listed}."
