"""The access matrix (F-19): every /teach/ route and /api/v1/classes/... route that takes a question id, a
class id, an assignment id, an attempt id or a lesson slug, for GET and POST, as each of seven actors: a
visitor, a student in each of two classes, two instructors (teachA owns class A, teachB class B), teachA's
co-instructor teachC, and an admin.

Every GET response an actor receives is also searched for the private text of questions (and a class
override) that actor may not see. Refused writes change nothing (a snapshot of every ownership-bearing
row is compared); allowed writes are checked for their stored effect.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Callable

import sqlalchemy as sa

from app.extensions import db
from app.models import (Assignment, ClassOverride, Classroom, ClassroomInstructor, Lesson, PublishRequest, Question,
                        QuestionShare, QuestionVersion, User)
from tests.conftest import PASSWORD, csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take

ACTORS = ("visitor", "studentA", "studentB", "teachA", "teachC", "teachB", "admin")

# Private text of each question (and teachB's override), and who may read it.
READERS = {
    "SECRET-ADRAFT": {"teachA", "admin"},
    "SECRET-ASHARED": {"teachA", "teachB", "admin"},
    "SECRET-ACLASS": {"teachA", "teachC", "admin"},
    "SECRET-AMOVE": {"teachA", "admin"},
    "SECRET-APUBLISH": {"teachA", "admin"},
    "SECRET-BDRAFT": {"teachB", "admin"},
    "SECRET-BOVERRIDE": {"teachB", "admin"},
}


@dataclass
class World:
    app: object
    clients: dict
    ids: dict = field(default_factory=dict)

    def path(self, template: str) -> str:
        return template.format(**self.ids)

    def user_id(self, name: str) -> int:
        with self.app.app_context():
            return db.session.scalar(sa.select(User.id).where(User.username == name))


def question_form(world: World, ident: str, marker: str, bank: str = "mine", **changes) -> dict:
    """The form of a single-choice question of the trade lesson whose prompt carries ``marker``."""
    return {"id": ident, "lesson": world.ids["trade"], "bank": bank, "prompt": f"{marker}: in which year did India grant MFN status?",
            "explanation": "In 1996.", "lesson_anchor": "mfn-1996", "tags": "trade, drafttag", "difficulty": "easy",
            "options-0-text": "1996", "options-0-feedback": "Right.", "options-1-text": "2006",
            "options-1-feedback": "That is SAFTA.", "answer": "a", "save": "1", **changes}


def write(world: World, author: str, ident: str, marker: str, bank: str = "mine") -> None:
    client = world.clients[author]
    path = "/teach/questions/new/single_choice?lesson=trade"
    response = client.post(path, data={**question_form(world, ident, marker, bank), "csrf_token": csrf_token(client, path)})
    assert response.status_code == 302, response.get_data(as_text=True)


def post_as(world: World, actor: str, path: str, data: dict | None = None, **kwargs):
    client = world.clients[actor]
    token = csrf_token(client, "/account/login" if actor == "visitor" else "/")
    return client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def api_token(client) -> dict:
    """A personal access token made on the account page, as a user would."""
    page = client.post("/account/tokens", data={"name": "matrix", "current": PASSWORD, "csrf_token": csrf_token(client, "/account/")})
    token = re.search(r"bc_[A-Za-z0-9_\-]+", page.get_data(as_text=True)).group(0)
    return {"Authorization": f"Bearer {token}"}


def build_world(app) -> World:
    """Two classes, their instructors and students, private questions in every bank, an override, an
    assignment with a submitted attempt and a pending request to publish."""
    world = World(app, {"visitor": app.test_client()})
    for name, role in (("teachA", "instructor"), ("teachB", "instructor"), ("teachC", "instructor"), ("teachD", "instructor"),
                       ("admin", "admin"), ("studentA", "student"), ("studentB", "student")):
        world.clients[name] = person(app, name, role)
    with app.app_context():
        world.ids["trade"] = db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == "trade"))
    world.ids["A"], code_a = create_class(world.clients["teachA"], "Class A")
    world.ids["B"], code_b = create_class(world.clients["teachB"], "Class B")
    added = post_as(world, "teachA", world.path("/teach/classes/{A}/instructors"), {"username": "teachC"})
    assert added.status_code == 302, added.get_data(as_text=True)
    join(world.clients["studentA"], code_a)
    join(world.clients["studentB"], code_b)
    write(world, "teachA", "a-draft", "SECRET-ADRAFT")
    write(world, "teachA", "a-shared", "SECRET-ASHARED")
    write(world, "teachA", "a-class", "SECRET-ACLASS", bank=f"class-{world.ids['A']}")
    write(world, "teachA", "a-move", "SECRET-AMOVE")
    write(world, "teachA", "a-publish", "SECRET-APUBLISH")
    write(world, "teachB", "b-draft", "SECRET-BDRAFT")
    assert post_as(world, "teachA", "/teach/questions/a-shared/shares", {"username": "teachB"}).status_code == 302
    override = world.path("/teach/questions/trade-mfn-puzzle/override?classroom={B}")
    overridden = post_as(world, "teachB", override, {**question_form(world, "trade-mfn-puzzle", "SECRET-BOVERRIDE"),
                                                     "classroom": world.ids["B"]})
    assert overridden.status_code == 302, overridden.get_data(as_text=True)
    world.ids["assignA"] = create_assignment(app, world.clients["teachA"], world.ids["A"], title="A check")
    world.ids["assignB"] = create_assignment(app, world.clients["teachB"], world.ids["B"], title="B check")
    with app.app_context():
        db.session.get(Assignment, world.ids["assignA"]).question_ids = ["a-class", "trade-mfn-puzzle", "trade-mfn-year"]
        db.session.commit()
    world.ids["attemptA"] = take(app, world.clients["studentA"], world.ids["assignA"])
    world.ids["attemptB"] = take(app, world.clients["studentB"], world.ids["assignB"])
    assert post_as(world, "teachA", "/teach/questions/a-publish/publish").status_code == 302
    with app.app_context():
        world.ids["request"] = db.session.scalar(sa.select(PublishRequest.id).where(PublishRequest.question_id == "a-publish"))
    for name in ("teachA", "teachB", "teachC", "admin", "studentA", "studentB"):
        world.clients[f"{name}-api"] = api_token(world.clients[name])
    return world


def teach(a: int, c: int, b: int, admin: int, student: int = 403, visitor: int = 302) -> dict[str, int]:
    """Expected statuses by actor for a /teach/ route (visitors go to the login page; students are refused)."""
    return {"visitor": visitor, "studentA": student, "studentB": student, "teachA": a, "teachC": c, "teachB": b, "admin": admin}


EVERY_TEACHER = teach(200, 200, 200, 200)
# An id beyond the database's integer range matches no route at all: a 404 for everyone, before any login check.
NO_ROUTE = teach(404, 404, 404, 404, student=404, visitor=404)
CLASS_A = teach(200, 200, 403, 200)
CLASS_B = teach(403, 403, 200, 200)

# Every page of one class and of one of its assignments ({C}, {assign}, {attempt} filled in per class).
CLASS_PAGES = (
    "/teach/classes/{C}", "/teach/classes/{C}/gradebook", "/teach/classes/{C}/gradebook.csv",
    "/teach/classes/{C}/gradebook.xlsx", "/teach/classes/{C}/edit", "/teach/classes/{C}/students",
    "/teach/classes/{C}/groups", "/teach/classes/{C}/assignments/new", "/teach/assignments/{assign}",
    "/teach/assignments/{assign}/edit", "/teach/assignments/{assign}/questions", "/teach/assignments/{assign}/overrides",
    "/teach/assignments/{assign}/release", "/teach/assignments/{assign}/preview", "/teach/assignments/{assign}/duplicate",
    "/teach/assignments/{assign}/delete", "/teach/assignments/{assign}/analysis", "/teach/attempts/{attempt}")

GETS = [
    ("/teach/", EVERY_TEACHER),
    ("/teach/questions?lesson=trade", EVERY_TEACHER),
    ("/teach/import", EVERY_TEACHER),
    ("/teach/responses", EVERY_TEACHER),
    ("/teach/lessons/new", teach(403, 403, 403, 200)),
    ("/teach/publish", teach(403, 403, 403, 200)),
    *[(path.format(C="{A}", assign="{assignA}", attempt="{attemptA}"), CLASS_A) for path in CLASS_PAGES],
    *[(path.format(C="{B}", assign="{assignB}", attempt="{attemptB}"), CLASS_B) for path in CLASS_PAGES],
    # Deleting a class is its owner's (or an admin's) alone; its co-instructor teachC is refused.
    ("/teach/classes/{A}/delete", teach(200, 403, 403, 200)),
    ("/teach/classes/{B}/delete", teach(403, 403, 200, 200)),
    *[(path, teach(404, 404, 404, 404)) for path in (
        "/teach/classes/999999/students", "/teach/assignments/999999", "/teach/assignments/999999/questions",
        "/teach/assignments/999999/overrides")],
    ("/teach/classes/999999", teach(404, 404, 404, 404)),
    ("/teach/classes/99999999999/gradebook", NO_ROUTE),
    ("/teach/assignments/999999/analysis", teach(404, 404, 404, 404)),
    ("/teach/attempts/no-such-attempt", teach(404, 404, 404, 404)),
    # A question's own page, its edit form, its regrade dry run, a copy of it, a class override of it.
    ("/teach/questions/a-draft", teach(200, 404, 404, 200)),
    ("/teach/questions/a-shared", teach(200, 404, 200, 200)),
    ("/teach/questions/a-class", teach(200, 200, 404, 200)),
    ("/teach/questions/b-draft", teach(404, 404, 200, 200)),
    ("/teach/questions/trade-mfn-puzzle", EVERY_TEACHER),
    ("/teach/questions/no-such-question", teach(404, 404, 404, 404)),
    ("/teach/questions/" + "x" * 2000 + "/edit", teach(404, 404, 404, 404)),
    *[(path, teach(400, 400, 400, 400, student=400, visitor=400)) for path in (  # refused before any view: a NUL
        "/teach/questions/a%00draft", "/teach/questions/new/single_choice?copy=a%00draft", "/teach/lessons/tr%00ade/bank.yaml")],
    ("/teach/questions/a-draft/edit", teach(200, 404, 404, 200)),
    ("/teach/questions/a-shared/edit", teach(200, 404, 403, 200)),
    ("/teach/questions/a-class/edit", teach(200, 200, 404, 200)),
    ("/teach/questions/b-draft/edit", teach(404, 404, 200, 200)),
    ("/teach/questions/trade-mfn-puzzle/edit", teach(403, 403, 403, 403)),
    ("/teach/questions/a-draft/regrade", teach(200, 404, 404, 200)),
    ("/teach/questions/a-shared/regrade", teach(200, 404, 403, 200)),
    ("/teach/questions/a-class/regrade", teach(200, 200, 404, 200)),
    ("/teach/questions/trade-mfn-puzzle/regrade", teach(403, 403, 403, 200)),
    # Response analysis: typed questions only (a-draft is single choice), the course bank's for every instructor.
    ("/teach/questions/trade-mfn-year/responses", EVERY_TEACHER),
    ("/teach/questions/a-draft/responses", teach(404, 404, 404, 404)),
    ("/teach/questions/new/single_choice?copy=a-draft", teach(200, 404, 404, 200)),
    ("/teach/questions/new/single_choice?copy=a-shared", teach(200, 404, 200, 200)),
    ("/teach/questions/new/single_choice?copy=a-class", teach(200, 200, 404, 200)),
    ("/teach/questions/new/single_choice?copy=b-draft", teach(404, 404, 200, 200)),
    ("/teach/questions/new/single_choice?copy=trade-mfn-puzzle", EVERY_TEACHER),
    ("/teach/questions/trade-mfn-puzzle/override?classroom={A}", teach(200, 200, 403, 200)),
    ("/teach/questions/trade-mfn-puzzle/override?classroom={B}", teach(403, 403, 200, 200)),
    ("/teach/questions/a-draft/override", teach(400, 404, 404, 400)),
    # Lesson slugs: the course bank plus what the caller may see.
    *[(f"/teach/lessons/trade/bank.{kind}", EVERY_TEACHER) for kind in ("yaml", "gift", "xml")],
    *[(f"/teach/lessons/no-such-lesson/bank.{kind}", teach(404, 404, 404, 404)) for kind in ("yaml", "gift", "xml")],
]

API_GETS = [
    ("/api/v1/classes/{A}/results", {**teach(200, 200, 403, 200, visitor=401)}),
    ("/api/v1/classes/{B}/results", {**teach(403, 403, 200, 200, visitor=401)}),
    ("/api/v1/classes/999999/results", {**teach(404, 404, 404, 404, visitor=401, student=404)}),
]


def readable(response) -> str:
    """A response's text: a workbook's (a zip of XML parts) unpacked, so a leak in an export is found as in a page."""
    data = response.get_data()
    if data.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(data)) as book:
            return "".join(book.read(name).decode("utf-8") for name in book.namelist() if name.endswith(".xml"))
    return data.decode("utf-8")


def test_every_get_answers_each_actor_as_the_matrix_says_and_leaks_nothing(app):
    world = build_world(app)
    wrong = []
    for template, expected in GETS + API_GETS:
        path = world.path(template)
        for actor in ACTORS:
            if path.startswith("/api/"):
                response = world.clients["visitor"].get(path, headers=world.clients.get(f"{actor}-api", {}))
            else:
                response = world.clients[actor].get(path)
            if response.status_code != expected[actor]:
                wrong.append(f"GET {path} as {actor}: {response.status_code}, expected {expected[actor]}")
            body = readable(response)
            wrong.extend(f"GET {path} as {actor} shows {marker}" for marker, readers in READERS.items()
                         if marker in body and actor not in readers)
    assert not wrong, "\n".join(wrong)


def test_exports_hold_the_course_bank_and_only_what_the_caller_may_see(app):
    world = build_world(app)
    exported = {actor: world.clients[actor].get("/teach/lessons/trade/bank.yaml").get_data(as_text=True)
                for actor in ("teachA", "teachB", "teachC", "admin")}
    assert all("id: trade-mfn-puzzle" in text for text in exported.values())
    assert {ident for ident in ("a-draft", "a-shared", "a-class", "b-draft") if f"id: {ident}\n" in exported["teachA"]} == {
        "a-draft", "a-shared", "a-class"}
    assert {ident for ident in ("a-draft", "a-shared", "a-class", "b-draft") if f"id: {ident}\n" in exported["teachB"]} == {
        "a-shared", "b-draft"}
    assert {ident for ident in ("a-draft", "a-shared", "a-class", "b-draft") if f"id: {ident}\n" in exported["teachC"]} == {"a-class"}


def snapshot(app) -> tuple:
    """Every row that says who owns, sees or uses what."""
    with app.app_context():
        rows = lambda *columns: sorted(map(tuple, db.session.execute(sa.select(*columns)).all()), key=repr)  # noqa: E731
        return (rows(Question.id, Question.bank, Question.classroom_id, Question.version, Question.retired, Question.author_id),
                rows(QuestionVersion.question_id, QuestionVersion.version), rows(QuestionShare.question_id, QuestionShare.user_id),
                rows(PublishRequest.id, PublishRequest.status, PublishRequest.note),
                rows(ClassroomInstructor.classroom_id, ClassroomInstructor.user_id),
                rows(ClassOverride.classroom_id, ClassOverride.question_id, ClassOverride.question_version_id),
                rows(Assignment.id, Assignment.classroom_id), rows(Classroom.id), rows(Lesson.slug))


def stored(app, model, *conditions):
    with app.app_context():
        return db.session.scalar(sa.select(model).where(*conditions))


@dataclass
class Write:
    """One POST route: who may (and the stored effect), and what everyone else gets."""

    path: str
    expected: dict[str, int]
    data: Callable[[World, str], dict] = lambda world, actor: {}
    effect: Callable[[World, str], None] = lambda world, actor: None
    order: tuple[str, ...] = ()  # when an actor's answer depends on another's write: who goes first

    def actors(self) -> tuple[str, ...]:
        """Refused actors first (nothing may change), then the allowed ones, unless an order is given."""
        return self.order or tuple(sorted(ACTORS, key=lambda actor: allowed(self, actor)))


def allowed(write: Write, actor: str) -> bool:
    return actor != "visitor" and 200 <= write.expected[actor] < 400


def edited(ident):
    def check(world, actor):
        assert f"edited by {actor}" in stored(world.app, QuestionVersion, QuestionVersion.question_id == ident,
                                              QuestionVersion.version == stored(world.app, Question, Question.id == ident).version).data["prompt"]
    return check


def edit_data(ident):
    return lambda world, actor: question_form(world, ident, f"edited by {actor}")


def upload(world, actor):
    return {"file": (io.BytesIO(b"::Q1:: 2 + 2 = 4 {T}"), "one.gift"), "lesson": world.ids["trade"], "bank": f"class-{world.ids['B']}"}


LATER_ADMIN = ("visitor", "studentA", "studentB", "teachC", "teachB", "teachA", "admin")

# In order: later rows do not depend on earlier rows' effects.
WRITES = [
    Write("/teach/questions/a-draft/edit", teach(302, 404, 404, 302), edit_data("a-draft"), edited("a-draft")),
    Write("/teach/questions/a-shared/edit", teach(302, 404, 403, 302), edit_data("a-shared"), edited("a-shared")),
    Write("/teach/questions/a-class/edit", teach(302, 302, 404, 302), edit_data("a-class"), edited("a-class")),
    Write("/teach/questions/b-draft/edit", teach(404, 404, 302, 302), edit_data("b-draft"), edited("b-draft")),
    Write("/teach/questions/trade-mfn-puzzle/edit", teach(403, 403, 403, 403), edit_data("trade-mfn-puzzle")),
    Write("/teach/questions/a-draft/retire", teach(302, 404, 404, 302),
          effect=lambda world, actor: None),  # teachA retires, the admin restores: checked below by state
    Write("/teach/questions/a-draft/regrade", teach(302, 404, 404, 302)),
    Write("/teach/questions/a-shared/regrade", teach(302, 404, 403, 302)),
    Write("/teach/questions/trade-mfn-puzzle/regrade", teach(403, 403, 403, 302)),
    Write("/teach/questions/trade-mfn-year/responses/accept", teach(403, 403, 403, 403)),  # shipped: it changes in its file
    Write("/teach/questions/a-draft/responses/accept", teach(404, 404, 404, 404)),
    Write("/teach/questions/new/single_choice?copy=a-draft", teach(302, 404, 404, 302),
          lambda world, actor: question_form(world, f"copy-{actor.lower()}", "copy"),
          lambda world, actor: _copied(world, actor, "a-draft")),
    Write("/teach/questions/new/single_choice?copy=a-shared", teach(302, 404, 302, 302),
          lambda world, actor: question_form(world, f"copy2-{actor.lower()}", "copy"),
          lambda world, actor: _copied(world, actor, "a-shared", "copy2")),
    Write("/teach/questions/trade-mfn-puzzle/override?classroom={A}", teach(302, 302, 403, 302),
          lambda world, actor: {**question_form(world, "trade-mfn-puzzle", f"override by {actor}"), "classroom": world.ids["A"]},
          lambda world, actor: _overridden(world, "A", actor)),
    Write("/teach/questions/trade-mfn-puzzle/override?classroom={B}", teach(403, 403, 302, 302),
          lambda world, actor: {**question_form(world, "trade-mfn-puzzle", f"override by {actor}"), "classroom": world.ids["B"]},
          lambda world, actor: _overridden(world, "B", actor)),
    Write("/teach/questions/a-draft/override", teach(400, 404, 404, 400),
          lambda world, actor: question_form(world, "a-draft", "override")),
    Write("/teach/import", teach(400, 400, 200, 200), upload,  # into class B's bank: only its instructors (and an admin)
          lambda world, actor: _imported(world, actor, "B")),
    Write("/teach/lessons/new", teach(403, 403, 403, 400),
          lambda world, actor: {"slug": "kartarpur", "title": "K", "summary": "S.", "objectives": "O.", "body": "x", "save": "1"}),
    Write("/teach/classes/{A}/assignments/new", teach(302, 302, 403, 302),
          lambda world, actor: {"title": f"Set by {actor}", "lessons": [world.ids["trade"]], "question_count": 2,
                                "grading_method": "highest", "review_option": "immediately"},
          lambda world, actor: _assignment_set(world, actor)),
    Write("/teach/questions/a-move/move", teach(302, 404, 404, 302),
          lambda world, actor: {"classroom": world.ids["A"]},
          lambda world, actor: _in_bank(world, "a-move", "class", world.ids["A"])),
    Write("/teach/questions/b-draft/move", teach(404, 404, 400, 302),  # class A is not teachB's to fill
          lambda world, actor: {"classroom": world.ids["A"]},
          lambda world, actor: _in_bank(world, "b-draft", "class", world.ids["A"])),
    Write("/teach/questions/a-draft/publish", teach(302, 404, 404, 302),
          effect=lambda world, actor: _pending(world, "a-draft")),
    Write("/teach/publish/{request}/decline", teach(403, 403, 403, 400)),  # the admin must say why
    Write("/teach/publish/{request}/approve", teach(403, 403, 403, 302),
          effect=lambda world, actor: _in_bank(world, "a-publish", "course", None)),
    Write("/teach/publish/{request}/approve", teach(403, 403, 403, 400)),  # decided already
    Write("/teach/questions/a-draft/shares", teach(302, 404, 404, 302), lambda world, actor: {"username": "teachD"},
          lambda world, actor: _shared(world, "a-draft", "teachD", True)),
    Write("/teach/questions/a-shared/shares/{teachB_id}/revoke", teach(302, 404, 403, 404),  # gone once teachA revoked
          effect=lambda world, actor: _shared(world, "a-shared", "teachB", False), order=LATER_ADMIN),
    Write("/teach/classes/{A}/instructors", teach(302, 403, 403, 400), lambda world, actor: {"username": "teachD"},
          lambda world, actor: _teaches(world, "teachD", "A", True), order=LATER_ADMIN),  # the admin finds teachD there
    Write("/teach/classes/{A}/instructors/{teachA_id}/remove", teach(400, 403, 403, 400)),  # nobody removes the owner
    Write("/teach/classes/{A}/instructors/99999999999/remove", NO_ROUTE),
    Write("/teach/questions/a-draft/shares/99999999999/revoke", NO_ROUTE),
    Write("/teach/publish/99999999999/approve", NO_ROUTE),
    Write("/teach/classes/99999999999/instructors", NO_ROUTE, lambda world, actor: {"username": "teachD"}),
    Write("/teach/classes/{A}/instructors/{teachD_id}/remove", teach(302, 403, 403, 404),
          effect=lambda world, actor: _teaches(world, "teachD", "A", False), order=LATER_ADMIN),
    Write("/teach/classes/{A}/instructors/{teachC_id}/remove", teach(404, 302, 403, 404),  # teachC leaves, then the others try
          effect=lambda world, actor: _teaches(world, "teachC", "A", False),
          order=("visitor", "studentA", "studentB", "teachB", "teachC", "teachA", "admin")),
]


def _imported(world, actor, classroom):
    found = stored(world.app, Question.id, Question.bank == "class", Question.classroom_id == world.ids[classroom],
                   Question.author_id == world.user_id(actor))
    assert found is not None


def _copied(world, actor, source, prefix="copy"):
    copy = stored(world.app, Question, Question.id == f"{prefix}-{actor.lower()}")
    assert copy.bank == "instructor" and copy.author_id == world.user_id(actor) and copy.copied_from_id == source


def _overridden(world, classroom, actor):
    version_id = stored(world.app, ClassOverride.question_version_id, ClassOverride.classroom_id == world.ids[classroom])
    assert f"override by {actor}" in stored(world.app, QuestionVersion.data, QuestionVersion.id == version_id)["prompt"]


def _assignment_set(world, actor):
    assert stored(world.app, Assignment.classroom_id, Assignment.title == f"Set by {actor}") == world.ids["A"]


def _in_bank(world, ident, bank, classroom_id):
    question = stored(world.app, Question, Question.id == ident)
    assert (question.bank, question.classroom_id) == (bank, classroom_id)


def _pending(world, ident):
    assert stored(world.app, PublishRequest.status, PublishRequest.question_id == ident) == "pending"


def _shared(world, ident, username, expected):
    found = stored(world.app, QuestionShare.id, QuestionShare.question_id == ident, QuestionShare.user_id == world.user_id(username))
    assert (found is not None) == expected


def _teaches(world, username, classroom, expected):
    found = stored(world.app, ClassroomInstructor.id, ClassroomInstructor.classroom_id == world.ids[classroom],
                   ClassroomInstructor.user_id == world.user_id(username))
    assert (found is not None) == expected


def test_every_post_is_refused_without_effect_or_allowed_with_its_effect(app):
    world = build_world(app)
    for name in ("teachA", "teachB", "teachC", "teachD"):
        world.ids[f"{name}_id"] = world.user_id(name)
    wrong = []
    for write in WRITES:
        path = world.path(write.path)
        for actor in write.actors():
            before = snapshot(app)
            response = post_as(world, actor, path, write.data(world, actor))
            status = response.status_code
            if status != write.expected[actor]:
                wrong.append(f"POST {path} as {actor}: {status}, expected {write.expected[actor]}: "
                             + " ".join(re.findall(r"<p[^>]*>([^<]{0,300})</p>", response.get_data(as_text=True))[:3]))
            elif not allowed(write, actor) and snapshot(app) != before:
                wrong.append(f"POST {path} as {actor} was refused ({status}) but changed something")
            elif allowed(write, actor):
                try:
                    write.effect(world, actor)
                except AssertionError as error:
                    wrong.append(f"POST {path} as {actor}: effect missing: {error}")
    assert not wrong, "\n".join(wrong)
    retired = stored(app, Question.retired, Question.id == "a-draft")
    assert retired is False  # retired by teachA, restored by the admin
