"""Choosing an assignment's questions: picked by hand from the banks, drawn from a pool, points per question.

Every change is one POST against the list as the page showed it (its ``state``), so a co-instructor's change in
between is never overwritten. Once anyone has started, a change is shown in words and asked for first: those who
started keep the questions they were given, and new points re-mark every attempt."""

import hashlib
import json
import random
import secrets
from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, ngettext

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required
from app.authoring.assignment_pool import current_version_ids, leaking_pairs, lesson_choices, question_pool
from app.authoring.forms import TYPE_LABELS
from app.authoring.picker_bank import bank_rows, chosen_rows, usable
from app.authoring.picker_forms import FACILITY_BANDS, ChangeForm, DrawForm
from app.course.assignment_rules import points_of
from app.course.leaks import leak_free_sample
from app.extensions import db
from app.models import Assignment, Attempt, Question
from app.progress import attempt_total

MAX_QUESTIONS = 100
# The fields a change posts; a confirmation replays exactly these.
CHANGE_FIELDS = ("state", "add", "remove", "move", "lessons", "tag", "count", "draw")
# The bank's filters and page, kept across a change.
FILTER_NAMES = ("q", "lesson", "tag", "qtype", "difficulty", "facility", "source", "page")


def points_text(value: float) -> str:
    """Points as people write them: 1, 1.5, 10."""
    return f"{value:g}"


def parse_points(text: str | None) -> float | None:
    """Points typed for a question: a number from 0.5 to 100 in steps of 0.5, else None."""
    try:
        value = float((text or "").strip().replace(",", "."))
    except ValueError:
        return None
    return value if 0.5 <= value <= 100 and (value * 2).is_integer() else None


def list_state(assignment: Assignment) -> str:
    """A short fingerprint of the chosen list, its points and its draw, as a page showed them."""
    held = json.dumps([assignment.question_ids, assignment.points or {}, assignment.pool], sort_keys=True)
    return hashlib.sha256(held.encode()).hexdigest()[:16]


@dataclass
class Proposal:
    """The list as a change would leave it, what it changes in words, and any errors (nothing is stored)."""

    question_ids: list[str]
    points: dict[str, float]
    pool: dict | None
    errors: dict[str, str] = field(default_factory=dict)  # field name -> message
    warnings: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def propose(assignment: Assignment, form, allowed: dict[str, int]) -> Proposal:
    """Apply one posted change (points always; then add, remove, move or draw) to a copy of the list."""
    ids = list(assignment.question_ids)
    points = dict(zip(ids, points_of(ids, assignment.points), strict=True))
    proposal = Proposal(ids, points, dict(assignment.pool) if assignment.pool else None)
    for qid in ids:
        if (typed := form.get(f"points-{qid}")) is not None:
            if (value := parse_points(typed)) is None:
                proposal.errors[f"points-{qid}"] = _("Give from 0.5 to 100 points, in steps of 0.5 (1, 1.5, 2…).")
            else:
                points[qid] = value
    if proposal.errors:
        return proposal
    if "draw" in form:
        draw(assignment, form, proposal)
    elif added := form.getlist("add"):
        if len(added) > MAX_QUESTIONS or any(qid not in allowed for qid in added):
            abort(400, description=_("One of the questions sent is not one you can use in this class. Nothing changed."))
        proposal.added = [qid for qid in dict.fromkeys(added) if qid not in ids]
        ids.extend(proposal.added)
        points.update({qid: 1.0 for qid in proposal.added})
    elif (gone := form.get("remove")) is not None:
        if gone not in ids:
            abort(400, description=_("That question is not in this assignment. Nothing changed."))
        ids.remove(gone)
        proposal.removed = [gone]
        if proposal.pool and gone in proposal.pool.get("drawn", []):
            proposal.pool["drawn"] = [qid for qid in proposal.pool["drawn"] if qid != gone]
    elif (move := form.get("move")) is not None:
        direction, _colon, qid = move.partition(":")
        if direction not in ("up", "down") or qid not in ids:
            abort(400, description=_("That move names no question of this assignment. Nothing changed."))
        at = ids.index(qid)
        to = at - 1 if direction == "up" else at + 1
        if 0 <= to < len(ids):
            ids[at], ids[to] = ids[to], ids[at]
    if len(ids) > MAX_QUESTIONS:
        proposal.errors["list"] = _("An assignment holds at most %(most)s questions; this would make %(num)s.",
                                    most=MAX_QUESTIONS, num=len(ids))
    if not ids and assignment.status == "published":
        proposal.errors["list"] = _("Students can already see this assignment, so it needs at least one question. "
                                    "Add another first.")
    proposal.question_ids = ids
    proposal.points = {qid: points[qid] for qid in ids}
    proposal.pool = proposal.pool if proposal.pool and proposal.pool.get("drawn") else None
    return proposal


