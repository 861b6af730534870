"""Times as a learner reads them: stored in UTC, shown in the learner's own zone, near times in words."""

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from app.course.assignment_rules import Rules

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


def format_local(moment: datetime, tz: ZoneInfo, with_time: bool = True) -> str:
    """"30 Nov 2026, 14:05" in the learner's zone; the zone is named only when it is UTC (so nobody guesses)."""
    local = as_utc(moment).astimezone(tz)
    text = f"{local.day} {local:%b %Y}" + (f", {local:%H:%M}" if with_time else "")
    return text + (" UTC" if with_time and tz.key == "UTC" else "")


def relative_day(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """The learner's day a moment falls on, in words: "today", "tomorrow", "on Thursday", "on 8 Dec 2026" (a review
    card is due from the start of a day, so its time says nothing)."""
    day, today = as_utc(moment).astimezone(tz).date(), as_utc(now).astimezone(tz).date()
    days = (day - today).days
    if days <= 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days < 7:
        return f"on {day:%A}"
    return f"on {format_local(moment, tz, with_time=False)}"


def relative(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """A near moment in words ("in 10 minutes", "tomorrow at 09:00"); a far one as a date."""
    moment, now = as_utc(moment), as_utc(now)
    seconds = (moment - now).total_seconds()
    if abs(seconds) < 60:
        return "now"
    if 0 < seconds < 3600:
        minutes = round(seconds / 60)
        return f"in {minutes} minute{'s' if minutes != 1 else ''}"
    if -3600 < seconds < 0:
        minutes = round(-seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''} ago"
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    days = (local.date() - today).days
    if days > 0 and local.time() == time.min:  # the start of a day (when review cards fall due): the day says it all
        return relative_day(moment, now, tz)
    suffix = " UTC" if tz.key == "UTC" else ""
    if days == 0:
        return f"today at {local:%H:%M}{suffix}"
    if days == 1:
        return f"tomorrow at {local:%H:%M}{suffix}"
    if days == -1:
        return f"yesterday at {local:%H:%M}{suffix}"
    if 1 < days < 7:
        return f"on {local:%A} at {local:%H:%M}{suffix}"
    return f"on {format_local(moment, tz)}"
