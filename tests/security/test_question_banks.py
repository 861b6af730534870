"""Whose question is it (F-19): drafts stay out of what learners use, publishing is an admin's review step,
sharing and co-instructors work and can be undone, and the ownership rules cover every bank."""

import io
import re
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.course.ownership import Actor, QuestionFacts, may, version_diff
from app.extensions import db
from app.models import Assignment, Attempt, Lesson, PublishRequest, Question, QuestionVersion, ReviewCard, User
from tests.conftest import AuthActions, csrf_token
from tests.test_authoring import form_for
from tests.test_progress import submit_test_with_key
from tests.test_quiz import start
from tests.test_teaching import create_assignment, create_class, join, person, take


# --- The rules, without an app ----------------------------------------------------------------

ADMIN, TEACH_A, TEACH_B, TEACH_C, STUDENT = (Actor(1, "admin"), Actor(2, "instructor", frozenset({10})),
                                             Actor(3, "instructor", frozenset({20})), Actor(4, "instructor", frozenset({10})),
                                             Actor(5, "student", frozenset({10})))
DRAFT_OF_A = QuestionFacts("instructor", author_id=2, shared_with=frozenset({3}))
CLASS_10 = QuestionFacts("class", author_id=2, classroom_id=10)
COURSE = QuestionFacts("course")
ORPHAN = QuestionFacts("instructor", author_id=None)  # its author's account was deleted
# Held back from the asker by an exam of a class they do not teach (red team 2).
HELD_COURSE = QuestionFacts("course", held_back=True)
HELD_DRAFT_OF_A = QuestionFacts("instructor", author_id=2, shared_with=frozenset({3}), held_back=True)
HELD_CLASS_10 = QuestionFacts("class", author_id=2, classroom_id=10, held_back=True)


@pytest.mark.parametrize(("question", "actor", "view", "use", "edit", "publish"), [
    (COURSE, TEACH_A, True, True, False, False),
    (COURSE, ADMIN, True, True, True, True),
    (COURSE, STUDENT, False, False, False, False),
    (DRAFT_OF_A, TEACH_A, True, True, True, False),
    (DRAFT_OF_A, TEACH_B, True, True, False, False),  # shared with B: preview, use, copy; never edit
    (DRAFT_OF_A, TEACH_C, False, False, False, False),
    (DRAFT_OF_A, ADMIN, True, True, True, True),
    (DRAFT_OF_A, STUDENT, False, False, False, False),
    (CLASS_10, TEACH_C, True, True, True, False),  # co-teaches class 10
    (CLASS_10, TEACH_A, True, True, True, False),
    (CLASS_10, TEACH_B, False, False, False, False),
    (CLASS_10, STUDENT, False, False, False, False),  # in the class, but students only answer
    (ORPHAN, TEACH_A, False, False, False, False),
    (ORPHAN, ADMIN, True, True, True, True),
    (QuestionFacts("class", classroom_id=None), TEACH_A, False, False, False, False),
    (QuestionFacts("somewhere"), TEACH_A, False, False, False, False),
    (HELD_COURSE, TEACH_A, False, False, False, False),
    (HELD_COURSE, ADMIN, True, True, True, True),  # admins moderate
    (HELD_DRAFT_OF_A, TEACH_A, True, True, True, False),  # its author wrote the key
    (HELD_DRAFT_OF_A, TEACH_B, False, False, False, False),  # shared with B, but another class's exam holds it
    (HELD_CLASS_10, TEACH_C, True, True, True, False),  # the class's own instructors edit it
])
def test_who_may_view_use_edit_and_publish_in_every_bank(question, actor, view, use, edit, publish):
    assert [may(p, question, actor) for p in ("view", "use", "edit", "publish")] == [view, use, edit, publish]


def test_an_unknown_permission_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown permission"):
        may("delete", COURSE, ADMIN)


def test_the_publish_diff_is_against_the_course_version_or_empty_for_a_new_question():
    before = {"id": "q", "prompt": "Old words", "answer": "a"}
    after = {"id": "q-copy", "prompt": "New words", "answer": "a"}
    diff = version_diff(before, after, "q (course bank)", "q-copy (asked for)")
    assert diff[:2] == ["--- q (course bank)", "+++ q-copy (asked for)"]
    assert "-prompt: Old words" in diff and "+prompt: New words" in diff and " answer: a" in diff
    assert version_diff(None, after, "", "q-copy") == []


