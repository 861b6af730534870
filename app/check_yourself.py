""""Check yourself": three quick questions at the end of a lesson, answered on the lesson page.

The three are drawn from the lesson's bank, of the quick kinds only (single choice, true/false,
short answer), never two of which one prints the other's answer. A draw is a random ``nonce`` and
the (question, version) pairs; it travels in each question's form, signed, so the lesson page needs
no row and no session to show it (a first-time visitor's page stays in the page cache until they
ask for the questions). Choice orders and answer tokens are worked out from the nonce with the
app's secret, as an attempt's are from its id, so neither the page nor the session cookie (which a
learner can read) holds a real option id.

An answer counts as practice: its first try is a retrieval (``source="practice"``), so its review
card and the lesson's mastery move as a practice question's first try does. What was answered is
kept in the session (one draw at a time), so a reload, the back button or a second click shows the
verdict again and records nothing twice. The session can be replayed or forgotten ("Try three other
questions"), so the signed draw also carries when it was made: a question of the draw that the learner
has had a retrieval of since then is not recorded again.
"""

import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import abort, current_app, session
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeSerializer

from app.course.leaks import cached_leak_graph, leak_free_sample
from app.course.quiz import ForgedResponse, choice_order, parse_response
from app.course.scoring import Outcome, score
from app.extensions import db
from app.course_cache import QuestionInfo, snapshot, version_contents
from app.models import ReviewLog
from app.progress import owner_key, record_retrievals
from app.secrecy import held_back, secret_rng, with_answer_form

CHECK_TYPES = frozenset({"single_choice", "true_false", "short_answer"})
CHECK_SIZE = 3
SESSION_KEY = "check_yourself"


@dataclass
class Draw:
    """Three questions of one lesson, fixed by ``nonce``; ``answers`` maps a place to the response given."""

    lesson_id: int
    nonce: str
    questions: list[tuple[str, int]]  # (question id, version id)
    answers: dict[str, object] = field(default_factory=dict)
    issued: int = field(default_factory=lambda: int(time.time()))  # epoch seconds when drawn

    @property
    def scope(self) -> str:
        """The scope of this draw's answer tokens (as an attempt's are ``attempt:<id>``)."""
        return f"check:{self.nonce}"

    @property
    def finished(self) -> bool:
        return len(self.answers) >= len(self.questions)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="backchannel: check yourself")


def signed(draw: Draw) -> str:
    """The draw as the forms carry it: lesson, nonce and question versions, signed (no answers, no option ids)."""
    return _serializer().dumps({"l": draw.lesson_id, "n": draw.nonce, "q": draw.questions, "t": draw.issued})


