"""Instructors' assignments: set one for a class (as a draft or published), its page, and editing its rules (saying
what changes for those who started); the counts and states the teaching pages show."""

from datetime import datetime, timezone
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext as _l, ngettext
from flask_wtf import FlaskForm

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required
from app.authoring.assignment_pool import current_version_ids, draw_questions, lesson_choices, question_pool
from app.authoring.class_forms import AssignmentForm, AssignmentSettingsForm, EditAssignmentForm
from app.authoring.forms import ConfirmForm
from app.class_rules import class_rules
from app.course.assignment_rules import points_of
from app.course.clock import as_utc, attempt_deadline, format_local, to_utc
from app.course.scheduling import aware
from app.extensions import db
from app.i18n import user_text
from app.models import Answer, Assignment, Attempt, User
from app.progress import owner_id
from app.timezones import learner_zone


def writable_assignment(assignment_id: int) -> Assignment:
    """An assignment the current instructor teaches, in a class that is not archived (409 with the reason if it is)."""
    current = assignment_or_abort(assignment_id)
    classroom_or_abort(current.classroom_id, writable=True)
    return current


def require_form(form: FlaskForm) -> None:
    """Refuse a bare POST that is not the page's own form (no CSRF token, a forged field): 400, nothing changes."""
    if not form.validate_on_submit():
        abort(400, description=_("The request was incomplete; reload the page and try again. Nothing changed."))


def _label_dates(form: AssignmentSettingsForm, zone: ZoneInfo) -> None:
    """Dates are typed in the instructor's zone, and the labels say which."""
    form.opens_at.label.text = _("Opens (%(zone)s time; blank: now)", zone=zone.key)
    form.due_at.label.text = _("Due (%(zone)s time; optional)", zone=zone.key)


def _local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A stored UTC moment as the naive wall-clock time a date field shows in ``zone``."""
    return as_utc(moment).astimezone(zone).replace(tzinfo=None) if moment else None


def next_position(classroom_id: int) -> int:
    return 1 + (db.session.scalar(sa.select(sa.func.max(Assignment.position)).where(
        Assignment.classroom_id == classroom_id, Assignment.deleted_at.is_(None))) or 0)


@bp.route("/classes/<int:classroom_id>/assignments/new", methods=["GET", "POST"])
@instructor_required
def new_assignment(classroom_id: int):
    """Set a quiz for the class: its rules, and questions drawn once from the chosen lessons (and tag) if any.
    "Publish" shows it to students (from its opening date); "Save as draft" keeps it to its instructors."""
    current = classroom_or_abort(classroom_id, writable=True)
    zone = learner_zone()
    form = AssignmentForm()
    form.lessons.choices = lesson_choices()
    _label_dates(form, zone)
    page = {"form": form, "classroom": current, "zone": zone}
    if form.validate_on_submit():
        draft = bool(form.save_draft.data)
        chosen: list[tuple[str, int]] = []
        pool = None
        if form.lessons.data:
            tag = (form.tag.data or "").strip().lower()
            found = question_pool(form.lessons.data, tag, current)
            if len(found) < form.question_count.data:
                form.question_count.errors.append(_("Only %(num)s questions match; choose at most %(num)s.", num=len(found)))
                return render_template("authoring/assignment_form.html", **page), 400
            chosen = draw_questions(found, form.question_count.data)
            pool = {"lessons": list(form.lessons.data), "tag": tag, "count": form.question_count.data,
                    "drawn": [ident for ident, _ in chosen]}
        assignment = Assignment(
            classroom_id=current.id,
            # lesson_id cannot be empty: a draft without questions takes the first lesson until questions are chosen.
            lesson_id=chosen[0][1] if chosen else form.lessons.choices[0].value,
            question_ids=[question_id for question_id, _ in chosen], pinned_version_ids=current_version_ids(chosen),
            pool=pool, points={}, status="draft" if draft else "published", position=next_position(current.id))
        _apply_settings(assignment, form, zone)
        db.session.add(assignment)
        db.session.commit()
        if draft:
            flash(_("Draft “%(title)s” saved. Students cannot see it until you publish it.", title=user_text(assignment.title)), "success")
        else:
            flash(ngettext("Assignment “%(title)s” published with %(num)s question.",
                           "Assignment “%(title)s” published with %(num)s questions.", len(chosen), title=user_text(assignment.title)),
                  "success")
        return redirect(url_for("authoring.assignment", assignment_id=assignment.id))
    return render_template("authoring/assignment_form.html", **page), 400 if form.errors else 200


SETTINGS = ("title", "opens_at", "due_at", "attempt_limit", "time_limit_minutes", "grading_method", "shuffle", "review_option")


def _apply_settings(assignment, form: AssignmentSettingsForm, zone: ZoneInfo) -> None:
    """Copy the form's rules onto the assignment (or a stand-in), its dates read in ``zone`` and stored in UTC."""
    assignment.title = form.title.data.strip()
    assignment.opens_at = _typed(form.opens_at.data, getattr(assignment, "opens_at", None), zone) or (
        getattr(assignment, "opens_at", None) or datetime.now(timezone.utc))
    assignment.due_at = _typed(form.due_at.data, getattr(assignment, "due_at", None), zone)
    assignment.attempt_limit = form.attempt_limit.data
    assignment.time_limit_minutes = form.time_limit_minutes.data
    assignment.grading_method = form.grading_method.data
    assignment.shuffle = form.shuffle.data
    assignment.review_option = form.review_option.data


