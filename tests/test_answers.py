"""Typed answers read as a fair marker reads them (app/course/answers.py, quizzes/README.md).

Each rule has cases that must pass and cases that must fail; a property test checks that no
shipped question's known wrong answers, nor the wrong options of a choice question asking the
same thing, ever score full marks, however they are dressed up.
"""

import pytest
from hypothesis import given, settings, strategies as st

from app.course import qtypes
from app.course.answers import Answer, match_text, parse_rules, text_form
from app.course.bank import parse_bank_text
from app.course.qtypes.essay import graded
from app.course.scoring import key_response, score


def short(*accepted, wrong=(), spelling=None, prompt=""):
    data = {"type": "short_answer", "prompt": prompt, "answers": [{"text": a, "credit": 1.0} for a in accepted],
            "wrong_answers": [{"text": w, "feedback": f"Not {w}."} for w in wrong]}
    if spelling:
        data["spelling"] = spelling
    return data


@pytest.mark.parametrize(("accepted", "response"), [
    ("Wagah", "the Wagah"), ("Kashmir dispute", "The Kashmir dispute"), ("2000", "in 2000"),
    ("Jammu and Kashmir", "Jammu & Kashmir"), ("confidence-building measure", "confidence building measures"),
    ("Confidence-building measures", "confidence-building measure"), ("A. B. Vajpayee", "a.b. vajpayee"),
    ("Yousaf Raza Gilani", "Yousaf Raza Gillani"), ("Yousaf Raza Gilani", "Yusuf Raza Gilani"),
    ("Maulana Fazl-ur-Rehman", "Maulana Fazal-ur-Rahman"), ("Khurshid Mahmud Kasuri", "Khurshid Mehmood Qasuri"),
    ("Feroz Shah Kotla", "Firoz Shah Kotla"), ("Wagah", "Wagha"), ("Dhaka", "Dacca"),
    ("Atal Bihari Vajpayee", "Atal Bihari Vajpaye"),  # one typo in a long name
    ("Musharraf", "Musharrf"), ("Musharraf", "Mushrraf"), ("Government of India", "the Government of India"),
    ("Green Circle Organization", "Green Circle Organisation"), ("intermediate goods", "an intermediate good"),
    ("Signatories for Peace", "about Signatories for Peace"), ("Junejo", "Prime Minister Junejo"),
    ("Jammu and Kashmir", "Jammu-Kashmir"), ("South Asian Association for Regional Cooperation", "South Asian Association of Regional Cooperation"),
])
def test_must_pass(accepted, response):
    assert score(short(accepted), response).score == 1.0, response


@pytest.mark.parametrize(("accepted", "wrong", "response"), [
    ("R. K. Mishra", ["Brajesh Mishra"], "Brajesh Mishra"),       # the other Mishra
    ("R. K. Mishra", ["Brajesh Mishra"], "Brajesh Mishraa"),      # a typo of a known wrong answer
    ("Lahore Declaration", ["Simla Agreement"], "the Simla Agreement"),
    ("Wagah", [], "Wagahh"),                                      # typos only in answers of 8+ letters
    ("Dhaka", [], "Dhakka"),
    ("Vajpayee", [], "Vjpyee"),                                   # 8 letters, but two typos
    ("Kashmir", [], "Kashmiri"),                                  # short: no typo allowed
    ("Musharraf", [], "Musharraf Sharif"),
    ("Jammu and Kashmir", [], "Jammu"), ("Wagah", [], "the"), ("Wagah", [], "border"),
    ("1987", [], "1988"), ("Atal Bihari Vajpayee", [], "Atal Bihari Vajpayee 1999"),
])
def test_must_fail(accepted, wrong, response):
    outcome = score(short(accepted, wrong=wrong), response)
    assert outcome.score == 0.0, response


def test_a_known_wrong_answer_gives_its_feedback_and_beats_leniency():
    data = short("Benazir Bhutto", wrong=["Zulfikar Bhutto"])
    outcome = score(data, "the Zulfikar Bhutto")
    assert outcome.score == 0 and outcome.matched == "Zulfikar Bhutto"