# --- Over HTTP --------------------------------------------------------------------------------

def lesson_id(app, slug="trade") -> int:
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slug))


def draft_form(app, ident, marker, tag="drafts", bank="mine", prompt=None) -> dict:
    return {"id": ident, "lesson": lesson_id(app), "bank": bank, "prompt": prompt or f"{marker}: in which year did India grant MFN status?",
            "explanation": "In 1996.", "lesson_anchor": "mfn-1996", "tags": f"trade, {tag}", "difficulty": "easy",
            "options-0-text": "1996", "options-0-feedback": "Right.", "options-1-text": "2006",
            "options-1-feedback": "That is SAFTA.", "answer": "a", "save": "1"}


def write(app, client, ident, marker="DRAFT", **options):
    path = "/teach/questions/new/single_choice?lesson=trade"
    response = client.post(path, data={**draft_form(app, ident, marker, **options), "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)


def post(client, path, data=None):
    return client.post(path, data={**(data or {}), "csrf_token": csrf_token(client, "/")})


def ask_to_publish(client, ident):
    assert post(client, f"/teach/questions/{ident}/publish").status_code == 302


def pending_request(app, ident) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(PublishRequest.id).where(
            PublishRequest.question_id == ident, PublishRequest.status == "pending"))


def anki_text(client, slug="trade") -> str:
    response = client.get(f"/lessons/{slug}/anki.apkg")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive, tempfile.TemporaryDirectory() as folder:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        fields = " ".join(row[0] for row in connection.execute("SELECT flds FROM notes"))
        connection.close()
    return fields


def learners_see(app, marker_ids: dict[str, str]) -> set[str]:
    """Which of these questions (id → text in its prompt) a guest meets: quiz page count aside, in a practice
    draw of the whole bank, a test draw, the API's quiz, and the lesson's Anki deck."""
    guest = app.test_client()
    seen = set()
    for mode in ("practice", "test"):
        with app.app_context():
            layout = db.session.scalar(sa.select(Attempt.layout).where(Attempt.public_id == start(guest, mode=mode)))
        seen |= {entry["question"] for entry in layout} & set(marker_ids)
    seen |= {q["id"] for q in guest.get("/api/v1/lessons/trade/quiz").json["questions"]} & set(marker_ids)
    deck = anki_text(guest)
    seen |= {ident for ident, marker in marker_ids.items() if marker in deck}
    return seen


def bank_size(app) -> int:
    lessons = app.test_client().get("/api/v1/lessons").json["lessons"]
    return next(lesson["question_count"] for lesson in lessons if lesson["slug"] == "trade")


GIFT = "::Imported one:: DRAFT-IMPORTED: India granted Pakistan MFN status in 1996. {T}\n".encode()


def test_new_and_imported_questions_stay_out_of_what_learners_use_until_an_admin_publishes_them(app, shipped_course):
    teacher = person(app, "teachA", "instructor")
    write(app, teacher, "mfn-draft", "DRAFT-WRITTEN")
    imported = teacher.post("/teach/import", data={"file": (io.BytesIO(GIFT), "one.gift"), "lesson": lesson_id(app),
                                                   "csrf_token": csrf_token(teacher, "/teach/import")}, content_type="multipart/form-data")
    assert imported.status_code == 200 and "1 imported" in imported.get_data(as_text=True)
    with app.app_context():
        imported_id = db.session.scalar(sa.select(Question.id).where(Question.origin == "authored", Question.id != "mfn-draft"))
        assert db.session.get(Question, imported_id).bank == "instructor"
    drafts = {"mfn-draft": "DRAFT-WRITTEN", imported_id: "DRAFT-IMPORTED"}
    shipped = len(shipped_course.bank("trade").questions)
    assert f"{shipped} questions" in app.test_client().get("/lessons/trade/quiz").get_data(as_text=True)
    assert learners_see(app, drafts) == set() and bank_size(app) == shipped
    assert "mfn-draft" in teacher.get("/teach/questions?lesson=trade").get_data(as_text=True)  # the author sees it

    ask_to_publish(teacher, "mfn-draft")
    admin = person(app, "boss", "admin")
    assert post(admin, f"/teach/publish/{pending_request(app, 'mfn-draft')}/approve").status_code == 302
    with app.app_context():
        assert db.session.get(Question, "mfn-draft").bank == "course"
    assert f"{shipped + 1} questions" in app.test_client().get("/lessons/trade/quiz").get_data(as_text=True)
    assert learners_see(app, drafts) == {"mfn-draft"} and bank_size(app) == shipped + 1


MASTERY_LINE = re.compile(r'<div class="mastery-line level-[a-z_]+">.*?</div>', re.S)  # learning/_mastery.html


def test_drafts_and_their_answers_never_move_a_learners_mastery_or_review(app, shipped_course):
    client = app.test_client()
    AuthActions(client).register("sana")
    submit_test_with_key(app, client)  # 10 of the shipped trade questions, all right
    bank = len(shipped_course.bank("trade").questions)
    mastery = MASTERY_LINE.findall(client.get("/me").get_data(as_text=True))  # each lesson's level, bar and reason
    assert any(f"10 of {bank} questions, 100 % right" in row and f'value="{round(100 * 10 / bank)}"' in row for row in mastery)
    teacher = person(app, "teachA", "instructor")
    for ident in ("draft-one", "draft-two", "draft-three"):
        write(app, teacher, ident, tag="onlydrafts")
    classroom_id, code = create_class(teacher)
    join(client, code)
    assignment_id = create_assignment(app, teacher, classroom_id, tag="onlydrafts", question_count=3)
    take(app, client, assignment_id, right=False)  # answered wrong, shown at once: review cards are made
    assert MASTERY_LINE.findall(client.get("/me").get_data(as_text=True)) == mastery
    with app.app_context():
        owner = db.session.scalar(sa.select(User).where(User.username == "sana")).owner_key
        cards = db.session.scalars(sa.select(ReviewCard).where(ReviewCard.owner_key == owner)).all()
        draft_cards = [card.id for card in cards if card.question_id.startswith("draft-")]
        assert len(draft_cards) == 3
        for card in cards:  # only the drafts' cards are due
            card.due = datetime.now(timezone.utc) - timedelta(minutes=1) if card.id in draft_cards else datetime.now(timezone.utc) + timedelta(days=30)
        db.session.commit()
    assert "Nothing to review right now" in client.get("/review").get_data(as_text=True)
    refused = client.post(f"/review/{draft_cards[0]}", data={"csrf_token": csrf_token(client, "/")})
    assert refused.status_code == 404 and "not in the course bank" in refused.get_data(as_text=True)


def test_an_admin_reviews_who_asked_when_and_the_diff_then_publishes_or_declines_with_a_note(app, shipped_course):
    teacher, admin = person(app, "teachA", "instructor"), person(app, "boss", "admin")
    copy_path = "/teach/questions/new/single_choice?lesson=trade&copy=trade-mfn-puzzle"
    copy_page = teacher.get(copy_path).get_data(as_text=True)
    assert "trade-mfn-puzzle-copy" in copy_page
    with app.app_context():
        from app.authoring.banks import current_version
        original = current_version(db.session.get(Question, "trade-mfn-puzzle")).data
    from app.course.authoring import data_to_fields
    common, fields = data_to_fields({**original, "id": "mfn-puzzle-better",
                                     "prompt": "Which statement best sums up the years after the MFN grant?"})
    saved = teacher.post(copy_path, data={**common, **fields, "lesson": lesson_id(app), "bank": "mine", "save": "1",
                                          "csrf_token": csrf_token(teacher, copy_path)})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    write(app, teacher, "brand-new", "BRAND-NEW")
    ask_to_publish(teacher, "mfn-puzzle-better")
    ask_to_publish(teacher, "brand-new")
    assert teacher.get("/teach/publish").status_code == 403

    page = re.sub(r"</?bdi[^>]*>", "", admin.get("/teach/publish").get_data(as_text=True))  # names are isolated
    assert "Asked by teachA on" in page and "mfn-puzzle-better" in page and "brand-new" in page
    assert "Changes from the course question trade-mfn-puzzle" in page
    assert "<del>-prompt: Which statement best describes what happened after India granted Pakistan MFN status?</del>" in page
    assert "<ins>+prompt: Which statement best sums up the years after the MFN grant?</ins>" in page
    assert "<strong>New question</strong>" in page

    unexplained = post(admin, f"/teach/publish/{pending_request(app, 'brand-new')}/decline", {"note": "  "})
    assert unexplained.status_code == 400 and "Say why" in unexplained.get_data(as_text=True)
    assert post(admin, f"/teach/publish/{pending_request(app, 'brand-new')}/decline",
                {"note": "Cite the paragraph it tests."}).status_code == 302
    assert "Cite the paragraph it tests." in teacher.get("/teach/questions/brand-new").get_data(as_text=True)
    assert "declined — Cite the paragraph it tests." in re.sub(r"</?bdi[^>]*>", "", teacher.get("/teach/questions?lesson=trade").get_data(as_text=True))

    first = pending_request(app, "mfn-puzzle-better")
    edit = "/teach/questions/mfn-puzzle-better/edit"
    common["prompt"] = "Which statement best sums up the eight years after the MFN grant?"
    assert teacher.post(edit, data={**common, **fields, "lesson": lesson_id(app), "save": "1",
                                    "csrf_token": csrf_token(teacher, edit)}).status_code == 302
    ask_to_publish(teacher, "mfn-puzzle-better")  # asking again after a change replaces the pending request
    second = pending_request(app, "mfn-puzzle-better")
    with app.app_context():
        assert second != first and db.session.get(PublishRequest, first).status == "withdrawn"
    assert "eight years" in admin.get("/teach/publish").get_data(as_text=True)
    assert post(admin, f"/teach/publish/{first}/approve").status_code == 400  # superseded: nothing to approve
    assert post(admin, f"/teach/publish/{second}/approve").status_code == 302
    with app.app_context():
        published = db.session.get(Question, "mfn-puzzle-better")
        assert published.bank == "course" and db.session.get(PublishRequest, second).status == "published"
    refused = teacher.get(edit)
    assert refused.status_code == 403 and "course bank" in refused.get_data(as_text=True)
    assert teacher.get("/teach/questions/new/single_choice?copy=mfn-puzzle-better").status_code == 200
    assert f"{len(shipped_course.bank('trade').questions) + 1} questions" in app.test_client().get("/lessons/trade/quiz").get_data(as_text=True)


def test_sharing_lets_an_instructor_preview_use_and_copy_but_not_edit_and_can_be_revoked(app):
    owner, other = person(app, "teachA", "instructor"), person(app, "teachB", "instructor")
    person(app, "pupil")
    write(app, owner, "shared-q", "SHARED-TEXT", tag="sharetag")
    assert other.get("/teach/questions/shared-q").status_code == 404
    for name, message in (("nobody", "There is no instructor called"), ("pupil", "There is no instructor called"),
                          ("teachA", "can already edit")):
        refused = post(owner, "/teach/questions/shared-q/shares", {"username": name})
        assert refused.status_code == 400 and message in refused.get_data(as_text=True)
    assert post(owner, "/teach/questions/shared-q/shares", {"username": " TEACHB "}).status_code == 302
    assert "SHARED-TEXT" in other.get("/teach/questions/shared-q").get_data(as_text=True)
    assert 'shared by <bdi translate="no">teachA</bdi>' in other.get("/teach/questions?lesson=trade").get_data(as_text=True)
    assert other.get("/teach/questions/shared-q/edit").status_code == 403
    assert other.get("/teach/questions/new/single_choice?copy=shared-q").status_code == 200
    classroom_id, _ = create_class(other)
    assignment_id = create_assignment(app, other, classroom_id, tag="sharetag", question_count=1)
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).question_ids == ["shared-q"]
        other_id = db.session.scalar(sa.select(User.id).where(User.username == "teachB"))
    assert post(owner, f"/teach/questions/shared-q/shares/{other_id}/revoke").status_code == 302
    assert other.get("/teach/questions/shared-q").status_code == 404
    with app.app_context():
        assert db.session.get(Assignment, assignment_id).question_ids == ["shared-q"]  # set work keeps it


