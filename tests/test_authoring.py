"""Authoring in the browser: every type through its form, the bank checker's messages, versions,
regrading, YAML export that loads back exactly, and new lessons."""

import re

import lxml.html
import pytest
import sqlalchemy as sa

from app.course.authoring import data_to_fields
from app.course.bank import QUESTION_TYPES, parse_bank_text, version_of
from app.course.lessons import anchors_of
from app.course.lessons import read_course
from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import Answer, Assignment, Attempt, Lesson, PublishRequest, Question, QuestionVersion
from tests.conftest import csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take


@pytest.fixture
def teacher(app):
    return person(app, "teacher", "instructor")


def form_for(data: dict, lesson_id: int, **changes) -> dict:
    common, fields = data_to_fields(data)
    return {**common, **fields, "lesson": lesson_id, **changes}


def lesson_row(app, slug):
    with app.app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug))
        db.session.expunge(lesson)
        return lesson


def post_question(client, qtype, data, lesson_slug="trade", button="save"):
    path = f"/teach/questions/new/{qtype}?lesson={lesson_slug}"
    return client.post(path, data={**data, button: "1", "csrf_token": csrf_token(client, path)})


# An essay of the tests' own, short enough to read in a failure (tests/test_grading.py writes it into a class bank).
SAMPLES = {"essay": ("trade", {
    "id": "trade-essay-sample", "type": "essay", "prompt": "Why did trade stay small?", "explanation": "Politics came first.",
    "lesson_anchor": "mfn-1996", "tags": ["trade", "essay"], "difficulty": "hard", "min_words": 100, "max_words": 300,
    "model_answer": "Hostility kept it small: MFN in **1996**, yet little moved by 2004.",
    "rubric": [{"id": "thesis", "title": "Thesis", "levels": [{"points": 0, "description": "None; or off the question."},
                                                              {"points": 2, "description": "A clear position = an answer."}]},
               {"id": "evidence", "title": "Evidence", "levels": [{"points": 0, "description": "None."},
                                                                  {"points": 1.5, "description": "Some figures."},
                                                                  {"points": 3, "description": "The lesson's figures, used."}]}]})}


@pytest.mark.parametrize("qtype", QUESTION_TYPES)
def test_every_type_can_be_written_in_its_form(app, teacher, shipped_course, qtype):
    bank = next(b for b in shipped_course.banks if any(q.type == qtype for q in b.questions))  # the course has every type
    slug, original = bank.slug, next(q for q in bank.questions if q.type == qtype).data
    lesson = lesson_row(app, slug)
    response = post_question(teacher, qtype, form_for(original, lesson.id, id=f"{original['id']}-again"), slug)
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        question = db.session.get(Question, f"{original['id']}-again")
        stored = db.session.scalar(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == question.id))
    assert question.origin == "authored" and question.lesson_id == lesson.id
    assert stored == {**original, "id": f"{original['id']}-again"}


def single_choice(lesson_anchor="mfn-1996", **changes):
    return {"id": "trade-new-q", "prompt": "In which year did India grant MFN status?", "explanation": "In **1996**.",
            "lesson_anchor": lesson_anchor, "tags": "trade, mfn", "difficulty": "easy",
            "options-0-text": "1996", "options-0-feedback": "Right.", "options-1-text": "2006",
            "options-1-feedback": "That is SAFTA.", "answer": "a", **changes}


@pytest.mark.parametrize(("changes", "message"), [
    ({"answer": "zz"}, "Mark the right option: choose its “Right answer” button."),
    ({"id": "trade-mfn-year"}, "Another question already has the id “trade-mfn-year”"),
    ({"lesson_anchor": "nowhere"}, "Choose a part of this lesson: “nowhere” is not one of its headings."),
    ({"explanation": ""}, "Explain why the right answer is right."),
    ({"options-0-feedback": ""}, "Option 1 is empty: fill in its feedback."),
    ({"options-1-text": "", "options-1-feedback": ""}, "Give at least 2 options."),
    ({"difficulty": "brutal"}, "Choose easy, medium or hard."),
])
def test_a_bad_question_is_refused_with_the_checkers_message_in_plain_words(app, teacher, changes, message):
    lesson = lesson_row(app, "trade")
    response = post_question(teacher, "single_choice", {**single_choice(**changes), "lesson": lesson.id})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True).replace("&#39;", "'")
    with app.app_context():
        assert db.session.get(Question, "trade-new-q") is None