def test_a_near_miss_says_check_the_spelling_and_takes_the_question_rule():
    lenient = score(short("Vajpayee"), "Vajpayeee")
    assert lenient.score == 1.0 and "did you mean “Vajpayee”" in lenient.note
    strict = score(short("Vajpayee", spelling="strict"), "Vajpayeee")
    assert strict.score == 0.0 and "spelling" in strict.note and "Vajpayee" not in strict.note


def test_a_typo_between_two_answers_of_different_credit_is_not_guessed():
    answers = [Answer("Satinder Lambah", 1.0), Answer("Satinder Lambaa", 0.5)]
    assert match_text("Satinder Lambab", answers).credit == 0.0


def test_initials_are_not_taken_for_articles():
    assert text_form("A. B. Vajpayee").keys == {"abvajpayee"}
    assert text_form("A. B. Vajpayee").same(text_form("AB Vajpayee"))
    assert text_form("a Kashmir dispute").same(text_form("Kashmir dispute"))


@pytest.mark.parametrize(("accepted", "response"), [
    ("Green Circle Organization", "Green Circle Organizaton"),  # a typo in the other spelling (organisation) of a table word
    ("Dehumanizing", "Dehumanzing"), ("Khursheed Kasuri", "Khursheeb Kasuri"),
    ("Ram", "Lord Shri Raam"), ("Rama", "Bhagwan Raama"),     # titles of a god, and the long vowel written out
])
def test_typos_and_spellings_that_must_pass(accepted, response):
    assert score(short(accepted), response).score == 1.0, response


@pytest.mark.parametrize(("accepted", "response"), [
    ("Dehumanising", "Rehumanising"),                         # a slip in the first letter makes another word
    ("Jamiat Ulema-e-Hind", "Jamiat Ulema-e-Sind"),           # ... in any word: Sind is not Hind
    ("R. K. Mishra", "J. K. Mishra"),                         # an initial names someone else
    ("Jamiat Ulema-e-Islam", "Jamiat Ulema-e-Islam (S)"),     # a faction's letter added is another faction
    ("Jamiat Ulema-e-Islam (F)", "Jamiat Ulema-e-Islam (S)"),
    ("Vajpayee", "Vajpa"),                                    # a slip of the six-letter spelling Vajpai: too short
])
def test_typos_that_must_fail(accepted, response):
    assert score(short(accepted), response).score == 0.0, response


def test_both_forms_of_one_answer_in_brackets():
    data = short("Green Circle Organisation", "GCO", "Kotla", wrong=["Kartarpur"])
    data["answers"][2]["credit"] = 0.5
    assert score(data, "GCO (Green Circle Organisation)").score == 1.0
    assert score(data, "Green Circle Organisation [GCO]").score == 1.0
    assert score(data, "GCO (Kotla)").score == 0.5                      # the lower credit of the two
    assert score(data, "GCO (Kartarpur)").score == 0.0                  # a known wrong answer inside: a hedge
    assert score(data, "Kartarpur (GCO)").matched == "Kartarpur"
    assert score(data, "GCO (not Green Circle Organisation)").score == 0.0
    assert score(data, "GCO (Lahore)").score == 0.0


WAGAH = short("Wagah", "Wagah border", wrong=["Kartarpur", "Kartarpur corridor"],
              prompt="The paper notes that more people have been crossing one border point between the two countries. Which one?")
GATE = short("Nawaz Sharif", wrong=["Vajpayee"], prompt="Which prime minister opened the gate to welcome Vajpayee at Wagah?")
MOSQUE = short("Jama Masjid", prompt="Syed Ahmad was the Imam of which mosque in Delhi?")


@pytest.mark.parametrize(("data", "response"), [
    (WAGAH, "Wagah border crossing point"), (WAGAH, "Wagah crossing point between the two countries"),
    (WAGAH, "the border point Wagah"), (GATE, "Nawaz Sharif at Wagah"), (MOSQUE, "Jama Masjid in Delhi"),
    (MOSQUE, "the Jama Masjid mosque"),
])
def test_words_of_the_prompt_said_again_are_no_error(data, response):
    assert score(data, response).score == 1.0, response