def draw(assignment: Assignment, form, proposal: Proposal) -> None:
    """Replace the last random draw with a new one from these lessons (and tag): never one already picked by hand,
    never one that shows another chosen question's answer, as far as the pool allows."""
    draw_form = DrawForm(form, meta={"csrf": False})
    draw_form.lessons.choices = lesson_choices()
    if not draw_form.validate():
        proposal.errors.update({f"draw-{name}": errors[0] for name, errors in draw_form.errors.items()})
        return
    before = set(proposal.pool["drawn"]) if proposal.pool else set()
    hand = [qid for qid in proposal.question_ids if qid not in before]
    tag = (draw_form.tag.data or "").strip().lower()
    candidates = [row for row in question_pool(draw_form.lessons.data, tag, assignment.classroom) if row[0] not in hand]
    count = draw_form.count.data
    if len(candidates) < count:
        proposal.errors["draw-count"] = (
            _("Only %(num)s questions of these lessons tagged %(tag)s are not already chosen; draw at most %(num)s.",
              num=len(candidates), tag=tag) if tag else
            _("Only %(num)s questions of these lessons are not already chosen; draw at most %(num)s.", num=len(candidates)))
        return
    hand_rows = [(qid, lesson) for qid, lesson in lessons_of(hand).items()]
    pairs = leaking_pairs(candidates + hand_rows)
    clash = {qid for pair in pairs if pair & set(hand) for qid in pair} - set(hand)
    if shown := form.getlist("drawn"):
        # A confirmed draw: the questions the confirmation showed, not a new throw of the dice.
        if len(set(shown)) != count or len(shown) != count or not set(shown) <= {qid for qid, _ in candidates}:
            abort(400, description=_("The drawn questions sent are not a draw from these lessons. Nothing changed."))
        drawn = shown
    else:
        rng = random.Random(secrets.randbits(64))
        drawn = leak_free_sample([qid for qid, _ in candidates if qid not in clash], count, pairs, rng)
        if (short := count - len(drawn)) > 0:
            # As new_assignment does: the instructor asked for this many, so they get them, and are told.
            drawn += rng.sample([qid for qid, _ in candidates if qid not in drawn], short)
            proposal.warnings.append(_("Only %(fit)s of them could go with the others without one showing another's "
                                       "answer; %(short)s such pairs are in. Draw fewer to avoid them.",
                                       fit=count - short, short=short))
    proposal.removed = [qid for qid in proposal.question_ids if qid in before]
    proposal.added = drawn
    proposal.question_ids[:] = hand + drawn
    proposal.points.update({qid: 1.0 for qid in drawn})
    proposal.pool = {"lessons": draw_form.lessons.data, "tag": tag, "count": count, "drawn": drawn}


def lessons_of(question_ids: list[str]) -> dict[str, int]:
    """{question id: its lesson id}."""
    return dict(db.session.execute(sa.select(Question.id, Question.lesson_id).where(Question.id.in_(question_ids))).all())


def changed_points(assignment: Assignment, proposal: Proposal) -> list[tuple[str, float, float]]:
    """(question, old, new) for each question kept whose points change."""
    old = dict(zip(assignment.question_ids, points_of(assignment.question_ids, assignment.points), strict=True))
    return [(qid, old[qid], new) for qid, new in proposal.points.items() if qid in old and old[qid] != new]


def attempts_of(assignment: Assignment) -> list[Attempt]:
    """Every attempt at the assignment, submitted or not."""
    return list(db.session.scalars(sa.select(Attempt).where(Attempt.assignment_id == assignment.id).order_by(Attempt.id)))