def test_preview_renders_sanitised_markdown_and_saves_nothing(app, teacher):
    lesson = lesson_row(app, "trade")
    data = single_choice(prompt="Which **year**? <script>alert(1)</script><a href=x onclick=alert(1)>x</a>")
    response = post_question(teacher, "single_choice", {**data, "lesson": lesson.id}, button="preview")
    html = response.get_data(as_text=True)
    preview = re.search(r'<section class="preview.*?</section>', html, re.S).group(0)
    assert response.status_code == 200 and "<strong>year</strong>" in preview
    assert "<script" not in preview and "onclick" not in preview  # an <img> from elsewhere is refused (tests/test_media.py)
    with app.app_context():
        assert db.session.get(Question, "trade-new-q") is None


def form_on_page(client, path: str) -> dict[str, str]:
    """The values the page's question form would post as it stands (what a person saving without a change sends)."""
    form = next(f for f in lxml.html.fromstring(client.get(path).get_data(as_text=True)).forms if "hint" in f.fields)
    # A browser drops the line break that opens a <textarea>'s content (the HTML parsing rules); lxml keeps it.
    return {name: value.removeprefix("\r\n").removeprefix("\n") for name, value in form.form_values()}


def test_a_hint_is_shown_in_the_edit_form_and_survives_an_edit(app, teacher):
    lesson = lesson_row(app, "trade")
    hint = "Think of the middle of the **1990s**."
    assert post_question(teacher, "single_choice", {**single_choice(hint=hint), "lesson": lesson.id}).status_code == 302
    path = "/teach/questions/trade-new-q/edit"
    fields = form_on_page(teacher, path)
    assert fields["hint"] == hint  # the author sees the hint they wrote
    edit = teacher.post(path, data={**fields, "explanation": "India granted it in **1996**.", "save": "1"})
    assert edit.status_code == 302
    with app.app_context():
        versions = db.session.scalars(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == "trade-new-q")
                                      .order_by(QuestionVersion.id)).all()
    assert [v.get("hint") for v in versions] == [hint, hint] and versions[-1]["explanation"] == "India granted it in **1996**."
    cleared = teacher.post(path, data={**form_on_page(teacher, path), "hint": "", "save": "1"})
    assert cleared.status_code == 302  # emptying the box removes the hint, as leaving the key out of a bank file does
    with app.app_context():
        latest = db.session.scalars(sa.select(QuestionVersion.data).where(QuestionVersion.question_id == "trade-new-q")
                                    .order_by(QuestionVersion.id.desc())).first()
    assert "hint" not in latest


def test_an_over_long_hint_is_refused_and_saves_nothing(app, teacher):
    lesson = lesson_row(app, "trade")
    response = post_question(teacher, "single_choice", {**single_choice(hint="x" * 301), "lesson": lesson.id})
    html = response.get_data(as_text=True).replace("&#39;", "'")
    assert response.status_code == 400
    assert "The hint is 301 characters long; keep it to 300" in html and "x" * 301 in html  # kept in the box to shorten
    with app.app_context():
        assert db.session.get(Question, "trade-new-q") is None


