"""Response analysis (issue 14): the responses learners typed that scored less than full, per question and
course-wide, who gave them (in one's own classes only), and accepting one in a click: a new version, then the
regrade's dry run. Also the pure grouping and accepting rules of ``app.course.responses_report``."""

import re
import threading
from datetime import datetime, timedelta, timezone
from html import unescape

import pytest
import sqlalchemy as sa

from app.authoring.questions import save_version
from app.course.quiz import form_values
from app.course.responses_report import Given, credit_now, file_snippet, group_responses, marker_key, with_accepted
from app.extensions import db
from app.models import Assignment, Attempt, Lesson, Question, QuestionVersion
from tests.conftest import AuthActions, csrf_token
from tests.statements import count_statements
from tests.test_quiz import check, layout_data, shown
from tests.test_quiz import start as start_quiz
from tests.test_teaching import create_assignment, create_class, join, lesson_id, person, start



def common(ident: str, app) -> dict:
    return {"id": ident, "lesson": lesson_id(app), "bank": "mine", "explanation": "It reached **Lahore**.",
            "lesson_anchor": "key-facts", "tags": "trade", "difficulty": "easy", "save": "1"}


QUESTIONS = {
    "resp-sa": ("short_answer", {"prompt": "Which city did the 1999 bus from Delhi reach?", "answers-0-text": "Lahore"}),
    "resp-cloze": ("cloze", {"prompt": "Fill in the blanks.", "text": "The bus left [[start]] for [[end]] in 1999.",
                             "blanks-0-id": "start", "blanks-0-answers": "Delhi",
                             "blanks-1-id": "end", "blanks-1-answers": "Lahore"}),
    "resp-num": ("numeric", {"prompt": "In which year did the bus reach Lahore?", "answer": "1999"}),
}