def _typed(typed: datetime | None, stored: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A date field's value in UTC; the stored moment itself when the field still shows it (a field holds whole
    minutes, so an untouched "now" with its seconds must not count as a change)."""
    if typed is None:
        return None
    if stored is not None and _local(stored, zone).replace(second=0, microsecond=0) == typed:
        return stored
    return to_utc(typed, zone)


@bp.route("/assignments/<int:assignment_id>")
@instructor_required
def assignment(assignment_id: int):
    """One assignment's hub: its settings in words, who has started, and the way to everything done with it."""
    current = assignment_or_abort(assignment_id)
    return render_template("authoring/assignment.html", assignment=current, classroom=current.classroom,
                           counts=attempt_counts([current]).get(current.id, EMPTY_COUNTS), links=hub_links(current),
                           zone=learner_zone(), confirm=ConfirmForm())


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@instructor_required
def edit_assignment(assignment_id: int):
    """Change an assignment's rules. Once anyone has started, a page first says what changes for those who started
    and for those who have not, and asks; the questions and their points are changed on the questions page."""
    current = writable_assignment(assignment_id) if request.method == "POST" else assignment_or_abort(assignment_id)
    zone = learner_zone()
    form = EditAssignmentForm(obj=current) if request.method == "GET" else EditAssignmentForm()
    if request.method == "GET":
        form.opens_at.data, form.due_at.data = _local(current.opens_at, zone), _local(current.due_at, zone)
    _label_dates(form, zone)
    page = {"form": form, "assignment": current, "classroom": current.classroom, "zone": zone}
    if form.back.data or not form.validate_on_submit():
        return render_template("authoring/assignment_form.html", **page), 400 if form.errors else 200
    counts = attempt_counts([current]).get(current.id, EMPTY_COUNTS)
    said = change_words(_settings_of(current), _settings_of(_shadow_settings(current, form, zone)), counts, zone)
    if said and counts["students"] and form.confirmed.data != "yes":
        return render_template("authoring/assignment_changes.html", changes=said, counts=counts,
                               starters=starters(current), **page)
    _apply_settings(current, form, zone)
    moved = move_open_deadlines(current)
    db.session.commit()
    flash(ngettext("Changes saved. The deadline of %(num)s attempt in progress moved too.",
                   "Changes saved. The deadline of %(num)s attempts in progress moved too.", moved) if moved else
          _("Changes saved."), "success")
    return redirect(url_for("authoring.assignment", assignment_id=current.id))


def _settings_of(assignment) -> dict:
    return {name: getattr(assignment, name) for name in SETTINGS}


def _shadow_settings(assignment: Assignment, form: AssignmentSettingsForm, zone: ZoneInfo) -> SimpleNamespace:
    """The settings the form would give the assignment, without touching it."""
    shadow = SimpleNamespace(**_settings_of(assignment))
    _apply_settings(shadow, form, zone)
    return shadow