def test_an_assignment_draws_from_the_course_bank_my_questions_shared_ones_and_the_class_bank_only(app):
    teach_a, teach_b = person(app, "teachA", "instructor"), person(app, "teachB", "instructor")
    class_a, _ = create_class(teach_a, "Class A")
    class_b, _ = create_class(teach_b, "Class B")
    write(app, teach_a, "a-own", tag="pooltag")
    write(app, teach_a, "a-class", tag="pooltag", bank=f"class-{class_a}")
    write(app, teach_b, "b-own", tag="pooltag")
    write(app, teach_b, "b-class", tag="pooltag", bank=f"class-{class_b}")
    refused_bank = post(teach_a, "/teach/questions/new/single_choice?lesson=trade",
                        draft_form(app, "a-elsewhere", "X", bank=f"class-{class_b}"))
    assert refused_bank.status_code == 400 and "Choose where to save" in refused_bank.get_data(as_text=True)
    path = f"/teach/classes/{class_a}/assignments/new"
    data = {"title": "Pool", "lessons": [lesson_id(app)], "question_count": 3, "tag": "pooltag",
            "grading_method": "highest", "review_option": "immediately"}
    too_many = post(teach_a, path, data)
    assert too_many.status_code == 400 and "Only 2 questions match" in too_many.get_data(as_text=True)
    create_assignment(app, teach_a, class_a, tag="pooltag", question_count=2)
    with app.app_context():
        chosen = db.session.scalar(sa.select(Assignment.question_ids).order_by(Assignment.id.desc()).limit(1))
    assert sorted(chosen) == ["a-class", "a-own"]


