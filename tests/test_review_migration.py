"""The issue-18 migration: the review cards a blank essay in a test made before issue 16 go; every other card stays."""

from datetime import datetime

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app.extensions import db

BEFORE = "d17c2e5a7f43"
NOW = datetime(2026, 11, 1, 9, 0)


def add_card(owner: str, question_id: str, sources: list[str]) -> int:
    """A card with one log per source, as the app wrote them before this migration (raw SQL: the models are newer)."""
    version_id = db.session.execute(sa.text("SELECT id FROM question_version WHERE question_id = :q LIMIT 1"),
                                    {"q": question_id}).scalar()
    card_id = db.session.execute(sa.text(
        "INSERT INTO review_card (owner_key, question_id, state, step, stability, difficulty, due, last_review) "
        "VALUES (:o, :q, 2, NULL, 1.0, 5.0, :t, :t) RETURNING id"), {"o": owner, "q": question_id, "t": NOW}).scalar()
    for source in sources:
        db.session.execute(sa.text(
            "INSERT INTO review_log (owner_key, card_id, question_id, question_version_id, source, rating, score, "
            "response, reviewed_at, seconds_taken, card_before) VALUES (:o, :c, :q, :v, :s, 1, 0, NULL, :t, NULL, '{}')"),
            {"o": owner, "c": card_id, "q": question_id, "v": version_id, "s": source, "t": NOW})
    return card_id


def test_the_migration_removes_only_cards_of_essays_no_grade_ever_rated(make_app):
    app = make_app("loaded")
    with app.app_context():
        downgrade(revision=BEFORE)
        essays = list(db.session.execute(sa.text("SELECT id FROM question WHERE type = 'essay' ORDER BY id LIMIT 2")).scalars())
        other = db.session.execute(sa.text("SELECT id FROM question WHERE type = 'single_choice' LIMIT 1")).scalar()
        blank = add_card("user:1", essays[0], ["test", "test"])  # written blank in two tests: rated Again, never graded
        graded = add_card("user:1", essays[1], ["test", "self-grade"])  # graded later by its writer: a real card
        choice = add_card("user:1", other, ["test"])
        db.session.commit()
        upgrade()
        cards = set(db.session.execute(sa.text("SELECT id FROM review_card")).scalars())
        logs = dict(db.session.execute(sa.text("SELECT card_id, COUNT(*) FROM review_log GROUP BY card_id")).all())
        db.session.commit()
        db.engine.dispose()
    assert cards == {graded, choice}
    assert logs == {graded: 2, choice: 1}