@pytest.mark.parametrize(("data", "response"), [
    (WAGAH, "border point"), (WAGAH, "crossing"), (WAGAH, "not the Wagah border"), (WAGAH, "Wagah border not"),
    (WAGAH, "Kartarpur border point"), (WAGAH, "Wagah corridor"),        # a word of a known wrong answer is a hedge
    (GATE, "Nawaz Sharif Vajpayee"), (GATE, "Vajpayee at Wagah"),        # a name of the prompt is another answer
    (MOSQUE, "Delhi"), (WAGAH, "≠ Wagah"), (WAGAH, "¬Wagah"),
])
def test_words_of_the_prompt_never_carry_a_wrong_answer(data, response):
    assert score(data, response).score == 0.0, response


def test_a_cloze_blank_reads_the_words_around_it_but_not_the_blank_ids():
    data = {"type": "cloze", "prompt": "Fill in the blanks.",
            "text": "Messages go through an informal go-between, or an outside [[who]] party, with a [[quality]] character.",
            "blanks": [{"id": "who", "accept": ["third"], "wrong_answers": [{"text": "second", "feedback": "No."}]},
                       {"id": "quality", "accept": ["dynamic"], "wrong_answers": [{"text": "informal", "feedback": "No."}]}]}
    assert score(data, {"who": "third party", "quality": "dynamic character"}).score == 1.0
    for who in ("outside party", "second party", "party", "who"):
        assert not score(data, {"who": who}).parts["who"], who
    assert not score(data, {"quality": "dynamic informal"}).parts["quality"]   # "informal" is a known wrong answer


# --- Numbers -------------------------------------------------------------------------------

MILLIONS = {"type": "numeric", "answer": 403.0, "tolerance": 0.0, "unit": "million", "units": {},
            "prompt": "In millions of US dollars, what were Pakistan's exports to India in 2013?"}
YEAR = {"type": "numeric", "answer": 1999.0, "tolerance": 0.0, "unit": None, "units": {}, "prompt": "In which year?"}
COUNT = {"type": "numeric", "answer": 12.0, "tolerance": 0.0, "unit": "times", "units": {},
         "prompt": "How many times did they meet?"}
PEOPLE = {"type": "numeric", "answer": 22000.0, "tolerance": 0.0, "unit": None, "units": {},
          "prompt": "About how many people signed the petition?"}
LAKH = {"type": "numeric", "answer": 2.0, "tolerance": 0.0, "unit": "lakh", "units": {},
        "prompt": "How many rupees, in lakh?"}
MINUTES = {"type": "numeric", "answer": 90.0, "tolerance": 0.0, "unit": "minutes", "units": {},
           "prompt": "For how many minutes did they talk?"}
GAP = {"type": "numeric", "answer": 10.0, "tolerance": 0.0, "unit": "years", "units": {},
       "prompt": "How many years had passed since the last visit?"}
SHARE = {"type": "numeric", "answer": 80.0, "tolerance": 0.0, "unit": "percent", "units": {},
         "prompt": "What percentage of the goods are raw materials?"}


@pytest.mark.parametrize(("data", "response"), [
    (YEAR, "1999"), (YEAR, "in 1999"), (YEAR, "1999 AD"), (YEAR, "AD 1999"), (YEAR, "1999 CE"), (YEAR, "the year 1999"),
    (COUNT, "twelve"), (COUNT, "12 times"), (COUNT, "a dozen"), (COUNT, "Twelve times"),
    (PEOPLE, "22,000"), (PEOPLE, "about 22,000"), (PEOPLE, "22 thousand"), (PEOPLE, "22k"), (PEOPLE, "twenty-two thousand"),
    (PEOPLE, "22000 people"), (MILLIONS, "403"), (MILLIONS, "403 mn"), (MILLIONS, "USD 403 million"),
    (MILLIONS, "$0.403 billion"), (MILLIONS, "403,000,000"), (MILLIONS, "US$403m"), (MILLIONS, "403 million dollars"),
    (LAKH, "2 lakh"), (LAKH, "200,000"), (LAKH, "Rs 2 lakh"), (LAKH, "2,00,000"), (LAKH, "0.02 crore"),
    (MINUTES, "90"), (MINUTES, "1.5 hours"), (MINUTES, "ninety minutes"), (MINUTES, "an hour and a half"),
    (MINUTES, "one and a half hours"), (YEAR, "nineteen ninety-nine"), (YEAR, "November 1999"), (YEAR, "14th February 1999"),
    (YEAR, "early 1999"), (YEAR, "mid-1999"), (YEAR, "late 1999"), (PEOPLE, "22,000 or so"), (PEOPLE, "22 thousand people or so"),
    (MINUTES, "1 hour 30 minutes"), (MINUTES, "1 hr and 30 min"), (PEOPLE, "22 000"), (PEOPLE, "about 22 000 people"),
    (GAP, "10 years"), (GAP, "120 months"), (GAP, "a decade"), (SHARE, "80%"), (SHARE, "80 per cent"), (SHARE, "eighty percent"),
    (MILLIONS, "$403 million"), (YEAR, "~1999"), (COUNT, "12 meetings"),
])
def test_numbers_that_must_pass(data, response):
    assert score(data, response).score == 1.0, response


