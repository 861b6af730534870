"""Essays in assignments: the instructor's grading queue, a grade with the rubric, anonymous grading, and the
student's view of the grade, released by the assignment's rule."""

import re

import pytest
import sqlalchemy as sa

from app.course.quiz import form_values
from app.extensions import db
from app.models import Answer, Attempt, EssayGrade
from tests.conftest import csrf_token
from tests.test_authoring import SAMPLES, form_for, lesson_row, post_question
from tests.test_quiz import layout_data, shown
from tests.test_teaching import create_assignment, create_class, join, person, start

ESSAY_TEXT = "Trade stayed small because hostility came first.\n\nMFN in 1996 changed little by 2004."


@pytest.fixture
def essay_class(app):
    """A class whose assignment holds one essay (from the class bank) and one other question; a student in it."""
    teacher = person(app, "teacher", "instructor")
    classroom_id, code = create_class(teacher)
    _, essay = SAMPLES["essay"]
    essay = {**essay, "tags": ["grading-test"]}
    response = post_question(teacher, "essay", {**form_for(essay, lesson_row(app, "trade").id), "bank": f"class-{classroom_id}"})
    assert response.status_code == 302, response.get_data(as_text=True)
    students = {}
    for name in ("sana", "omar"):
        students[name] = person(app, name)
        assert join(students[name], code).status_code == 302
    assignment_id = create_assignment(app, teacher, classroom_id, tag="grading-test", question_count=1, title="Essay task")
    return {"teacher": teacher, "classroom": classroom_id, "assignment": assignment_id, "students": students}


def submit_essay(app, client, assignment_id, text=ESSAY_TEXT) -> str:
    public_id = start(client, assignment_id).headers["Location"].rsplit("/", 1)[-1]
    data = layout_data(app, public_id)[0]
    assert data["type"] == "essay"
    values = shown(app, public_id, form_values(data, "q0", text))
    response = client.post(f"/attempts/{public_id}/submit", data={**values, "csrf_token": csrf_token(client, "/assignments")})
    assert response.status_code == 302
    return public_id


def essay_answer(app, public_id) -> Answer:
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).join(Attempt).where(Attempt.public_id == public_id))
        db.session.expunge(answer)
        return answer


def grade(client, answer_id, levels, comment="", anonymous=False, **extra):
    path = f"/teach/grading/{answer_id}" + ("?anonymous=1" if anonymous else "")
    data = {"csrf_token": csrf_token(client, path), "comment": comment, **{f"level-{k}": v for k, v in levels.items()}, **extra}
    return client.post(path, data=data)


def test_an_essay_waits_for_its_grade_then_counts_and_the_student_sees_levels_and_comments(app, essay_class):
    sana = essay_class["students"]["sana"]
    public_id = submit_essay(app, sana, essay_class["assignment"])
    answer = essay_answer(app, public_id)
    assert answer.status == "pending" and answer.score == 0
    result = sana.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Waiting for a grade" in result and "Save my grade" not in result  # the instructor grades assignments
    refused = sana.post(f"/attempts/{public_id}/self-grade", data={"position": 0, "level-thesis": 1, "level-evidence": 2,
                                                                   "csrf_token": csrf_token(sana, "/assignments")})
    assert refused.status_code == 403 and essay_answer(app, public_id).status == "pending"

    teacher = essay_class["teacher"]
    gradebook = teacher.get(f"/teach/classes/{essay_class['classroom']}/gradebook").get_data(as_text=True)
    assert "0 %" in gradebook and "(provisional: 1 essay to grade)" in gradebook
    analysis = teacher.get(f"/teach/assignments/{essay_class['assignment']}/analysis")
    assert analysis.status_code == 200  # a pending essay is no data yet, not a wrong answer
    queue = teacher.get(f"/teach/assignments/{essay_class['assignment']}/grading").get_data(as_text=True)
    assert "1 of 1 essay waiting" in queue and "sana" in queue and "14 words: under the minimum of 100" in queue
    page = teacher.get(f"/teach/grading/{answer.id}").get_data(as_text=True)
    assert "hostility came first" in page and 'name="level-thesis"' in page and "Model answer" in page
    response = grade(teacher, answer.id, {"thesis": 1, "evidence": 1}, comment="Use the 2004 figure.", **{"comment-evidence": "Thin."})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/teach/assignments/{essay_class['assignment']}/grading")
    graded = essay_answer(app, public_id)
    assert graded.status == "partial" and graded.score == pytest.approx((2 + 1.5) / 5)
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.score == pytest.approx(0.7)
        stored = db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer.id))
        assert stored.levels == {"thesis": 2, "evidence": 1.5} and stored.comments == {"evidence": "Thin.", "overall": "Use the 2004 figure."}
    detail = teacher.get(f"/teach/attempts/{public_id}").get_data(as_text=True)
    assert "Graded by your instructor: Thesis: 2 of 2" in detail and "Change the grade" in detail
    result = sana.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Graded by your instructor: Thesis: 2 of 2; Evidence: 1.5 of 3 (Thin.). Comment: Use the 2004 figure." in result
    assert "0 of 1 essay waiting" in teacher.get(f"/teach/assignments/{essay_class['assignment']}/grading").get_data(as_text=True)
    gradebook = teacher.get(f"/teach/classes/{essay_class['classroom']}/gradebook").get_data(as_text=True)
    assert "70 %" in gradebook and "provisional" not in gradebook


