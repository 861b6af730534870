"""Results for instructors: the gradebook (and its CSV and Excel exports), one attempt in full, and item analysis."""

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Response, abort, render_template, request
from flask_babel import gettext as _

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required
from app.class_rules import class_rules, rules_for, visible_to_students
from app.course import qtypes
from app.course.assignment_rules import Rules, points_of
from app.course.gradebook import (Average, Row, Sitting, class_average, make_cell, matches, number_text, percent_text,
                                  sort_rows)
from app.course.grading import is_late
from app.course.scheduling import aware
from app.course.spreadsheet import csv_document, xlsx_document
from app.course.statistics import analyse, distractors
from app.extensions import db
from app.learning.quiz_routes import attempt_items, close_test
from app.learning.result_routes import duration, result_rows
from app.models import Answer, Assignment, Attempt, ClassGroup, Classroom, Enrollment, QuestionVersion, User
from app.progress import owner_id
from app.secrecy import comes_back, held_back
from app.timezones import local_time


def close_expired(assignment_ids: list[int]) -> None:
    """Close, as they stood, timed attempts whose deadline has passed without a submit."""
    now = datetime.now(timezone.utc)
    open_attempts = db.session.scalars(sa.select(Attempt).where(
        Attempt.assignment_id.in_(assignment_ids), Attempt.submitted_at.is_(None), Attempt.deadline.is_not(None)))
    for attempt in list(open_attempts):
        if is_late(aware(attempt.deadline), now):
            items = attempt_items(attempt)
            close_test(attempt, items, attempt.draft or [None] * len(items))


@dataclass
class Gradebook:
    """A class's gradebook: its published assignments with their points, a row per student in the class and per
    former student with attempts, the class average per assignment, and the class's groups."""

    assignments: list[Assignment]
    max_points: dict[int, float]
    rows: list[Row]
    former: list[Row]
    averages: dict[int, Average]
    groups: list[ClassGroup]

    def to_grade(self, assignment_id: int) -> int:
        """Essays of this assignment still waiting for a grade, former students' too."""
        return sum(row.cells[assignment_id].to_grade for row in self.rows + self.former)


def graded_assignments(classroom: Classroom) -> list[Assignment]:
    """The assignments a gradebook shows: published and not deleted, in the class page's order."""
    return list(db.session.scalars(classroom.assignments.select().where(visible_to_students())
                                   .order_by(Assignment.position, Assignment.created_at)))


def override_words(rules: Rules) -> tuple[str, ...]:
    """An override in words, naming the group it came from and the new due date."""
    if rules.override is None or not rules.changes():
        return ()
    words = rules.shown_changes()  # in the reader's language, in the order changes() has them
    if rules.override.due_at is not None and words:
        # The later due date comes last: here it names the date.
        words[-1] = _("later due date: %(when)s", when=local_time(rules.due_at))
    if rules.override.kind == "group":
        words.insert(0, _("group %(name)s", name=rules.override.group_name))
    return tuple(words)


SITTING_COLUMNS = (Attempt.id, Attempt.public_id, Attempt.attempt_number, Attempt.score, Attempt.max_score, Attempt.started_at,
                   Attempt.submitted_at, Attempt.deadline)


def sitting_of(attempt: Attempt | sa.Row, to_grade: int) -> Sitting:
    """An attempt as the gradebook's arithmetic takes it."""
    return Sitting(attempt.public_id, attempt.attempt_number or 1, attempt.score, attempt.max_score, aware(attempt.started_at),
                   aware(attempt.submitted_at) if attempt.submitted_at else None,
                   aware(attempt.deadline) if attempt.deadline else None, to_grade)