@pytest.mark.parametrize(("username", "message"), [
    ("nobody", "There is no instructor called “nobody”"),
    ("pupil", "There is no instructor called “pupil”"),
    ("teachA", "teachA owns this class already"),
    ("TEACHC", "teachC already teaches this class"),
])
def test_adding_a_co_instructor_is_refused_with_a_clear_reason(app, username, message):
    owner, _ = person(app, "teachA", "instructor"), person(app, "teachC", "instructor")
    person(app, "pupil")
    classroom_id, _ = create_class(owner)
    assert post(owner, f"/teach/classes/{classroom_id}/instructors", {"username": "teachC"}).status_code == 302
    refused = post(owner, f"/teach/classes/{classroom_id}/instructors", {"username": username})
    assert refused.status_code == 400 and message in refused.get_data(as_text=True)


def test_a_co_instructor_teaches_the_class_but_only_its_owner_manages_it(app):
    owner, co, outsider = (person(app, "teachA", "instructor"), person(app, "teachC", "instructor"),
                           person(app, "teachD", "instructor"))
    classroom_id, code = create_class(owner)
    assert co.get(f"/teach/classes/{classroom_id}").status_code == 403
    assert post(owner, f"/teach/classes/{classroom_id}/instructors", {"username": "teachc"}).status_code == 302
    assert "History 101" in co.get("/teach/").get_data(as_text=True)
    page = re.sub(r"</?bdi[^>]*>", "", co.get(f"/teach/classes/{classroom_id}").get_data(as_text=True))
    assert "Owner: teachA" in page and "Leave this class" in page and "Add co-instructor" not in page
    student = person(app, "sana")
    join(student, code)
    assignment_id = create_assignment(app, co, classroom_id, title="Set by the co-instructor")
    take(app, student, assignment_id)
    assert "sana" in co.get(f"/teach/classes/{classroom_id}/gradebook").get_data(as_text=True)
    assert co.get(f"/teach/assignments/{assignment_id}/analysis").status_code == 200
    with app.app_context():
        ids = dict(db.session.execute(sa.select(User.username, User.id)).all())
    assert post(co, f"/teach/classes/{classroom_id}/instructors", {"username": "teachD"}).status_code == 403
    assert post(co, f"/teach/classes/{classroom_id}/instructors/{ids['teachA']}/remove").status_code == 403
    assert post(owner, f"/teach/classes/{classroom_id}/instructors/{ids['teachA']}/remove").status_code == 400
    assert post(owner, f"/teach/classes/{classroom_id}/instructors/{ids['teachC']}/remove").status_code == 302
    assert co.get(f"/teach/classes/{classroom_id}").status_code == 403
    assert outsider.get(f"/teach/classes/{classroom_id}").status_code == 403


