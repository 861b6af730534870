"""The question picker: choosing an assignment's questions by hand or at random, points, and every id checked."""

import re

import pytest
import sqlalchemy as sa

from app.authoring.picker import parse_points, points_text
from app.authoring.picker_bank import FEW_ANSWERS, band_of
from app.extensions import db
from app.models import Assignment, Attempt, Question, QuestionShare, QuestionVersion, User
from tests.conftest import csrf_token
from tests.test_teaching import course, create_class, lesson_id, person, take  # noqa: F401 (course: a fixture)


def stored(app, assignment_id) -> Assignment:
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        db.session.expunge(assignment)
        return assignment


def page_of(client, assignment_id, query=""):
    response = client.get(f"/teach/assignments/{assignment_id}/questions{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def change(client, assignment_id, query="", **data):
    """Post a change as the page's own form does: with its CSRF token and the list's state."""
    html = page_of(client, assignment_id, query)
    data.setdefault("state", re.search(r'name="state" value="([^"]+)"', html).group(1))
    data["csrf_token"] = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return client.post(f"/teach/assignments/{assignment_id}/questions{query}", data=data)


def other_trade_questions(app, taken) -> list[str]:
    with app.app_context():
        return [qid for qid in db.session.scalars(sa.select(Question.id).where(
            Question.lesson_id == lesson_id(app), Question.bank == "course").order_by(Question.position)) if qid not in taken]


def test_the_page_lists_the_chosen_questions_and_the_bank(app, course):
    assignment = stored(app, course["assignment"])
    html = page_of(course["teacher"], course["assignment"])
    assert "Chosen: 5 questions, 5 points in all" in html
    for qid in assignment.question_ids:
        assert f'id="chosen-{qid}"' in html
    assert "Add selected" in html and "Draw at random" in html
    # the bank opens on the assignment's lesson, a page at a time, and marks what is already chosen
    assert "21 questions match; page 1 of 2." in html
    both = html + page_of(course["teacher"], course["assignment"], f"?lesson={lesson_id(app)}&page=2")
    assert both.count("✓</span> Chosen") == 5
    for qid in assignment.question_ids:
        row = re.search(rf'<li class="bank-row" id="bank-{qid}">.*?</li>', both, re.S).group(0)
        assert "✓</span> Chosen" in row and 'name="add"' not in row


def test_add_by_hand_keeps_pins_lesson_and_points_consistent(app, course):
    before = stored(app, course["assignment"])
    extra = other_trade_questions(app, before.question_ids)[:2]
    response = change(course["teacher"], course["assignment"], add=extra)
    assert response.status_code == 302
    after = stored(app, course["assignment"])
    assert after.question_ids == before.question_ids + extra
    assert set(after.pinned_version_ids) == set(after.question_ids)
    assert all(after.pinned_version_ids[qid] == before.pinned_version_ids[qid] for qid in before.question_ids)
    assert after.lesson_id == lesson_id(app)
    html = course["teacher"].get(response.headers["Location"]).get_data(as_text=True)
    assert "Added 2. Now 7 questions, 7 points in all." in html


def test_remove_move_and_points(app, course):
    ids = stored(app, course["assignment"]).question_ids
    assert change(course["teacher"], course["assignment"], remove=ids[0]).status_code == 302
    assert stored(app, course["assignment"]).question_ids == ids[1:]
    assert change(course["teacher"], course["assignment"], move=f"up:{ids[2]}").status_code == 302
    assert stored(app, course["assignment"]).question_ids == [ids[2], ids[1], ids[3], ids[4]]
    response = change(course["teacher"], course["assignment"], **{f"points-{ids[3]}": "2.5", f"points-{ids[4]}": "1"})
    assert response.status_code == 302
    assert stored(app, course["assignment"]).points == {ids[3]: 2.5}
    assert "Chosen: 4 questions, 5.5 points in all" in page_of(course["teacher"], course["assignment"])


@pytest.mark.parametrize("typed", ["0", "0.25", "101", "two", "", "1e9", "nan"])
def test_points_out_of_range_change_nothing(app, course, typed):
    ids = stored(app, course["assignment"]).question_ids
    response = change(course["teacher"], course["assignment"], **{f"points-{ids[0]}": typed, f"points-{ids[1]}": "3"})
    assert response.status_code == 400
    assert "Give from 0.5 to 100 points, in steps of 0.5" in response.get_data(as_text=True)
    assert stored(app, course["assignment"]).points == {}


def test_parse_points_and_bands():
    assert parse_points("1,5") == 1.5 and parse_points(" 100 ") == 100 and parse_points("0.5") == 0.5
    assert parse_points("0.3") is None and parse_points(None) is None and parse_points("inf") is None
    assert points_text(2.0) == "2" and points_text(2.5) == "2.5"
    assert band_of(None) == "few" and band_of((1.0, FEW_ANSWERS - 1)) == "few"
    assert band_of((0.8, FEW_ANSWERS)) == "high" and band_of((0.5, 40)) == "middle" and band_of((0.1, 40)) == "low"


def test_draw_at_random_on_top_of_hand_picked(app, course):
    first = stored(app, course["assignment"])
    assert first.pool["drawn"] == first.question_ids  # the new-assignment form drew all five
    hand = other_trade_questions(app, first.question_ids)[:2]
    assert change(course["teacher"], course["assignment"], add=hand).status_code == 302
    html = page_of(course["teacher"], course["assignment"])
    assert "Drawing again replaces the 5 drawn last time; those picked by hand stay." in html
    response = change(course["teacher"], course["assignment"], lessons=[lesson_id(app)], tag="", count="4", draw="y")
    assert response.status_code == 302, response.get_data(as_text=True)
    after = stored(app, course["assignment"])
    drawn = after.pool["drawn"]
    assert len(drawn) == 4 and after.question_ids == hand + drawn and not set(drawn) & set(hand)
    assert after.pool["lessons"] == [lesson_id(app)] and after.pool["count"] == 4
    assert set(after.pinned_version_ids) == set(after.question_ids)
    assert page_of(course["teacher"], course["assignment"]).count("drawn at random</span>") == 4
    # removing a drawn question by hand takes it out of the draw's record too
    assert change(course["teacher"], course["assignment"], remove=drawn[0]).status_code == 302
    assert stored(app, course["assignment"]).pool["drawn"] == drawn[1:]


def test_a_draw_larger_than_the_pool_is_refused(app, course):
    before = stored(app, course["assignment"])
    response = change(course["teacher"], course["assignment"], lessons=[lesson_id(app)], count="100", draw="y")
    assert response.status_code == 400
    assert "are not already chosen; draw at most" in response.get_data(as_text=True)
    assert stored(app, course["assignment"]).pool == before.pool


def test_filters_narrow_the_bank(app, course):
    html = page_of(course["teacher"], course["assignment"], "?lesson=&qtype=true_false&q=")
    kinds = re.findall(r'id="bank-meta-[^"]+">([^·]+)·', html)
    assert kinds and {kind.strip() for kind in kinds} == {"True / false"}
    assert "0 questions match" in page_of(course["teacher"], course["assignment"], "?lesson=&q=zzzz-nothing-like-this")
    assert "not enough answers yet" in page_of(course["teacher"], course["assignment"])


def test_after_a_start_a_change_is_confirmed_and_points_re_mark_attempts(app, course):
    public_id = take(app, course["student"], course["assignment"], right=True)
    ids = stored(app, course["assignment"]).question_ids
    response = change(course["teacher"], course["assignment"], **{f"points-{ids[0]}": "3"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nothing has changed yet" in html
    assert "goes from 1 to 3 points" in html and "The new points re-mark every attempt: 1 submitted attempt gets a new total" in html
    assert stored(app, course["assignment"]).points == {}
    replay = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    response = course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data=replay)
    assert response.status_code == 302
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert attempt.max_score == 7 and attempt.score == 7
        assert {entry["question"]: entry["points"] for entry in attempt.layout}[ids[0]] == 3


def test_after_a_start_removing_asks_and_keeps_the_attempts_questions(app, course):
    public_id = take(app, course["student"], course["assignment"], right=False)
    ids = stored(app, course["assignment"]).question_ids
    html = change(course["teacher"], course["assignment"], remove=ids[1]).get_data(as_text=True)
    assert "Those who started keep the questions they were given; from now, new attempts get the new list" in html
    replay = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data=replay).status_code == 302
    assert stored(app, course["assignment"]).question_ids == ids[:1] + ids[2:]
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.public_id == public_id))
        assert len(attempt.layout) == 5


