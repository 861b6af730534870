"""Whose question is it: who may view, use, edit or publish a question, and what publishing it changes. Pure.

A question sits in one of three banks:

- **course**: the files in ``quizzes/`` and what an admin published. Learners' lesson quizzes,
  practice, review, mastery, Anki decks and the API use this bank only. Every instructor may view
  it and use it in assignments; only an admin changes it in the browser (shipped questions change
  in their files).
- **instructor**: an instructor's own drafts, written or imported. The author views, uses and edits
  them; instructors they are shared with may view and use (and so copy) them, not edit them.
- **class**: a class's bank. The class's owner and co-instructors view, use and edit its questions;
  shares work as for drafts.

A question another class's exam holds back (its answers not shown to that class yet) is neither viewed nor
used by instructors who cannot edit it: reading its key or setting it with answers shown would give the exam
away. Its editors keep it (they wrote it), and so do admins, who moderate.

An admin may do everything, and only an admin publishes (moves a version into the course bank).
Students may do nothing here: they meet questions only through quizzes and assignments.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import yaml

PERMISSIONS = ("view", "use", "edit", "publish")


@dataclass(frozen=True)
class Actor:
    """Who is asking: their id, role, the classes they teach (owned or co-taught)."""

    user_id: int
    role: str
    taught_classes: frozenset[int] = frozenset()


@dataclass(frozen=True)
class QuestionFacts:
    """What the rules need to know about a question: its bank, author, class, shares, and whether an exam of a
    class the asker does not teach holds it back now."""

    bank: str
    author_id: int | None = None
    classroom_id: int | None = None
    shared_with: frozenset[int] = field(default_factory=frozenset)
    held_back: bool = False


def may(permission: str, question: QuestionFacts, actor: Actor) -> bool:
    """Whether ``actor`` may ``permission`` ("view", "use", "edit", "publish") ``question``.

    "view" and "use" go together (whoever may read a question's key may put it in an assignment or
    copy it); "edit" means new versions, retiring, regrading, sharing, moving and asking to publish.
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if actor.role == "admin":
        return True
    if actor.role != "instructor" or permission == "publish":
        return False
    if question.bank == "course":
        return permission != "edit" and not question.held_back
    if question.bank == "instructor":
        editor = question.author_id is not None and question.author_id == actor.user_id
    elif question.bank == "class":
        editor = question.classroom_id is not None and question.classroom_id in actor.taught_classes
    else:
        return False
    return editor or (permission != "edit" and actor.user_id in question.shared_with and not question.held_back)


def version_diff(previous: dict | None, requested: dict, previous_label: str, requested_label: str) -> list[str]:
    """A unified diff of two question versions as their YAML (what an admin reads before publishing);
    an empty list when there is no previous course version (a new question)."""
    if previous is None:
        return []
    def lines(data: dict) -> list[str]:
        return yaml.safe_dump(data, sort_keys=True, allow_unicode=True, width=100).splitlines()
    return list(difflib.unified_diff(lines(previous), lines(requested), previous_label, requested_label, lineterm=""))