def remark(attempts: list[Attempt], points: dict[str, float]) -> int:
    """Give each attempt's questions their new points (questions since removed keep theirs), and totals to match."""
    changed = 0
    for attempt in attempts:
        layout = [{**entry, "points": points.get(entry["question"], entry.get("points", 1))} for entry in attempt.layout]
        if layout != attempt.layout:
            attempt.layout = layout  # a new list: the JSON column sees the change
            attempt.max_score = float(sum(entry["points"] for entry in layout))
            if attempt.score is not None:
                attempt.score = attempt_total(attempt)
            changed += 1
    return changed


def store(assignment: Assignment, proposal: Proposal) -> None:
    """Write the proposal: pins kept for questions already set, the current version for new ones, the main lesson."""
    ids = proposal.question_ids
    pins = {qid: pin for qid, pin in (assignment.pinned_version_ids or {}).items() if qid in ids}
    pins.update(current_version_ids([(qid, 0) for qid in ids if qid not in pins]))
    assignment.pinned_version_ids = pins
    if ids:
        lessons = lessons_of(ids)
        assignment.lesson_id = Counter(lessons[qid] for qid in ids).most_common(1)[0][0]
    assignment.question_ids = list(ids)
    assignment.points = {qid: value for qid, value in proposal.points.items() if value != 1}
    assignment.pool = proposal.pool


def kept_filters() -> dict[str, str]:
    """The bank's filters and page in this request's address, and nothing else (a stray ``assignment_id`` least of all)."""
    return {key: value for key, value in request.args.items() if key in FILTER_NAMES}


def back(assignment: Assignment):
    """Back to the picker, with the bank's filters as they were."""
    return redirect(url_for("authoring.assignment_questions", assignment_id=assignment.id, **kept_filters()) + "#chosen")


@bp.route("/assignments/<int:assignment_id>/questions", methods=["GET", "POST"])
@instructor_required
def assignment_questions(assignment_id: int):
    """The assignment's questions and points, and the banks to pick more from."""
    assignment = assignment_or_abort(assignment_id)
    if request.method == "GET":
        return page(assignment)
    classroom_or_abort(assignment.classroom_id, writable=True)
    if assignment.deleted_at is not None:
        abort(409, description=_("This assignment is deleted; restore it to change its questions."))
    if not ChangeForm().validate_on_submit():
        abort(400, description=_("The change was incomplete or the page had expired; reload it and try again. Nothing changed."))
    if request.form.get("state") != list_state(assignment):
        abort(409, description=_("The questions of this assignment changed since this page was loaded (another instructor, "
                                 "or another tab). Nothing changed; reload the page to see them as they are now."))
    proposal = propose(assignment, request.form, usable(assignment) if "add" in request.form else {})
    if proposal.errors:
        return page(assignment, proposal=proposal), 400
    repoints = changed_points(assignment, proposal)
    if proposal.question_ids == assignment.question_ids and not repoints and proposal.pool == assignment.pool:
        flash(_("Nothing changed: that was already so."), "info")
        return back(assignment)
    attempts = attempts_of(assignment)
    if attempts and request.form.get("confirmed") != "yes":
        return page(assignment, proposal=proposal, confirm=True, attempts=attempts, repoints=repoints)
    # Take the row's write lock (SQLite's writer lock, PostgreSQL's row lock) and read the list again: two changes
    # posted against the same page at once both passed the check above, and the later silently undid the first.
    db.session.execute(sa.update(Assignment).where(Assignment.id == assignment.id).values(position=Assignment.position))
    db.session.refresh(assignment)
    if request.form.get("state") != list_state(assignment):
        db.session.rollback()
        abort(409, description=_("The questions of this assignment changed a moment ago (another instructor, or another "
                                 "tab). Nothing changed; reload the page to see them as they are now."))
    attempts = attempts_of(assignment)
    store(assignment, proposal)
    remarked = remark(attempts, proposal.points) if repoints else 0
    db.session.commit()
    for warning in proposal.warnings:
        flash(warning, "warning")
    flash(done_words(proposal, repoints, remarked), "success")
    return back(assignment)


