"""The instructor's question list (plain prompts, filters with counts, pages) and item analysis's trust warnings."""

import re
from html import unescape

import pytest
import sqlalchemy as sa
from flask import render_template

from app.course.charts import item_chart
from app.course.statistics import MINIMUMS, TOO_EASY, TOO_HARD, WEAK_DISCRIMINATION, analyse
from app.extensions import db
from app.models import Assignment, Lesson, Question, QuestionShare, QuestionVersion, User
from tests.test_teaching import create_assignment, create_class, person


def user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(User.id).where(User.username == username))


def add_question(app, ident, bank="instructor", author=None, classroom_id=None, prompt="Which **MFN** year?",
                 tags=("trade",), retired=False, lesson="trade"):
    """A question stored as the editor would store it: a copy of a shipped one with its own id, prompt and tags."""
    with app.app_context():
        source = db.session.scalar(sa.select(QuestionVersion).join(Question, Question.id == QuestionVersion.question_id)
                                   .where(Question.id == "trade-mfn-year", QuestionVersion.version == Question.version))
        lesson_row = db.session.scalar(sa.select(Lesson).where(Lesson.slug == lesson))
        version = f"{abs(hash(ident)):016x}"[:16]
        html_prompt = "<p>" + re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", prompt) + "</p>"
        db.session.add(Question(id=ident, lesson_id=lesson_row.id, position=999, type=source.data["type"], version=version,
                                retired=retired, origin="authored", author_id=author, bank=bank, classroom_id=classroom_id))
        db.session.add(QuestionVersion(question_id=ident, version=version,
                                       data={**source.data, "id": ident, "prompt": prompt, "tags": list(tags)},
                                       html={**source.html, "prompt": html_prompt}))
        db.session.commit()


