"""Grading essays with their rubric: by the learner (practice, self-study) or by an instructor (assignments).

A grade sets the answer's mark and status from the rubric (``qtypes.essay.graded``), keeps the levels
and comments in an EssayGrade row, and brings the attempt's total up to date. A learner's own grade is
also the essay's retrieval (its status the review rating, source "self-grade"), so the essay becomes a
review card; on the review page a due essay is written again and rated by the grade given to it there.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Callable

import sqlalchemy as sa

from app.course import qtypes
from app.course.qtypes.base import Outcome
from app.course.qtypes.essay import graded, word_count
from app.course.words import _
from app.course.scoring import score
from app.extensions import db
from app.models import Answer, Attempt, EssayGrade
from app.progress import attempt_total

COMMENT_CHARS = 2000
# A level's index as the form sends it. Not str.isdigit: it takes '²' (which int() refuses) and other scripts' digits.
_LEVEL_INDEX = re.compile(r"[0-9]{1,2}")


class GradeRefused(ValueError):
    """A grade that cannot be saved: a level missing or not of its criterion, a comment too long."""


def can_self_grade(attempt: Attempt, data: dict, answer: Answer | None) -> bool:
    """Whether the learner may grade this answer now: a person-graded type, pending, outside an assignment."""
    return (answer is not None and answer.status == "pending" and attempt.assignment_id is None
            and qtypes.of(data).graded_by_person and (attempt.mode == "practice" or attempt.is_submitted))


def _one(get_all: Callable[[str], list[str]], name: str) -> str:
    """The single value of form field ``name`` ('' if absent); sent twice is forged, as in an answer form."""
    values = get_all(name)
    if len(values) > 1:
        raise GradeRefused(_("Field %(name)s was sent %(num)s times; it takes one value.", name=name, num=len(values)))
    return values[0] if values else ""


def read_levels(data: dict, get_all: Callable[[str], list[str]]) -> dict[str, float]:
    """{criterion id: points} from form values ``level-<criterion id>`` = the level's index; GradeRefused if any is missing."""
    chosen = {}
    for criterion in data["rubric"]:
        value = _one(get_all, f"level-{criterion['id']}")
        if not _LEVEL_INDEX.fullmatch(value) or int(value) >= len(criterion["levels"]):
            raise GradeRefused(_("Choose a level for “%(criterion)s”.", criterion=criterion["title"]))
        chosen[criterion["id"]] = criterion["levels"][int(value)]["points"]
    return chosen


def read_comments(data: dict, get_all: Callable[[str], list[str]]) -> dict[str, str]:
    """Comments per criterion (``comment-<criterion id>``) and overall (``comment``), empty ones left out.

    A browser sends each line break as CR LF where the textarea's limit counted one character: counted as one here too.
    """
    def comment(name: str) -> str:
        return _one(get_all, name).replace("\r\n", "\n").strip()

    found = {criterion["id"]: comment(f"comment-{criterion['id']}") for criterion in data["rubric"]}
    found["overall"] = comment("comment")
    for text in found.values():
        if len(text) > COMMENT_CHARS:
            raise GradeRefused(_("A comment is %(num)s characters long; the limit is %(limit)s.", num=len(text),
                                  limit=COMMENT_CHARS))
    return {key: text for key, text in found.items() if text}


def save_grade(answer: Answer, data: dict, chosen: dict[str, float], comments: dict[str, str], grader_id: int | None) -> Outcome:
    """Grade ``answer`` (an essay) and update its attempt's total; return the grade's Outcome; the caller commits."""
    outcome = graded(data, chosen)
    answer.score, answer.status = outcome.score, outcome.status
    grade = db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer.id))
    if grade is None:
        grade = EssayGrade(answer_id=answer.id)
        db.session.add(grade)
    grade.grader_id, grade.levels, grade.comments = grader_id, chosen, comments
    grade.graded_at = datetime.now(timezone.utc)
    attempt = db.session.get(Attempt, answer.attempt_id)
    db.session.flush()
    if attempt.is_submitted:
        attempt.score = attempt_total(attempt)
    return outcome


def grade_note(data: dict, grade: EssayGrade | None, by_instructor: bool) -> str:
    """The grade in words for the learner: each criterion's points, then the comments."""
    if grade is None:
        return ""
    parts = [_("%(criterion)s: %(points)s of %(most)s", criterion=criterion["title"],
               points=format(grade.levels.get(criterion["id"], 0), "g"), most=format(criterion["levels"][-1]["points"], "g"))
             + (f" ({grade.comments[criterion['id']]})" if grade.comments.get(criterion["id"]) else "")
             for criterion in data["rubric"]]
    listed = "; ".join(parts)
    note = (_("Graded by your instructor: %(grades)s.", grades=listed) if by_instructor
            else _("Your own grade: %(grades)s.", grades=listed))
    overall = " " + _("Comment: %(comment)s", comment=grade.comments["overall"]) if grade.comments.get("overall") else ""
    return note + overall


def words_note(data: dict, text: str) -> str:
    """How long the essay is against its limits, for the grader."""
    count = word_count(text)
    if data.get("max_words") and count > data["max_words"]:
        return _("%(num)s words: over the limit of %(limit)s", num=count, limit=data["max_words"])
    if data.get("min_words") and count < data["min_words"]:
        return _("%(num)s words: under the minimum of %(limit)s", num=count, limit=data["min_words"])
    return _("%(num)s words", num=count)


def answer_outcome(data: dict, answer: Answer | None) -> Outcome:
    """How a stored answer scores: by the question's rule, or, for an essay graded since, by its grade (in words)."""
    outcome = score(data, answer.response if answer else None)
    if outcome.status == "pending" and answer.status != "pending":
        grade = db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer.id))
        # Only an instructor grades an assignment's essays; a grader whose account is gone leaves no grader_id.
        by_instructor = grade is not None and (grade.grader_id is not None
                                               or db.session.get(Attempt, answer.attempt_id).assignment_id is not None)
        outcome = Outcome(answer.score, answer.status, note=grade_note(data, grade, by_instructor))
    return outcome