def from_signed(text: str, lesson_id: int) -> Draw:
    """The draw a form carried, or a 400 page if it was altered or belongs to another lesson."""
    try:
        value = _serializer().loads(text or "")
        draw = Draw(int(value["l"]), str(value["n"]), [(str(q), int(v)) for q, v in value["q"]], issued=int(value["t"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        abort(400, description=_("These questions could not be read back; reload the lesson and try again. Nothing was saved."))
    if draw.lesson_id != lesson_id:
        abort(400, description=_("These questions belong to another lesson; reload the page and try again. Nothing was saved."))
    return draw


def _open_quick(lesson_id: int) -> list[QuestionInfo]:
    """The lesson's quick questions open to learners (``open_to_learners``' rule), in bank order, from memory."""
    holds = held_back()
    return [q for q in snapshot().course_questions(lesson_id) if q.type in CHECK_TYPES and q.id not in holds]


def _candidates(lesson_id: int) -> list[tuple[str, int, dict]]:
    questions = [q for q in _open_quick(lesson_id) if q.version_id is not None]
    contents = version_contents(q.version_id for q in questions)
    return [(q.id, q.version_id, contents[q.version_id].data) for q in questions]


def available(lesson_id: int) -> bool:
    """Whether the lesson has any quick question to ask."""
    return bool(_open_quick(lesson_id))


def new_draw(lesson_id: int) -> Draw | None:
    """A fresh draw of up to three quick questions (None when the lesson has none)."""
    questions = _candidates(lesson_id)
    if not questions:
        return None
    nonce = secrets.token_urlsafe(12)
    rng = secret_rng(f"check-draw:{nonce}")
    apart = cached_leak_graph([data for _, _, data in questions]).pairs
    versions = {ident: version for ident, version, _ in questions}
    picked = leak_free_sample(list(versions), min(CHECK_SIZE, len(versions)), apart, rng)
    return Draw(lesson_id, nonce, [(ident, versions[ident]) for ident in picked])


def current_draw(lesson_id: int) -> Draw | None:
    """The draw this learner is answering for this lesson (kept in the session once they answer), if any."""
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, dict) or kept.get("l") != lesson_id or "t" not in kept:
        return None
    return Draw(lesson_id, kept["n"], [(q, v) for q, v in kept["q"]], dict(kept.get("a", {})), int(kept["t"]))


def _keep(draw: Draw) -> None:
    session[SESSION_KEY] = {"l": draw.lesson_id, "n": draw.nonce, "q": draw.questions, "a": draw.answers, "t": draw.issued}


def forget(lesson_id: int) -> None:
    """Drop the kept draw of this lesson, so the next page view draws three other questions."""
    if current_draw(lesson_id) is not None:
        session.pop(SESSION_KEY, None)


def items(draw: Draw) -> list[dict]:
    """The draw's questions as the templates show them: the opaque form, and the verdict once answered.

    A question no longer open to learners (retired, or an exam now holds it back) is left out.
    """
    questions, holds = snapshot().questions, held_back()
    versions = {ident: version for ident, version in version_contents(v for _, v in draw.questions).items()
                if (q := questions.get(version.question_id)) is not None and q.lesson_id == draw.lesson_id
                and not q.retired and q.bank == "course" and q.id not in holds}
    shown = []
    for place, (ident, version_id) in enumerate(draw.questions):
        version = versions.get(version_id)
        if version is None or version.question_id != ident:
            continue
        data = version.data
        order = choice_order(data, secret_rng(f"{draw.scope}:{ident}"))
        item = with_answer_form({"position": place, "field": f"c{place}", "order": order, "version": version,
                                 "data": data, "html": version.html}, draw.scope)
        item["answered"] = str(place) in draw.answers
        item["given"] = draw.answers.get(str(place))
        item["outcome"] = score(data, item["given"]) if item["answered"] else None
        shown.append(item)
    return shown


def answer(draw: Draw, place: int, get_all) -> Outcome | None:
    """Score one answer of the draw and count it as practice, once; a repeat changes nothing.

    None when no answer was given (the page asks for one); a 400 page for a place the draw lacks or a
    forged value. Nothing is saved in either case.
    """
    kept = current_draw(draw.lesson_id)
    if kept is not None and kept.nonce == draw.nonce:
        draw = kept
    by_place = {item["position"]: item for item in items(draw)}
    item = by_place.get(place)
    if item is None:
        abort(400, description=_("That question is not part of this check; reload the lesson and try again. Nothing was saved."))
    if item["answered"]:
        return item["outcome"]  # a second click, the back button or another tab: the first answer stands
    try:
        response = parse_response(item["data"], item["field"], item["form"].reader(get_all))
    except ForgedResponse as forged:
        abort(400, description=_("%(reason)s Nothing was saved.", reason=forged))
    if response is None:
        return None
    outcome = score(item["data"], response)
    if not _retrieved_since(owner_key(), item["data"]["id"], draw.issued):
        _record(item, response, outcome)
    draw.answers[str(place)] = response
    _keep(draw)
    return outcome


def _retrieved_since(owner: str, question_id: str, issued: int) -> bool:
    """Whether the learner has a retrieval of this question since the draw was made (a replayed answer)."""
    return db.session.scalar(sa.select(ReviewLog.id).where(
        ReviewLog.owner_key == owner, ReviewLog.question_id == question_id,
        ReviewLog.reviewed_at >= datetime.fromtimestamp(issued, timezone.utc)).limit(1)) is not None


def _record(item: dict, response: object, outcome: Outcome) -> None:
    """Count one answer as practice: its review card moves and the review is logged."""
    now = datetime.now(timezone.utc)
    record_retrievals(owner_key(), [{"question_id": item["data"]["id"], "version_id": item["version"].id,
                                     "status": outcome.status, "score": outcome.score, "response": response,
                                     "seconds": None}], "practice", now)
    db.session.commit()