def test_a_class_bank_question_is_edited_by_every_instructor_of_the_class(app):
    owner, co = person(app, "teachA", "instructor"), person(app, "teachC", "instructor")
    classroom_id, _ = create_class(owner)
    post(owner, f"/teach/classes/{classroom_id}/instructors", {"username": "teachC"})
    write(app, owner, "moving-q", "MOVING")
    assert co.get("/teach/questions/moving-q").status_code == 404
    assert post(owner, "/teach/questions/moving-q/move", {"classroom": classroom_id}).status_code == 302
    edit = "/teach/questions/moving-q/edit"
    response = co.post(edit, data={**draft_form(app, "moving-q", "EDITED BY THE CO-INSTRUCTOR"), "csrf_token": csrf_token(co, edit)})
    assert response.status_code == 302
    assert "EDITED BY THE CO-INSTRUCTOR" in owner.get("/teach/questions/moving-q").get_data(as_text=True)


def test_the_bank_import_command_makes_drafts_unless_the_operator_says_course(app, tmp_path, shipped_course):
    person(app, "teachA", "instructor")
    person(app, "pupil")
    source = tmp_path / "one.gift"
    source.write_bytes(GIFT)
    runner = app.test_cli_runner()
    base = ["bank", "import", str(source), "--lesson", "trade"]
    for extra, message in (([], "--owner USERNAME"), (["--owner", "nobody"], "no instructor 'nobody'"),
                           (["--owner", "pupil"], "no instructor 'pupil'"),
                           (["--bank", "course", "--owner", "teachA"], "--owner goes with the instructor bank")):
        result = runner.invoke(args=base + extra)
        assert result.exit_code != 0 and message in result.output, result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored")) == 0
    assert runner.invoke(args=base + ["--owner", "TeachA"]).exit_code == 0
    assert bank_size(app) == len(shipped_course.bank("trade").questions)
    assert runner.invoke(args=base + ["--bank", "course"]).exit_code == 0
    assert bank_size(app) == len(shipped_course.bank("trade").questions) + 1
    with app.app_context():
        banks = sorted(db.session.execute(sa.select(Question.bank, User.username).outerjoin(User, User.id == Question.author_id)
                                          .where(Question.origin == "authored")).all())
    assert banks == [("course", None), ("instructor", "teachA")]


