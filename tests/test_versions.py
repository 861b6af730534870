"""Version signals and the in-memory course: a change committed by one worker is seen by every other one, and
nothing else moves a signal on."""

import time

import sqlalchemy as sa

from app import versions
from app.course_cache import snapshot, version_contents
from app.extensions import db
from app.models import Assignment, Classroom, Lesson, QuestionVersion, User
from app.secrecy import held_back
from tests.statements import count_statements



def test_a_lesson_title_changed_by_one_worker_is_shown_by_another(make_app, twin):
    first = make_app("loaded")
    second = twin(first)
    reader = second.test_client()
    before = reader.get("/lessons/trade").get_data(as_text=True)
    with first.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        lesson.title = "Trade, retitled by another worker"
        db.session.commit()
    after = reader.get("/lessons/trade").get_data(as_text=True)
    assert "Trade, retitled by another worker" in after and "Trade, retitled by another worker" not in before
    with second.app_context():
        assert snapshot().lesson("trade").title == "Trade, retitled by another worker"


def test_a_cached_visitor_page_runs_no_statement_until_the_course_changes(app):
    client = app.test_client()
    client.get("/lessons/trade")
    with count_statements(app) as sent:
        client.get("/lessons/trade")
    assert sent == []
    with app.app_context():
        versions.bump("course")
    with count_statements(app) as sent:
        client.get("/lessons/trade")
    assert sent, "a moved-on signal must make the worker read the course again"


def test_a_rolled_back_change_and_an_unwatched_table_move_nothing_on(app):
    with app.app_context():
        course, holds = versions.token("course"), versions.token("holds")
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        lesson.title = "never committed"
        db.session.flush()
        db.session.rollback()
        db.session.add(User(username="zara", username_key="zara", username_skeleton="zara", password_hash="x"))
        db.session.commit()
        assert (versions.token("course"), versions.token("holds")) == (course, holds)
        assert snapshot().lesson("trade").title != "never committed"


def test_a_bulk_statement_through_the_session_moves_the_signal_on(app):
    with app.app_context():
        before = versions.token("course")
        db.session.execute(sa.update(Lesson).where(Lesson.slug == "trade").values(summary="bulk"))
        assert versions.token("course") == before, "not before the commit"
        db.session.commit()
        assert versions.token("course") != before
        assert snapshot().lesson("trade").summary == "bulk"


def test_a_savepoint_moves_nothing_on_until_the_transaction_commits(app):
    """A savepoint's release fires the session's commit event too: the token must wait for the real commit, or another
    worker would rebuild from the old rows under the new token and keep them."""
    with app.app_context():
        before = versions.token("course")
        with db.session.begin_nested():
            db.session.execute(sa.update(Lesson).where(Lesson.slug == "trade").values(summary="in a savepoint"))
        assert versions.token("course") == before
        assert versions.unsaved(db.session, "course")  # this transaction still reads its own change
        assert snapshot().lesson("trade").summary == "in a savepoint"
        with db.session.begin_nested() as savepoint:
            db.session.execute(sa.update(Lesson).where(Lesson.slug == "peace").values(summary="rolled back"))
            savepoint.rollback()
        db.session.commit()
        assert versions.token("course") != before


def test_deleting_an_account_moves_on_what_its_rows_cascade_into(app):
    """The database deletes a student's overrides and breaks with their account (ON DELETE CASCADE), which the
    session never sees: the held-back keys and plans kept in memory must not outlive them."""
    with app.app_context():
        db.session.add(User(username="zara", username_key="zara", username_skeleton="zara", password_hash="x"))
        db.session.commit()
        holds, plan = versions.token("holds"), versions.token("plan")
        db.session.execute(sa.delete(User).where(User.username == "zara"))
        db.session.commit()
        assert versions.token("holds") != holds and versions.token("plan") != plan


def test_an_exam_set_by_one_worker_holds_its_questions_back_on_another(make_app, twin):
    first = make_app("loaded")
    second = twin(first)
    with second.test_request_context():
        assert held_back() == {}
    with first.app_context():
        teacher = User(username="tariq", username_key="tariq", username_skeleton="tariq", password_hash="x", role="instructor")
        db.session.add(teacher)
        db.session.flush()
        classroom = Classroom(name="Section A", join_code="JOINCODE1", instructor_id=teacher.id)
        db.session.add(classroom)
        db.session.flush()
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        db.session.add(Assignment(classroom_id=classroom.id, title="Exam", lesson_id=lesson.id,
                                  question_ids=["trade-second-export-2015"], review_option="never"))
        db.session.commit()
    with second.test_request_context():
        assert set(held_back()) == {"trade-second-export-2015"}


def test_question_versions_are_read_once_then_served_from_memory(app):
    with app.app_context():
        ids = list(db.session.scalars(sa.select(QuestionVersion.id).limit(5)))
    with app.app_context(), count_statements(app) as sent:
        first = version_contents(ids)
        second = version_contents(ids)
    assert len(sent) == 1 and first == second and set(first) == set(ids)


def test_refresh_caches_moves_every_signal_on(app):
    with app.app_context():
        before = {name: versions.token(name) for name in versions.SIGNALS}
    result = app.test_cli_runner().invoke(args=["refresh-caches"])
    assert result.exit_code == 0 and "every worker rebuilds" in result.output
    with app.app_context():
        assert all(versions.token(name) != before[name] for name in versions.SIGNALS)


def test_with_redis_a_change_reaches_another_server_within_the_poll_interval(make_app, redis_url, tmp_path, twin):
    first = make_app("loaded", VERSION_SIGNAL_URL=redis_url, VERSION_POLL_SECONDS=0.2)
    # Another machine: its own instance folder, so only Redis can tell it.
    second = twin(first, str(tmp_path / "elsewhere"), VERSION_SIGNAL_URL=redis_url, VERSION_POLL_SECONDS=0.2)
    reader = second.test_client()
    reader.get("/lessons/trade")
    with first.app_context():
        db.session.execute(sa.update(Lesson).where(Lesson.slug == "trade").values(title="Seen through Redis"))
        db.session.commit()
    deadline = time.monotonic() + 5
    while "Seen through Redis" not in reader.get("/lessons/trade").get_data(as_text=True):
        assert time.monotonic() < deadline, "the other server never saw the change"
        time.sleep(0.05)
    with count_statements(second) as sent:
        for _ in range(5):
            reader.get("/lessons/trade")
    assert sent == [], "a cached page asks the database nothing"
