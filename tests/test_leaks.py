"""Tests that test knowledge: no question's key shown by another in one test, and no wording that points at the key."""

import random
import shutil

import pytest
import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.course.bank import dump_bank, parse_bank_text, read_banks
from app.course.key_patterns import cue_warnings, key_pattern_warnings
from app.course.leaks import (
    bank_leak_report, cached_leak_graph, largest_leak_free, leak_free_sample, leak_graph, never_drawn,
)
from app.course.quiz import draw_layout
from app.extensions import db
from app.models import Assignment
from tests.conftest import csrf_token
from tests.test_quiz import layout_data, start
from tests.test_teaching import create_assignment, create_class, lesson_id, person

DRAWS = 10_000


def common(ident: str, qtype: str, prompt: str = "Which one?") -> dict:
    """The fields every question has."""
    return {"id": ident, "type": qtype, "prompt": prompt, "explanation": "Because.",
            "lesson_anchor": "here", "tags": ["t"], "difficulty": "easy"}


def short(ident: str, *answers: str, prompt: str = "Name it.") -> dict:
    return {**common(ident, "short_answer", prompt), "answers": [{"text": text, "credit": 1.0} for text in answers]}


def numeric(ident: str, answer: float, unit: str | None = None, prompt: str = "How many?") -> dict:
    return {**common(ident, "numeric", prompt), "answer": answer, "tolerance": 0.0, "unit": unit, "units": {}}


def single(ident: str, key: str, *distractors: str, prompt: str = "Which one?") -> dict:
    options = [{"id": "k", "text": key, "feedback": "Yes."}] + [
        {"id": f"d{index}", "text": text, "feedback": "No."} for index, text in enumerate(distractors)]
    return {**common(ident, "single_choice", prompt), "options": options, "answer": "k"}


def cloze(ident: str, text: str, **blanks: list[str]) -> dict:
    return {**common(ident, "cloze", "Fill in the blanks."), "text": text,
            "blanks": [{"id": name, "accept": accepted} for name, accepted in blanks.items()]}


def matching(ident: str, pairs: dict[str, str], prompt: str = "Match them.") -> dict:
    return {**common(ident, "matching", prompt), "distractors": [],
            "pairs": [{"id": f"p{index}", "left": left, "right": right} for index, (left, right) in enumerate(pairs.items())]}


def true_false(ident: str, prompt: str, answer: bool = True) -> dict:
    return {**common(ident, "true_false", prompt), "answer": answer}


def fillers(count: int) -> list[dict]:
    """Questions about nothing the others mention, so no key counts as common."""
    topics = ["cricket", "films", "music", "newspapers", "railways", "poetry", "textbooks", "visas", "weather", "pilgrims"]
    return [true_false(f"filler-{index}", f"Is {topics[index % len(topics)]} topic {index} in the lesson?") for index in range(count)]


def leaks_between(source: dict, target: dict) -> list[tuple[str, str, str]]:
    """The leaks found in a bank of these two questions (and unrelated ones), as (from, to, key)."""
    graph = leak_graph([source, target, *fillers(6)])
    return [(leak.source, leak.target, leak.key) for leak in graph.leaks]