GRADE_WORDS = {"highest": _l("the highest attempt"), "average": _l("the average of the attempts"),
               "first": _l("the first attempt"), "last": _l("the last attempt")}
REVIEW_WORDS = {"immediately": _l("as soon as they submit"), "after_due": _l("after the due date"), "never": _l("never")}


def change_words(before: dict, after: dict, counts: dict[str, int], zone: ZoneInfo) -> list[dict[str, str]]:
    """Each changed setting as {what, change, started, not_started}: what it means for those who started (naming the
    attempts in progress) and for those who have not."""
    def when(moment):
        return format_local(moment, zone) if moment else _("no due date")

    def becomes(old, new) -> str:
        return _("%(old)s becomes %(new)s.", old=old, new=new)

    in_progress, submitted = counts["in_progress"], counts["submitted"]
    said = []
    for name in SETTINGS:
        old, new = before[name], after[name]
        if name in ("opens_at", "due_at"):
            old, new = (as_utc(old) if old else None), (as_utc(new) if new else None)
        if old == new:
            continue
        if name == "title":
            said.append({"what": _("Title"), "change": _("“%(old)s” becomes “%(new)s”.", old=old, new=new),
                         "started": _("They see the new title."), "not_started": _("They see the new title.")})
        elif name == "opens_at":
            said.append({"what": _("Opens"), "change": becomes(when(old), when(new)),
                         "started": _("Nothing changes for attempts already started."),
                         "not_started": _("They can start from %(when)s.", when=when(new))})
        elif name == "due_at":
            said.append({"what": _("Due date"), "change": becomes(when(old), when(new)),
                         "started": ngettext("The due date moves for everyone, including the %(num)s attempt in progress: "
                                             "their deadline moves with it. Students with their own due date (an override) "
                                             "keep theirs.",
                                             "The due date moves for everyone, including the %(num)s attempts in progress: "
                                             "their deadline moves with it. Students with their own due date (an override) "
                                             "keep theirs.", in_progress) if in_progress else
                                    _("The due date moves for everyone. Students with their own due date (an override) "
                                      "keep theirs."),
                         "not_started": _("The new due date applies, unless they have their own.")})
        elif name == "time_limit_minutes":
            said.append({"what": _("Time limit"), "change": becomes(_minutes(old), _minutes(new)),
                         "started": ngettext("The %(num)s attempt in progress gets the new limit, counted from when each one "
                                             "started.",
                                             "The %(num)s attempts in progress get the new limit, counted from when each one "
                                             "started.", in_progress) if in_progress else
                                    _("No attempt is in progress; submitted ones stay as they are."),
                         "not_started": _("New attempts get the new limit (plus any extra time you gave someone).")})
        elif name == "attempt_limit":
            said.append({"what": _("Attempts allowed"), "change": becomes(old or _("unlimited"), new or _("unlimited")),
                         "started": _("Attempts already made all stay; anyone who has used %(num)s or more cannot start "
                                      "another.", num=new) if new else
                                    _("Attempts already made all stay; anyone may start another."),
                         "not_started": _("The new limit applies (plus any extra attempts you gave someone).")})
        elif name == "grading_method":
            said.append({"what": _("Grade"), "change": becomes(GRADE_WORDS[old], GRADE_WORDS[new]),
                         "started": ngettext("Grades are worked out again from the %(num)s submitted attempt.",
                                             "Grades are worked out again from the %(num)s submitted attempts.", submitted),
                         "not_started": _("Their grade will be worked out the new way.")})
        elif name == "shuffle":
            said.append({"what": _("Question order"), "change": _("shuffled becomes fixed.") if old else _("fixed becomes shuffled."),
                         "started": _("Attempts already started keep their order."),
                         "not_started": _("New attempts follow the new order.")})
        elif name == "review_option":
            said.append({"what": _("Correct answers"),
                         "change": _("shown %(old)s becomes shown %(new)s.", old=REVIEW_WORDS[old], new=REVIEW_WORDS[new]),
                         "started": ngettext("This applies to the %(num)s submitted attempt too.",
                                             "This applies to the %(num)s submitted attempts too.", submitted),
                         "not_started": _("The new rule applies.")})
    return said


