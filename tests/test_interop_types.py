"""Every question type through GIFT and Moodle XML and back, with the fields formats.md added; what Moodle reads of
our files (its own cloze grammar and grade list, ported here as oracles); Moodle's own files for each new feature;
hostile clozes refused with their line; Anki cloze notes."""

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.course.bank import check_question_data, render_question
from app.course.interop.anki import CLOZE_MODEL_ID, MODEL_ID, build_deck
from app.course.interop.gift import export_gift, parse_gift
from app.course.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from app.course.scoring import score
from app.extensions import db
from app.models import Question
from bench.moodle_import_counts import EXPECTED, gift_sources
from tests.test_interop import anki_notes

PUBLIC = Path(__file__).parent / "data" / "moodle-public"
COMMON = {"explanation": "Because the lesson says so.", "lesson_anchor": "key-facts", "tags": ["trade", "Moodle/Imported"],
          "difficulty": "medium"}


def question(ident: str, qtype: str, prompt: str, **fields) -> dict:
    return {"id": ident, "type": qtype, "prompt": prompt, **COMMON, **fields}


SAMPLES = [
    question("single-credit", "single_choice", "Which city did the bus reach in February 1999?", answer="lahore",
             passage={"lines": [797, 799], "quote": "Mr. Lambah and Tariq Aziz carried out this backdoor channel"},
             options=[{"id": "lahore", "text": "Lahore", "feedback": "Yes."},
                      {"id": "wagah", "text": "The Wagah border: {almost}", "feedback": "It crossed there = on the way.", "credit": 0.5},
                      {"id": "delhi", "text": "Delhi #1 ~ start", "feedback": "It left from Delhi.", "credit": -0.3333333}]),
    question("multi-per-pick", "multiple_response", "Where did Lambah and Aziz meet? Choose all that apply.", answer=["dubai", "london"],
             options=[{"id": "dubai", "text": "Dubai", "feedback": "Yes."}, {"id": "london", "text": "London", "feedback": "Yes."},
                      {"id": "kabul", "text": "Kabul", "feedback": "No."}]),
    question("multi-weights", "multiple_response", "Which three cities hosted the talks?", scoring="weights",
             answer=["dubai", "london", "bangkok"],
             options=[{"id": "dubai", "text": "Dubai", "feedback": "Yes.", "credit": 1 / 3},
                      {"id": "london", "text": "London", "feedback": "Yes.", "credit": 1 / 3},
                      {"id": "bangkok", "text": "Bangkok", "feedback": "Coll names it.", "credit": 1 / 3},
                      {"id": "kabul", "text": "Kabul", "feedback": "No.", "credit": -1.0},
                      {"id": "agra", "text": "Agra", "feedback": "No.", "credit": 0.0}]),
    question("truth", "true_false", "India granted Pakistan MFN status in 1996.", answer=True,
             feedback={"true": "Right.", "false": "It did, in 1996."}),
    question("short-all", "short_answer", "Which prime minister took the bus to Lahore?", spelling="strict",
             answers=[{"text": "Vajpayee", "credit": 1.0}, {"text": "Atal", "credit": 0.5, "feedback": "Give his surname: #Vajpayee."}],
             wrong_answers=[{"text": "Nawaz Sharif", "feedback": "He received the bus."}, {"text": "Gujral"}],
             other_feedback="Think of who was India's prime minister in 1999.", excludes=["truth"]),
    question("numeric-all", "numeric", "In millions of dollars, what were Pakistan's exports to India in 2013?", answer=403.0,
             tolerance=2.0, unit="million", units={"m": 1.0, "bn": 1000.0},
             other_answers=[{"text": "400", "credit": 0.5, "feedback": "Close.", "tolerance": 1.0}, {"text": "0.4 bn", "credit": 0.25}],
             wrong_answers=[{"text": "2.5 lakh", "feedback": "That is the number of signatures."}],
             other_feedback="The paper gives 403 million."),
    question("order", "ordering", "Put these in time order.", items=[
        {"id": "lahore", "text": "The Lahore bus: {1999}"}, {"id": "agra", "text": "The Agra summit"},
        {"id": "islamabad", "text": "The 12th SAARC summit in Islamabad"}]),
    question("match", "matching", "Match each envoy to his side.", pairs=[
        {"id": "naik", "left": "Niaz A. Naik", "right": "Pakistan"}, {"id": "mishra", "left": "R. K. Mishra", "right": "India"}],
        distractors=[{"id": "uk", "text": "Britain -> nobody"}]),
    question("cloze-all", "cloze", "Fill in the blanks; some are choices.", spelling="strict", text=(
        "The bus reached [[city]] in [[year]]. Such talks are [[kind]] ([[shape]]), held in [[places]]; "
        "the envoy was [[envoy]] and the code was [[code]]."),
        blanks=[
            {"id": "city", "accept": ["Lahore", {"text": "Lahor", "credit": 0.5, "feedback": "Spell it: La~hore}"}],
             "wrong_answers": [{"text": "Delhi", "feedback": "It left from Delhi #1."}], "other_feedback": "A city in the Punjab.",
             "weight": 2},
            {"id": "year", "kind": "numeric", "answers": [{"value": 1999.0, "tolerance": 0.0, "credit": 1.0, "feedback": "Yes."},
                                                          {"value": 1998.5, "tolerance": 1.5, "credit": 0.5}],
             "other_feedback": "February of that year."},
            {"id": "kind", "kind": "choice", "options": [
                {"id": "back", "text": "backchannel / track two", "credit": 1.0, "feedback": "Yes."},
                {"id": "summit", "text": "summits", "credit": 0.0}], "display": "vertical", "shuffle": True},
            {"id": "shape", "kind": "choice", "options": [
                {"id": "secret", "text": "secret", "credit": 1.0}, {"id": "open", "text": "open", "credit": 0.25, "feedback": "Half."}]},
            {"id": "places", "kind": "multi", "display": "horizontal", "shuffle": True, "weight": 3, "options": [
                {"id": "dubai", "text": "Dubai", "credit": 2 / 3, "feedback": "Yes."},
                {"id": "london", "text": "London", "credit": 1 / 3},
                {"id": "kabul", "text": "Kabul", "credit": -1.0, "feedback": "No."}]},
            {"id": "envoy", "kind": "choice", "display": "horizontal", "options": [
                {"id": "lambah", "text": "Lambah", "credit": 1.0}, {"id": "aziz", "text": "Aziz", "credit": 0.0}]},
            {"id": "code", "accept": ["H2O\\x"], "case": "sensitive"}]),
    question("essay-rubric", "essay", "How far did trade follow politics?", min_words=150, max_words=400,
             model_answer="Trade stayed *small*: MFN in 1996, little by 2004.",
             rubric=[{"id": "thesis", "title": "Thesis", "levels": [{"points": 0, "description": "None."},
                                                                   {"points": 2, "description": "A clear position."}]},
                     {"id": "evidence", "title": "Evidence", "levels": [{"points": 0, "description": "None."},
                                                                       {"points": 1.5, "description": "Some."},
                                                                       {"points": 3, "description": "The lesson's figures."}]}]),
]