@pytest.mark.parametrize(("data", "response"), [
    (YEAR, "1998"), (YEAR, "2000"), (YEAR, "1990s"), (YEAR, "1998-1999"), (YEAR, "1998 or 1999"), (YEAR, "nineteen"),
    (COUNT, "eleven"), (COUNT, "12 years"), (PEOPLE, "22"), (PEOPLE, "22 million"), (PEOPLE, "2,200"),
    (MILLIONS, "403 thousand"), (MILLIONS, "403 bn"), (MILLIONS, "Rs 403 million"), (MILLIONS, "4.03"),
    (LAKH, "2 crore"), (MINUTES, "90 hours"), (MINUTES, "an hour"), (YEAR, "nineteen ninety-eight"), (YEAR, "November 1998"),
    (YEAR, "1999 BC"), (YEAR, "mid-1998"), (YEAR, "early 1998 or 1999"), (PEOPLE, "2,200 or so"), (YEAR, "1999 or so BC"), (YEAR, "1999 BC BC"), (YEAR, "BC 1999 BC"), (YEAR, "1999 wrong"), (YEAR, "1999 no"),
    (YEAR, "not 1999"), (YEAR, "≠1999"), (YEAR, "< 1999"), (YEAR, "$1999"), (YEAR, "1999 rupees"), (YEAR, "1999 €"),
    (PEOPLE, "22,000 rupees"), (PEOPLE, "$22,000"), (PEOPLE, "22,000 km"), (PEOPLE, "22,000 votes"),
    (SHARE, "80 USD"), (SHARE, "80 ‰"), (SHARE, "80°"), (SHARE, "80 per mille"), (MINUTES, "90 dollars"),
    (MINUTES, "2 hours 30 minutes"), (MINUTES, "1 hour 30"), (MINUTES, "1 hour 90 minutes"), (GAP, "12 months"),
    (MILLIONS, "€403 million"), (MILLIONS, "£403 million"), (YEAR, "hundred " * 200), (YEAR, "nine" * 70),
])
def test_numbers_that_must_fail(data, response):
    assert score(data, response).score == 0.0, response


def test_the_unit_assumed_is_said_and_an_ambiguous_number_is_explained():
    assert "Read as 403 million" in score(MILLIONS, "403").note
    missed = score(MILLIONS, "0.403")
    assert missed.score == 0 and "write it" in missed.note
    assert "rupees" in score(MILLIONS, "Rs 403 million").note
    assert "range" in score(YEAR, "1998-1999").note


def test_numeric_wrong_and_other_answers():
    data = {**YEAR, "wrong_answers": [{"text": "1998", "feedback": "That is the year of the tests."}],
            "other_answers": [{"text": "2000", "credit": 0.5}]}
    assert score(data, "in 1998").matched == "1998" and score(data, "in 1998").score == 0
    assert score(data, "2000 AD").score == 0.5


# --- The rules file ------------------------------------------------------------------------

def test_the_rules_file_problems_name_file_and_line():
    rules, problems = parse_rules("filler: [the]\ntransliterations:\n  - [gilani, gillani]\n  - [gillani, x y]\n"
                                  "scales: {k: 1000}\nmeasures: {}\ncurrencies: {}\neras: {ad: 1}\njoiners: [and]\nmonths: [may]\n"
                                  "negations: [not]\n", "rules.yaml")
    assert rules is None and problems[0].line == 4
    rules, problems = parse_rules("filler: [the]\n", "rules.yaml")
    assert rules is None and "missing" in problems[0].message
    rules, problems = parse_rules("filler: [the]\ntransliterations: []\nscales: {k: -1}\nmeasures: {}\ncurrencies: {}\n"
                                  "eras: {ad: 1}\njoiners: [and]\nmonths: [may]\nnegations: [not]\n", "r.yaml")
    assert rules is None and problems[0].line == 3