def test_edits_make_versions_and_a_regrade_fixes_old_answers(app, teacher):
    lesson = lesson_row(app, "trade")
    wrong_key = single_choice(answer="b")
    assert post_question(teacher, "single_choice", {**wrong_key, "lesson": lesson.id}).status_code == 302
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    join(student, code)
    with app.app_context():
        assignment_id = create_assignment(app, teacher, classroom_id, title="Check")
        assignment = db.session.get(__import__("app.models", fromlist=["Assignment"]).Assignment, assignment_id)
        assignment.question_ids = ["trade-new-q"]
        db.session.commit()
    public_id = take(app, student, assignment_id, right=False)  # answers "a" (the truth) against key "b"
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == "trade-new-q"))
        assert answer.response == "a" and answer.score == 0.0
        old_version = answer.question_version_id
    edit = teacher.post("/teach/questions/trade-new-q/edit", data={
        **single_choice(answer="a"), "lesson": lesson.id, "save": "1", "csrf_token": csrf_token(teacher, "/teach/questions/trade-new-q/edit")})
    assert edit.status_code == 302
    dry = teacher.get("/teach/questions/trade-new-q/regrade").get_data(as_text=True)
    assert "1 answer would change" in dry and "sana" in dry and "+1.00" in dry
    with app.app_context():
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 0.0
    teacher.post("/teach/questions/trade-new-q/regrade", data={"csrf_token": csrf_token(teacher, "/teach/questions/trade-new-q/regrade")})
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == "trade-new-q"))
        assert answer.score == 1.0 and answer.question_version_id == old_version and answer.regraded_version_id != old_version
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)) == 1.0
        assert db.session.scalar(sa.select(sa.func.count(QuestionVersion.id)).where(QuestionVersion.question_id == "trade-new-q")) == 2
    assert "No answer's mark would change" in teacher.get("/teach/questions/trade-new-q/regrade").get_data(as_text=True)


def marked_under_older_rules(app, teacher) -> str:
    """A class answer "at Wagha" to a short answer keyed "Wagah", marked 0 as the rules before issue 14 marked it
    (today's rules give it 1); the attempt's public id."""
    lesson = lesson_row(app, "trade")
    data = {"id": "trade-border-q", "prompt": "Where do the flag ceremonies take place?", "explanation": "At Wagah.",
            "lesson_anchor": "", "tags": "trade", "difficulty": "easy", "answers-0-text": "Wagah", "lesson": lesson.id}
    with app.app_context():
        data["lesson_anchor"] = next(iter(sorted(anchors_of(db.session.get(Lesson, lesson.id).body_html))))
    assert post_question(teacher, "short_answer", data).status_code == 302
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    join(student, code)
    with app.app_context():
        assignment_id = create_assignment(app, teacher, classroom_id, title="Check")
        db.session.get(Assignment, assignment_id).question_ids = ["trade-border-q"]
        db.session.commit()
    public_id = take(app, student, assignment_id, right=True)
    with app.app_context():
        answer = db.session.scalar(sa.select(Answer).where(Answer.question_id == "trade-border-q"))
        answer.response, answer.score, answer.status = "at Wagha", 0.0, "wrong"
        db.session.get(Attempt, answer.attempt_id).score = 0.0
        db.session.commit()
    return public_id


def marks(app, public_id: str) -> tuple[float, float]:
    """(the answer's mark, the attempt's total)."""
    with app.app_context():
        return (db.session.scalar(sa.select(Answer.score).where(Answer.question_id == "trade-border-q")),
                db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == public_id)))


def test_a_regrade_marks_again_answers_marked_before_the_answer_rules_changed(app, teacher):
    """An answer on the current version marked under older rules is in the dry run and gets its mark when applied:
    a deploy of fairer rules is one regrade away from fair marks."""
    public_id = marked_under_older_rules(app, teacher)
    path = "/teach/questions/trade-border-q/regrade"
    dry = teacher.get(path).get_data(as_text=True)
    assert "1 answer would change" in dry and "sana" in dry and "+1.00" in dry
    teacher.post(path, data={"csrf_token": csrf_token(teacher, path)})
    assert marks(app, public_id) == (1.0, 1.0)