def listed(client, query="") -> str:
    response = client.get(f"/teach/questions{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def row_ids(html: str) -> list[str]:
    """The question ids the list shows, in order."""
    return re.findall(r'<a class="prompt" href="/teach/questions/([^"]+)"', html)


def option_label(html: str, select: str, value: str) -> str:
    """The words of one option of a filter."""
    block = re.search(rf'<select[^>]*name="{select}".*?</select>', html, re.S).group(0)
    return unescape(re.search(rf'<option[^>]*value="{re.escape(value)}"[^>]*>([^<]*)</option>', block).group(1))


@pytest.fixture
def banks(app):
    """Two instructors; the first has a draft, a retired draft, a class with a class-bank question, and a draft
    shared by the second."""
    teacher, rival = person(app, "teacher", "instructor"), person(app, "rival", "instructor")
    classroom_id, _ = create_class(teacher, "History 101")
    me, them = user_id(app, "teacher"), user_id(app, "rival")
    add_question(app, "trade-my-draft", author=me, prompt="Which **MFN** year did India choose?", tags=("trade", "mfn"))
    add_question(app, "trade-my-old", author=me, prompt="An old question", retired=True)
    add_question(app, "trade-class-q", bank="class", author=me, classroom_id=classroom_id, prompt="A class-bank question")
    add_question(app, "trade-their-draft", author=them, prompt="Their shared question", tags=("borders",))
    add_question(app, "trade-their-secret", author=them, prompt="Their private question")
    with app.app_context():
        db.session.add(QuestionShare(question_id="trade-their-draft", user_id=me))
        db.session.commit()
    return {"teacher": teacher, "rival": rival, "classroom": classroom_id}


def test_prompts_show_as_plain_text_cut_at_a_word(app, banks):
    html = listed(banks["teacher"], "?lesson=trade")
    assert "Which MFN year did India choose?" in unescape(html) and "**MFN**" not in html and "<strong>MFN" not in html
    add_question(app, "trade-long", author=user_id(app, "teacher"), prompt="word " * 60 + "ending")
    shown = re.search(r'href="/teach/questions/trade-long">([^<]*)</a>', listed(banks["teacher"], "?lesson=trade")).group(1)
    assert len(shown) <= 170 and shown.endswith("...") and "wor..." not in shown and "ending" not in shown


def test_the_list_shows_what_the_instructor_may_see_with_status_and_owner(banks):
    html = listed(banks["teacher"], "?lesson=trade&status=all")
    ids = row_ids(html)
    assert {"trade-my-draft", "trade-my-old", "trade-class-q", "trade-their-draft", "trade-mfn-year"} <= set(ids)
    assert "trade-their-secret" not in ids  # another's unshared draft
    assert "Draft" in html and "Published" in html and "Retired" in html
    assert 'shared by <bdi translate="no">rival</bdi>' in html  # a person's name, kept as written
    assert "trade-my-draft" not in row_ids(listed(banks["rival"], "?lesson=trade"))


@pytest.mark.parametrize(("query", "expected", "absent"), [
    ("status=draft", {"trade-my-draft", "trade-class-q", "trade-their-draft"}, {"trade-mfn-year", "trade-my-old"}),
    ("status=published", {"trade-mfn-year"}, {"trade-my-draft", "trade-my-old"}),
    ("status=retired", {"trade-my-old"}, {"trade-my-draft", "trade-mfn-year"}),
    ("owner=mine", {"trade-my-draft"}, {"trade-class-q", "trade-their-draft", "trade-mfn-year"}),
    ("owner=shared", {"trade-their-draft"}, {"trade-my-draft", "trade-mfn-year"}),
    ("owner=course", {"trade-mfn-year"}, {"trade-my-draft", "trade-their-draft"}),
    ("owner=class-{classroom}", {"trade-class-q"}, {"trade-my-draft", "trade-mfn-year"}),
    ("tag=borders", {"trade-their-draft"}, {"trade-my-draft", "trade-mfn-year"}),
    ("words=india+mfn", {"trade-my-draft"}, {"trade-class-q", "trade-their-draft"}),
])
def test_each_filter_narrows_the_list(banks, query, expected, absent):
    ids = set(row_ids(listed(banks["teacher"], "?lesson=trade&" + query.format(classroom=banks["classroom"]))))
    assert expected <= ids and not absent & ids


def test_the_default_is_every_lesson_in_use_and_a_type_filter_works(app, banks):
    html = listed(banks["teacher"])
    with app.app_context():
        in_use = db.session.scalar(sa.select(sa.func.count(Question.id)).join(Lesson).where(
            Question.bank == "course", Question.retired.is_(False), Lesson.retired.is_(False))) + 3  # + 3 drafts in use they see
    assert f"of {in_use} questions" in html and "Page 1 of" in html  # all lessons, retired left out, a page at a time
    assert "To export a lesson's questions" in html  # export needs one lesson
    single = set(row_ids(listed(banks["teacher"], "?lesson=trade&type=numeric")))
    with app.app_context():
        types = dict(db.session.execute(sa.select(Question.id, Question.type).where(Question.id.in_(single))).all())
    assert single and set(types.values()) == {"numeric"}


def test_each_choice_says_how_many_questions_it_would_show(banks):
    html = listed(banks["teacher"], "?lesson=trade&owner=mine")
    filters = re.search(r'<form method="get" class="question-filters".*?</form>', html, re.S).group(0)
    assert "csrf_token" not in filters  # a GET form: a filtered list is an address to bookmark or share
    assert option_label(html, "status", "draft") == "Drafts (1)"
    assert option_label(html, "status", "retired") == "Retired (1)"
    assert option_label(html, "owner", "shared") == "Shared with me (1)"  # counts of a filter ignore its own choice
    assert option_label(html, "tag", "mfn") == "mfn (1)"
    assert 'selected value="mine"' in html or re.search(r'<option selected value="mine"|<option value="mine" selected', html)


def test_pages_keep_the_filters(banks):
    first = listed(banks["teacher"])
    following = re.search(r'href="(/teach/questions\?page=2[^"]*)"', first)
    assert following, "a Next link"
    second = listed(banks["teacher"], "?page=2")
    assert not set(row_ids(first)) & set(row_ids(second))
    narrowed = listed(banks["teacher"], "?status=draft&page=1")
    assert "Page 1 of" not in narrowed  # four drafts: one page


@pytest.mark.parametrize(("query", "status", "message"), [
    ("?lesson=nowhere", 404, "There is no lesson “nowhere”."),
    ("?type=poem", 400, "Type: “poem” is not one of its choices."),
    ("?owner=class-999999", 400, "Whose: “class-999999” is not one of its choices."),
    ("?status=secret", 400, "Status: “secret” is not one of its choices."),
    ("?page=0", 400, "There is no such page."),
    ("?page=abc", 400, "Page"),
    ("?page=99", 404, "There is no page 99"),
    ("?words=" + "x" * 201, 400, "Search for at most 200 characters."),
    ("?tag=" + "x" * 201, 400, "Tag: “" + "x" * 201 + "” is not one of its choices."),
])
def test_a_forged_filter_is_a_clear_refusal(banks, query, status, message):
    response = banks["teacher"].get("/teach/questions" + query)
    assert response.status_code == status and message in unescape(response.get_data(as_text=True))


def test_another_instructors_class_is_not_a_choice(banks):
    response = banks["rival"].get(f"/teach/questions?owner=class-{banks['classroom']}")
    assert response.status_code == 400


def test_no_match_says_so_and_offers_to_clear(banks):
    html = listed(banks["teacher"], "?words=zebra")
    assert "No questions match" in html and "Clear the filters" in html
    bookmarked = listed(banks["teacher"], "?tag=a-tag-nobody-uses")  # a tag from an old bookmark: none, not an error
    assert "No questions match" in bookmarked


# --- Item analysis: how far to trust each figure -----------------------------------------------------------

def rows_of(students: int, items: list[str]) -> list[dict]:
    """First attempts with some spread: student s gets item i right when (s + i) is not a multiple of 3."""
    return [{item: float((student + index) % 3 != 0) for index, item in enumerate(items)} for student in range(students)]


def test_figures_know_whether_they_have_enough_answers():
    items = ["a", "b", "c"]
    few, many = analyse(items, rows_of(MINIMUMS.facility - 1, items)), analyse(items, rows_of(MINIMUMS.alpha, items))
    assert not few.items[0].facility_settled and not few.test.alpha_settled
    assert analyse(items, rows_of(MINIMUMS.facility, items)).items[0].facility_settled
    assert many.items[0].discrimination_settled and many.test.alpha_settled and many.test.complete == MINIMUMS.alpha


def test_a_flag_from_few_answers_is_tentative():
    rows = [{"easy": 1.0, "other": float(s % 2)} for s in range(4)]
    easy = analyse(["easy", "other"], rows).items[0]
    assert "too easy" in easy.flags and "too easy" in easy.tentative
    settled = analyse(["easy", "other"], [{"easy": 1.0, "other": float(s % 2)} for s in range(12)]).items[0]
    assert "too easy" in settled.flags and "too easy" not in settled.tentative


def test_points_weigh_the_totals():
    rows = [{"a": 1.0, "b": 0.0}, {"a": 0.0, "b": 1.0}, {"a": 1.0, "b": 1.0}]
    weighed = analyse(["a", "b"], rows, {"a": 3})
    assert weighed.test.max_score == 4 and weighed.test.mean == pytest.approx((3 + 1 + 4) / 3)
    assert weighed.items[0].facility == pytest.approx(2 / 3)  # facility stays a share of the question's marks


def test_the_chart_puts_each_figure_on_its_own_scale():
    strong = [1.0, 1.0, 0.0, 0.0]  # the first two students are the stronger
    rows = [{"good": s, "bad": 1 - s, "other": s, "more": s} for s in strong]
    chart = item_chart(analyse(["good", "bad", "other", "more"], rows).items, TOO_HARD, TOO_EASY, WEAK_DISCRIMINATION)
    good, bad = chart["rows"][:2]
    assert (good.label, bad.label) == ("Q1", "Q2")
    assert bad.negative and bad.marker_x >= chart["discrimination_x"]  # never into the labels
    assert good.marker_x == chart["discrimination_x"] + chart["panel"]  # +1 at the right end
    assert good.bar_width == chart["panel"] / 2 and not good.facility_settled
    assert len(chart["thresholds"]) == 3


def render_analysis(app, students: int) -> str:
    """The analysis page for a made-up class of ``students`` first attempts."""
    teacher = person(app, "ines", "instructor")
    classroom_id, _ = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id)
    with app.app_context(), app.test_request_context():
        assignment = db.session.get(Assignment, assignment_id)
        result = analyse(assignment.question_ids, rows_of(students, assignment.question_ids), assignment.points)
        return render_template("authoring/analysis.html", assignment=assignment, analysis=result, versions={},
                               choice_shares={})


def test_a_small_class_is_warned_figure_by_figure(app):
    html = unescape(render_analysis(app, 4))
    assert "Not yet: 0 of 5 questions have enough (the most answered has 4)" in html
    assert "Not yet: 4 of 30" in html and "few answers" in html
    assert "10 answers to a question" in html and "30 answers to a question" in html and "30 students who answered every question" in html
    assert "perhaps" in html  # a flag from 4 answers is a hint
    assert "Outline only: too few answers to trust yet" in html and "Dashed lines" in html  # a legend for every mark


def test_a_large_class_is_trusted(app):
    html = unescape(render_analysis(app, 30))
    assert html.count("Enough for every question") == 2 and "Enough: 30" in html
    assert 'class="few"' not in html.split("How far to trust these figures")[1].split("Why these numbers?")[1]