def test_a_bank_refuses_a_wrong_answer_that_reads_as_an_accepted_one():
    text = """questions:
  - id: q
    type: short_answer
    prompt: Where?
    answers: [Wagah]
    wrong_answers:
      - {text: the Wagha, feedback: No.}
    explanation: x
    lesson_anchor: a
    tags: [t]
    difficulty: easy
"""
    bank, problems = parse_bank_text(text, "b.yaml", "b")
    assert bank is None and problems[0].line == 6 and "reads the same" in problems[0].message


# --- Properties over the shipped course -----------------------------------------------------

def dressed(text: str):
    """A text as a student might dress it up: case, a leading article or filler, punctuation, spacing."""
    return st.tuples(st.sampled_from(["", "the ", "The ", "in ", "about ", "a "]), st.sampled_from([str.lower, str.upper, str.title, str]),
                     st.sampled_from(["", ".", "!", " "]), st.sampled_from(["", "  "])).map(
        lambda parts: f"{parts[3]}{parts[0]}{parts[1](text)}{parts[2]}")


def known_wrong(course):
    """(question data, wrong text, blank id or None) for every typed question's known wrong answer, and the
    wrong options of every choice question whose key the typed question accepts (it asks the same thing)."""
    cases = []
    for bank in course.banks:
        typed = [q.data for q in bank.questions if q.type in ("short_answer", "numeric", "cloze")]
        for data in typed:
            if data["type"] == "cloze":
                cases += [(data, w["text"], blank["id"]) for blank in data["blanks"] for w in blank.get("wrong_answers", [])]
                continue
            cases += [(data, w["text"], None) for w in data.get("wrong_answers", [])]
            for choice in (q.data for q in bank.questions if q.type == "single_choice"):
                key_text = next(o["text"] for o in choice["options"] if o["id"] == choice["answer"])
                if score(data, key_text).score == 1.0:
                    cases += [(data, o["text"], None) for o in choice["options"] if o["id"] != choice["answer"]]
    return cases


def amid_prompt_words(question: dict, text: str):
    """A text with words of its own question's prompt (or cloze text) said again around it."""
    shown = f"{question.get('prompt', '')} {question.get('text', '')}".replace("[[", " ").replace("]]", " ")
    words = [word for word in shown.split() if word.isalpha()] or ["the"]
    return st.tuples(st.lists(st.sampled_from(words), max_size=3), st.lists(st.sampled_from([*words, "in", "at"]), max_size=3)).map(
        lambda around: " ".join([*around[0], text, *around[1]]))


@pytest.mark.parametrize("dress", [lambda question, text: dressed(text), amid_prompt_words],
                         ids=["dressed-up", "amid-prompt-words"])
def test_no_known_wrong_answer_scores_full_marks(shipped_course, dress):
    """However a known wrong answer is dressed up, or said amid its prompt's words, it never scores full marks."""
    cases = known_wrong(shipped_course)

    @settings(max_examples=300, deadline=None)
    @given(st.sampled_from(cases) if cases else st.nothing(), st.data())
    def check(case, data):
        question, text, blank = case
        response = data.draw(dress(question, text))
        if blank is None:
            assert score(question, response).score < 1.0, (question["id"], response)
        else:
            assert not score(question, {blank: response}).parts[blank], (question["id"], blank, response)

    if cases:
        check()


def test_every_shipped_key_still_scores_full_marks(shipped_course):
    """An essay's key, its model answer, waits for a person's grade (pending, counting 0); graded at the top level of
    every criterion, it has full marks."""
    for bank in shipped_course.banks:
        for question in bank.questions:
            outcome = score(question.data, key_response(question.data))
            if qtypes.of(question.data).graded_by_person:
                assert (outcome.score, outcome.status) == (0.0, "pending"), question.id
                outcome = graded(question.data, {c["id"]: c["levels"][-1]["points"] for c in question.data["rubric"]})
            assert outcome.score == 1.0, question.id