# --- What leaks ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("source, target", [
    (short("a", "Wagah"), single("b", "A ceremony", "A march", prompt="What happens at the Wagah border each evening?")),
    (short("a", "Wagah border"), true_false("b", "Crowds gather at the Wagha borders at sunset.")),  # spelling and plural
    (short("a", "the confidence-building measure"), single("b", "Yes", "No", prompt="Were confidence building measures agreed?")),
    (short("a", "Gilani"), single("b", "At Mohali", "At Lahore", prompt="Where did Yousaf Raza Gillani watch the match?")),
    (numeric("a", 2000), single("b", "Lahore", "Delhi", prompt="Did 2,000 journalists attend the meeting?")),
    (numeric("a", 22000), true_false("b", "About twenty-two thousand people signed the petition.")),
    (numeric("a", 403, "million"), true_false("b", "Pakistan sold goods worth 403 mn to India in 2013.")),
    (numeric("a", 403, "million"), true_false("b", "Exports came to $0.403 bn that year.")),
    (numeric("a", 1996), cloze("b", "India granted MFN status in 1996 and SAFTA began in [[year]].", year=["2006"])),
    (short("a", "1996"), single("b", "1996", "2006", "2012", prompt="When did India grant MFN status?")),  # typed key among options
    (cloze("a", "SAFMA was set up in [[city]].", city=["Islamabad"]),
     {**single("b", "Lahore", "Delhi"), "passage": {"lines": [10, 11], "quote": "a meeting in Islamabad"}}),
    (matching("a", {"Niaz Naik": "Pakistan's envoy", "Lambah": "India's envoy"}),
     true_false("b", "Niaz Naik served as Pakistan's envoy in 1999.")),
    (single("a", "Tashkent", "Agra", "Lahore"), single("b", "Peace", "War", prompt="What did the Tashkent accord bring?")),
    (short("a", "Sir Creek"), {**common("b", "ordering", "Order these."),
                               "items": [{"id": "x", "text": "Talks on Sir Creek"}, {"id": "y", "text": "Kargil"}, {"id": "z", "text": "Agra"}]}),
])
def test_a_key_shown_before_answering_leaks(source, target):
    assert [(leak[0], leak[1]) for leak in leaks_between(source, target)] == [("a", "b")]


@pytest.mark.parametrize("source, target", [
    (short("a", "Agra"), true_false("b", "Agrarian reform came up at the talks.")),  # a word inside a word
    (short("a", "Aziz"), true_false("b", "Azizabad hosted the meeting.")),
    (numeric("a", 200), true_false("b", "The bus ran in 2000.")),  # a number inside a number
    (numeric("a", 12), true_false("b", "The 12th summit met in Islamabad.")),  # an ordinal
    (numeric("a", 1990), true_false("b", "In the 1990s trade was small.")),  # a decade
    (short("a", "Wagah"), {**single("b", "Lahore", "Delhi"), "explanation": "At the Wagah border."}),  # after answering
    (short("a", "Wagah"), single("b", "Lahore", "Delhi") | {"options": [
        {"id": "k", "text": "Lahore", "feedback": "Near Wagah."}, {"id": "d", "text": "Delhi", "feedback": "No."}]}),
    (single("a", "Tashkent", "Agra"), single("b", "Tashkent", "Shimla", prompt="Which accord came first?")),  # a choice key among options
    (true_false("a", "Wagah is a border crossing."), short("b", "Wagah", prompt="Which crossing is it?")),  # no key
    (cloze("a", "Audiences [[want]] them.", want=["like", "want"]), true_false("b", "Singers like Atif Aslam sing.")),  # a function word
])
def test_what_does_not_leak(source, target):
    assert [leak for leak in leaks_between(source, target) if leak[0] == "a"] == []


def test_a_key_most_of_the_bank_shows_gives_nothing_away():
    source = short("a", "India")
    others = [true_false(f"q{index}", f"India and Pakistan met in round {index}.") for index in range(6)] + fillers(3)
    assert leak_graph([source, *others]).leaks == ()
    assert len(leak_graph([source, *others[:4], *fillers(6)]).leaks) == 4  # 4 of 10 others: still a leak


def test_a_question_does_not_leak_into_itself():
    assert leak_graph([short("a", "Wagah", prompt="Wagah is near Lahore; name the crossing."), *fillers(4)]).leaks == ()


def test_the_remembered_graph_follows_every_new_version():
    bank = [short("a", "Wagah"), true_false("b", "Crowds meet at Wagah."), *fillers(4)]
    assert cached_leak_graph(bank) == leak_graph(bank)
    reworded = [bank[0], true_false("b", "Crowds meet at the border."), *bank[2:]]
    assert cached_leak_graph(reworded).leaks == ()
    assert cached_leak_graph(bank).pairs == {frozenset({"a", "b"})}