def test_a_stale_page_changes_nothing(app, course):
    ids = stored(app, course["assignment"]).question_ids
    response = change(course["teacher"], course["assignment"], state="0" * 16, remove=ids[0])
    assert response.status_code == 409 and "changed since this page was loaded" in response.get_data(as_text=True)
    assert stored(app, course["assignment"]).question_ids == ids


@pytest.mark.parametrize("data", [{"add": "no-such-question"}, {"add": ["x"] * 200}, {"remove": "no-such-question"},
                                  {"move": "sideways:x"}, {"move": "up:no-such-question"}])
def test_forged_ids_are_refused(app, course, data):
    before = stored(app, course["assignment"])
    assert change(course["teacher"], course["assignment"], **data).status_code == 400
    assert stored(app, course["assignment"]).question_ids == before.question_ids


def test_another_instructors_draft_cannot_be_added(app, course):
    other = person(app, "other", "instructor")
    stranger_class, _ = create_class(other, "Elsewhere")
    with app.app_context():  # a draft in the other instructor's own bank, never shared
        copied = db.session.scalar(sa.select(Question).where(Question.lesson_id == lesson_id(app)).limit(1))
        other_id = db.session.scalar(sa.select(User.id).where(User.username == "other"))
        db.session.add(Question(id="others-draft", lesson_id=copied.lesson_id, position=99, type=copied.type,
                                version=copied.version, bank="instructor", author_id=other_id, origin="authored"))
        db.session.commit()
    assert "others-draft" not in page_of(course["teacher"], course["assignment"], "?lesson=")
    assert change(course["teacher"], course["assignment"], add="others-draft").status_code == 400
    # another instructor may not open or change this assignment's questions
    assert other.get(f"/teach/assignments/{course['assignment']}/questions").status_code == 403
    token = csrf_token(other, f"/teach/classes/{stranger_class}")
    response = other.post(f"/teach/assignments/{course['assignment']}/questions", data={"csrf_token": token, "remove": "x"})
    assert response.status_code == 403
    assert course["student"].get(f"/teach/assignments/{course['assignment']}/questions").status_code == 403


