"""Red-team round 2 on accounts, limits and names (F-04, F-07, F-08, F-20, F-21, F-22): tokens end with
the sessions, demoted instructors lose their classes, password checks are limited per account,
look-alike and invisible names are refused, hosts and links under HTTPS."""

import sqlalchemy as sa

from app.api.auth import new_token
from app.extensions import db
from app.models import User
from tests.conftest import PASSWORD, csrf_token
from tests.test_teaching import create_class, person


def set_role(app, username: str, role: str) -> None:
    with app.app_context():
        db.session.scalar(sa.select(User).where(User.username == username)).role = role
        db.session.commit()


def api_token(app, username: str) -> dict:
    with app.app_context():
        token = new_token(db.session.scalar(sa.select(User).where(User.username == username)), "tests", scope="read submit")
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


# F-04 (red team 7): class rights need a teaching role, not just ownership ------------------------

def test_a_demoted_instructor_loses_their_classes_on_the_web_and_the_api(app):
    teacher = person(app, "teachd", "instructor")
    classroom_id, _ = create_class(teacher)
    headers = api_token(app, "teachd")
    assert teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=headers).status_code == 200
    set_role(app, "teachd", "student")
    assert teacher.get(f"/teach/classes/{classroom_id}").status_code == 403
    assert teacher.get(f"/api/v1/classes/{classroom_id}/results", headers=headers).status_code == 403