def test_bank_remark_marks_every_typed_answer_again_with_todays_rules(app, teacher, runner):
    public_id = marked_under_older_rules(app, teacher)
    dry = runner.invoke(args=["bank", "remark"])
    assert "Dry run: would re-mark 1 of" in dry.output and "1 up, 0 down" in dry.output and "--apply" in dry.output
    assert marks(app, public_id) == (0.0, 0.0)
    applied = runner.invoke(args=["bank", "remark", "--apply"])
    assert "Re-marked 1 of" in applied.output
    assert marks(app, public_id) == (1.0, 1.0)
    assert "re-mark 0 of" in runner.invoke(args=["bank", "remark"]).output


def publish(app, author, question_id):
    """The author asks to publish the question's current version and an admin approves it."""
    path = f"/teach/questions/{question_id}"
    assert author.post(f"{path}/publish", data={"csrf_token": csrf_token(author, path)}).status_code == 302
    admin = person(app, f"admin-{question_id}", "admin")
    with app.app_context():
        request_id = db.session.scalar(sa.select(PublishRequest.id).where(
            PublishRequest.question_id == question_id, PublishRequest.status == "pending"))
    approved = admin.post(f"/teach/publish/{request_id}/approve", data={"csrf_token": csrf_token(admin, "/teach/publish")})
    assert approved.status_code == 302, approved.get_data(as_text=True)
    return admin


def test_shipped_and_other_instructors_questions_cannot_be_edited(app, teacher):
    assert teacher.get("/teach/questions/trade-mfn-year/edit").status_code == 403
    lesson = lesson_row(app, "trade")
    post_question(teacher, "single_choice", {**single_choice(), "lesson": lesson.id})
    rival = person(app, "rival", "instructor")
    assert rival.get("/teach/questions/trade-new-q/edit").status_code == 404  # another's draft: as if it did not exist
    student = person(app, "student")
    assert student.get("/teach/questions").status_code == 403


def test_a_retired_question_leaves_new_quizzes(app, teacher, client, shipped_course):
    lesson, shipped = lesson_row(app, "trade"), len(shipped_course.bank("trade").questions)
    post_question(teacher, "single_choice", {**single_choice(), "lesson": lesson.id})
    assert f"{shipped} questions" in client.get("/lessons/trade/quiz").get_data(as_text=True)  # a draft is not in learners' quizzes
    admin = publish(app, teacher, "trade-new-q")
    assert f"{shipped + 1} questions" in client.get("/lessons/trade/quiz").get_data(as_text=True)
    admin.post("/teach/questions/trade-new-q/retire", data={"csrf_token": csrf_token(admin, "/teach/questions?lesson=trade")})
    assert f"{shipped} questions" in client.get("/lessons/trade/quiz").get_data(as_text=True)


def test_reloading_the_course_keeps_authored_questions(app, teacher, runner):
    lesson = lesson_row(app, "trade")
    post_question(teacher, "single_choice", {**single_choice(), "lesson": lesson.id})
    assert runner.invoke(args=["course", "load"]).exit_code == 0
    with app.app_context():
        assert db.session.get(Question, "trade-new-q").retired is False


@pytest.mark.parametrize("slug", ["abstract", "trade", "kashmir-non-paper", "conclusion"])
def test_the_yaml_export_loads_back_to_exactly_the_same_questions(app, teacher, shipped_course, slug):
    response = teacher.get(f"/teach/lessons/{slug}/bank.yaml")
    assert response.status_code == 200
    lesson = next(item for item in shipped_course.lessons if item.slug == slug)
    bank, problems = parse_bank_text(response.get_data(as_text=True), f"{slug}.yaml", slug, lesson.anchors)
    assert problems == []
    assert [q.data for q in bank.questions] == [q.data for q in shipped_course.bank(slug).questions]
    assert bank.test_size == shipped_course.bank(slug).test_size


LESSON_BODY = """An introduction to the Kartarpur corridor.

## The corridor {#corridor}

A paragraph. <script>alert(1)</script>

## Key facts {#key-facts}

- A fact.

## Glossary {#glossary}

- **Corridor**: a route across a border.
"""