def test_the_last_question_of_a_published_assignment_stays(app, course):
    ids = stored(app, course["assignment"]).question_ids
    for qid in ids[:-1]:
        assert change(course["teacher"], course["assignment"], remove=qid).status_code == 302
    response = change(course["teacher"], course["assignment"], remove=ids[-1])
    assert response.status_code == 400 and "needs at least one question" in response.get_data(as_text=True)
    assert stored(app, course["assignment"]).question_ids == ids[-1:]


def test_a_confirmed_draw_sets_the_questions_the_confirmation_showed(app, course):
    take(app, course["student"], course["assignment"], right=True)
    before = stored(app, course["assignment"]).question_ids
    html = change(course["teacher"], course["assignment"], lessons=[lesson_id(app)], count="3", draw="y").get_data(as_text=True)
    assert "Nothing has changed yet" in html
    shown = re.findall(r'<input type="hidden" name="drawn" value="([^"]+)">', html)
    assert len(shown) == 3 and all(f"<code>{qid}</code>" in html for qid in set(shown) ^ set(before))
    fields = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html)
    data = {}
    for key, value in fields:
        data.setdefault(key, []).append(value)
    assert course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data=data).status_code == 302
    after = stored(app, course["assignment"])
    assert after.question_ids == shown and after.pool["drawn"] == shown
    # a forged draw (a question of another lesson) is refused
    forged = {**data, "drawn": shown[:2] + ["kashmir-nonpaper-what"], "state": [re.search(
        r'name="state" value="([^"]+)"', page_of(course["teacher"], course["assignment"])).group(1)],
        "csrf_token": data["csrf_token"]}
    assert course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data=forged).status_code == 400
    assert stored(app, course["assignment"]).question_ids == shown


