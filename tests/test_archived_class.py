"""An archived class is read-only to the end: no essay grades, no class versions of questions, nothing new in its bank."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, Classroom, ClassOverride, EssayGrade, Question
from tests.conftest import csrf_token
from tests.test_grading import essay_answer, essay_class, submit_essay  # noqa: F401  (a fixture)
from tests.test_teaching import create_class, person


def archive(app, classroom_id: int) -> None:
    with app.app_context():
        db.session.get(Classroom, classroom_id).archived_at = sa.func.now()
        db.session.commit()


def test_an_archived_class_takes_no_essay_grade(app, essay_class):
    answer_id = essay_answer(app, submit_essay(app, essay_class["students"]["sana"], essay_class["assignment"])).id
    archive(app, essay_class["classroom"])
    teacher, page = essay_class["teacher"], f"/teach/grading/{answer_id}"
    assert teacher.get(page).status_code == 200  # still readable
    response = teacher.post(page, data={"csrf_token": csrf_token(teacher, page), "thesis": "2", "evidence": "2"})
    assert response.status_code == 409 and "unarchive it to grade" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(EssayGrade).where(EssayGrade.answer_id == answer_id)) is None
        assert db.session.get(Answer, answer_id).status == "pending"


def test_an_archived_class_gets_no_class_version_and_no_new_bank_questions(app):
    teacher = person(app, "teacher", "instructor")
    classroom_id, _ = create_class(teacher)
    archive(app, classroom_id)
    path = f"/teach/questions/trade-mfn-puzzle/override?classroom={classroom_id}"
    response = teacher.post(path, data={"csrf_token": csrf_token(teacher, path), "save": "1"})
    assert response.status_code == 409 and "is archived" in response.get_data(as_text=True)
    form = teacher.get("/teach/questions/new/single_choice").get_data(as_text=True)
    assert f'value="class-{classroom_id}"' not in form  # its bank is not offered
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ClassOverride.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.bank == "class")) == 0