def canonical(data: dict) -> dict:
    found, messages = check_question_data(data, {"key-facts"})
    assert not messages, messages
    return found.data


def checked(items) -> list[dict]:
    return [canonical(item.data) for item in items]


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["id"] for s in SAMPLES])
def test_samples_are_canonical_bank_data(sample):
    assert canonical(sample) == sample


@pytest.mark.parametrize("sample", SAMPLES, ids=[s["id"] for s in SAMPLES])
def test_every_type_comes_back_from_moodle_xml_exactly(sample):
    imported, skipped = parse_moodle_xml(export_moodle_xml([sample]), "key-facts")
    assert skipped == [] and checked(imported) == [sample]


@pytest.mark.parametrize("sample", [s for s in SAMPLES if s["type"] != "cloze"], ids=[s["id"] for s in SAMPLES if s["type"] != "cloze"])
def test_every_type_but_cloze_comes_back_from_gift_exactly(sample):
    text, not_exported = export_gift([sample])
    imported, skipped = parse_gift(text, "key-facts")
    assert not_exported == [] and skipped == [] and checked(imported) == [sample]


def test_gift_says_it_has_no_cloze():
    assert export_gift([s for s in SAMPLES if s["type"] == "cloze"])[1] == [("cloze-all", "GIFT has no cloze questions")]


# --- What Moodle reads of our files -----------------------------------------------------