def test_an_archived_class_is_read_only(app, course):
    from datetime import datetime, timezone

    from app.models import Classroom
    with app.app_context():
        db.session.get(Classroom, course["classroom"]).archived_at = datetime.now(timezone.utc)
        db.session.commit()
    html = page_of(course["teacher"], course["assignment"])
    assert "This class is archived" in html and "Add selected" not in html and "Save points" not in html
    ids = stored(app, course["assignment"]).question_ids
    token = csrf_token(course["teacher"], "/teach/")
    response = course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data={"csrf_token": token, "remove": ids[0]})
    assert response.status_code == 409
    assert stored(app, course["assignment"]).question_ids == ids


def test_the_bank_offers_this_classs_bank_and_shared_questions_by_source(app, course):
    other = person(app, "other", "instructor")
    with app.app_context():
        model = db.session.scalar(sa.select(Question).where(Question.lesson_id == lesson_id(app)).limit(1))
        other_id = db.session.scalar(sa.select(User.id).where(User.username == "other"))
        teacher_id = db.session.scalar(sa.select(User.id).where(User.username == "teacher"))
        version = db.session.scalar(sa.select(QuestionVersion).where(QuestionVersion.question_id == model.id))
        for ident, bank, author, classroom in (("class-own", "class", teacher_id, course["classroom"]),
                                               ("shared-one", "instructor", other_id, None)):
            db.session.add(Question(id=ident, lesson_id=model.lesson_id, position=90, type=model.type, version=model.version,
                                    bank=bank, author_id=author, classroom_id=classroom, origin="authored"))
            db.session.add(QuestionVersion(question_id=ident, version=model.version, data={**version.data, "id": ident},
                                           html=version.html))
        db.session.add(QuestionShare(question_id="shared-one", user_id=teacher_id))
        db.session.commit()
    assert other.get("/").status_code == 200
    html = page_of(course["teacher"], course["assignment"], "?source=class")
    assert 'id="bank-class-own"' in html and "this class's bank" in html and "1 question matches" in html
    html = page_of(course["teacher"], course["assignment"], "?source=shared")
    assert 'id="bank-shared-one"' in html and "shared with me" in html and 'id="bank-class-own"' not in html
    assert change(course["teacher"], course["assignment"], add=["class-own", "shared-one"]).status_code == 302
    after = stored(app, course["assignment"])
    assert after.question_ids[-2:] == ["class-own", "shared-one"] and {"class-own", "shared-one"} <= set(after.pinned_version_ids)