def test_excludes_become_pairs_either_way_round():
    first = {**true_false("a", "One."), "excludes": ["b"]}
    graph = leak_graph([first, true_false("b", "Two."), true_false("c", "Three.")])
    assert graph.pairs == {frozenset({"a", "b"})}


# --- The draw ---------------------------------------------------------------------------------------

def test_the_draw_never_puts_a_pair_together_and_still_draws_test_size():
    ids = [f"q{index}" for index in range(12)]
    apart = {frozenset({"q0", "q1"}), frozenset({"q0", "q2"}), frozenset({"q3", "q4"})}
    rng = random.Random(1)
    for _ in range(2000):
        drawn = leak_free_sample(ids, 10, apart, rng)
        assert len(drawn) == 10 and len(set(drawn)) == 10
        assert not any(pair <= set(drawn) for pair in apart)


def test_a_tight_graph_still_gives_a_full_test():
    """A hub that leaks into ten questions: a walk that takes the hub first is stuck with one question
    until it searches; the only full test is the ten others."""
    leaves = [f"leaf{index}" for index in range(10)]
    apart = {frozenset({"hub", leaf}) for leaf in leaves}
    rng = random.Random(2)
    for _ in range(500):
        assert sorted(leak_free_sample(["hub", *leaves], 10, apart, rng)) == leaves
    assert never_drawn(["hub", *leaves], apart, 10) == ["hub"]


def test_when_no_full_test_is_leak_free_the_largest_is_drawn():
    ids = ["a", "b", "c", "d", "e"]
    apart = {frozenset(pair) for pair in [("a", "b"), ("a", "c"), ("b", "c"), ("d", "e")]}  # a triangle and a pair
    assert largest_leak_free(frozenset(ids), frozenset(apart)) == 2
    rng = random.Random(3)
    for _ in range(200):
        drawn = leak_free_sample(ids, 4, apart, rng)
        assert len(drawn) == 2 and not any(pair <= set(drawn) for pair in apart)


def test_every_question_is_drawn_roughly_as_often():
    ids = [f"q{index}" for index in range(20)]
    apart = {frozenset({"q0", f"q{index}"}) for index in range(1, 7)}  # q0 leaks with six others
    counts = dict.fromkeys(ids, 0)
    rng = random.Random(4)
    for _ in range(4000):
        for ident in leak_free_sample(ids, 10, apart, rng):
            counts[ident] += 1
    expected = 4000 * 10 / 20
    assert all(0.5 * expected < count < 1.5 * expected for count in counts.values()), counts


def test_draw_layout_keeps_its_shape_and_honours_pairs():
    questions = [(f"q{index}", index, true_false(f"q{index}", f"Statement {index}.")) for index in range(6)]
    apart = {frozenset({"q0", "q1"})}
    rng = random.Random(5)
    for _ in range(200):
        layout = draw_layout(questions, 5, rng, apart)
        drawn = {entry["question"] for entry in layout}
        assert len(layout) == 5 and not {"q0", "q1"} <= drawn
        assert all(entry["version_id"] == int(entry["question"][1:]) and entry["order"] == [] for entry in layout)
    assert len(draw_layout(questions, None, rng)) == 6  # without pairs, as before: every question


@pytest.fixture(scope="module")
def shipped_banks():
    banks = read_banks(PROJECT_ROOT, None)
    assert banks.ok, banks.problems
    return banks.banks