# Moodle's own grammar of an embedded answer (question/type/multianswer/questiontype.php), ported as an oracle.
MOODLE_FRACTION = r"=|%(-?[0-9]+(?:[.,][0-9]*)?)%"
MOODLE_ALTERNATIVE = rf"({MOODLE_FRACTION})?(.+?(?<!\\|&)(?=[~#}}]|$))(#(.*?(?<!\\)(?=[~}}]|$)))?"
MOODLE_KINDS = ("NUMERICAL|NM|MULTICHOICE|MC|MULTICHOICE_V|MCV|MULTICHOICE_H|MCH|SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|"
                "MULTICHOICE_S|MCS|MULTICHOICE_VS|MCVS|MULTICHOICE_HS|MCHS|MULTIRESPONSE|MR|MULTIRESPONSE_H|MRH|"
                "MULTIRESPONSE_S|MRS|MULTIRESPONSE_HS|MRHS")
MOODLE_ANSWER = re.compile(rf"\{{([0-9]*):({MOODLE_KINDS}):(({MOODLE_ALTERNATIVE})(~({MOODLE_ALTERNATIVE}))*)\}}", re.S)
# Moodle's grade options (question_bank::fraction_options_full): an import refuses any other fraction by default.
GRADES = [1, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2, 0.1666667, 0.1428571, 0.125,
          0.1111111, 0.1, 0.05, 0]


def moodle_blanks(text: str) -> list[tuple[str, str, list[float]]]:
    """(weight, kind, fractions) of each embedded answer, as Moodle's extraction reads them (multi-response scaled)."""
    found = []
    while match := MOODLE_ANSWER.search(text):
        fractions, specific = [], False
        for alternative in re.finditer(rf"~?{MOODLE_ALTERNATIVE}", match.group(3)):
            if alternative.group(1) == "=":
                fractions.append(1.0)
            elif alternative.group(2):
                fractions.append(float(alternative.group(2)) / 100)
                specific = True
            else:
                fractions.append(0.0)
        if match.group(2).startswith(("MULTIRESPONSE", "MR")):
            total = sum(f for f in fractions if f > 0)
            fractions = [f / total if f > 0 else f if specific else -1 / total for f in fractions]
        found.append((match.group(1), match.group(2), fractions))
        text = text.replace(match.group(0), "", 1)
    return found


def test_moodles_own_cloze_grammar_reads_every_blank_we_write_with_our_weights_and_credits():
    (cloze,) = [s for s in SAMPLES if s["type"] == "cloze"]
    question_text = ET.fromstring(export_moodle_xml([cloze])).find("question/questiontext/text").text
    read = moodle_blanks(question_text)
    assert [(weight, kind) for weight, kind, _ in read] == [
        ("2", "SHORTANSWER"), ("1", "NUMERICAL"), ("1", "MULTICHOICE_VS"), ("1", "MULTICHOICE"), ("3", "MULTIRESPONSE_HS"),
        ("1", "MULTICHOICE_H"), ("1", "SHORTANSWER_C")]
    places = next(fractions for _, kind, fractions in read if kind == "MULTIRESPONSE_HS")
    assert all(math.isclose(a, b) for a, b in zip(places, [2 / 3, 1 / 3, -1.0], strict=True))
    assert read[0][2] == [1.0, 0.5, 0.0, 0.0]  # Lahore, Lahor at 50 %, the known wrong Delhi and * at 0 %
    assert "{" not in MOODLE_ANSWER.sub("", question_text)  # no blank left that Moodle would not read


def test_moodle_takes_the_fractions_of_every_shipped_question_without_asking(shipped_course):
    """Moodle refuses by default a fraction not in its grade list; per-pick weights (±1/k) and the shipped credits are in it."""
    questions = [q.data for bank in shipped_course.banks for q in bank.questions]
    fractions = [float(answer.get("fraction")) / 100 for question in ET.fromstring(export_moodle_xml(questions)).findall("question")
                 if question.get("type") in ("multichoice", "shortanswer", "numerical", "truefalse") for answer in question.findall("answer")]
    assert fractions and all(any(abs(abs(f) - g) < 1e-7 for g in GRADES) for f in fractions)