def test_a_new_lesson_is_checked_like_a_file_and_published(app, teacher, client):
    refused = teacher.get("/teach/lessons/new")
    assert refused.status_code == 403 and "Only an administrator adds lessons" in refused.get_data(as_text=True)
    teacher = person(app, "headmistress", "admin")
    path = "/teach/lessons/new"
    data = {"slug": "kartarpur", "title": "Kartarpur", "summary": "A corridor.", "objectives": "Explain the corridor.",
            "save": "1", "csrf_token": csrf_token(teacher, path)}
    bad = teacher.post(path, data={**data, "body": LESSON_BODY.replace("## Glossary {#glossary}", "## Words")})
    assert bad.status_code == 400
    html = bad.get_data(as_text=True).replace("&#39;", "'")
    assert "heading 'Words' needs an explicit anchor" in html and "lesson has no '## Glossary' section" in html
    good = teacher.post(path, data={**data, "body": LESSON_BODY})
    assert good.status_code == 302
    page = client.get("/lessons/kartarpur").get_data(as_text=True)
    assert "<h1>Kartarpur</h1>" in page and "<script>alert" not in page and "Written by an instructor" in page
    assert "/lessons/kartarpur" in client.get("/").get_data(as_text=True)
    taken = teacher.post(path, data={**data, "body": LESSON_BODY, "csrf_token": csrf_token(teacher, path)})
    assert taken.status_code == 400 and "already exists" in taken.get_data(as_text=True)


def test_course_load_refuses_a_slug_an_authored_lesson_has(app, runner, tmp_path):
    import shutil
    teacher = person(app, "headmistress", "admin")
    path = "/teach/lessons/new"
    teacher.post(path, data={"slug": "kartarpur", "title": "Kartarpur", "summary": "A corridor.", "objectives": "Explain it.",
                             "body": LESSON_BODY, "save": "1", "csrf_token": csrf_token(teacher, path)})
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "lessons")
    (tmp_path / "lessons" / "kartarpur.md").write_text(
        "---\nslug: kartarpur\ntitle: K\norder: 12\nsummary: S.\nobjectives: [Explain.]\nsource_lines: [1, 2]\n---\n" + LESSON_BODY,
        encoding="utf-8")
    assert read_course(tmp_path).ok
    result = runner.invoke(args=["course", "load", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "already a lesson written in the browser" in result.output


def test_a_class_can_override_a_shipped_question_without_touching_the_bank(app, teacher):
    from app.models import Assignment

    classroom_id, code = create_class(teacher)
    other_class, other_code = create_class(teacher, name="Other class")
    with app.app_context():
        original = db.session.scalar(sa.select(QuestionVersion.data).join(Question, sa.and_(
            Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version)).where(Question.id == "trade-mfn-year"))
    path = f"/teach/questions/trade-mfn-year/override?classroom={classroom_id}"
    changed_prompt = "For this class: when did India grant Pakistan MFN status?"
    response = teacher.post(path, data={**form_for(original, lesson_row(app, "trade").id, prompt=changed_prompt),
                                        "classroom": classroom_id, "save": "1", "csrf_token": csrf_token(teacher, path)})
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Question, "trade-mfn-year").version == version_of(original)  # the bank's version is untouched
    prompts = {}
    for class_id, class_code, name in ((classroom_id, code, "in-class"), (other_class, other_code, "elsewhere")):
        student = person(app, name)
        join(student, class_code)
        assignment_id = create_assignment(app, teacher, class_id, title=f"MFN {name}")
        with app.app_context():
            db.session.get(Assignment, assignment_id).question_ids = ["trade-mfn-year"]
            db.session.commit()
        public_id = student.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_token(student, "/assignments")}).headers["Location"].rsplit("/", 1)[-1]
        prompts[name] = student.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert changed_prompt in prompts["in-class"] and changed_prompt not in prompts["elsewhere"]
    rival = person(app, "rival", "instructor")
    assert rival.get(path).status_code == 400  # no class of their own yet
    create_class(rival, name="Rival class")
    refused = rival.get(path)
    assert refused.status_code == 403 and "your own classes" in refused.get_data(as_text=True)