def test_ten_thousand_draws_per_shipped_bank_hold_no_leaking_pair(shipped_banks):
    for bank in shipped_banks:
        ids = [question.id for question in bank.questions]
        apart = leak_graph([question.data for question in bank.questions]).pairs
        partners = {ident: {other for pair in apart if ident in pair for other in pair if other != ident} for ident in ids}
        size = min(bank.test_size, largest_leak_free(frozenset(ids), frozenset(apart)))
        stuck = set(never_drawn(ids, apart, bank.test_size))
        rng = random.Random(bank.slug)
        seen: set[str] = set()
        for _ in range(DRAWS):
            drawn = set(leak_free_sample(ids, bank.test_size, apart, rng))
            assert len(drawn) == size, bank.slug
            together = next((ident for ident in drawn if partners[ident] & drawn), None)
            assert together is None, f"{bank.slug}: {together} with {partners[together] & drawn}"
            seen |= drawn
        assert seen == set(ids) - stuck, bank.slug  # every question that can be drawn is


def test_a_test_started_over_http_holds_no_leaking_pair(app, client, shipped_course):
    bank = max(shipped_course.banks, key=lambda bank: len(leak_graph([q.data for q in bank.questions]).pairs))
    apart = leak_graph([question.data for question in bank.questions]).pairs
    for _ in range(25):
        drawn = {data["id"] for data in layout_data(app, start(client, bank.slug))}
        assert len(drawn) == bank.test_size
        assert not any(pair <= drawn for pair in apart), [sorted(pair) for pair in apart if pair <= drawn]


def test_an_assignment_is_set_without_leaking_pairs(app, shipped_course):
    bank = max(shipped_course.banks, key=lambda bank: len(leak_graph([q.data for q in bank.questions]).pairs))
    apart = leak_graph([question.data for question in bank.questions]).pairs
    teacher = person(app, "teacher", "instructor")
    classroom_id, _ = create_class(teacher)
    largest = largest_leak_free(frozenset(question.id for question in bank.questions), apart)
    form = {"title": "Check", "lessons": [lesson_id(app, bank.slug)], "grading_method": "highest", "review_option": "immediately"}
    for _ in range(10):
        create_assignment(app, teacher, classroom_id, **form, question_count=largest)
        with app.app_context():
            chosen = set(db.session.scalar(sa.select(Assignment.question_ids).order_by(Assignment.id.desc()).limit(1)))
        assert len(chosen) == largest and not any(pair <= chosen for pair in apart)
    url = f"/teach/classes/{classroom_id}/assignments/new"
    response = teacher.post(url, data={**form, "question_count": largest + 1, "csrf_token": csrf_token(teacher, url)},
                            follow_redirects=True)
    assert response.status_code == 200  # a whole bank as homework is the instructor's call; they are told
    assert f"Only {largest} of these {len(bank.questions)} questions can go together" in response.get_data(as_text=True)
    with app.app_context():
        assert len(db.session.scalar(sa.select(Assignment.question_ids).order_by(Assignment.id.desc()).limit(1))) == largest + 1


# --- What course check says -------------------------------------------------------------------------

def bank_of(*questions: dict, test_size: int = 10):
    bank, problems = parse_bank_text(dump_bank(list(questions), test_size), "quizzes/sample.yaml", "sample")
    assert problems == []
    return bank


def test_check_reports_the_graph_with_the_line_that_shows_the_key():
    bank = bank_of(short("wagah", "Wagah"), single("ceremony", "A parade", "A match", prompt="What is held at the Wagah border?"),
                   {**true_false("mfn", "India granted MFN status."), "excludes": ["filler-0"]}, *fillers(3), test_size=4)
    line = next(question.line for question in bank.questions if question.id == "ceremony")
    report = bank_leak_report(bank)
    assert report.pairs == 2
    assert str(report.graph) == (f"quizzes/sample.yaml:{line}: leaks: 2 pair(s) never drawn into one test: "
                                 f"wagah→ceremony (“Wagah”, line {line}), filler-0↔mfn (excludes)")
    assert report.warnings == ()