def write(app, client, ident: str) -> None:
    """The instructor writes one of QUESTIONS as a draft of their own, through the editor's form."""
    qtype, fields = QUESTIONS[ident]
    path = f"/teach/questions/new/{qtype}?lesson=trade"
    response = client.post(path, data={**common(ident, app), **fields, "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)


def shipped_short_answer(app) -> tuple[str, str]:
    """(id, lesson slug) of a short-answer question shipped in the course bank (quizzes/*.yaml)."""
    with app.app_context():
        return tuple(db.session.execute(sa.select(Question.id, Lesson.slug).join(Lesson, Lesson.id == Question.lesson_id).where(
            Question.type == "short_answer", Question.origin == "bank", Question.retired.is_(False))
            .order_by(Lesson.position, Question.position).limit(1)).one())


def set_questions(app, assignment_id: int, question_ids: list[str]) -> None:
    with app.app_context():
        db.session.get(Assignment, assignment_id).question_ids = question_ids
        db.session.commit()


def answer(app, client, assignment_id: int, responses: dict) -> str:
    """Start the assignment and submit ``responses`` ({question id: response}; the rest blank)."""
    started = start(client, assignment_id)
    assert started.status_code == 302, started.get_data(as_text=True)
    public_id = started.headers["Location"].rsplit("/", 1)[-1]
    values = {}
    for position, data in enumerate(layout_data(app, public_id)):
        if data["id"] in responses:
            values.update(form_values(data, f"q{position}", responses[data["id"]]))
    client.post(f"/attempts/{public_id}/submit", data={**shown(app, public_id, values), "csrf_token": csrf_token(client, "/assignments")})
    return public_id


@pytest.fixture
def world(app):
    """teacher's class A (sana, bilal) and rival's class B (zara, and sana again), each with an assignment of
    teacher's three drafts and a course-bank question."""
    clients = {"teacher": person(app, "teacher", "instructor"), "rival": person(app, "rival", "instructor")}
    for name in ("sana", "bilal", "zara"):
        clients[name] = person(app, name)
    for ident in QUESTIONS:
        write(app, clients["teacher"], ident)
    class_a, code_a = create_class(clients["teacher"], "Class A")
    class_b, code_b = create_class(clients["rival"], "Class B")
    for name, code in (("sana", code_a), ("bilal", code_a), ("zara", code_b), ("sana", code_b)):
        assert join(clients[name], code).status_code == 302
    ids = {"A": class_a, "B": class_b,
           "assignA": create_assignment(app, clients["teacher"], class_a, title="A quiz"),
           "assignB": create_assignment(app, clients["rival"], class_b, title="B quiz")}
    ids["shipped"], ids["shipped_lesson"] = shipped_short_answer(app)
    set_questions(app, ids["assignA"], [*QUESTIONS, ids["shipped"]])
    set_questions(app, ids["assignB"], [ids["shipped"]])
    return {"app": app, "clients": clients, "ids": ids}


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return unescape(response.get_data(as_text=True))


def text(html: str) -> str:
    """What a reader sees of some HTML: the words without the tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def cards(html: str) -> list[str]:
    """The text of each response card on a responses page, in page order."""
    return [text(card) for card in re.findall(r'<li class="review-item".*?</li>', html, re.S)]


def accept(client, question_id: str, response: str, credit: str = "1", blank: str = "", token: str | None = None):
    path = f"/teach/questions/{question_id}/responses"
    return client.post(f"{path}/accept", data={"response": response, "credit": credit, "blank": blank,
                                               "csrf_token": token or csrf_token(client, path)})


def versions_of(app, question_id: str) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(QuestionVersion.id)).where(QuestionVersion.question_id == question_id))


def current_data(app, question_id: str) -> dict:
    with app.app_context():
        question = db.session.get(Question, question_id)
        return db.session.scalar(sa.select(QuestionVersion.data).where(
            QuestionVersion.question_id == question_id, QuestionVersion.version == question.version))


def test_distinct_responses_newest_first_with_counts_who_mark_and_feedback(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "Karachi"})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "karachi"})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "  Karachi   "})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "Lahore"})  # right: not listed
    answer(app, c["sana"], ids["assignA"], {})  # blank: not a response anyone gave
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "Multan"})
    html = page(c["teacher"], "/teach/questions/resp-sa/responses")
    shown_cards = cards(html)
    assert [re.match(r"“([^”]+)”", card).group(1) for card in shown_cards] == ["Multan", "Karachi"]
    multan, karachi = shown_cards
    assert "Given 1 time" in multan and "By sana" in multan and "Mark given 0" in multan
    assert "Given 3 times" in karachi and "By bilal (×2), sana" in karachi  # the most recent learner first
    assert "4 answers scored less than full" in text(html)
    assert "Accept “Karachi” as right" in karachi and "Accept “Karachi” as partly right" in karachi


def test_cloze_responses_are_read_blank_by_blank(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-cloze": {"start": "Delhi", "end": "Amritsar"}})
    answer(app, c["bilal"], ids["assignA"], {"resp-cloze": {"start": "Dehli", "end": "amritsar"}})
    html = page(c["teacher"], "/teach/questions/resp-cloze/responses")
    start_part, end_part = html.split('id="blank-end"')
    assert "“Dehli”" in start_part and "“Delhi”" not in start_part and "Amritsar" not in start_part
    assert re.findall(r"“([^”]+)”</h3>", end_part) == ["amritsar"]  # the newest spelling on a tie
    assert "Given 2 times" in cards(end_part)[0] and "By bilal, sana" in cards(end_part)[0]
    assert "partly right" not in end_part  # a blank is right or wrong


def test_accepting_makes_a_new_version_and_opens_the_regrade_dry_run(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    sana_attempt = answer(app, c["sana"], ids["assignA"], {"resp-sa": "Karachi"})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "karachi"})
    before = current_data(app, "resp-sa")
    accepted = accept(c["teacher"], "resp-sa", "Karachi")
    assert accepted.status_code == 302 and accepted.headers["Location"].endswith("/teach/questions/resp-sa/regrade")
    dry = unescape(re.sub(r"</?bdi[^>]*>", "", c["teacher"].get(accepted.headers["Location"]).get_data(as_text=True)))
    assert "“Karachi” now earns 1 of the mark" in dry
    assert "2 answers would change" in dry and "sana" in dry and "bilal" in dry and sana_attempt in dry and "+1.00" in dry
    after = current_data(app, "resp-sa")
    assert after["answers"] == before["answers"] + [{"text": "Karachi", "credit": 1.0}]
    assert versions_of(app, "resp-sa") == 2
    with app.app_context():  # a dry run only: no mark has changed yet
        assert db.session.scalar(sa.select(Attempt.score).where(Attempt.public_id == sana_attempt)) == 0
    listed = cards(page(c["teacher"], "/teach/questions/resp-sa/responses"))
    assert "On the current version Full marks" in listed[0] and "Accept" not in listed[0]


def test_a_double_click_or_a_second_tab_adds_the_answer_once(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "Multan", "resp-cloze": {"start": "Agra", "end": "Lahore"}})
    token = csrf_token(c["teacher"], "/teach/questions/resp-sa/responses")
    assert accept(c["teacher"], "resp-sa", "Multan", "0.5", token=token).status_code == 302
    again = accept(c["teacher"], "resp-sa", "Multan", "0.5", token=token)
    assert again.status_code == 302 and again.headers["Location"].endswith("/teach/questions/resp-sa/responses")
    assert "“Multan” already earns 0.5 of the mark on the current version" in unescape(re.sub(
        r"</?bdi[^>]*>", "", c["teacher"].get(again.headers["Location"]).get_data(as_text=True)))
    assert [a for a in current_data(app, "resp-sa")["answers"] if a["text"] == "Multan"] == [{"text": "Multan", "credit": 0.5}]
    assert versions_of(app, "resp-sa") == 2
    # Raised to full credit later: the same entry, not a second one.
    assert accept(c["teacher"], "resp-sa", "multan").status_code == 302
    assert [a for a in current_data(app, "resp-sa")["answers"] if marker_key(a["text"]) == "multan"] == [{"text": "Multan", "credit": 1.0}]
    for _ in range(2):
        assert accept(c["teacher"], "resp-cloze", "Agra", blank="start").status_code == 302
    assert current_data(app, "resp-cloze")["blanks"][0]["accept"] == ["Delhi", "Agra"]
    assert versions_of(app, "resp-cloze") == 2


def test_a_number_is_accepted_into_other_answers_and_its_other_spellings_follow(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-num": "2000"})
    answer(app, c["bilal"], ids["assignA"], {"resp-num": "2000 AD"})
    accepted = accept(c["teacher"], "resp-num", "2000", "0.5")
    dry = text(c["teacher"].get(accepted.headers["Location"]).get_data(as_text=True))
    assert "2 answers would change" in dry and dry.count("+0.50") == 2
    assert current_data(app, "resp-num")["other_answers"] == [{"text": "2000", "credit": 0.5}]
    listed = cards(page(c["teacher"], "/teach/questions/resp-num/responses"))
    assert [card.split("”")[0] for card in listed] == ["“2000 AD", "“2000"]
    assert all("On the current version 0.5 of the mark" in card for card in listed)
    assert "Accept “2000 AD” as right" in listed[0] and "0.75 of the mark" in listed[0] and "0.25 of the mark" not in listed[0]


def set_data(app, question_id: str, **changes) -> None:
    """Save a new version of a question with ``changes``, as the editor would."""
    with app.app_context():
        question = db.session.get(Question, question_id)
        save_version(question, {**current_data(app, question_id), **changes})
        db.session.commit()


def test_a_known_wrong_answer_shows_its_feedback_and_is_not_accepted_in_a_click(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    set_data(app, "resp-sa", wrong_answers=[{"text": "Karachi", "feedback": "Karachi is where the sea is, not the bus."}])
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "karachi"})
    listed = cards(page(c["teacher"], "/teach/questions/resp-sa/responses"))
    assert "Feedback Karachi is where the sea is, not the bus." in listed[0]
    refused = accept(c["teacher"], "resp-sa", "karachi")
    assert refused.status_code == 400 and "reads the same as the accepted" in unescape(refused.get_data(as_text=True))
    assert versions_of(app, "resp-sa") == 2


def race(app, responses: list[str]) -> list[tuple[str, str]]:
    """The teacher accepts each response from a tab of their own (its own login), all at once; (response, where the
    tab was sent) for each."""
    tabs = []
    for response in responses:
        tab = app.test_client()
        AuthActions(tab).login("teacher")
        tabs.append((tab, csrf_token(tab, "/teach/questions/resp-sa/responses"), response))
    barrier, outcomes = threading.Barrier(len(tabs)), []

    def click(tab, token, response):
        barrier.wait()
        outcomes.append((response, accept(tab, "resp-sa", response, token=token).headers.get("Location", "")))

    threads = [threading.Thread(target=click, args=tab) for tab in tabs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_clicks_racing_from_several_tabs_add_an_answer_once_and_lose_none(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    cities = ["Karachi", "Multan", "Quetta", "Peshawar", "Sialkot", "Hyderabad"]
    for city in cities:
        answer(app, c["sana"], ids["assignA"], {"resp-sa": city})
    outcomes = race(app, ["Karachi"] * 6)
    assert all(where.endswith(("/regrade", "/responses")) for _, where in outcomes)
    assert [a["text"] for a in current_data(app, "resp-sa")["answers"]] == ["Lahore", "Karachi"]
    assert versions_of(app, "resp-sa") == 2
    # Different responses at once: each click sent on to the regrade is in the question; the others changed nothing.
    outcomes = race(app, cities[1:])
    kept = [response for response, where in outcomes if where.endswith("/regrade")]
    assert kept and sorted(a["text"] for a in current_data(app, "resp-sa")["answers"][2:]) == sorted(kept)


def test_a_response_the_current_version_already_credits_says_so_and_changes_nothing(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "Karachi"})
    path = "/teach/questions/resp-sa/edit"
    edited = c["teacher"].post(path, data={**common("resp-sa", app), **QUESTIONS["resp-sa"][1], "answers-1-text": "Karachi",
                                           "csrf_token": csrf_token(c["teacher"], path)})
    assert edited.status_code == 302
    html = page(c["teacher"], "/teach/questions/resp-sa/responses")
    assert "On the current version Full marks" in cards(html)[0] and "Accept “Karachi”" not in html
    stale = accept(c["teacher"], "resp-sa", "Karachi")  # from a page loaded before the edit
    assert "already earns 1 of the mark" in unescape(c["teacher"].get(stale.headers["Location"]).get_data(as_text=True))
    assert versions_of(app, "resp-sa") == 2


def test_another_instructors_class_never_shows_and_an_admin_sees_every_learner(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    shipped = ids["shipped"]
    answer(app, c["sana"], ids["assignA"], {shipped: "raw cotton from class A"})
    answer(app, c["zara"], ids["assignB"], {shipped: "tea leaves from class B"})
    answer(app, c["sana"], ids["assignB"], {shipped: "sana's answer in class B"})
    guest = app.test_client()  # a guest's practice: the course bank's own learners, whom only an admin sees
    guest_attempt = start_quiz(guest, ids["shipped_lesson"], mode="practice")
    position = next(position for position, data in enumerate(layout_data(app, guest_attempt)) if data["id"] == shipped)
    check(guest, guest_attempt, position, 1, {f"q{position}": ["guess from a guest"]}, csrf_token(guest))
    path = f"/teach/questions/{shipped}/responses"
    teacher = text(page(c["teacher"], path))
    assert "raw cotton from class A" in teacher and "By sana" in teacher
    assert "zara" not in teacher and "class B" not in teacher and "guest" not in teacher
    rival = text(page(c["rival"], path))
    assert "tea leaves from class B" in rival and "sana's answer in class B" in rival and "class A" not in rival
    assert "zara" in rival and "guest" not in rival
    admin = text(page(person(app, "boss", "admin"), path))
    assert all(text in admin for text in ("class A", "class B", "guess from a guest", "1 guest"))
    # The course bank changes in its file: the page says why there is nothing to click, and a forged click is refused.
    assert "only an administrator changes" in teacher and "as right" not in teacher
    assert "Shipped questions change in quizzes/" in admin and "as right" not in admin
    # ...and shows an admin exactly what to add to the file, then the regrade; an instructor, who cannot change files, not.
    assert "Accept it in quizzes/" in admin and "- raw cotton from class A" in admin and "course load" in admin
    assert "Accept it in quizzes/" not in teacher
    assert accept(c["teacher"], shipped, "raw cotton from class A").status_code == 403
    overview = page(c["teacher"], "/teach/responses")
    assert shipped in overview and "resp-sa" not in overview  # nothing below full on resp-sa yet


def test_the_course_wide_list_puts_the_most_less_than_full_answers_first(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-num": "2000", "resp-sa": "Multan", "resp-cloze": {"start": "Agra"}})
    answer(app, c["bilal"], ids["assignA"], {"resp-num": "2001", "resp-sa": "Multan"})
    answer(app, c["bilal"], ids["assignA"], {"resp-num": "2000"})
    overview = page(c["teacher"], "/teach/responses")
    rows = re.findall(r'<tr[^>]*>\s*<th scope="row"><a href="/teach/questions/([a-z0-9-]+)/responses">.*?</tr>', overview, re.S)
    assert rows == ["resp-num", "resp-sa", "resp-cloze"]
    number_row = re.search(r'resp-num/responses.*?</tr>', overview, re.S).group(0)
    cells = dict(re.findall(r'<td data-label="([^"]+)"[^>]*>(\d+)</td>', number_row))  # labelled for a phone's stacked rows
    assert cells == {"Answers less than full": "3", "Distinct responses": "2", "Learners": "2"}
    assert "/teach/responses" in page(c["teacher"], "/teach/questions?lesson=trade")
    assert "/teach/questions/resp-num/responses" in page(c["teacher"], "/teach/questions/resp-num")


def test_learners_visitors_other_instructors_and_forged_ids_are_refused(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "Karachi", "resp-cloze": {"end": "Amritsar"}})
    visitor = app.test_client()
    for path in ("/teach/responses", "/teach/questions/resp-sa/responses"):
        assert visitor.get(path).status_code == 302 and c["sana"].get(path).status_code == 403
    assert c["sana"].post("/teach/questions/resp-sa/responses/accept",
                          data={"response": "Karachi", "credit": "1", "csrf_token": csrf_token(c["sana"], "/")}).status_code == 403
    assert c["rival"].get("/teach/questions/resp-sa/responses").status_code == 404  # another's draft: as if absent
    assert accept(c["rival"], "resp-sa", "Karachi").status_code == 404
    assert c["teacher"].get("/teach/questions/no-such-question/responses").status_code == 404
    assert c["teacher"].get("/teach/questions/trade-mfn-puzzle/responses").status_code == 404  # single choice: nothing typed
    assert accept(c["teacher"], "resp-sa", "Peshawar").status_code == 404  # nobody gave it
    assert accept(c["teacher"], "resp-cloze", "Amritsar", blank="nowhere").status_code == 404
    assert accept(c["teacher"], "resp-cloze", "Amritsar", credit="0.5", blank="end").status_code == 400
    assert accept(c["teacher"], "resp-sa", "Karachi", credit="0.9").status_code == 400  # not a credit on offer
    assert c["teacher"].post("/teach/questions/resp-sa/responses/accept", data={"response": "Karachi", "credit": "1"}).status_code == 400
    assert versions_of(app, "resp-sa") == 1 and versions_of(app, "resp-cloze") == 1


def test_the_pages_run_the_same_statements_for_two_learners_or_six(app):
    teacher = person(app, "teacher", "instructor")
    write(app, teacher, "resp-sa")
    class_a, code = create_class(teacher, "Class A")
    assignment_id = create_assignment(app, teacher, class_a)
    set_questions(app, assignment_id, ["resp-sa"])
    counts = []
    for batch in ((0, 2), (2, 6)):
        for number in range(*batch):
            learner = person(app, f"learner{number}")
            join(learner, code)
            answer(app, learner, assignment_id, {"resp-sa": f"City number {number}"})
            answer(app, learner, assignment_id, {"resp-sa": "Karachi"})
        seen = []
        for path in ("/teach/questions/resp-sa/responses", "/teach/responses"):
            with count_statements(app) as ran:
                assert teacher.get(path).status_code == 200
            seen.append(len(ran))
        counts.append(seen)
    assert counts[0] == counts[1], counts


# --- The pure rules --------------------------------------------------------------------------

SA = {"id": "q", "type": "short_answer", "prompt": "Where?", "answers": [{"text": "Lahore", "credit": 1.0}]}
CLOZE = {"id": "c", "type": "cloze", "prompt": "Fill.", "text": "[[a]] and [[b]]",
         "blanks": [{"id": "a", "accept": ["Delhi"]}, {"id": "b", "accept": ["Lahore"]}]}
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def given(response, owner="user:1", minutes=0, data=SA, mark=0.0) -> Given:
    return Given(response, owner, mark, T0 + timedelta(minutes=minutes), 1, data)


def test_grouping_ignores_case_and_spacing_only_and_keeps_the_newest_first():
    groups = group_responses([given("Wagha  Border", minutes=1), given("wagha border", "user:2", minutes=3),
                              given("Wagha-border", minutes=2), given("wagha border", "user:1", minutes=4), given(""), given(None)])
    assert [(group.text, len(group.answers)) for group in groups] == [("wagha border", 3), ("Wagha-border", 1)]
    assert groups[0].learners == [("user:1", 2), ("user:2", 1)]


def test_cloze_groups_only_the_blanks_the_marking_version_refused():
    groups = group_responses([given({"a": "Delhi", "b": "Karachi"}, data=CLOZE, mark=0.5),
                              given({"a": "Agra", "b": None}, data=CLOZE, minutes=1)])
    assert [(group.blank, group.text) for group in groups] == [("a", "Agra"), ("b", "Karachi")]


def test_accepting_adds_the_response_where_each_type_keeps_its_answers():
    assert with_accepted(SA, "Karachi", 0.5)["answers"][-1] == {"text": "Karachi", "credit": 0.5}
    raised = with_accepted(with_accepted(SA, "Karachi", 0.5), "karachi", 1.0)["answers"]
    assert raised == [{"text": "Lahore", "credit": 1.0}, {"text": "Karachi", "credit": 1.0}]
    assert with_accepted(CLOZE, "Dilli", 1.0, "a")["blanks"][0]["accept"] == ["Delhi", "Dilli"]
    number = {"id": "n", "type": "numeric", "prompt": "Year?", "answer": 1999.0, "tolerance": 0.0, "unit": None, "units": {},
              "other_answers": [{"text": "2000", "credit": 0.25}]}
    assert with_accepted(number, "2000 AD", 0.5)["other_answers"] == [{"text": "2000 AD", "credit": 0.5}, {"text": "2000", "credit": 0.25}]
    assert credit_now(with_accepted(number, "2000 AD", 0.5), "2000") == 0.5  # the teacher's latest decision counts
    assert SA["answers"] == [{"text": "Lahore", "credit": 1.0}]  # the original data is left as it was
    assert credit_now(with_accepted(CLOZE, "Dilli", 1.0, "a"), "dilli", "a") == 1.0
    assert credit_now(CLOZE, "Dilli", "a") == 0.0


@pytest.mark.parametrize(("data", "blank", "key"), [
    ({"id": "q", "type": "short_answer", "answers": [{"text": "Wagah", "credit": 1.0}]}, None, "answers"),
    ({"id": "q", "type": "numeric", "answer": 2000.0, "tolerance": 0.0}, None, "other_answers"),
    ({"id": "q", "type": "cloze", "blanks": [{"id": "city", "accept": ["Lahore"]}]}, "city", None),
])
def test_the_file_snippet_is_yaml_that_accepts_the_response(data, blank, key):
    """What an admin pastes into a shipped bank file: the same change the browser's accept makes."""
    import yaml

    snippet = file_snippet(data, "Attari: the \"joint\" post", blank)
    loaded = yaml.safe_load(snippet)
    entries = loaded[key] if key else loaded
    texts = [entry["text"] if isinstance(entry, dict) else entry for entry in entries]
    assert texts == ['Attari: the "joint" post']
