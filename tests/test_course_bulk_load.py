"""store_course in bulk: the same course as before, written in a few statements whatever its size, all or nothing."""

import dataclasses

import pytest
import sqlalchemy as sa

from app.course.bank import Question as QuestionDoc
from app.course_cache import snapshot
from app.course_loader import store_course
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion
from tests.statements import count_statements

WRITES = ("INSERT", "UPDATE", "DELETE")


def with_question(banks, question_id: str, change=None, remove: bool = False):
    """The banks with one question's prompt changed by ``change``, or the question left out."""
    changed = []
    for bank in banks:
        questions = []
        for question in bank.questions:
            if question.id == question_id:
                if remove:
                    continue
                question = QuestionDoc(question.id, question.type, {**question.data, "prompt": change(question.data["prompt"])})
            questions.append(question)
        changed.append(dataclasses.replace(bank, questions=questions))
    return changed


def doubled(lessons, banks):
    """The course and a renamed copy of it: twice the lessons and questions."""
    copies = [dataclasses.replace(lesson, slug=f"{lesson.slug}-copy", order=lesson.order + 100) for lesson in lessons]
    copied_banks = [dataclasses.replace(bank, slug=f"{bank.slug}-copy", questions=[
        QuestionDoc(f"{question.id}-copy", question.type, question.data) for question in bank.questions]) for bank in banks]
    return lessons + copies, banks + copied_banks


def rows(app):
    """Every lesson and question as stored, and the versions, for comparing before and after."""
    with app.app_context():
        lessons = {row.slug: (row.retired, row.position, row.content_hash, row.loaded_at)
                   for row in db.session.execute(sa.select(Lesson.slug, Lesson.retired, Lesson.position, Lesson.content_hash,
                                                           Lesson.loaded_at))}
        questions = {row.id: (row.lesson_id, row.position, row.version, row.retired, row.origin)
                     for row in db.session.execute(sa.select(Question.id, Question.lesson_id, Question.position,
                                                             Question.version, Question.retired, Question.origin))}
        versions = set(db.session.execute(sa.select(QuestionVersion.id, QuestionVersion.question_id, QuestionVersion.version)).all())
    return lessons, questions, versions


def test_an_unchanged_reload_reads_three_tables_and_writes_nothing(app, shipped_course):
    before = rows(app)
    with count_statements(app) as sent, app.app_context():
        assert store_course(shipped_course.lessons, shipped_course.banks) == (0, 0, 0)
    # lessons, questions, (question, version) pairs, and whether the search index holds anything
    assert len(sent) == 4, sent
    assert not [statement for statement in sent if statement.lstrip().upper().startswith(WRITES)]
    assert rows(app) == before


def test_a_first_load_takes_the_same_statements_for_twice_the_course(make_app, shipped_course):
    counts = []
    for lessons, banks in ((shipped_course.lessons, shipped_course.banks), doubled(shipped_course.lessons, shipped_course.banks)):
        app = make_app("empty")
        with count_statements(app) as sent, app.app_context():
            added, _, _ = store_course(lessons, banks)
        assert added == len(lessons)
        counts.append(len(sent))
        _, questions, versions = rows(app)
        assert len(questions) == len(versions) == sum(len(bank.questions) for bank in banks)
    assert counts[0] == counts[1] <= 12, counts


def test_one_changed_question_makes_exactly_one_new_version(app, shipped_course):
    _, questions, versions = rows(app)
    target = shipped_course.bank("trade").questions[2]
    banks = with_question(shipped_course.banks, target.id, change=lambda prompt: prompt + " (reworded)")
    with count_statements(app) as sent, app.app_context():
        assert store_course(shipped_course.lessons, banks) == (0, 0, 0)
    _, questions_after, versions_after = rows(app)
    new = versions_after - versions
    assert [(question_id, version != target.version) for _, question_id, version in new] == [(target.id, True)]
    assert questions_after[target.id][2] == next(version for _, _, version in new)
    assert {ident: row for ident, row in questions_after.items() if ident != target.id} == {
        ident: row for ident, row in questions.items() if ident != target.id}
    assert [statement.split()[0].upper() for statement in sent if statement.lstrip().upper().startswith(WRITES)] == ["UPDATE", "INSERT"]


