"""The learner's time zone: the account's setting, else the browser's (cookie ``tz``, set by app.js), else UTC."""

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from flask import Flask, g, request
from flask_login import current_user

from app.course import clock

COOKIE = "tz"


def learner_zone() -> ZoneInfo:
    """The zone to show this request's times in (worked out once per request)."""
    if "learner_zone" not in g:
        name = None
        if not g.get("database_down") and current_user and current_user.is_authenticated:
            name = current_user.time_zone
        g.learner_zone = clock.zone(name or request.cookies.get(COOKIE))
    return g.learner_zone


def _locale() -> tuple[str, str]:
    from app import i18n
    return i18n.language().code, i18n.numbering_system()


def _written(text: str, system: str) -> str:
    from app import i18n
    return i18n.in_digits(text, system)


def local_time(moment: datetime | None, with_time: bool = True) -> str:
    """Jinja filter ``localtime``: a stored UTC moment in the learner's zone and language."""
    if moment is None:
        return "–"
    locale, system = _locale()
    return _written(clock.format_local(moment, learner_zone(), with_time, locale), system)


def from_now(moment: datetime | None) -> str:
    """Jinja filter ``fromnow``: "in 10 minutes", "tomorrow at 09:00"."""
    if moment is None:
        return "–"
    locale, system = _locale()
    return _written(clock.relative(moment, datetime.now(timezone.utc), learner_zone(), locale), system)


def day_from_now(moment: datetime | None) -> str:
    """Jinja filter ``dayfromnow``: "tomorrow", "on Thursday", "on 8 Dec 2026" (a review card's due day)."""
    if moment is None:
        return "–"
    locale, system = _locale()
    return _written(clock.relative_day(moment, datetime.now(timezone.utc), learner_zone(), locale), system)


def local_day(day: date | None, form: str = "yMMMd") -> str:
    """Jinja filter ``localday``: a calendar day (a term's start, a day on a chart) in the learner's language:
    ``form`` is "yMMMd" (8 Dec 2026), "MMMd" (8 Dec), "EEEE" (Tuesday), "EEE" (Tue) or "MMM" (Dec)."""
    if day is None:
        return "–"
    locale, system = _locale()
    return _written(clock.format_day(day, locale, form), system)


def init_app(app: Flask) -> None:
    app.add_template_filter(day_from_now, "dayfromnow")
    app.add_template_filter(local_time, "localtime")
    app.add_template_filter(from_now, "fromnow")
    app.add_template_filter(local_day, "localday")
    app.add_template_global(learner_zone)
