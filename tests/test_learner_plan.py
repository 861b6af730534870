"""A learner's review plan comes from the learner whose card it is, not from whoever is signed in."""

from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_login import login_user

from app.course.review_calendar import Calendar
from app.course.scheduling import DEFAULT_PARAMETERS
from app.extensions import db
from app.models import Question, ReviewCard, ReviewHoliday, ReviewParameters, User
from app.review_plan import fitted_parameters, learner_plan, light_days
from tests.test_teaching import person

NOW = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)  # a Wednesday


def test_the_plan_is_the_card_owners_even_when_an_instructor_asks(app):
    person(app, "teacher", "instructor")
    person(app, "amina")
    with app.app_context():
        amina = db.session.scalar(sa.select(User).where(User.username == "amina"))
        amina.desired_retention, amina.daily_review_limit, amina.time_zone, amina.light_days = 0.95, 20, "Asia/Karachi", "6,7"
        db.session.add(ReviewHoliday(user_id=amina.id, starts=date(2026, 12, 20), ends=date(2026, 12, 27)))
        question_id = db.session.scalar(sa.select(Question.id).where(Question.bank == "course").limit(1))
        db.session.add(ReviewCard(owner_key=amina.owner_key, question_id=question_id, state=2, step=None, stability=3.0,
                                  difficulty=5.0, due=datetime(2026, 12, 4, 19, 30), last_review=datetime(2026, 12, 1)))
        db.session.commit()
        owner = amina.owner_key
    with app.test_request_context("/teach/", headers={"Cookie": "tz=America/New_York"}):  # the instructor's browser
        login_user(db.session.scalar(sa.select(User).where(User.username == "teacher")))
        plan = learner_plan(owner, NOW)
        assert (plan.retention, plan.load.cap, plan.tz.key) == (0.95, 20, "Asia/Karachi")
        assert plan.calendar == Calendar(frozenset({6, 7}), ((date(2026, 12, 20), date(2026, 12, 27)),))
        # Due at 19:30 UTC on the 4th is 00:30 on the 5th in Karachi: the load counts the learner's own day.
        assert dict(plan.load.counts) == {date(2026, 12, 5): 1}
        assert learner_plan(owner, NOW, balanced=False).load is None


def test_fitted_parameters_are_the_learners_then_the_courses_then_fsrs_defaults(app):
    course = [round(value * 1.1, 4) for value in DEFAULT_PARAMETERS]
    own = [round(value * 0.9, 4) for value in DEFAULT_PARAMETERS]
    with app.app_context():
        assert fitted_parameters("user:7") == DEFAULT_PARAMETERS
        db.session.add(ReviewParameters(scope="course", parameters=course, reviews=5000))
        db.session.commit()
        assert fitted_parameters("user:7") == tuple(course) and fitted_parameters(None) == tuple(course)
        db.session.add(ReviewParameters(scope="user:7", parameters=own, reviews=900))
        db.session.add(ReviewParameters(scope="user:8", parameters=[1.0, 2.0], reviews=900))  # damaged: not 21 numbers
        db.session.commit()
        assert fitted_parameters("user:7") == tuple(own)
        assert fitted_parameters("user:8") == tuple(course)


def test_light_days_read_only_weekday_numbers():
    assert light_days("6,7") == frozenset({6, 7})
    assert light_days("") == frozenset() and light_days(None) == frozenset()
    assert light_days("0,8,x, 3") == frozenset({3})