def test_a_removed_question_is_retired_and_keeps_its_versions(app, shipped_course):
    target = shipped_course.bank("saarc").questions[0]
    _, _, versions = rows(app)
    with app.app_context():
        store_course(shipped_course.lessons, with_question(shipped_course.banks, target.id, remove=True))
    _, questions, versions_after = rows(app)
    assert questions[target.id][3] is True
    assert versions_after == versions
    with app.app_context():
        store_course(shipped_course.lessons, shipped_course.banks)  # back in its bank: live again, same version
    _, questions, versions_after = rows(app)
    assert questions[target.id][3] is False and versions_after == versions


def test_an_authored_question_in_a_file_lesson_is_left_alone(app, shipped_course):
    with app.app_context():
        trade = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        db.session.add(Question(id="my-own-trade-question", lesson_id=trade.id, position=1, type="true_false", version="v1",
                                origin="authored"))
        db.session.add(QuestionVersion(question_id="my-own-trade-question", version="v1", data={"prompt": "Mine"}, html={}))
        db.session.commit()
    _, questions, _ = rows(app)
    removed = shipped_course.bank("trade").questions[0].id
    with app.app_context():
        store_course(shipped_course.lessons, with_question(shipped_course.banks, removed, remove=True))
    _, questions_after, _ = rows(app)
    assert questions_after["my-own-trade-question"] == questions["my-own-trade-question"]
    assert questions_after[removed][3] is True


def test_a_failure_after_the_writes_leaves_the_database_as_it_was(app, shipped_course, monkeypatch):
    before = rows(app)

    def broken_index():
        raise RuntimeError("the disk filled up")

    monkeypatch.setattr("app.course_loader.rebuild_index", broken_index)
    lessons = [*shipped_course.lessons, dataclasses.replace(shipped_course.lessons[0], slug="brand-new", order=99)]
    banks = with_question(shipped_course.banks, shipped_course.bank("trade").questions[0].id, change=str.upper)
    with app.app_context(), pytest.raises(RuntimeError):
        store_course(lessons[1:], banks)  # adds one lesson, retires another, re-versions a question: then fails
    assert rows(app) == before


def test_a_retired_lesson_comes_back_and_counts_as_changed(app, shipped_course):
    with app.app_context():
        assert store_course(shipped_course.lessons[1:], shipped_course.banks) == (0, 0, 1)
        assert store_course(shipped_course.lessons[1:], shipped_course.banks) == (0, 0, 0)
        assert store_course(shipped_course.lessons, shipped_course.banks) == (0, 1, 0)
    lessons, questions, _ = rows(app)
    first = shipped_course.lessons[0]
    assert lessons[first.slug][:2] == (False, first.order)
    assert not any(retired for _, _, _, retired, origin in questions.values() if origin == "bank")


def test_another_app_on_the_same_database_sees_a_loaded_lesson(app, shipped_course, twin):
    other = twin(app)
    with other.app_context():
        assert snapshot().lesson("trade-again") is None
    trade = next(lesson for lesson in shipped_course.lessons if lesson.slug == "trade")
    added = dataclasses.replace(shipped_course.bank("trade").questions[0], id="trade-again-first")
    with app.app_context():
        store_course([*shipped_course.lessons, dataclasses.replace(trade, slug="trade-again", order=99)],
                     [*shipped_course.banks, dataclasses.replace(shipped_course.bank("trade"), slug="trade-again", questions=[added])])
    with other.app_context():
        course = snapshot()
        lesson = course.lesson("trade-again")
        assert lesson is not None and lesson.title == trade.title
        assert course.questions["trade-again-first"].lesson_id == lesson.id
        assert course.questions["trade-again-first"].version_id is not None
