"""Anki decks: a lesson's whole bank, or my cards due today, to review away from the site."""

from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Response, abort, url_for
from flask_babel import gettext as _

from app.course.interop.anki import build_deck
from app.extensions import db
from app.learning import bp
from app.learning.review_routes import live_cards
from app.media.store import image_files
from app.models import Lesson, Question, QuestionVersion
from app.progress import owner_key
from app.ratelimits import anki_decks
from app.review_status import end_of_local_day
from app.secrecy import answer_key, open_to_learners
from app.timezones import learner_zone


def _deck_response(name: str, filename: str, versions: list[QuestionVersion], slugs: dict[str, str]) -> Response:
    """The .apkg of these versions, each card linking back to its paragraph, with the images the cards show."""
    cards = [(v.data, v.html, url_for("learning.lesson", slug=slugs[v.question_id], _external=True) + "#" + v.data["lesson_anchor"])
             for v in versions]
    images = image_files([v.data for v in versions])
    return Response(build_deck(name, cards, answer_key(), images), mimetype="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def _current_versions(condition) -> tuple[list[QuestionVersion], dict[str, str]]:
    """The current versions of the questions learners may see that meet ``condition``, in course order, and their lessons' slugs."""
    rows = db.session.execute(
        sa.select(QuestionVersion, Lesson.slug).join(Question, sa.and_(
            Question.id == QuestionVersion.question_id, Question.version == QuestionVersion.version))
        .join(Lesson, Lesson.id == Question.lesson_id)
        .where(condition, open_to_learners())
        .order_by(Lesson.position, Question.position)).all()
    return [version for version, _ in rows], {version.question_id: slug for version, slug in rows}


@bp.route("/lessons/<slug>/anki.apkg")
@anki_decks
def anki_deck(slug: str):
    """A lesson's whole bank as an Anki deck."""
    lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == slug, Lesson.retired.is_(False)))
    if lesson is None:
        abort(404, description=_("There is no lesson “%(slug)s”.", slug=slug))
    versions, slugs = _current_versions(Question.lesson_id == lesson.id)
    return _deck_response(f"Backchannel::{lesson.title}", f"backchannel-{slug}.apkg", versions, slugs)


@bp.route("/review/anki.apkg")
@anki_decks
def anki_due_cards():
    """My cards due by the end of my own day as an Anki deck (to review away from the site)."""
    owner = owner_key(create=False)
    end_of_today = end_of_local_day(datetime.now(timezone.utc), learner_zone())
    due_ids = [card.question_id for card in live_cards(owner, due_by=end_of_today)] if owner else []
    if not due_ids:
        abort(404, description=_("You have no cards due today, so there is no deck to download."))
    versions, slugs = _current_versions(Question.id.in_(due_ids))
    return _deck_response("Backchannel::Due today", "backchannel-due.apkg", versions, slugs)