def test_past_results_show_the_share_right_once_there_are_enough_answers(app, course):
    from app.authoring.picker_bank import facility_of
    ids = stored(app, course["assignment"]).question_ids
    take(app, course["student"], course["assignment"], right=True)
    with app.app_context():
        share, count = facility_of([ids[0]])[ids[0]]
    assert (share, count) == (1.0, 1)
    html = page_of(course["teacher"], course["assignment"], f"?facility=few&q={ids[0]}")
    assert f'id="bank-{ids[0]}"' in html and "not enough answers yet (1)" in html
    assert "0 questions match" in page_of(course["teacher"], course["assignment"], "?facility=high")
    with app.app_context():  # ten more learners' lesson tests: nine right, one wrong
        from datetime import datetime, timezone

        from app.models import Answer
        version_id = stored(app, course["assignment"]).pinned_version_ids[ids[0]]
        for n in range(10):
            attempt = Attempt(public_id=f"seed{n}", lesson_id=lesson_id(app), mode="test", owner_key=f"seed-{n}",
                              layout=[{"question": ids[0]}], max_score=1, submitted_at=datetime.now(timezone.utc), score=1)
            db.session.add(attempt)
            db.session.flush()
            db.session.add(Answer(attempt_id=attempt.id, position=0, question_id=ids[0], question_version_id=version_id,
                                  score=0.0 if n == 0 else 1.0, status="wrong" if n == 0 else "correct"))
        db.session.commit()
    html = page_of(course["teacher"], course["assignment"], "?facility=high")
    assert "1 question matches" in html and "91 % right of 11 answers" in html


def test_lesson_id_follows_the_lesson_most_questions_come_from(app, course):
    with app.app_context():
        kashmir = list(db.session.scalars(sa.select(Question.id).where(
            Question.lesson_id == lesson_id(app, "kashmir-non-paper"), Question.bank == "course").limit(6)))
    assert change(course["teacher"], course["assignment"], add=kashmir).status_code == 302
    assert stored(app, course["assignment"]).lesson_id == lesson_id(app, "kashmir-non-paper")


def test_new_points_reach_an_attempt_in_progress_without_marking_it(app, course):
    from tests.test_teaching import start
    assert start(course["student"], course["assignment"]).status_code == 302
    ids = stored(app, course["assignment"]).question_ids
    html = change(course["teacher"], course["assignment"], **{f"points-{ids[2]}": "10"}).get_data(as_text=True)
    assert "and the 1 in progress will be marked with them" in html
    replay = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', html))
    assert course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data=replay).status_code == 302
    with app.app_context():
        attempt = db.session.scalar(sa.select(Attempt).where(Attempt.assignment_id == course["assignment"]))
        assert attempt.score is None and attempt.max_score == 14
        assert {entry["question"]: entry["points"] for entry in attempt.layout}[ids[2]] == 10


def test_a_deleted_assignment_is_read_only(app, course):
    from datetime import datetime, timezone
    with app.app_context():
        db.session.get(Assignment, course["assignment"]).deleted_at = datetime.now(timezone.utc)
        db.session.commit()
    html = page_of(course["teacher"], course["assignment"])
    assert "This assignment is deleted" in html and "Save points" not in html
    ids = stored(app, course["assignment"]).question_ids
    token = csrf_token(course["teacher"], "/teach/")
    response = course["teacher"].post(f"/teach/assignments/{course['assignment']}/questions", data={"csrf_token": token, "remove": ids[0]})
    assert response.status_code == 409 and "restore it" in response.get_data(as_text=True)
    assert stored(app, course["assignment"]).question_ids == ids


def test_stray_words_in_the_address_are_ignored(app, course):
    html = page_of(course["teacher"], course["assignment"], "?assignment_id=9&page=zz&lesson=&facility=nonsense&source=elsewhere")
    assert "0 questions match" in html  # an unknown band or source lets nothing through, and says so
    ids = stored(app, course["assignment"]).question_ids
    response = change(course["teacher"], course["assignment"], "?assignment_id=9&lesson=&q=trade", remove=ids[0])
    assert response.status_code == 302 and response.headers["Location"].endswith("?lesson=&q=trade#chosen")


def test_the_picker_keeps_to_the_page_budget(app, course):
    from tests.test_page_weight import BUDGET, weight
    for query in ("", "?lesson="):
        size, files = weight(course["teacher"], page_of(course["teacher"], course["assignment"], query))
        assert size < BUDGET and "css/picker.css" in files and "js/picker.js" in files