def test_our_essay_carries_what_moodles_essay_reader_asks_for():
    (essay,) = [s for s in SAMPLES if s["type"] == "essay"]
    element = ET.fromstring(export_moodle_xml([essay])).find("question")
    assert element.get("type") == "essay"
    assert [element.findtext(tag) for tag in ("responseformat", "responserequired", "minwordlimit", "maxwordlimit", "attachments")] == [
        "editor", "1", "150", "400", "0"]
    assert element.findtext("graderinfo/text") == essay["model_answer"]


def test_moodles_gift_reader_gives_each_question_we_write_its_type():
    """The GIFT rules Moodle decides a question's type by (qformat_gift, ported in bench/moodle_import_counts.py)."""
    text = re.sub(r"####[^}]*\}", "}", export_gift(SAMPLES)[0])  # Moodle decides after taking the general feedback off
    assert [EXPECTED[source.moodle_type] for source in gift_sources(text)] == [s["type"] for s in SAMPLES if s["type"] != "cloze"]


# --- Moodle's own files ---------------------------------------------------------------------

def public(name: str) -> str:
    return (PUBLIC / name).read_text(encoding="utf-8")


def test_every_moodle_cloze_kind_imports_with_display_shuffle_weights_and_credits():
    imported, skipped = parse_moodle_xml(public("multianswer-all-types.xml"), "key-facts")
    (cloze,) = checked(imported)
    assert skipped == [] and cloze["type"] == "cloze"
    blanks = cloze["blanks"]
    assert [(b.get("kind", "short"), b.get("display"), b.get("shuffle", False)) for b in blanks] == [
        ("choice", None, False), ("choice", "horizontal", False), ("choice", "vertical", False), ("choice", None, True),
        ("choice", "horizontal", True), ("choice", "vertical", True),
        ("multi", None, False), ("multi", "horizontal", False), ("multi", None, True), ("multi", "horizontal", True),
        ("numeric", None, False), ("numeric", None, False), ("numeric", None, False),
        ("short", None, False), ("short", None, False), ("short", None, False)]
    assert [o["credit"] for o in blanks[6]["options"]] == [0.5, -0.5, 0.5, -0.5]  # =Marge ~Fred =Lisa ~Anna, as Moodle scales them
    assert [round(o["credit"], 9) for o in blanks[7]["options"]] == [round(2 / 3, 9), 0, round(1 / 3, 9)]  # %100% %0% %50%
    celsius = blanks[12]  # {3:NUMERICAL:%100%1701:0#Exact match~%66%1701:20#...~%33%1701:50#...}
    assert celsius["weight"] == 3 and [(a["value"], a["tolerance"], a["credit"]) for a in celsius["answers"]] == [
        (1701, 0, 1), (1701, 20, 0.66), (1701, 50, 0.33)]
    water = blanks[14]  # SHORTANSWER_C: h2O, H2o, h2o are Moodle's way of saying the capitals are wrong
    assert water["case"] == "sensitive" and "wrong_answers" not in water
    assert blanks[15]["accept"] == [{"text": "Whisky", "credit": 1.0, "feedback": "english"}, {"text": "Whiskey", "credit": 1.0, "feedback": "mostly in Scottland and the US."},
                                    {"text": "Wiskey", "credit": 0.5, "feedback": "That's not spelled correctly."},
                                    {"text": "Wisky", "credit": 0.25, "feedback": "That's hardly recognizable."}]
    assert any("capitals" in note for note in imported[0].notes)


@pytest.mark.parametrize("kind", ["gapselect", "ddwtos"])
def test_select_missing_words_and_drag_into_text_import_as_clozes_of_choices(kind):
    text = public("gapselect_testquestion.moodle.xml")  # The [[1]] [[2]] on the [[3]]: cat sat mat dog table, one group
    if kind == "ddwtos":
        text = text.replace('type="gapselect"', 'type="ddwtos"').replace("selectoption>", "dragbox>")
    imported, skipped = parse_moodle_xml(text, "key-facts")
    (cloze,) = checked(imported)
    assert cloze["text"] == "The [[b1]] [[b2]] on the [[b3]]."
    assert [next(o["text"] for o in b["options"] if o["credit"] == 1) for b in cloze["blanks"]] == ["cat", "sat", "mat"]
    assert all(len(b["options"]) == 5 and b["kind"] == "choice" for b in cloze["blanks"])
    assert ("drag and drop became a choice from a list in each gap" in imported[0].notes) == (kind == "ddwtos")