def gradebook_data(classroom: Classroom) -> Gradebook:
    """Everything the gradebook page and both exports show, in a query or two per assignment."""
    enrolled = db.session.execute(sa.select(User, ClassGroup.name).join(Enrollment, Enrollment.user_id == User.id)
                                  .outerjoin(ClassGroup, ClassGroup.id == Enrollment.group_id)
                                  .where(Enrollment.classroom_id == classroom.id)).all()
    assignments = graded_assignments(classroom)
    close_expired([a.id for a in assignments])
    # Plain columns, not ORM objects: layouts and drafts stay in the database (a class of hundreds, a dozen tests).
    attempts = db.session.execute(sa.select(*SITTING_COLUMNS, Attempt.owner_key, Attempt.assignment_id)
                                  .where(Attempt.assignment_id.in_([a.id for a in assignments]))
                                  .order_by(Attempt.started_at, Attempt.id)).all()
    current = {user.owner_key: Row(user.id, user.username, group or "") for user, group in enrolled}
    # Attempts stay with the class when a student leaves it: their owners are listed apart.
    gone_keys = {a.owner_key for a in attempts if a.owner_key not in current and a.owner_key.startswith("user:")}
    gone = {user.owner_key: Row(user.id, user.username) for user in db.session.scalars(
        sa.select(User).where(User.id.in_([owner_id(key) for key in gone_keys])))}
    everyone = {**current, **gone}
    pending = pending_counts([a.id for a in attempts if a.submitted_at is not None])
    sittings: dict[tuple[str, int], list[Sitting]] = defaultdict(list)
    for a in attempts:
        sittings[(a.owner_key, a.assignment_id)].append(sitting_of(a, pending.get(a.id, 0)))
    for assignment in assignments:
        rules = class_rules(assignment, [row.user_id for row in everyone.values()])
        for key, row in everyone.items():
            mine = rules[row.user_id]
            row.cells[assignment.id] = make_cell(assignment.grading_method, sittings.get((key, assignment.id), []),
                                                 mine.due_at, mine.attempt_limit, override_words(mine))
    rows = sort_rows(list(current.values()), "student")
    averages = {a.id: class_average([row.cells[a.id] for row in rows]) for a in assignments}
    groups = list(db.session.scalars(sa.select(ClassGroup).where(ClassGroup.classroom_id == classroom.id).order_by(ClassGroup.name)))
    return Gradebook(assignments, {a.id: sum(points_of(a.question_ids, a.points)) for a in assignments}, rows,
                     sort_rows(list(gone.values()), "student"), averages, groups)


def pending_counts(attempt_ids: list[int]) -> dict[int, int]:
    """Answers still waiting for a person's grade (essays), per attempt: a grade with them in it is provisional."""
    if not attempt_ids:
        return {}
    return {row.attempt_id: row.count for row in db.session.execute(
        sa.select(Answer.attempt_id, sa.func.count(Answer.id).label("count"))
        .where(Answer.attempt_id.in_(attempt_ids), Answer.status == "pending").group_by(Answer.attempt_id))}


SORT_DIRECTIONS = {"asc": False, "desc": True}
FILTER_LIMIT = 100


def view_options(book: Gradebook) -> tuple[str, bool, str, ClassGroup | None, bool]:
    """The page's ``sort``, direction, ``filter`` words and ``group`` from the query string (400/404 with the reason
    for a column, direction or group this class does not have); the last flag: whether "no group" was chosen."""
    column = request.args.get("sort", "student")
    if column not in {"student", "group", *(str(a.id) for a in book.assignments)}:
        abort(400, description=_("The gradebook cannot sort by that: choose a column under “Sort by”."))
    direction = request.args.get("dir", "asc")
    if direction not in SORT_DIRECTIONS:
        abort(400, description=_("Sort either “asc” (up) or “desc” (down)."))
    words = request.args.get("filter", "")
    if len(words) > FILTER_LIMIT:
        abort(400, description=_("Filter by at most %(most)s characters of a name or group.", most=FILTER_LIMIT))
    chosen, ungrouped = None, False
    if (group := request.args.get("group", "")) == "none":
        ungrouped = True
    elif group:
        chosen = next((g for g in book.groups if str(g.id) == group), None)
        if chosen is None:
            abort(404, description=_("This class has no group with that number."))
    return column, SORT_DIRECTIONS[direction], words, chosen, ungrouped