def test_anonymous_grading_hides_names_and_save_and_next_walks_the_queue(app, essay_class):
    first = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"]))
    second = essay_answer(app, submit_essay(app, essay_class["students"]["omar"], essay_class["assignment"], "Short answer."))
    teacher = essay_class["teacher"]
    queue = teacher.get(f"/teach/assignments/{essay_class['assignment']}/grading?anonymous=1").get_data(as_text=True)
    assert "sana" not in queue and "omar" not in queue and "Essay 1" in queue and "Essay 2" in queue
    assert "2 words: under the minimum of 100" in queue
    page = teacher.get(f"/teach/grading/{first.id}?anonymous=1").get_data(as_text=True)
    assert "sana" not in page and "Essay 1" in page
    response = grade(teacher, first.id, {"thesis": 1, "evidence": 2}, anonymous=True, next="1")
    assert response.headers["Location"].endswith(f"/teach/grading/{second.id}?anonymous=1")
    response = grade(teacher, second.id, {"thesis": 0, "evidence": 0}, anonymous=True, next="1")
    assert "/grading?anonymous=1" in response.headers["Location"]  # none left: back to the queue
    with app.app_context():
        assert [db.session.get(Answer, a.id).status for a in (first, second)] == ["correct", "wrong"]


def test_forged_grades_and_other_instructors_change_nothing(app, essay_class):
    answer = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"]))
    teacher = essay_class["teacher"]
    for levels in ({"thesis": 1}, {"thesis": 1, "evidence": 3}, {"thesis": "x", "evidence": 0}, {"thesis": -1, "evidence": 0}):
        response = grade(teacher, answer.id, levels)
        assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    too_long = grade(teacher, answer.id, {"thesis": 1, "evidence": 1}, comment="x" * 2001)
    assert too_long.status_code == 400
    outsider = person(app, "rival", "instructor")
    assert outsider.get(f"/teach/grading/{answer.id}").status_code in (403, 404)
    assert grade(outsider, answer.id, {"thesis": 1, "evidence": 1}).status_code in (403, 404)
    assert essay_class["students"]["sana"].get(f"/teach/grading/{answer.id}").status_code == 403
    assert teacher.get("/teach/grading/999999").status_code == 404
    with app.app_context():
        assert db.session.get(Answer, answer.id).status == "pending"
        assert db.session.scalar(sa.select(sa.func.count(EssayGrade.id))) == 0


def test_the_grade_stays_hidden_while_the_assignment_hides_its_answers(app, essay_class):
    hidden = create_assignment(app, essay_class["teacher"], essay_class["classroom"], tag="grading-test", question_count=1,
                               title="Hidden essay", review_option="never", attempt_limit=1)
    sana = essay_class["students"]["sana"]
    public_id = submit_essay(app, sana, hidden)
    answer = essay_answer(app, public_id)
    assert grade(essay_class["teacher"], answer.id, {"thesis": 1, "evidence": 2}, comment="Secret comment").status_code == 302
    result = sana.get(f"/attempts/{public_id}/result").get_data(as_text=True)
    assert "Secret comment" not in result and "Model answer" not in result
    assert re.search(r"Your instructor shows the answers", result)