def test_moodles_any_other_answer_and_embedded_files_in_a_cloze():
    imported, skipped = parse_moodle_xml(public("multianswer.xml"), "key-facts")
    (cloze,) = checked(imported)
    short = next(b for b in cloze["blanks"] if b.get("kind", "short") == "short")
    assert "other_feedback" in short and len(imported[0].images) == 3  # its three PNGs come along (tests/test_media.py)
    assert cloze["tags"] == ["Default for Test images in backup"]


def test_moodles_broken_clozes_are_each_refused_with_a_reason_and_line():
    imported, skipped = parse_moodle_xml(public("broken_cloze_questions.xml"), "key-facts")
    survivors = [item for item in imported if not check_question_data(item.data, {"key-facts"})[1]]
    assert survivors == [] and len(skipped) + len(imported) == 5
    assert all(item.line > 1 for item in [*skipped, *imported])


def test_gifts_partial_credit_single_choice():
    imported, skipped = parse_gift(public("gift_examples.txt"), "key-facts")
    difficult = next(item.data for item in imported if item.name == "Difficult question.")  # {~wrong ~%50%half =full}
    assert canonical(difficult)["type"] == "single_choice" and sorted(o.get("credit", 0) for o in difficult["options"]) == [0, 0, 0.5]


NUMERICAL = """<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="numerical">
    <name><text>Bus year</text></name>
    <questiontext format="html"><text>In which year did the bus reach Lahore?</text></questiontext>
    <generalfeedback format="html"><text>February 1999.</text></generalfeedback>
    <answer fraction="0" format="moodle_auto_format"><text>1998</text><feedback format="html"><text>The tests.</text></feedback>
      <tolerance>0</tolerance></answer>
    <answer fraction="50" format="moodle_auto_format"><text>2000</text><feedback format="html"><text>Close.</text></feedback>
      <tolerance>0.5</tolerance></answer>
    <answer fraction="100" format="moodle_auto_format"><text>1999</text><feedback format="html"><text></text></feedback>
      <tolerance>0</tolerance></answer>
    <answer fraction="0" format="moodle_auto_format"><text>*</text><feedback format="html"><text>Think of Kargil.</text></feedback>
      <tolerance>0</tolerance></answer>
  </question>
</quiz>
"""


def test_a_moodle_numerical_with_several_weighted_answers_imports_exactly():
    imported, skipped = parse_moodle_xml(NUMERICAL, "key-facts")
    (year,) = checked(imported)
    assert (year["answer"], year["tolerance"], year["other_feedback"]) == (1999, 0, "Think of Kargil.")
    assert year["other_answers"] == [{"text": "2000", "credit": 0.5, "feedback": "Close.", "tolerance": 0.5}]
    assert year["wrong_answers"] == [{"text": "1998", "feedback": "The tests."}]


def test_moodles_exact_then_wider_numerical_answer_imports_and_marks_as_moodle_does():
    """Moodle reads ``=1822:0 =%50%1822:2`` in order: exact for full marks, within 2 for half. Ours reads the answer
    first too, so the wider range is an other answer at 50 % that only near misses reach."""
    imported, _ = parse_gift(public("gift_examples.txt"), "key-facts")
    grant = next(item for item in imported if item.line == 76)
    question, problems = check_question_data(grant.data, {"key-facts"})
    assert problems == []
    assert (score(question.data, "1822").score, score(question.data, "1823").score, score(question.data, "1825").score) == (1, 0.5, 0)


def test_moodles_essay_gets_its_model_answer_placeholder_limits_and_a_one_criterion_rubric():
    imported, skipped = parse_moodle_xml(public("essay_testquestion.moodle.xml"), "key-facts")
    (essay,) = checked(imported)
    assert essay["type"] == "essay" and essay["prompt"] == "Write an essay with 500 words."
    assert essay["rubric"][0]["title"] == "Overall" and [lv["points"] for lv in essay["rubric"][0]["levels"]] == [0, 1, 2]
    assert essay["model_answer"].startswith("No model answer") and essay["explanation"] == "This is general feedback"
    assert any("rubric" in note for note in imported[0].notes)


def test_categories_become_tags_with_their_path():
    imported, _ = parse_moodle_xml(public("nested_categories_with_questions.xml"), "key-facts")
    assert {tag for item in imported for tag in item.data["tags"]} >= {"Iota/Kappa/Lambda", "Iota/Mu"}


