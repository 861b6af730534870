"""When an attempt's questions come back for spaced review, by the learner's local day (issue 18: "You'll see 6 of
these again on Thursday"). The days are the cards' *current* due dates: a later review moves a card on, so the
result page always says when each card is due now, not when the attempt first scheduled it."""

from collections import Counter
from collections.abc import Iterable
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.course.clock import format_day, local_day
from app.course.words import _
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
    _reads, cards = owner_cards(owner, start_of_local_day(datetime.now(timezone.utc), tz))
    days: Counter[date] = Counter()
    for question_id, due in cards:
        question = course.get(question_id)
        if question_id in wanted and question is not None and not question.retired and question.bank == "course":
            days[local_day(due, tz)] += 1
    return sorted(days.items())


def written_day(day: date, form: str) -> str:
    """A day as the reader's language writes it (``app.timezones.local_day``), in English outside a request."""
    from flask import has_request_context
    if has_request_context():
        from app.timezones import local_day as in_words
        return in_words(day, form)
    return format_day(day, "en", form)


def day_words(day: date, today: date) -> str:
    """"today", "tomorrow" or "on Thursday (3 Dec)" (with the year when it is not this one)."""
    if day <= today:
        return _("today")  # a card already due is waiting on the review page now
    if day == today + timedelta(days=1):
        return _("tomorrow")
    return _("on %(weekday)s (%(date)s)", weekday=written_day(day, "EEEE"), date=short_date(day, today))


def short_date(day: date, today: date) -> str:
    """"5 Dec", with the year when it is not this one."""
    return written_day(day, "MMMd" if day.year == today.year else "yMMMd")


def and_list(parts: list[str]) -> str:
    """"a", "a and b", "a, b and c" in the reader's language."""
    if len(parts) == 1:
        return parts[0]
    return _("%(items)s and %(last)s", items=_(", ").join(parts[:-1]), last=parts[-1])


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
    if sum(count for _day, count in ordered) == 1:
        return _("You'll see this question again %(when)s.", when=day_words(ordered[0][0], today))
    named, rest = (ordered, []) if len(ordered) <= NAMED_DAYS else (ordered[:NAMED_DAYS - 1], ordered[NAMED_DAYS - 1:])
    parts = [_("%(num)s %(when)s", num=count, when=day_words(day, today)) for day, count in named]
    parts[0] = _("%(num)s of these again %(when)s", num=named[0][1], when=day_words(named[0][0], today))
    if rest:
        parts.append(_("the other %(num)s between %(start)s and %(end)s", num=sum(count for _day, count in rest),
                       start=short_date(rest[0][0], today), end=short_date(rest[-1][0], today)))
    return _("You'll see %(list)s.", list=and_list(parts))
