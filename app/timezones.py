"""The learner's time zone: the account's setting, else the browser's (cookie ``tz``, set by app.js), else UTC."""

from datetime import datetime, timezone
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


def local_time(moment: datetime | None, with_time: bool = True) -> str:
    """Jinja filter ``localtime``: a stored UTC moment in the learner's zone."""
    return "–" if moment is None else clock.format_local(moment, learner_zone(), with_time)


def from_now(moment: datetime | None) -> str:
    """Jinja filter ``fromnow``: "in 10 minutes", "tomorrow at 09:00"."""
    return "–" if moment is None else clock.relative(moment, datetime.now(timezone.utc), learner_zone())


def day_from_now(moment: datetime | None) -> str:
    """Jinja filter ``dayfromnow``: "tomorrow", "on Thursday", "on 8 Dec 2026" (a review card's due day)."""
    return "–" if moment is None else clock.relative_day(moment, datetime.now(timezone.utc), learner_zone())


def init_app(app: Flask) -> None:
    app.add_template_filter(day_from_now, "dayfromnow")
    app.add_template_filter(local_time, "localtime")
    app.add_template_filter(from_now, "fromnow")
    app.add_template_global(learner_zone)