@bp.route("/classes/<int:classroom_id>/gradebook")
@instructor_required
def gradebook(classroom_id: int):
    """Students × assignments: points and percent, attempts, late and overridden cells, class averages; sorted and
    filtered by the query string (JavaScript does the same in place)."""
    current = classroom_or_abort(classroom_id)
    book = gradebook_data(current)
    column, descending, words, group, ungrouped = view_options(book)

    # Every row is sent, those the filter leaves out marked hidden, so the page's script can bring them back in place.
    shown = {row.user_id for row in book.rows + book.former if matches(row, words)
             and (group is None or row.group == group.name) and not (ungrouped and row.group)}
    return render_template("authoring/gradebook.html", classroom=current, book=book, shown=shown,
                           rows=sort_rows(book.rows, column, descending), former=sort_rows(book.former, column, descending),
                           waiting=[(a, n) for a in book.assignments if (n := book.to_grade(a.id))],
                           column=column, descending=descending, words=words, group=group, ungrouped=ungrouped,
                           number=number_text, percent=percent_text)


def export_rows(book: Gradebook) -> list[list[object]]:
    """The gradebook as a table for the exports: per assignment, points (its maximum in the header), percent, attempts
    used and a late mark; students in the class first, then those no longer in it.

    In English whatever the page's language: the headers and the "yes"/"no"/"late" values are what spreadsheets,
    scripts and other gradebooks that read the file match on."""
    header: list[object] = ["Student", "Group", "In the class"]
    for a in book.assignments:
        header += [f"{a.title}: points (out of {number_text(book.max_points[a.id])})", f"{a.title}: %",
                   f"{a.title}: attempts", f"{a.title}: late"]
    rows = [header + ["Essays to grade"]]
    for row, present in [(row, True) for row in book.rows] + [(row, False) for row in book.former]:
        line: list[object] = [row.name, row.group, "yes" if present else "no"]
        for a in book.assignments:
            cell = row.cells[a.id]
            graded = cell.percent is not None
            line += [round(cell.points, 2) if graded else None, round(cell.percent, 1) if graded else None, cell.used,
                     "late" if cell.late else ""]
        rows.append(line + [sum(row.cells[a.id].to_grade for a in book.assignments)])
    return rows


def download(body: str | bytes, classroom: Classroom, extension: str, mimetype: str) -> Response:
    """A file to save, named after the class and today's date (a Downloads folder then tells one class's exports
    apart); a name with no ASCII letters or digits falls back to the join code."""
    name = re.sub(r"[^a-z0-9]+", "-", classroom.name.lower()).strip("-")[:60].strip("-") or classroom.join_code
    filename = f"gradebook-{name}-{datetime.now(timezone.utc):%Y-%m-%d}.{extension}"
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/classes/<int:classroom_id>/gradebook.csv")
@instructor_required
def gradebook_csv(classroom_id: int):
    """The gradebook as CSV (UTF-8 with a byte-order mark, so spreadsheets read names correctly)."""
    current = classroom_or_abort(classroom_id)
    return download(csv_document(export_rows(gradebook_data(current))), current, "csv", "text/csv")


