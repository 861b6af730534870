"""One student's rules of an assignment (overrides applied), the release of marks, and points. Pure, fixed clocks;
then a points-weighted total over HTTP."""

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from hypothesis import given, strategies as st

from app.course.assignment_rules import Override, effective_rules, marks_released, points_of, weighted_total
from app.extensions import db
from app.models import Assignment, Attempt
from tests.conftest import csrf_token

OPENS = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
DUE = datetime(2026, 12, 8, 18, 0, tzinfo=timezone.utc)
LATER = DUE + timedelta(days=3)


def test_without_an_override_the_class_rules_stand():
    rules = effective_rules(OPENS, DUE, 30, 2)
    assert (rules.due_at, rules.time_limit_minutes, rules.attempt_limit, rules.overridden) == (DUE, 30, 2, False)
    assert rules.changes() == []


def test_a_students_own_override_wins_over_their_groups():
    own = Override(extra_minutes=15)
    group = Override(due_at=LATER, extra_attempts=3, kind="group", group_name="Evening")
    rules = effective_rules(OPENS, DUE, 30, 2, own, [group])
    assert (rules.due_at, rules.time_limit_minutes, rules.attempt_limit) == (DUE, 45, 2)
    assert rules.changes() == ["+15 minutes"]


def test_a_group_override_applies_to_its_members():
    group = Override(due_at=LATER, extra_attempts=1, kind="group", group_name="Evening")
    rules = effective_rules(OPENS, DUE, None, 2, None, [group])
    assert (rules.due_at, rules.attempt_limit, rules.override.group_name) == (LATER, 3, "Evening")
    assert rules.changes() == ["+1 attempt", "later due date"]


def test_extra_time_and_attempts_never_invent_a_limit_the_class_does_not_have():
    rules = effective_rules(OPENS, None, None, None, Override(extra_minutes=20, extra_attempts=2))
    assert (rules.time_limit_minutes, rules.attempt_limit) == (None, None)


def test_an_override_may_close_an_assignment_sooner_for_one_student():
    sooner = DUE - timedelta(days=1)
    assert effective_rules(OPENS, DUE, None, None, Override(due_at=sooner)).due_at == sooner


def test_several_group_overrides_give_the_most_generous_of_each():
    groups = [Override(due_at=LATER, extra_minutes=5, kind="group", group_name="A"),
              Override(extra_minutes=20, extra_attempts=1, kind="group", group_name="B")]
    rules = effective_rules(OPENS, DUE, 30, 1, None, groups)
    assert (rules.due_at, rules.time_limit_minutes, rules.attempt_limit) == (LATER, 50, 2)


@pytest.mark.parametrize("mode, release_at, released_at, now, expected", [
    ("on_submit", None, None, OPENS, True),
    ("at_time", DUE, None, DUE - timedelta(seconds=1), False),
    ("at_time", DUE, None, DUE, True),
    ("at_time", None, None, LATER, False),
    ("by_hand", None, None, LATER, False),
    ("by_hand", None, DUE, LATER, True),
    ("at_time", LATER, DUE, DUE, True),  # released by hand before the planned time
])
def test_marks_are_released_by_mode(mode, release_at, released_at, now, expected):
    assert marks_released(mode, release_at, released_at, now) is expected


@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from([0.5, 1, 2, 2.5, 10])), min_size=1, max_size=20))
def test_a_weighted_total_never_exceeds_the_points_available(pairs):
    scores, points = [s for s, _ in pairs], [float(p) for _, p in pairs]
    total = weighted_total(scores, points)
    assert 0 <= total <= sum(points) + 1e-9
    assert weighted_total([1.0] * len(points), points) == pytest.approx(sum(points))


def test_points_default_to_one():
    assert points_of(["a", "b", "c"], {"b": 2.5}) == [1.0, 2.5, 1.0]


def test_a_question_worth_three_points_counts_three_times(app):
    """Over HTTP: an assignment with one question worth 3 points; the attempt's total and maximum follow the points."""
    from tests.test_teaching import create_assignment, create_class, join, person, take

    teacher = person(app, "teacher1", "instructor")
    classroom_id, code = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id, question_count=3)
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        heavy = assignment.question_ids[0]
        assignment.points = {heavy: 3}
        db.session.commit()
    student = person(app, "student1")
    join(student, code)
    started = student.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_token(student, "/assignments")})
    test_page = student.get(started.headers["Location"]).get_data(as_text=True)
    assert test_page.count("· 3 points</span>") == 1 and "· 1 points" not in test_page  # the student sees its worth
    public_id = take(app, student, assignment_id, right=True)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.max_score == 5.0 and attempt.score == pytest.approx(5.0)
        assert {entry["question"]: entry["points"] for entry in attempt.layout}[heavy] == 3.0