def test_check_warns_when_a_question_can_never_be_drawn_or_a_test_is_short():
    hub = short("hub", "Wagah")
    others = [true_false(f"q{index}", f"Topic {index} is near Wagah.") for index in range(4)] + fillers(4)
    report = bank_leak_report(bank_of(hub, *others, test_size=8))
    messages = [warning.message for warning in report.warnings]
    assert messages[0].startswith("warning: question 'hub' is never drawn into a test of 8: it may not meet 4 question(s)")
    tight = bank_leak_report(bank_of(hub, *others, test_size=9))
    assert tight.warnings[0].message == "warning: no leak-free test holds 9 questions (test_size); the largest holds 8, so tests draw 8"


def test_course_check_prints_the_leak_graph_per_bank(runner, tmp_path):
    course = tmp_path / "course"
    for folder in ("lessons", "quizzes"):
        shutil.copytree(PROJECT_ROOT / folder, course / folder)
    result = runner.invoke(args=["course", "check", str(course)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith(f"{course / 'quizzes'}/") and ": leaks: " in line for line in lines)
    assert "leaking pair(s) kept apart in tests" in lines[-1]


# --- Cues ---------------------------------------------------------------------------------------------

def cues(*questions: dict) -> list[str]:
    return [warning.message for warning in cue_warnings(bank_of(*questions))]


@pytest.mark.parametrize("option", ["All of the above", "None of these.", "Both A and B", "Neither (a) nor (b)",
                                    "Options 1 and 3", "Any of the above", "all the above"])
def test_an_option_that_refers_to_the_others_warns(option):
    assert cues(single("q", "Tashkent", "Agra", option))[0].startswith("warning: question 'q': option 'd1'")


@pytest.mark.parametrize("option", ["Abdul Sattar and Jaswant Singh", "All the meetings in Dubai", "None", "Both sides agreed",
                                    "A and B class visas"])
def test_an_option_that_stands_alone_does_not_warn(option):
    assert cues(single("q", "Tashkent", "Agra", option, prompt="What was agreed?")) == []


@pytest.mark.parametrize("question", [
    single("q", "envoy from Pakistan", "minister", "spokesman", prompt="Niaz Naik acted as an"),
    single("q", "adviser to the PM", "diplomat", "journalist", prompt="Tariq Aziz was an"),
    single("q", "journalist", "envoy", "ambassador", prompt="Baruah was a"),
    single("q", "Vajpayee and Sharif", "Vajpayee", "Musharraf", "Sharif", prompt="Which two leaders signed the Lahore Declaration?"),
    single("q", "back-channel talks", "a summit", "a treaty", prompt="What were the meetings in Dubai?"),
    single("q", "union leader", "envoy", "official", prompt="Before the talks he was a"),  # "uni" sounds like "you"
    single("q", "A bus service across the border", "A treaty signed by both", "An air link", prompt="What did the bus diplomacy open?"),
])
def test_a_grammatical_or_echo_cue_warns(question):
    assert len(cues(question)) == 1


@pytest.mark.parametrize("question", [
    single("q", "envoy", "adviser", "officer", prompt="Niaz Naik acted as an"),  # a distractor agrees too
    single("q", "MFN partner", "rival", "friend", prompt="India named Pakistan a"),  # an abbreviation: either way
    single("q", "union leader", "envoy", "official", prompt="Before the talks he was an"),  # only the distractors agree
    single("q", "Vajpayee and Sharif", "Singh and Gilani", "Musharraf and Bush", prompt="Which two leaders signed the Lahore Declaration?"),
    single("q", "Vajpayee", "Musharraf", "Sharif", prompt="Who was India's prime minister in 1999?"),
    single("q", "A bus service", "A rail link across the border", "An air link", prompt="Which cross-border link opened?"),
    single("q", "Tashkent", "Agra", "Lahore", prompt="Which accord followed the 1965 war?"),
])
def test_a_fair_question_does_not_warn(question):
    assert cues(question) == []


def test_cue_warnings_come_with_the_key_pattern_warnings():
    bank = bank_of(single("q", "Tashkent", "Agra", "All of the above"), *fillers(2))
    assert [str(w) for w in key_pattern_warnings(bank) if "refers to other options" in str(w)] == [str(w) for w in cue_warnings(bank)]
