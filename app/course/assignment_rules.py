"""What an assignment's rules are for one student, and when they see their marks. Pure.

An assignment has rules for the class (opening, due date, time limit, attempts); an instructor may
change three of them for one student or one group (Moodle's user and group overrides): a later due
date, extra minutes, extra attempts. A student's own override wins outright over their group's, as
in Moodle; without one, their group's applies. Every moment here is an aware UTC datetime.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from app.course.words import _, N_, ngettext

LATER_DUE_DATE = N_("later due date")  # an override's change, compared by callers: translated where shown


@dataclass(frozen=True)
class Override:
    """One override as stored: any of the three may be None (that rule as the class has it)."""

    due_at: datetime | None = None
    extra_minutes: int | None = None
    extra_attempts: int | None = None
    kind: str = "student"  # "student" or "group"
    group_name: str = ""


@dataclass(frozen=True)
class Rules:
    """The rules one student works under."""

    opens_at: datetime
    due_at: datetime | None
    time_limit_minutes: int | None
    attempt_limit: int | None
    override: Override | None = None  # the override applied, if any

    @property
    def overridden(self) -> bool:
        """Whether an override changes anything now (extra minutes mean nothing once the time limit is gone)."""
        return bool(self.changes())

    def changes(self) -> list[str]:
        """The override in English words, for the gradebook's note and the student's page ("+15 minutes"); callers
        compare them ("later due date"): :meth:`shown_changes` says them in the reader's language."""
        if self.override is None:
            return []
        said = []
        if self.override.extra_minutes and self.time_limit_minutes:
            said.append(f"+{self.override.extra_minutes} minutes")
        if self.override.extra_attempts and self.attempt_limit:
            said.append(f"+{self.override.extra_attempts} " + ("attempt" if self.override.extra_attempts == 1 else "attempts"))
        if self.override.due_at is not None:
            said.append(LATER_DUE_DATE)
        return said

    def shown_changes(self) -> list[str]:
        """:meth:`changes` in the reader's language (the same words in English), for a page."""
        if self.override is None:
            return []
        said = []
        if self.override.extra_minutes and self.time_limit_minutes:
            said.append(_("+%(num)s minutes", num=self.override.extra_minutes))
        if self.override.extra_attempts and self.attempt_limit:
            said.append(ngettext("+%(num)s attempt", "+%(num)s attempts", self.override.extra_attempts))
        if self.override.due_at is not None:
            said.append(_(LATER_DUE_DATE))
        return said


def effective_rules(opens_at: datetime, due_at: datetime | None, time_limit_minutes: int | None,
                    attempt_limit: int | None, own: Override | None = None,
                    groups: tuple[Override, ...] | list[Override] = ()) -> Rules:
    """The class's rules with the student's override applied (their own, else their group's).

    Extra minutes only lengthen a time limit that exists; extra attempts only raise a limit that
    exists (unlimited stays unlimited); an override's due date replaces the class's, even an earlier
    one (an instructor may close it sooner for one student).
    """
    chosen = own if own is not None else (groups[0] if len(groups) == 1 else _most_generous(groups))
    if chosen is None:
        return Rules(opens_at, due_at, time_limit_minutes, attempt_limit)
    return Rules(
        opens_at,
        chosen.due_at if chosen.due_at is not None else due_at,
        time_limit_minutes + (chosen.extra_minutes or 0) if time_limit_minutes else time_limit_minutes,
        attempt_limit + (chosen.extra_attempts or 0) if attempt_limit else attempt_limit,
        chosen)


def _most_generous(groups) -> Override | None:
    """Of several group overrides (not possible while a student is in one group, kept safe anyway), the latest due
    date, the most minutes and the most attempts, as Moodle combines group overrides."""
    if not groups:
        return None
    dues = [g.due_at for g in groups if g.due_at is not None]
    return Override(max(dues) if dues else None, max((g.extra_minutes or 0 for g in groups), default=0) or None,
                    max((g.extra_attempts or 0 for g in groups), default=0) or None, "group",
                    ", ".join(g.group_name for g in groups))


def marks_released(release_mode: str, release_at: datetime | None, released_at: datetime | None, now: datetime) -> bool:
    """Whether students see the marks and feedback of their submitted attempts now.

    on_submit: at once; at_time: from ``release_at``; by_hand: once an instructor released them
    (``released_at``). An instructor releasing by hand also releases an "at_time" assignment early.
    """
    if released_at is not None and released_at <= now:
        return True
    if release_mode == "on_submit":
        return True
    if release_mode == "at_time":
        return release_at is not None and now >= release_at
    return False


def points_of(question_ids: list[str], points: dict | None) -> list[float]:
    """Each question's points in order: as set, else 1."""
    points = points or {}
    return [float(points.get(qid, 1)) for qid in question_ids]


def weighted_total(scores: list[float], points: list[float]) -> float:
    """An attempt's points: each answer's score (0 to 1) times its question's points."""
    return sum(score * weight for score, weight in zip(scores, points, strict=True))
