"""Results for instructors: gradebook (and CSV), one attempt in full, and item analysis."""

from collections import Counter, defaultdict
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Response, abort, render_template

from app.authoring import bp
from app.authoring.access import assignment_or_abort, classroom_or_abort, instructor_required
from app.course import qtypes
from app.course.grading import grade, is_late
from app.course.scheduling import aware
from app.course.spreadsheet import csv_document
from app.course.statistics import analyse, distractors
from app.extensions import db
from app.learning.quiz_routes import attempt_items, close_test
from app.learning.result_routes import result_rows
from app.models import Answer, Assignment, Attempt, Classroom, Enrollment, QuestionVersion, User
from app.secrecy import comes_back, held_back


def close_expired(assignment_ids: list[int]) -> None:
    """Close, as they stood, timed attempts whose deadline has passed without a submit."""
    now = datetime.now(timezone.utc)
    open_attempts = db.session.scalars(sa.select(Attempt).where(
        Attempt.assignment_id.in_(assignment_ids), Attempt.submitted_at.is_(None), Attempt.deadline.is_not(None)))
    for attempt in list(open_attempts):
        if is_late(aware(attempt.deadline), now):
            items = attempt_items(attempt)
            close_test(attempt, items, attempt.draft or [None] * len(items))


def gradebook_data(classroom: Classroom) -> tuple[list[User], list[Assignment], dict]:
    """Students, assignments, and {(user id, assignment id): {"grade", "attempts"}} for a class."""
    students = db.session.scalars(sa.select(User).join(Enrollment, Enrollment.user_id == User.id)
                                  .where(Enrollment.classroom_id == classroom.id).order_by(User.username)).all()
    assignments = db.session.scalars(classroom.assignments.select().order_by(Assignment.created_at)).all()
    close_expired([a.id for a in assignments])
    by_owner = {student.owner_key: student.id for student in students}
    attempts = defaultdict(list)
    for attempt in db.session.scalars(sa.select(Attempt).where(
            Attempt.assignment_id.in_([a.id for a in assignments]), Attempt.submitted_at.is_not(None))
            .order_by(Attempt.submitted_at)):
        if attempt.owner_key in by_owner:
            attempts[(by_owner[attempt.owner_key], attempt.assignment_id)].append(attempt)
    methods = {a.id: a.grading_method for a in assignments}
    pending = pending_counts([attempt.id for done in attempts.values() for attempt in done])
    cells = {key: {"grade": grade(methods[key[1]], [100 * a.score / a.max_score for a in done]), "attempts": done,
                   "to_grade": sum(pending.get(a.id, 0) for a in done)}
             for key, done in attempts.items()}
    return students, assignments, cells


def pending_counts(attempt_ids: list[int]) -> dict[int, int]:
    """Answers still waiting for a person's grade (essays), per attempt: a grade with them in it is provisional."""
    if not attempt_ids:
        return {}
    return {row.attempt_id: row.count for row in db.session.execute(
        sa.select(Answer.attempt_id, sa.func.count(Answer.id).label("count"))
        .where(Answer.attempt_id.in_(attempt_ids), Answer.status == "pending").group_by(Answer.attempt_id))}


@bp.route("/classes/<int:classroom_id>/gradebook")
@instructor_required
def gradebook(classroom_id: int):
    """Students × assignments, each cell the grade by the assignment's grading method."""
    current = classroom_or_abort(classroom_id)
    students, assignments, cells = gradebook_data(current)
    return render_template("authoring/gradebook.html", classroom=current, students=students,
                           assignments=assignments, cells=cells)


@bp.route("/classes/<int:classroom_id>/gradebook.csv")
@instructor_required
def gradebook_csv(classroom_id: int):
    """The gradebook as CSV (UTF-8 with a byte-order mark, so spreadsheets read names correctly)."""
    current = classroom_or_abort(classroom_id)
    students, assignments, cells = gradebook_data(current)
    rows: list[list[object]] = [["Student"] + [f"{a.title} (%)" for a in assignments] + ["Attempts", "Essays to grade"]]
    for student in students:
        mine = [cells.get((student.id, a.id), {}) for a in assignments]
        rows.append([student.username] + ["" if cell.get("grade") is None else round(cell["grade"], 1) for cell in mine]
                    + [sum(len(cell.get("attempts", [])) for cell in mine), sum(cell.get("to_grade", 0) for cell in mine)])
    filename = f"gradebook-{current.join_code}.csv"
    return Response(csv_document(rows), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.route("/attempts/<public_id>")
@instructor_required
def attempt_detail(public_id: str):
    """One student's attempt in full, with the key (for the instructor of its class)."""
    attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
    if attempt is None or attempt.assignment_id is None:
        abort(404, description="There is no class attempt with this address.")
    assignment_or_abort(attempt.assignment_id)
    if not attempt.is_submitted:
        abort(404, description="This attempt is still in progress.")
    student = db.session.scalar(sa.select(User).where(User.id == int(attempt.owner_key.split(":")[1])))
    # Another class's exam may hold some of these questions back since this attempt was made: their key,
    # verdict and mark stay hidden here too, as everywhere but that class's own pages.
    holds = held_back()
    return render_template("authoring/attempt.html", attempt=attempt, rows=result_rows(attempt), student=student,
                           reviewable=True, held={qid: comes_back(until) for qid, until in holds.items()})


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
    result = analyse(assignment.question_ids, rows)
    versions = {v.question_id: v for v in db.session.scalars(sa.select(QuestionVersion).where(QuestionVersion.id.in_(shown.values())))}
    choice_shares = {
        qid: distractors(option_ids, responses[(qid, versions[qid].id)])
        for qid in assignment.question_ids
        if qid in versions and (option_ids := qtypes.of(versions[qid].data).option_ids(versions[qid].data))}
    return render_template("authoring/analysis.html", assignment=assignment, analysis=result, versions=versions,
                           choice_shares=choice_shares)