def test_the_ordering_plugins_gift_imports_as_ordering():
    imported, skipped = parse_gift(public("ordering_testexport.gift.txt"), "key-facts")
    (order,) = checked(imported)
    assert order["type"] == "ordering" and [i["text"] for i in order["items"]] == [
        "Modular", "Object", "Oriented", "Dynamic", "Learning", "Environment"]


def test_a_star_answer_with_credit_is_refused_with_the_reason():
    text = "::Any::Say something.{=%50%*#Anything earns half}\n"
    imported, skipped = parse_gift(text, "key-facts")
    assert imported == [] and "gives credit for anything typed" in skipped[0].reason and skipped[0].line == 1


# --- Hostile clozes: refused with file:line, nothing of them imported ------------------------------

def cloze_file(*texts: str) -> bytes:
    questions = "".join(f'<question type="cloze"><name><text>c{n}</text></name><questiontext><text><![CDATA[{text}]]></text>'
                        f'</questiontext></question>\n' for n, text in enumerate(texts, start=1))
    return f'<?xml version="1.0"?>\n<quiz>\n{questions}</quiz>\n'.encode("utf-8")


@pytest.mark.parametrize(("text", "reason"), [
    ("Many: " + "{1:SHORTANSWER:=a} " * 10_000, "'text' is"),
    ("Open {1:SHORTANSWER:=a~=b and it never ends", "never closed"),
    ("Nested {1:MULTICHOICE:=a~b{2:SHORTANSWER:=c}}", "cannot nest"),
    ("Huge {1:SHORTANSWER:=" + "x" * 2_000_000 + "}", "20,000"),
    ("Unknown {1:REGEXP:=a}", "has no equivalent here"),
])
def test_a_hostile_cloze_is_refused_with_its_line_and_the_rest_imports(app, tmp_path, text, reason):
    good = "Fine {1:SHORTANSWER:=Lahore}"
    path = tmp_path / "hostile.xml"
    path.write_bytes(cloze_file(good, text))
    result = app.test_cli_runner().invoke(args=["bank", "import", str(path), "--lesson", "trade", "--bank", "course"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"hostile\.xml:4: skipped 'c2': .*{re.escape(reason)}", result.output), result.output[:500]
    assert "1 imported, 1 skipped" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored")) == 1


# --- Anki ----------------------------------------------------------------------------------

def test_a_deck_holds_cloze_notes_beside_basic_ones():
    chosen = [s for s in SAMPLES if s["type"] in ("cloze", "essay", "single_choice")]
    notes = anki_notes(build_deck("Sample", [(d, render_question(d), "https://example/lesson") for d in chosen], b"key"))
    by_model = {mid: fields for mid, fields in notes}
    assert set(by_model) == {MODEL_ID, CLOZE_MODEL_ID}
    text = next(fields for mid, fields in notes if mid == CLOZE_MODEL_ID).split("\x1f")[0]
    assert re.findall(r"\{\{c(\d+)::", text) == ["1", "2", "3", "4", "5", "6", "7"]
    assert "{{c1::Lahore}}" in text and "{{c2::1999}}" in text
    assert "backchannel / track two::" in text  # a choice blank: the options are the hint
    essay = next(fields for mid, fields in notes if mid == MODEL_ID and "How far" in fields).split("\x1f")
    assert "150" in essay[0] and "400" in essay[0] and "<table>" in essay[1] and "small" in essay[1]


def test_two_moodle_plugins_with_an_equivalent_import_as_it():
    """The Open University's multiple response grades a pick as our per-pick rule does; essayautograde is an essay
    whose automatic grading has no place here (a person grades essays), so it is dropped with a note."""
    (multi,), _ = parse_moodle_xml(public("oumultiresponse_testquestion.moodle.xml"), "key-facts")
    data = checked([multi])[0]
    assert data["type"] == "multiple_response" and "scoring" not in data
    assert sorted(o["text"] for o in data["options"] if o["id"] in data["answer"]) == ["London", "Paris"]  # the fixture marks these two 100 %
    (essay,), _ = parse_moodle_xml(public("essayautograde_testquestion.moodle.xml"), "key-facts")
    assert checked([essay])[0]["type"] == "essay"
    assert any("automatic grading dropped" in note for note in essay.notes)
