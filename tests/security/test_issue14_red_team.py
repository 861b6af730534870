"""Red team of issue 14's new features (response analysis, known wrong answers, excludes, leak-free draws): each
test is a finding, written to fail before its fix. Proof scripts against a served clone are named in the report."""

import re

from tests.test_response_analysis import answer, cards, page, set_data, text, world  # noqa: F401  (world is a fixture)


# --- Response analysis --------------------------------------------------------------------------

def test_a_cloze_answer_with_two_blanks_short_counts_once(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    answer(app, c["sana"], ids["assignA"], {"resp-cloze": {"start": "Multan", "end": "Karachi"}})
    html = page(c["teacher"], "/teach/questions/resp-cloze/responses")
    assert "1 answer scored less than full" in text(html)  # one learner's one answer, though both blanks fell short
    overview = text(page(c["teacher"], "/teach/responses"))
    assert re.search(r"resp-cloze Trade Cloze 1 2 1 ", overview)  # the course-wide list agrees: 1 answer, 2 responses


def test_a_response_that_cannot_be_accepted_offers_no_button_and_says_why(world):
    app, c, ids = world["app"], world["clients"], world["ids"]
    set_data(app, "resp-sa", wrong_answers=[{"text": "Karachi", "feedback": "Karachi is by the sea."}])
    answer(app, c["sana"], ids["assignA"], {"resp-sa": "karachi", "resp-num": "1990-2000"})
    answer(app, c["bilal"], ids["assignA"], {"resp-sa": "Multan", "resp-num": "not a year"})
    other, known = cards(page(c["teacher"], "/teach/questions/resp-sa/responses"))  # newest first
    assert "Accept" in other and "Accept" not in known
    assert "known wrong answer" in known
    for card in cards(page(c["teacher"], "/teach/questions/resp-num/responses")):
        assert "Accept" not in card and "cannot be accepted" in card, card