@bp.route("/classes/<int:classroom_id>/gradebook.xlsx")
@instructor_required
def gradebook_xlsx(classroom_id: int):
    """The gradebook as an Excel workbook, numbers as numbers."""
    current = classroom_or_abort(classroom_id)
    return download(xlsx_document(export_rows(gradebook_data(current))), current, "xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@bp.route("/attempts/<public_id>")
@instructor_required
def attempt_detail(public_id: str):
    """One student's attempt in full, with the key and each question's points (for the instructors of its class)."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id)) if len(public_id) <= 32 else None
    if attempt is None or attempt.assignment_id is None:
        abort(404, description=_("There is no class attempt with this address."))
    assignment = assignment_or_abort(attempt.assignment_id)
    if not attempt.is_submitted:
        abort(404, description=_("This attempt is still in progress."))
    student = db.session.get(User, owner_id(attempt.owner_key) or 0)
    theirs = db.session.scalars(sa.select(Attempt).where(Attempt.assignment_id == assignment.id,
                                                         Attempt.owner_key == attempt.owner_key)
                                .order_by(Attempt.started_at, Attempt.id)).all()
    rules = rules_for(assignment, student.id)
    pending = pending_counts([a.id for a in theirs if a.submitted_at is not None])
    cell = make_cell(assignment.grading_method, [sitting_of(a, pending.get(a.id, 0)) for a in theirs], rules.due_at,
                     rules.attempt_limit, override_words(rules))
    this = next(s for s in cell.submitted if s.public_id == attempt.public_id)
    # Another class's exam may hold some of these questions back since this attempt was made: their key,
    # verdict and mark stay hidden here too, as everywhere but that class's own pages.
    holds = held_back()
    return render_template("authoring/attempt.html", attempt=attempt, rows=result_rows(attempt), student=student,
                           reviewable=True, held={qid: comes_back(until) for qid, until in holds.items()},
                           cell=cell, this=this, rules=rules, took=duration(this.started_at, this.handed_in),
                           enrolled=db.session.scalar(sa.select(Enrollment.id).where(
                               Enrollment.classroom_id == assignment.classroom_id, Enrollment.user_id == student.id)) is not None,
                           number=number_text, percent=percent_text)


def first_attempt_rows(assignment: Assignment) -> tuple[list[dict], dict[tuple[str, int], list], dict[str, int]]:
    """Per student, the item scores of their first submitted attempt (Moodle's default); responses by
    (item, version shown); and per item the version those attempts showed (the most shown, should the
    question have changed between attempts), never another class's override or a later version.

    Reads plain columns, not ORM objects: a class of hundreds means tens of thousands of answers.
    """
    close_expired([assignment.id])
    firsts: dict[str, int] = {}
    for attempt_id, owner in db.session.execute(sa.select(Attempt.id, Attempt.owner_key).where(
            Attempt.assignment_id == assignment.id, Attempt.submitted_at.is_not(None)).order_by(Attempt.submitted_at)):
        firsts.setdefault(owner, attempt_id)
    by_attempt: dict[int, dict[str, float]] = defaultdict(dict)
    responses: dict[tuple[str, int], list] = defaultdict(list)
    shown: dict[str, Counter] = defaultdict(Counter)
    if firsts:
        for attempt_id, question_id, version_id, answer_score, status, response in db.session.execute(
                sa.select(Answer.attempt_id, Answer.question_id, Answer.question_version_id, Answer.score, Answer.status,
                          Answer.response).where(Answer.attempt_id.in_(list(firsts.values())))):
            by_attempt[attempt_id][question_id] = None if status == "pending" else answer_score  # not marked yet: no data
            responses[(question_id, version_id)].append(response)
            shown[question_id][version_id] += 1
    versions = {question_id: counts.most_common(1)[0][0] for question_id, counts in shown.items()}
    return [by_attempt[attempt_id] for attempt_id in firsts.values()], responses, versions


@bp.route("/assignments/<int:assignment_id>/analysis")
@instructor_required
def analysis(assignment_id: int):
    """Item analysis of an assignment's first attempts, with flags on questions needing attention."""
    assignment = assignment_or_abort(assignment_id)
    rows, responses, shown = first_attempt_rows(assignment)
    result = analyse(assignment.question_ids, rows, assignment.points)
    versions = {v.question_id: v for v in db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.id.in_(shown.values())))}
    choice_shares = {
        qid: distractors(option_ids, responses[(qid, versions[qid].id)])
        for qid in assignment.question_ids
        if qid in versions and (option_ids := qtypes.of(versions[qid].data).option_ids(versions[qid].data))}
    return render_template("authoring/analysis.html", assignment=assignment, analysis=result, versions=versions,
                           choice_shares=choice_shares)