def test_only_admins_write_lessons(app):
    teacher = person(app, "teachA", "instructor")
    assert "Write a new lesson" not in teacher.get("/teach/").get_data(as_text=True)
    refused = post(teacher, "/teach/lessons/new", {"slug": "x", "title": "X", "summary": "S.", "objectives": "O.", "body": "B", "save": "1"})
    assert refused.status_code == 403 and "Only an administrator adds lessons" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "x")) is None


# --- Red team 2: another class's exam holds its questions back from other instructors ----------

@pytest.mark.parametrize("option", ["never", "after_due"])
def test_another_classes_exam_holds_its_questions_back_from_other_instructors(app, option):
    teach_a, teach_b, admin = (person(app, "teachA", "instructor"), person(app, "teachB", "instructor"),
                               person(app, "admin1", "admin"))
    class_a, _ = create_class(teach_a, "Class A")
    class_b, _ = create_class(teach_b, "Class B")
    with app.app_context():
        held = list(db.session.scalars(sa.select(Question.id).where(Question.lesson_id == lesson_id(app), Question.bank == "course")))
        types = dict(db.session.execute(sa.select(Question.id, Question.type).where(Question.id.in_(held))).all())
    write(app, teach_a, "a-shared")  # teachA's draft, shared with teachB before it went into the exam
    assert post(teach_a, "/teach/questions/a-shared/shares", {"username": "teachB"}).status_code == 302
    assert teach_b.get("/teach/questions/a-shared").status_code == 200
    held, types = ["a-shared", *held], {**types, "a-shared": "single_choice"}
    due = datetime.now(timezone.utc) + timedelta(days=3)
    create_assignment(app, teach_a, class_a, review_option=option, question_count=len(held), attempt_limit=1,
                      **({"due_at": due.strftime("%Y-%m-%dT%H:%M")} if option == "after_due" else {}))
    comes_back = f"after {due.day} {due:%b %Y}" if option == "after_due" else "when"  # the reader's zone: UTC here
    for question_id in held[:4]:
        for path in (f"/teach/questions/{question_id}", f"/teach/questions/new/{types[question_id]}?copy={question_id}",
                     f"/teach/questions/{question_id}/override", f"/teach/questions/{question_id}/regrade"):
            refused = teach_b.get(path)
            text = refused.get_data(as_text=True)
            assert refused.status_code == 403, path
            if not path.endswith("/regrade"):  # regrading a course question is an admin's anyway
                assert "Another class" in text and "exam uses this question" in text and comes_back in text, path
        overridden = post(teach_b, f"/teach/questions/{question_id}/override", {"classroom": class_b})
        assert overridden.status_code == 403
        for allowed in (teach_a, admin):  # the class's instructor and admins (who moderate) still see it
            assert allowed.get(f"/teach/questions/{question_id}").status_code == 200
    listed = teach_b.get("/teach/questions?lesson=trade").get_data(as_text=True)
    assert not [q for q in held if f"/teach/questions/{q}\"" in listed]
    assert all(f"/teach/questions/{q}\"" in teach_a.get("/teach/questions?lesson=trade").get_data(as_text=True) for q in held)
    exported = teach_b.get("/teach/lessons/trade/bank.yaml").get_data(as_text=True)
    assert not [q for q in held if f"id: {q}\n" in exported]
    pooled = post(teach_b, f"/teach/classes/{class_b}/assignments/new",
                  {"title": "Copycat", "lessons": [lesson_id(app)], "question_count": 1,
                   "grading_method": "highest", "review_option": "immediately"})
    assert pooled.status_code == 400 and "Only 0 questions match" in pooled.get_data(as_text=True)


