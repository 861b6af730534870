"""Hints: an optional ``hint`` on any question, checked at its file and line, shown in practice and review and
never in a graded test."""

import re

import pytest
import sqlalchemy as sa

from app.course.bank import parse_bank_text, render_question
from app.course.interop.gift import export_gift
from app.course.qtypes.base import HINT_MAX_CHARS
from app.extensions import db
from app.models import Question, QuestionVersion
from tests.test_bank import BANK, line_of, parse
from tests.test_quiz import layout_data, start

HINTED = BANK.replace("        explanation: India granted MFN in 1996.",
                      '        hint: "It came soon after the WTO was set up."\n        explanation: India granted MFN in 1996.')


def test_a_hint_is_kept_and_rendered_and_a_question_without_one_is_unchanged():
    bank, problems = parse(HINTED)
    assert problems == []
    hinted, plain = bank.questions
    assert hinted.data["hint"] == "It came soon after the WTO was set up."
    assert render_question(hinted.data)["hint"] == "It came soon after the WTO was set up."
    assert "hint" not in plain.data and "hint" not in render_question(plain.data)
    assert parse(BANK)[0].questions[1].version == plain.version  # no hint, no new version


@pytest.mark.parametrize(("hint", "message"), [
    ('""', "'hint' must not be empty"),
    ("[a, b]", "'hint' must be text"),
    ("yes", "'hint' must be text (quote yes/no/true/false)"),
    ('"' + "x" * (HINT_MAX_CHARS + 1) + '"', f"'hint' is {HINT_MAX_CHARS + 1} characters; a hint holds at most {HINT_MAX_CHARS}"),
])
def test_a_bad_hint_is_refused_at_its_file_and_line(hint, message):
    text = HINTED.replace('"It came soon after the WTO was set up."', hint)
    bank, problems = parse_bank_text(text, "quizzes/sample.yaml", "sample", {"mfn", "safma"})
    assert bank is None
    line = line_of(text, "hint:")
    assert any(p.line == line and message in p.message for p in problems), problems
    assert any(str(p).startswith(f"quizzes/sample.yaml:{line}: question 's-one'") for p in problems)


def test_gift_carries_the_hint():
    data = parse(HINTED)[0].questions[0].data
    text, skipped = export_gift([data])
    assert not skipped and "It came soon after the WTO was set up." in text


def hinted_trade_question(app) -> tuple[str, str]:
    """A shipped trade question with a hint: (id, hint)."""
    with app.app_context():
        for ident, data in db.session.execute(sa.select(Question.id, QuestionVersion.data).join(
                QuestionVersion, sa.and_(QuestionVersion.question_id == Question.id, QuestionVersion.version == Question.version))):
            if data.get("hint") and ident.startswith("trade-"):
                return ident, data["hint"]
    raise AssertionError("no trade question has a hint")


def test_practice_shows_the_hint_closed_under_its_question(app, client):
    ident, hint = hinted_trade_question(app)
    public_id = start(client, mode="practice")
    position = [data["id"] for data in layout_data(app, public_id)].index(ident)
    page = client.get(f"/attempts/{public_id}?q={position}").get_data(as_text=True)
    found = re.search(r'<details class="question-hint">\s*<summary>Show a hint</summary>\s*<p>(.*?)</p>', page)
    assert found and found.group(1) == hint.replace("'", "&#39;")


def test_a_graded_test_never_shows_a_hint(app, client):
    ident, hint = hinted_trade_question(app)
    for _ in range(30):
        public_id = start(client)
        if ident in [data["id"] for data in layout_data(app, public_id)]:
            break
    else:
        raise AssertionError("30 trade tests never drew the hinted question")
    page = client.get(f"/attempts/{public_id}").get_data(as_text=True)
    assert "Show a hint" not in page and hint not in page