def _minutes(value: int | None) -> str:
    return _("%(num)s minutes", num=value) if value else _("no time limit")


def move_open_deadlines(assignment: Assignment) -> int:
    """Set each attempt in progress's deadline from its student's rules now (a due date or time limit changed); how
    many moved."""
    open_attempts = db.session.scalars(sa.select(Attempt).where(
        Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_(None))).all()
    owners = {attempt.id: owner_id(attempt.owner_key) for attempt in open_attempts}
    rules = class_rules(assignment, [user_id for user_id in owners.values() if user_id is not None])
    moved = 0
    for attempt in open_attempts:
        if owners[attempt.id] is None:
            continue
        deadline = attempt_deadline(aware(attempt.started_at), rules[owners[attempt.id]])
        if (aware(attempt.deadline) if attempt.deadline else None) != deadline:
            attempt.deadline = deadline
            moved += 1
    return moved


EMPTY_COUNTS = {"students": 0, "in_progress": 0, "submitted": 0, "essays": 0}


@bp.app_template_global()
def attempt_counts(assignments: list[Assignment]) -> dict[int, dict[str, int]]:
    """{assignment id: students who started, attempts in progress, attempts submitted, essays waiting for a grade},
    in two queries for a whole list."""
    ids = [a.id for a in assignments]
    if not ids:
        return {}
    rows = db.session.execute(sa.select(
        Attempt.assignment_id, sa.func.count(sa.distinct(Attempt.owner_key)),
        sa.func.count(Attempt.id).filter(Attempt.submitted_at.is_(None)),
        sa.func.count(Attempt.id).filter(Attempt.submitted_at.is_not(None)))
        .where(Attempt.assignment_id.in_(ids)).group_by(Attempt.assignment_id)).all()
    essays = dict(db.session.execute(
        sa.select(Attempt.assignment_id, sa.func.count(Answer.id)).join(Answer, Answer.attempt_id == Attempt.id)
        .where(Attempt.assignment_id.in_(ids), Answer.status == "pending").group_by(Attempt.assignment_id)).all())
    return {assignment_id: {"students": students, "in_progress": open_, "submitted": done, "essays": essays.get(assignment_id, 0)}
            for assignment_id, students, open_, done in rows}


def starters(assignment: Assignment) -> list[tuple[str, bool]]:
    """(username, whether an attempt is still in progress) of each student who started, by name: who a change reaches."""
    rows = db.session.execute(
        sa.select(User.username, sa.func.count(Attempt.id).filter(Attempt.submitted_at.is_(None)))
        .join(User, Attempt.owner_key == sa.literal("user:") + sa.cast(User.id, sa.String))
        .where(Attempt.assignment_id == assignment.id).group_by(User.username).order_by(User.username)).all()
    return [(name, open_ > 0) for name, open_ in rows]


@bp.app_template_global()
def assignment_phase(assignment: Assignment) -> str:
    """Where a published assignment stands for students now: "archived" (its class is), "not_open", "open" or "closed"
    (its class due date)."""
    if assignment.classroom.archived_at is not None:
        return "archived"
    now = datetime.now(timezone.utc)
    if aware(assignment.opens_at) > now:
        return "not_open"
    return "closed" if assignment.due_at and aware(assignment.due_at) <= now else "open"


@bp.app_template_global()
def points_total(assignment: Assignment) -> float:
    """All the assignment's points: each question's, 1 unless set."""
    return sum(points_of(assignment.question_ids, assignment.points))


def hub_links(assignment: Assignment) -> dict[str, str]:
    """{what: url} of the other pages about this assignment, for its hub."""
    return {"questions": url_for("authoring.assignment_questions", assignment_id=assignment.id),
            "overrides": url_for("authoring.assignment_overrides", assignment_id=assignment.id),
            "gradebook": url_for("authoring.gradebook", classroom_id=assignment.classroom_id),
            "analysis": url_for("authoring.analysis", assignment_id=assignment.id),
            "essays": url_for("authoring.grading_queue", assignment_id=assignment.id)}