def done_words(proposal: Proposal, repoints: list, remarked: int) -> str:
    """What a change did, in one sentence."""
    said = []
    if proposal.added:
        said.append(_("added %(num)s", num=len(proposal.added)))
    if proposal.removed:
        said.append(_("removed %(num)s", num=len(proposal.removed)))
    if repoints:
        said.append(_("new points for %(num)s", num=len(repoints)))
    if remarked:
        said.append(ngettext("%(num)s attempt re-marked", "%(num)s attempts re-marked", remarked))
    total = points_text(sum(proposal.points.values()))
    summary = said[0] if said else ""
    for more in said[1:]:
        summary = _("%(done)s, %(more)s", done=summary, more=more)  # a list of what was done: "added 2, removed 1"
    summary = summary.capitalize() or _("Order changed")
    return _("%(summary)s. Now %(num)s questions, %(total)s points in all.", summary=summary,
             num=len(proposal.question_ids), total=total)


def page(assignment: Assignment, proposal: Proposal | None = None, confirm: bool = False,
         attempts: list[Attempt] | None = None, repoints: list | None = None):
    """The picker page (or, with ``confirm``, the confirmation of a change)."""
    classroom = assignment.classroom
    attempts = attempts if attempts is not None else attempts_of(assignment)
    hub = url_for("authoring.assignment", assignment_id=assignment.id)
    editable = classroom.archived_at is None and assignment.deleted_at is None
    context = {"assignment": assignment, "classroom": classroom, "hub": hub, "editable": editable, "state": list_state(assignment),
               "proposal": proposal, "started": len({a.owner_key for a in attempts}), "in_progress": sum(a.submitted_at is None for a in attempts),
               "submitted": sum(a.submitted_at is not None for a in attempts), "pts": points_text, "types": TYPE_LABELS, "kept": kept_filters(), "here": url_for(
                   "authoring.assignment_questions", assignment_id=assignment.id, **kept_filters()),
               "point_errors": any(name.startswith("points-") for name in (proposal.errors if proposal else {}))}
    if confirm:
        by_id = {row["id"]: row for row in chosen_rows(list(dict.fromkeys(assignment.question_ids + proposal.question_ids)), assignment)}
        replay = [(key, value) for key in CHANGE_FIELDS for value in request.form.getlist(key)]
        replay += [(key, value) for key, value in request.form.items() if key.startswith("points-")]
        if "draw" in request.form:
            replay += [("drawn", qid) for qid in proposal.pool["drawn"]]
        return render_template("authoring/assignment_questions.html", confirm=True, by_id=by_id, replay=replay,
                               repoints=repoints, reordered=sorted(proposal.question_ids) == sorted(assignment.question_ids)
                               and proposal.question_ids != assignment.question_ids, **context)
    draw_form = DrawForm(formdata=request.form if proposal and "draw" in request.form else None)
    draw_form.lessons.choices = lesson_choices()
    if not draw_form.lessons.data and not (proposal and "draw" in request.form):
        draw_form.lessons.data = (assignment.pool or {}).get("lessons") or [assignment.lesson_id]
    for name, message in (proposal.errors if proposal else {}).items():
        if name.startswith("draw-"):
            getattr(draw_form, name.removeprefix("draw-")).errors = [message]
    filters, rows, pages = bank_rows(assignment, request.args)
    chosen = chosen_rows(assignment.question_ids, assignment)
    by_number = {row["id"]: row for row in chosen}
    # A question may name others it must never meet ("excludes") that are not chosen here: only pairs of chosen ones.
    leaks = [pair for pair in (leaking_pairs([(row["id"], row["lesson_id"]) for row in chosen]) if len(chosen) > 1 else ())
             if pair <= by_number.keys()]
    return render_template("authoring/assignment_questions.html", confirm=False, chosen=chosen, draw_form=draw_form,
                           filters=filters, rows=rows, pages=pages, bands=FACILITY_BANDS,
                           leaks=sorted([sorted((by_number[qid] for qid in pair), key=lambda row: row["number"]) for pair in leaks],
                                        key=lambda pair: pair[0]["number"]), **context)


