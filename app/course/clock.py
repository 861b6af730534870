"""Times as a learner reads them: stored in UTC, shown in the learner's own zone, near times in words."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from babel import dates

from app.course.assignment_rules import Rules
from app.course.words import _, ngettext

UTC = ZoneInfo("UTC")


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime, whether the database handed back a naive one (SQLite) or an aware one."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


# Browsers report zones by CLDR's names, which keep some that IANA has renamed: Chromium says "Asia/Calcutta".
# The settings list offers IANA's current names, so a page says "Asia/Kolkata time" whichever way it came.
CURRENT_NAMES = {
    "Asia/Calcutta": "Asia/Kolkata", "Asia/Katmandu": "Asia/Kathmandu", "Asia/Rangoon": "Asia/Yangon",
    "Asia/Saigon": "Asia/Ho_Chi_Minh", "Asia/Dacca": "Asia/Dhaka", "Asia/Thimbu": "Asia/Thimphu",
    "Asia/Ulan_Bator": "Asia/Ulaanbaatar", "Europe/Kiev": "Europe/Kyiv", "Atlantic/Faeroe": "Atlantic/Faroe",
    "America/Godthab": "America/Nuuk", "Pacific/Enderbury": "Pacific/Kanton", "Pacific/Truk": "Pacific/Chuuk",
    "Pacific/Ponape": "Pacific/Pohnpei", "America/Buenos_Aires": "America/Argentina/Buenos_Aires",
}


def zone(name: str | None) -> ZoneInfo:
    """The zone of an IANA name (an old name as its current one); UTC for none, or for a name that is not a real
    zone (a forged cookie)."""
    name = CURRENT_NAMES.get(name, name) if name else name
    if not name or len(name) > 64 or name not in zone_names():
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


_ZONES: frozenset[str] | None = None


def zone_names() -> frozenset[str]:
    """Every IANA zone this machine knows (read once: the settings list and every check use it)."""
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    return _ZONES


def to_utc(naive: datetime, tz: ZoneInfo) -> datetime:
    """A wall-clock time typed in ``tz`` as an aware UTC moment (a time a DST change skips moves forward; an ambiguous one takes the first)."""
    # PEP 495: fold=0 reads a skipped time with the offset before the change (so it lands later) and a repeated
    # time as its first occurrence, which is what someone setting a deadline means in both cases.
    return naive.replace(tzinfo=tz, fold=0).astimezone(timezone.utc)


def attempt_deadline(started: datetime, rules: Rules) -> datetime | None:
    """When an assignment attempt started at ``started`` closes under a student's rules: the end of its time limit
    or the due date, whichever is sooner; None if neither."""
    ends = [moment for moment in (started + timedelta(minutes=rules.time_limit_minutes) if rules.time_limit_minutes else None,
                                  rules.due_at) if moment is not None]
    return min(ends) if ends else None


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar day a moment falls on where the learner is."""
    return as_utc(moment).astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """A local calendar day as a half-open UTC interval [start, end), right across daylight-saving changes."""
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def _date(local: date | datetime, locale: str, skeleton: str = "yMMMd") -> str:
    """A date as the locale writes it: "1 دسمبر، 2026", "1 दिस॰ 2026" ("30 Nov 2026" in English, as before)."""
    if locale == "en":
        return {"yMMMd": f"{local.day} {local:%b %Y}", "MMMd": f"{local.day} {local:%b}", "EEEE": f"{local:%A}",
                "EEE": f"{local:%a}", "MMM": f"{local:%b}"}[skeleton]
    if skeleton in ("EEEE", "EEE", "MMM"):
        return dates.format_date(local, skeleton, locale=locale)
    return dates.format_skeleton(skeleton, local, locale=locale)


def _time(local: datetime, locale: str) -> str:
    """A time of day: "14:05" in English (as before), the locale's own clock elsewhere ("2:05 PM")."""
    return f"{local:%H:%M}" if locale == "en" else dates.format_time(local, "short", locale=locale)


def _date_time(local: datetime, locale: str) -> str:
    if locale == "en":
        return f"{_date(local, locale)}, {_time(local, locale)}"
    return dates.get_datetime_format("medium", locale=locale).replace("{1}", _date(local, locale)).replace(
        "{0}", _time(local, locale))


def format_local(moment: datetime, tz: ZoneInfo, with_time: bool = True, locale: str = "en") -> str:
    """"30 Nov 2026, 14:05" in the learner's zone and language; the zone is named only when it is UTC (so nobody
    guesses)."""
    local = as_utc(moment).astimezone(tz)
    if not with_time:
        return _date(local, locale)
    return _date_time(local, locale) + (" UTC" if tz.key == "UTC" else "")


def format_day(day: date, locale: str = "en", skeleton: str = "yMMMd") -> str:
    """A calendar day (no zone): "8 Dec 2026" ("yMMMd"), "8 Dec" ("MMMd"), "Tuesday" ("EEEE"), "Tue" ("EEE")."""
    return _date(day, locale, skeleton)


def relative_day(moment: datetime, now: datetime, tz: ZoneInfo, locale: str = "en") -> str:
    """The learner's day a moment falls on, in words: "today", "tomorrow", "on Thursday", "on 8 Dec 2026" (a review
    card is due from the start of a day, so its time says nothing)."""
    day, today = as_utc(moment).astimezone(tz).date(), as_utc(now).astimezone(tz).date()
    days = (day - today).days
    if days <= 0:
        return _("today")
    if days == 1:
        return _("tomorrow")
    if days < 7:
        return _("on %(weekday)s", weekday=_date(day, locale, "EEEE"))
    return _("on %(date)s", date=_date(day, locale))


def relative(moment: datetime, now: datetime, tz: ZoneInfo, locale: str = "en") -> str:
    """A near moment in words ("in 10 minutes", "tomorrow at 09:00"); a far one as a date."""
    moment, now = as_utc(moment), as_utc(now)
    seconds = (moment - now).total_seconds()
    if abs(seconds) < 60:
        return _("now")
    if 0 < seconds < 3600:
        return ngettext("in %(num)s minute", "in %(num)s minutes", round(seconds / 60))
    if -3600 < seconds < 0:
        return ngettext("%(num)s minute ago", "%(num)s minutes ago", round(-seconds / 60))
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    if days > 0 and local.time() == time.min:  # the start of a day (when review cards fall due): the day says it all
        return relative_day(moment, now, tz, locale)
    at = _time(local, locale) + (" UTC" if tz.key == "UTC" else "")
    if days == 0:
        return _("today at %(time)s", time=at)
    if days == 1:
        return _("tomorrow at %(time)s", time=at)
    if days == -1:
        return _("yesterday at %(time)s", time=at)
    if 1 < days < 7:
        return _("on %(weekday)s at %(time)s", weekday=_date(local, locale, "EEEE"), time=at)
    return _("on %(date)s", date=format_local(moment, tz, locale=locale))
