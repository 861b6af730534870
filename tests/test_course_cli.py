"""`flask course check` and `flask course load`: all or nothing, every problem as file:line."""

import shutil

import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import Lesson, Question, QuestionVersion


def copy_course(tmp_path):
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "course" / "lessons")
    return tmp_path / "course"


def break_order(course):
    path = course / "lessons" / "trade.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("order: 6", "order: six", 1), encoding="utf-8")
    line = text.splitlines().index("order: 6") + 1
    return path, line


def stored(app):
    with app.app_context():
        return {row.slug: row.content_hash for row in db.session.scalars(sa.select(Lesson).where(Lesson.retired.is_(False)))}


def test_check_passes_on_the_shipped_course(runner):
    result = runner.invoke(args=["course", "check"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1].startswith("ok: 11 lessons")
    assert [line for line in lines if ": warning: " in line] == []  # the leak graph's lines are no warnings


def test_check_lists_file_and_line_and_exits_non_zero(runner, tmp_path):
    course = copy_course(tmp_path)
    path, line = break_order(course)
    (course / "lessons" / "saarc.md").write_text("no front matter\n", encoding="utf-8")
    result = runner.invoke(args=["course", "check", str(course)])
    assert result.exit_code == 1
    assert f"{path}:{line}: 'order' must be a whole number from 1" in result.output
    assert f"{course / 'lessons' / 'saarc.md'}:1: lesson must start with '---'" in result.output


def test_check_loads_nothing(empty_app, tmp_path):
    course = copy_course(tmp_path)
    result = empty_app.test_cli_runner().invoke(args=["course", "check", str(course)])
    assert result.exit_code == 0
    assert stored(empty_app) == {}


def test_load_fills_an_empty_database(empty_app):
    result = empty_app.test_cli_runner().invoke(args=["course", "load"])
    assert result.exit_code == 0, result.output
    assert "loaded 11 lessons (11 added, 0 changed, 0 retired)" in result.output
    assert len(stored(empty_app)) == 11


def test_a_broken_lesson_loads_nothing_and_keeps_the_old_course(app, runner, tmp_path):
    before = stored(app)
    course = copy_course(tmp_path)
    (course / "lessons" / "trade.md").write_text((PROJECT_ROOT / "lessons" / "trade.md").read_text(encoding="utf-8") + "\nNew line.\n", encoding="utf-8")
    path, line = break_order(course)
    result = runner.invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 1
    assert f"{path}:{line}:" in result.output
    assert "nothing was loaded" in result.output
    assert stored(app) == before


def test_reload_updates_changed_lessons_and_removes_deleted_ones(app, runner, tmp_path):
    course = copy_course(tmp_path)
    path = course / "lessons" / "conclusion.md"
    path.write_text(path.read_text(encoding="utf-8").replace("## Key facts", "A new closing paragraph.\n\n## Key facts", 1), encoding="utf-8")
    (course / "lessons" / "abstract.md").unlink()
    result = runner.invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 0, result.output
    assert "loaded 10 lessons (0 added, 1 changed, 1 retired)" in result.output
    client = app.test_client()
    assert "A new closing paragraph." in client.get("/lessons/conclusion").get_data(as_text=True)
    assert client.get("/lessons/abstract").status_code == 404


def questions_stored(app):
    with app.app_context():
        return {q.id: (q.version, q.retired) for q in db.session.scalars(sa.select(Question))}


def test_a_broken_bank_loads_nothing(app, runner, tmp_path):
    before, questions_before = stored(app), questions_stored(app)
    course = copy_course(tmp_path)
    shutil.copytree(PROJECT_ROOT / "quizzes", course / "quizzes")
    bank = course / "quizzes" / "trade.yaml"
    text = bank.read_text(encoding="utf-8")
    line = text.splitlines().index("    answer: fragile") + 1
    bank.write_text(text.replace("    answer: fragile", "    answer: zz", 1), encoding="utf-8")
    result = runner.invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 1
    assert f"{bank}:{line}:" in result.output and "answer 'zz' is not among the options" in result.output
    assert stored(app) == before and questions_stored(app) == questions_before


def test_an_edited_question_gets_a_new_version_and_old_answers_keep_theirs(app, runner, tmp_path):
    course = copy_course(tmp_path)
    shutil.copytree(PROJECT_ROOT / "quizzes", course / "quizzes")
    bank = course / "quizzes" / "trade.yaml"
    bank.write_text(bank.read_text(encoding="utf-8").replace("explanation: ", "explanation: Edited. ", 1), encoding="utf-8")
    before = questions_stored(app)
    result = runner.invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 0, result.output
    after = questions_stored(app)
    changed = [qid for qid in after if after[qid] != before[qid]]
    assert len(changed) == 1
    with app.app_context():
        versions = db.session.scalars(sa.select(QuestionVersion.version).where(QuestionVersion.question_id == changed[0])).all()
    assert sorted(versions) == sorted([before[changed[0]][0], after[changed[0]][0]])


def test_a_question_removed_from_its_bank_is_retired_not_deleted(app, runner, tmp_path):
    course = copy_course(tmp_path)
    shutil.copytree(PROJECT_ROOT / "quizzes", course / "quizzes")
    (course / "quizzes" / "conclusion.yaml").unlink()
    result = runner.invoke(args=["course", "load", "--dir", str(course)])
    assert result.exit_code == 0, result.output
    after = questions_stored(app)
    retired = {qid for qid, (_, is_retired) in after.items() if is_retired}
    assert retired and all(qid.startswith("conclusion-") for qid in retired)
    assert "no quiz yet" in app.test_client().get("/lessons/conclusion/quiz").get_data(as_text=True)