# --- Red team 2, p20: an assignment pins the versions of questions its class may use but not edit -----

def edit(app, client, ident, marker, answer="a"):
    path = f"/teach/questions/{ident}/edit"
    data = {**draft_form(app, ident, marker, tag="pintag"), "answer": answer, "explanation": f"EXPLAIN-{marker}"}
    response = client.post(path, data={**data, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)


def shown_to_class(app, teacher, pupil, assignment_id) -> str:
    """Everything a pupil's attempt at the assignment shows them and their instructor, answers included."""
    public_id = take(app, pupil, assignment_id)
    pages = [pupil.get(f"/attempts/{public_id}/result"), teacher.get(f"/teach/attempts/{public_id}"),
             teacher.get(f"/teach/assignments/{assignment_id}/analysis")]
    assert [page.status_code for page in pages] == [200, 200, 200]
    return " ".join(page.get_data(as_text=True) for page in pages)


def shared_draft_in_class_b(app) -> tuple:
    """teachA's draft shared with teachB, in a class-B assignment that shows answers at once; a pupil in class B."""
    teach_a, teach_b = person(app, "teachA", "instructor"), person(app, "teachB", "instructor")
    write(app, teach_a, "trade-secret", "V1-SHARED", tag="pintag")
    assert post(teach_a, "/teach/questions/trade-secret/shares", {"username": "teachB"}).status_code == 302
    class_b, code = create_class(teach_b, "Class B")
    assignment_id = create_assignment(app, teach_b, class_b, tag="pintag", question_count=1)
    pupil = person(app, "pupil")
    join(pupil, code)
    return teach_a, teach_b, assignment_id, pupil


def test_a_revoked_share_keeps_the_authors_later_private_edits_out_of_the_other_class(app):
    teach_a, teach_b, assignment_id, pupil = shared_draft_in_class_b(app)
    with app.app_context():
        teach_b_id = db.session.scalar(sa.select(User.id).where(User.username == "teachB"))
    assert post(teach_a, f"/teach/questions/trade-secret/shares/{teach_b_id}/revoke").status_code == 302
    assert teach_b.get("/teach/questions/trade-secret").status_code == 404
    edit(app, teach_a, "trade-secret", "V2-PRIVATE", answer="b")
    seen = shown_to_class(app, teach_b, pupil, assignment_id)
    assert "V1-SHARED" in seen
    assert "V2-PRIVATE" not in seen and "EXPLAIN-V2-PRIVATE" not in seen


def test_the_authors_edit_while_still_shared_does_not_reach_an_assignment_set_before_it(app):
    teach_a, teach_b, assignment_id, pupil = shared_draft_in_class_b(app)
    edit(app, teach_a, "trade-secret", "V2-LATER", answer="b")
    seen = shown_to_class(app, teach_b, pupil, assignment_id)
    assert "V1-SHARED" in seen and "V2-LATER" not in seen


def test_a_question_moved_out_of_the_classs_own_questions_stays_as_it_was_when_set(app):
    teach_a, teach_b = person(app, "teachA", "instructor"), person(app, "teachB", "instructor")
    class_a, _ = create_class(teach_a, "Class A")
    class_b, code = create_class(teach_b, "Class B")
    assert post(teach_a, f"/teach/classes/{class_a}/instructors", {"username": "teachB"}).status_code == 302
    write(app, teach_b, "b-draft", "V1-OWN", tag="pintag")
    assignment_id = create_assignment(app, teach_b, class_b, tag="pintag", question_count=1)
    assert post(teach_b, "/teach/questions/b-draft/move", {"classroom": class_a}).status_code == 302
    edit(app, teach_a, "b-draft", "V2-CLASS-A", answer="b")  # now class A's: teachA edits it
    pupil = person(app, "pupil")
    join(pupil, code)
    seen = shown_to_class(app, teach_b, pupil, assignment_id)
    assert "V1-OWN" in seen and "V2-CLASS-A" not in seen


def test_the_classs_own_questions_follow_their_fixes_and_a_class_override_still_applies(app):
    teacher, co_teacher = person(app, "teachB", "instructor"), person(app, "teachC", "instructor")
    classroom_id, code = create_class(teacher, "Class B")
    assert post(teacher, f"/teach/classes/{classroom_id}/instructors", {"username": "teachC"}).status_code == 302
    write(app, teacher, "b-own", "V1-OWN", tag="pintag")
    write(app, co_teacher, "c-own", "V1-CO", tag="pintag")  # a co-instructor's draft, shared so the owner may set it
    assert post(co_teacher, "/teach/questions/c-own/shares", {"username": "teachB"}).status_code == 302
    write(app, teacher, "b-class", "V1-CLASS", tag="pintag", bank=f"class-{classroom_id}")
    assignment_id = create_assignment(app, teacher, classroom_id, tag="pintag", question_count=3)
    with app.app_context():
        assignment = db.session.get(Assignment, assignment_id)
        assignment.question_ids = [*assignment.question_ids, "trade-mfn-year"]  # a course question, set before its override
        db.session.commit()
        original = db.session.scalar(sa.select(QuestionVersion.data).join(Question, sa.and_(
            Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version)).where(Question.id == "trade-mfn-year"))
    edit(app, teacher, "b-own", "V2-OWN")
    edit(app, co_teacher, "c-own", "V2-CO")
    edit(app, co_teacher, "b-class", "V2-CLASS")
    path = f"/teach/questions/trade-mfn-year/override?classroom={classroom_id}"
    overridden = teacher.post(path, data={**form_for(original, lesson_id(app), prompt="V2-OVERRIDE: when did India grant MFN?"),
                                          "classroom": classroom_id, "save": "1", "csrf_token": csrf_token(teacher, path)})
    assert overridden.status_code == 302, overridden.get_data(as_text=True)
    pupil = person(app, "pupil")
    join(pupil, code)
    seen = shown_to_class(app, teacher, pupil, assignment_id)
    assert set(re.findall(r"V2-(?:OWN|CO|CLASS|OVERRIDE)", seen)) == {"V2-OWN", "V2-CO", "V2-CLASS", "V2-OVERRIDE"}
    assert not re.findall(r"V1-(?:OWN|CO|CLASS)", seen)
