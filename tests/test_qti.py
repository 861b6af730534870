"""QTI 3.0 packages: every shipped question exported, valid under 1EdTech's schemas and imported back exactly;
every type and option beyond the shipped banks; other tools' items; hostile packages; the routes and the command."""

import io
import time
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
import yaml
from lxml import etree

from app.course.bank import check_question_data
from app.course.interop import qti
from app.course.formats.qti_item import q
from app.course.limits import MAX_QUESTIONS_PER_FILE
from app.extensions import db
from app.models import Question
from tests.conftest import csrf_token
from tests.qti3 import ITEM_SCHEMA, validate_item, validate_manifest
from tests.test_teaching import person

EXAMPLES = Path(__file__).parent / "data" / "qti3" / "examples"
needs_item_schema = pytest.mark.skipif(not ITEM_SCHEMA.exists(), reason=f"the QTI 3.0 item schema is not at {ITEM_SCHEMA}")
# What QTI has no place for, and so rides in the package's metadata (``fields``) when a question has it.
# A hint is one too: QTI's only hint is a qti-end-attempt-interaction, which in a non-adaptive item ends the attempt and
# marks it, so another player would make asking for a hint cost the learner their answer; ours costs nothing.
NO_PLACE_IN_QTI = {"excludes", "unit", "units", "spelling", "min_words", "max_words",
                   "wrong_answers", "other_answers",  # known answers that are no plain number ("2 lakh") are no QTI float
                   "hint"}


def checked(items, anchors=frozenset({"key-facts"})):
    """Each item's data as the bank check makes it canonical (failing on any problem)."""
    results = [check_question_data(item.data, set(anchors)) for item in items]
    assert all(not messages for _, messages in results), [m for _, m in results if m]
    return [question.data for question, _ in results]


def files_of(package: bytes) -> dict[str, bytes]:
    """Every file of a package by name."""
    with zipfile.ZipFile(io.BytesIO(package)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def carried(package: bytes) -> dict[str, dict]:
    """Our metadata of each item of a package, by question id."""
    manifest = etree.fromstring(files_of(package)["imsmanifest.xml"])
    return {resource.get("identifier").lstrip("_"): qti._resource(resource).meta
            for resource in manifest.iter(f"{{{qti.CP}}}resource") if resource.get("type") == qti.ITEM_RESOURCE}


def zipped(files: dict[str, bytes | str]) -> bytes:
    """A zip of these files."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def manifest_of(*hrefs: str) -> str:
    """A minimal QTI 3.0 manifest listing these item files."""
    resources = "".join(f'<resource identifier="R{index}" type="imsqti_item_xmlv3p0" href="{href}"><file href="{href}"/></resource>'
                        for index, href in enumerate(hrefs))
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<manifest xmlns="{qti.CP}" identifier="M"><metadata><schema>QTI Package'
            f'</schema><schemaversion>3.0.0</schemaversion></metadata><organizations/><resources>{resources}</resources></manifest>')


# --- Our own questions: exact round trips, valid packages -------------------------------------

def test_every_shipped_question_comes_back_exactly(shipped_course):
    for bank in shipped_course.banks:
        lesson = next(item for item in shipped_course.lessons if item.slug == bank.slug)
        original = [question.data for question in bank.questions]
        package = qti.export_package(original, lesson.title)
        imported, skipped = qti.import_package(package, "key-facts")
        assert skipped == [] and checked(imported, lesson.anchors) == original, bank.slug
        # The questions travel in QTI itself: only what QTI has no place for rides in our metadata.
        for ident, meta in carried(package).items():
            assert set(meta.get("fields", {})) <= NO_PLACE_IN_QTI, (ident, meta.get("fields"))


SAMPLES = yaml.safe_load("""
- id: sample-credit
  type: single_choice
  prompt: Which city *hosted* the 1999 summit?
  options:
    - {id: lahore, text: Lahore, feedback: "Yes: the bus went there."}
    - {id: delhi, text: Delhi, credit: 0.5, feedback: Half right.}
    - {id: agra, text: Agra, credit: -0.5, feedback: "No: Agra was 2001."}
  answer: lahore
- id: 1999-weights
  type: multiple_response
  prompt: Which two cities?
  scoring: weights
  options:
    - {id: a, text: Dubai, credit: 0.5, feedback: "Yes."}
    - {id: b, text: London, credit: 0.5, feedback: "Yes."}
    - {id: 3rd, text: Kabul, credit: -1, feedback: "No."}
  answer: [a, b]
- id: sample-numeric
  type: numeric
  prompt: In millions of US dollars, what were Pakistan's exports to India in 2013?
  answer: 403
  tolerance: 2
  unit: million
  other_answers:
    - {text: "400", credit: 0.5, tolerance: 1, feedback: Close.}
  wrong_answers:
    - {text: "1998", feedback: That is a year.}
  other_feedback: Look at the trade table.
- id: sample-short
  type: short_answer
  prompt: Which prime minister took the bus?
  answers:
    - Vajpayee
    - {text: Atal, credit: 0.5, feedback: "Give his surname: **Vajpayee**."}
  wrong_answers:
    - {text: Brajesh Mishra, feedback: His adviser.}
  other_feedback: Think of February 1999.
- id: sample-true-false
  type: true_false
  prompt: India granted Pakistan MFN status in 1996.
  answer: true
- id: sample-ordering
  type: ordering
  prompt: Earliest first.
  items:
    - {id: lahore, text: "Vajpayee's *bus* to Lahore"}
    - {id: "2001", text: The Agra summit}
    - {id: islamabad, text: The 12th SAARC summit}
- id: sample-matching
  type: matching
  prompt: Match.
  pairs:
    - {id: naik, left: Niaz A. Naik, right: Pakistan}
    - {id: 2mishra, left: R. K. Mishra, right: India}
    - {id: lambah, left: Satinder Lambah, right: India}
  distractors:
    - {id: kasuri, text: China}
- id: sample-cloze
  type: cloze
  prompt: Fill in the blanks.
  text: |
    SAFMA was set up in [[city]] in [[year]]. Its members are [[who]], and it met [[times]]
    times; which of these were members? [[members]]
  blanks:
    - {id: city, accept: [Islamabad, {text: Lahore, credit: 0.5, feedback: Close.}], wrong_answers: [{text: Delhi, feedback: No.}],
       other_feedback: A capital., case: sensitive}
    - {id: year, kind: numeric, answers: [{value: 2000}, {value: 2001, tolerance: 0.5, credit: 0.5, feedback: Near.}],
       other_feedback: A year., weight: 2}
    - {id: who, kind: choice, options: [{id: j, text: journalists, credit: 1, feedback: Yes.}, {id: s, text: soldiers}], shuffle: true}
    - {id: times, kind: choice, display: horizontal, options: [{id: t1, text: "1"}, {id: t5, text: "5", credit: 1}]}
    - {id: members, kind: multi, display: horizontal,
       options: [{id: x, text: Editors, credit: 0.5}, {id: y, text: Owners, credit: 0.5}, {id: z, text: Generals, credit: -1}]}
- id: sample-essay
  type: essay
  prompt: Why did the **backchannel** matter?
  min_words: 150
  max_words: 400
  model_answer: |
    It kept talks alive.

    - when official talks stopped
    - it let envoys *test* ideas
  rubric:
    - id: thesis
      title: Thesis
      levels:
        - {points: 0, description: None}
        - {points: 2.5, description: "A clear *thesis*"}
    - id: evidence
      title: Evidence from the lesson
      levels:
        - {points: 0, description: None given}
        - {points: 1, description: Some}
        - {points: 3, description: Plenty}
""")


@pytest.fixture(scope="module")
def samples() -> list[dict]:
    """One question of every type, with the options the shipped banks do not use (credits, weights, blank kinds...)."""
    common = {"explanation": "See the lesson.", "lesson_anchor": "key-facts", "tags": ["sample"], "difficulty": "hard"}
    return checked([SimpleNamespace(data={**common, **sample}) for sample in SAMPLES])


def test_every_type_and_option_comes_back_exactly(samples):
    imported, skipped = qti.import_package(qti.export_package(samples, "Samples"), "key-facts")
    assert skipped == [] and checked(imported) == samples


def test_what_qti_holds_is_in_qti(samples):
    """Credits, weights, tolerances, feedback and blank kinds are QTI's own; only word limits and the like ride aside."""
    package = qti.export_package(samples, "Samples")
    assert {ident: sorted(meta.get("fields", {})) for ident, meta in carried(package).items() if meta.get("fields")} == {
        "sample-numeric": ["unit"], "sample-essay": ["max_words", "min_words"]}
    items = {name: etree.fromstring(content) for name, content in files_of(package).items() if name.startswith("items/")}

    def values(name: str, path: str, attribute: str) -> list[str]:
        """Every ``attribute`` of the elements ``path`` in an item."""
        return [element.get(attribute) for element in items[f"items/{name}.xml"].iter(q(path))]

    assert values("sample-credit", "qti-map-entry", "mapped-value") == ["1.0", "0.5", "-0.5"]
    assert values("1999-weights", "qti-choice-interaction", "max-choices") == ["0"]
    assert values("sample-numeric", "qti-equal", "tolerance") == ["2.0", "1.0", "2.0"]  # wrong answer, other answer, key
    assert values("sample-short", "qti-map-entry", "case-sensitive") == ["false", "false"]
    assert values("sample-cloze", "qti-inline-choice-interaction", "shuffle") == ["true"]
    assert values("sample-cloze", "qti-choice-interaction", "orientation") == ["horizontal", "horizontal"]
    assert values("sample-essay", "qti-outcome-declaration", "external-scored")[0] == "human"
    assert values("sample-essay", "qti-rubric-block", "view") == ["scorer", "scorer"]
    assert values("sample-matching", "qti-map-entry", "map-key") == ["naik R-naik", "_2mishra R-2mishra", "lambah R-2mishra"]


def test_an_export_is_the_same_bytes_every_time(samples):
    assert qti.export_package(samples, "Samples") == qti.export_package(samples, "Samples")


@needs_item_schema
def test_every_exported_file_is_valid_qti_3(shipped_course, samples, capsys):
    questions = [question.data for bank in shipped_course.banks for question in bank.questions] + samples
    files = files_of(qti.export_package(questions, "The whole course"))
    items = {name: content for name, content in files.items() if name.startswith("items/")}
    started = time.perf_counter()
    problems = {name: errors for name, content in items.items() if (errors := validate_item(content))}
    problems.update({name: errors for name in ("test.xml",) if (errors := validate_item(files[name]))})
    problems.update({"imsmanifest.xml": errors} if (errors := validate_manifest(files["imsmanifest.xml"])) else {})
    with capsys.disabled():
        print(f"\nQTI 3.0: {len(items)} items, {len(items) - len(problems.keys() & items.keys())} valid, "
              f"test and manifest {'valid' if not problems.keys() - items.keys() else 'INVALID'}, "
              f"validated in {time.perf_counter() - started:.2f} s")
    assert len(items) == len(questions) and problems == {}


def test_the_manifest_is_valid_qti_3_packaging(samples):
    assert validate_manifest(files_of(qti.export_package(samples, "Samples"))["imsmanifest.xml"]) == []


# --- Other tools' items -------------------------------------------------------------------

@pytest.mark.parametrize(("file", "kind"), [
    ("QUE_104049.xml", "single_choice"), ("composition_of_water_qti3.xml", "multiple_response"),
    ("TF-choice.xml", "true_false"), ("A_1845621905.xml", "short_answer"),
    ("Example03-feedbackBlock-solution.xml", "numeric"), ("order-mountains.xml", "ordering"),
    ("match_qti3.xml", "matching"), ("text_entry-Lycidas.xml", "cloze"), ("essay-vacation.xml", "essay"),
])
def test_an_item_of_another_tool_imports_as_its_type(file, kind):
    (item,), skipped = qti.import_package(zipped({"imsmanifest.xml": manifest_of(file), file: (EXAMPLES / file).read_bytes()}),
                                          "key-facts")
    (data,) = checked([item])
    assert skipped == [] and data["type"] == kind and data["tags"] == ["imported"]


def test_what_another_tools_items_say_is_read():
    names = ["TF-choice.xml", "composition_of_water_qti3.xml", "match_qti3.xml", "order-mountains.xml", "text_entry-Lycidas.xml"]
    imported, _ = qti.import_package(zipped({"imsmanifest.xml": manifest_of(*names),
                                             **{name: (EXAMPLES / name).read_bytes() for name in names}}), "key-facts")
    tf, water, match, order, cloze = (item.data for item in imported)
    assert (tf["prompt"], tf["answer"], tf["feedback"]["false"]) == ("An octahedron has 12 faces.", False,
                                                                     "That's right, an octahedron has 8 faces.")
    assert [(o["text"], o["credit"]) for o in water["options"] if o["credit"]] == [("Hydrogen", 0.5), ("Oxygen", 0.5), ("Chlorine", -0.5)]
    assert [(p["left"], p["right"]) for p in match["pairs"]][1:3] == [("Demetrius", "A Midsummer-Night's Dream"),
                                                                     ("Lysander", "A Midsummer-Night's Dream")]
    assert [item["id"] for item in order["items"]] == ["bennevis", "benmacdui", "bidean", "creagmeagaidh"]
    assert cloze["blanks"][0] == {"id": "response1", "accept": ["fresh woods", {"text": "fresh fields", "credit": 0.5}],
                                  "case": "sensitive"}


def test_an_item_without_a_key_for_every_blank_is_refused_by_the_bank_check():
    name = "inline_choice_qti3.xml"
    (item,), _ = qti.import_package(zipped({"imsmanifest.xml": manifest_of(name), name: (EXAMPLES / name).read_bytes()}), "key-facts")
    question, messages = check_question_data(item.data, {"key-facts"})
    assert item.data["type"] == "cloze" and question is None and "blank 2: at least one option must earn full credit" in messages[0]


def test_an_interaction_with_no_equivalent_is_skipped_and_the_rest_imports():
    hotspot = (f'<qti-assessment-item xmlns="{qti.QTI}" identifier="h" title="Where" adaptive="false" time-dependent="false">'
               '<qti-response-declaration identifier="R" cardinality="single" base-type="identifier"/>'
               '<qti-item-body><qti-hotspot-interaction response-identifier="R" max-choices="1"/></qti-item-body></qti-assessment-item>')
    imported, skipped = qti.import_package(zipped({"imsmanifest.xml": manifest_of("h.xml", "TF-choice.xml"), "h.xml": hotspot,
                                                   "TF-choice.xml": (EXAMPLES / "TF-choice.xml").read_bytes()}), "key-facts")
    assert [item.data["type"] for item in imported] == ["true_false"]
    assert [(s.name, s.line) for s in skipped] == [("Where (h.xml)", 1)] and "(hotspot-interaction) have no equivalent" in skipped[0].reason


# --- Hostile packages -----------------------------------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x" title="&lol3;"/>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE item [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<qti-assessment-item xmlns="http://www.imsglobal.org/xsd/imsqtiasi_v3p0" identifier="x" title="&secret;"/>"""
QTI21 = b"""<?xml version="1.0"?>
<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="x" title="Old" adaptive="false" timeDependent="false"/>"""


def lying_about_its_size(package: bytes) -> bytes:
    """The package with its last file's size in the zip's directory made small: the file holds far more."""
    entry = package.rindex(b"PK\x01\x02")
    return package[:entry + 24] + (1000).to_bytes(4, "little") + package[entry + 28:]


def twice(package: bytes) -> bytes:
    """The package with its second file renamed to the first's name (zipfile itself never writes two)."""
    return package.replace(b"b.xml", b"a.xml")


def hostile_cases():
    """(package, what the refusal says) of each kind of hostile package."""
    item = (EXAMPLES / "TF-choice.xml").read_bytes()
    many = manifest_of(*(f"items/{n}.xml" for n in range(MAX_QUESTIONS_PER_FILE + 1)))
    return [
        pytest.param(b"PK\x03\x04 not really", "not a zip file", id="not-a-zip"),
        pytest.param(zipped({"items/a.xml": item}), "has no imsmanifest.xml", id="no-manifest"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("a.xml"), "a.xml": b"\0" * (qti.MAX_FILE_BYTES + 1)}),
                     f"a.xml: the file unpacks to {qti.MAX_FILE_BYTES + 1:,} bytes", id="zip-bomb-one-file"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of(), **{f"f{n}.xml": b"\0" * (qti.MAX_FILE_BYTES - 1) for n in range(9)}}),
                     "the package unpacks to 37,7", id="zip-bomb-many-files"),
        pytest.param(lying_about_its_size(zipped({"imsmanifest.xml": manifest_of("a.xml"), "a.xml": b"\0" * 100_000})),
                     "a.xml: the file is damaged", id="zip-bomb-header-lies"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("a.xml"), "a.xml": item, "../evil.xml": item}),
                     "../evil.xml: a file named outside the package", id="path-traversal"),
        pytest.param(twice(zipped({"imsmanifest.xml": manifest_of("a.xml"), "a.xml": item, "b.xml": BOMB})),
                     "a.xml: the package holds two files of this name", id="two-files-one-name"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("/etc/evil.xml"), "a.xml": item}),
                     "line 2: item '/etc/evil.xml' is outside the package", id="manifest-outside"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("missing.xml")}), "lists 'missing.xml', which the package does not hold",
                     id="missing-file"),
        pytest.param(zipped({"imsmanifest.xml": many}), f"holds {MAX_QUESTIONS_PER_FILE + 1:,} questions", id="too-many-items"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("a.xml", "bomb.xml"), "a.xml": item, "bomb.xml": BOMB}),
                     "bomb.xml: line 2: the file declares a document type", id="entity-bomb"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("x.xml"), "x.xml": BOMB.replace(b'version="1.0"', b'version="1.0" '
                                                                                          b'encoding="UTF-16"').decode().encode("utf-16")}),
                     "x.xml: line 1: the file declares a document type", id="entity-bomb-in-utf-16"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("x.xml"), "x.xml": EXTERNAL}),
                     "x.xml: line 2: the file declares a document type", id="external-entity"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("old.xml"), "old.xml": QTI21}),
                     "old.xml: line 2: the item is QTI 2.x, not a QTI 3.0 qti-assessment-item", id="qti-2.1-item"),
        pytest.param(zipped({"imsmanifest.xml": manifest_of("a.xml"), "a.xml": b"<qti-assessment-item"}),
                     "a.xml: line 1: not well-formed XML", id="broken-xml"),
    ]


@pytest.mark.parametrize(("package", "message"), hostile_cases())
def test_a_hostile_package_is_refused_whole_with_its_reason(package, message):
    with pytest.raises(ValueError) as refused:
        qti.import_package(package, "key-facts")
    assert message in str(refused.value)


# --- Over HTTP and the command line -------------------------------------------------------

def upload(client, content: bytes, filename: str, lesson_id: int):
    """Post a file to the import page."""
    return client.post("/teach/import", data={"file": (io.BytesIO(content), filename), "lesson": lesson_id,
                                              "csrf_token": csrf_token(client, "/teach/import")},
                       content_type="multipart/form-data")


def lesson_id(app, slug: str) -> int:
    """The database id of a lesson."""
    from app.models import Lesson
    with app.app_context():
        return db.session.scalar(sa.select(Lesson.id).where(Lesson.slug == slug))


def authored(app) -> int:
    """How many questions were imported or written."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Question.id)).where(Question.origin == "authored"))


def test_a_lesson_exports_as_a_package_that_imports_back(app, shipped_course):
    teacher = person(app, "teacher", "instructor")
    assert "bank.qti.zip" in teacher.get("/teach/questions?lesson=trade").get_data(as_text=True)
    response = teacher.get("/teach/lessons/trade/bank.qti.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert 'filename="trade.qti.zip"' in response.headers["Content-Disposition"]
    count = len(shipped_course.bank("trade").questions)
    assert len([name for name in files_of(response.data) if name.startswith("items/")]) == count
    imported = upload(teacher, response.data, "trade.qti.zip", lesson_id(app, "trade"))
    html = imported.get_data(as_text=True)
    assert imported.status_code == 200 and f"{count} imported into Trade, 0 skipped" in html and "is taken; imported as" in html
    assert authored(app) == count
    assert person(app, "learner").get("/teach/lessons/trade/bank.qti.zip").status_code in (302, 403)


def test_a_package_with_one_hostile_file_changes_nothing(app):
    teacher = person(app, "teacher", "instructor")
    package = zipped({"imsmanifest.xml": manifest_of("a.xml", "bomb.xml"), "a.xml": (EXAMPLES / "TF-choice.xml").read_bytes(),
                      "bomb.xml": BOMB})
    response = upload(teacher, package, "mixed.zip", lesson_id(app, "trade"))
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported" in html and "bomb.xml: line 2" in html
    assert authored(app) == 0


def test_the_commands_export_a_lesson_package_and_import_it(app, shipped_course, tmp_path):
    out = tmp_path / "trade.zip"
    result = app.test_cli_runner().invoke(args=["bank", "export-qti", "trade", str(out)])
    count = len(shipped_course.bank("trade").questions)
    assert result.exit_code == 0 and f"{count} questions of 'trade' as a QTI 3.0 package" in result.output
    assert [item.data["id"] for item in qti.import_package(out.read_bytes(), "key-facts")[0]] == [
        question.id for question in shipped_course.bank("trade").questions]
    back = app.test_cli_runner().invoke(args=["bank", "import", str(out), "--lesson", "trade", "--bank", "course"])
    assert back.exit_code == 0 and f"{count} imported, 0 skipped (qti)" in back.output
    missing = app.test_cli_runner().invoke(args=["bank", "export-qti", "nope", str(out)])
    assert missing.exit_code != 0 and "no lesson 'nope'" in missing.output


# --- What a QTI player scores: the response processing we write, run on responses -------------

class ResponseProcessing:
    """Runs the part of QTI 3.0 response processing our exports use, as a player would: outcomes from responses."""

    def __init__(self, item: etree._Element, responses: dict):
        """Outcomes at their defaults, and the responses given."""
        self.item = item
        self.values = {declaration.get("identifier"): self._default(declaration)
                       for declaration in item.iter(q("qti-outcome-declaration"))} | responses
        self.declarations = {declaration.get("identifier"): declaration for declaration in item.iter(q("qti-response-declaration"))}

    def _default(self, declaration: etree._Element):
        """An outcome's default value (None: no default)."""
        value = declaration.find(f"{q('qti-default-value')}/{q('qti-value')}")
        return None if value is None else float(value.text)

    def run(self) -> dict:
        """Every outcome after the item's response processing."""
        for rule in self.item.find(q("qti-response-processing")):
            self.rule(rule)
        return self.values

    def rule(self, rule: etree._Element) -> None:
        """Carry out one rule: set an outcome, or the first branch of a condition that holds."""
        if rule.tag == q("qti-set-outcome-value"):
            self.values[rule.get("identifier")] = self.value(rule[0])
            return
        for branch in rule:  # a response condition
            otherwise = branch.tag == q("qti-response-else")
            if otherwise or self.value(branch[0]) is True:
                for inner in (branch if otherwise else branch[1:]):
                    self.rule(inner)
                return

    def value(self, expression: etree._Element):
        """The value of an expression (None: NULL)."""
        tag, kids = expression.tag.split("}")[1].removeprefix("qti-"), list(expression)
        if tag == "base-value":
            return float(expression.text) if expression.get("base-type") == "float" else expression.text
        if tag == "variable":
            return self.values.get(expression.get("identifier"))
        declaration = self.declarations.get(expression.get("identifier"))
        if tag == "correct":
            values = [value.text for value in declaration.iter(q("qti-value"))]
            return values if declaration.get("cardinality") != "single" else float(values[0]) \
                if declaration.get("base-type") == "float" else values[0]
        if tag == "map-response":
            return self.mapped(declaration, self.values.get(expression.get("identifier")))
        operands = [self.value(kid) for kid in kids]
        if tag in ("multiple", "ordered"):
            return [item for operand in operands if operand is not None for item in (operand if isinstance(operand, list) else [operand])]
        if tag == "is-null":
            return operands[0] in (None, [], "")
        if None in operands:
            return None
        a, b = (operands + [None])[:2]
        return {
            "not": lambda: not a, "and": lambda: all(operands), "or": lambda: any(operands),
            "match": lambda: a == b, "sum": lambda: sum(operands), "divide": lambda: a / b,
            "product": lambda: a * b,
            "string-match": lambda: a == b if expression.get("case-sensitive") == "true" else a.lower() == b.lower(),
            "equal": lambda: abs(a - b) <= float(expression.get("tolerance", "0").split()[0]),
            "contains": lambda: any(a[start:start + len(b)] == b for start in range(len(a))),
        }[tag]()

    def mapped(self, declaration: etree._Element, response):
        """``qti-map-response``: the response's mapped values summed, held to the mapping's bounds."""
        mapping = declaration.find(q("qti-mapping"))
        entries = [(entry.get("map-key"), float(entry.get("mapped-value")), entry.get("case-sensitive") != "false")
                   for entry in mapping.iter(q("qti-map-entry"))]
        given = [] if response is None else sorted(set(response)) if isinstance(response, list) else [response]
        total = 0.0
        for value in given:
            total += next((credit for key, credit, case in entries if (key == value if case else key.lower() == value.lower())),
                          float(mapping.get("default-value", "0")))
        low, high = mapping.get("lower-bound"), mapping.get("upper-bound")
        return min(float(high), max(float(low), total)) if low and high else max(float(low), total) if low else total


def qti_response(data: dict, response) -> dict:
    """Our response to a question as the values a QTI player would submit for its item."""
    from app.course.formats.qti_item import identifier
    kind = data["type"]
    if kind == "cloze":
        values = {}
        for blank in data["blanks"]:
            given, blank_kind = (response or {}).get(blank["id"]), blank.get("kind", "short")
            values[f"RESPONSE-{blank['id']}"] = (
                None if given is None else float(given) if blank_kind == "numeric"
                else [f"{identifier(blank['id'])}.{option}" for option in given] if blank_kind == "multi"
                else f"{identifier(blank['id'])}.{given}" if blank_kind == "choice" else given)
        return values
    if response is None:
        return {"RESPONSE": None}
    if kind == "matching":
        first = {}
        for pair in data["pairs"]:
            first.setdefault(pair["right"], pair["id"])
        right = {pair["id"]: f"R-{first[pair['right']]}" for pair in data["pairs"]}
        return {"RESPONSE": [f"{identifier(left)} {right[chosen]}" for left, chosen in response.items()]}
    return {"RESPONSE": {"true_false": lambda: str(response).lower(), "numeric": lambda: float(response),
                         "short_answer": lambda: response}.get(kind, lambda: [identifier(i) for i in response] if isinstance(
                             response, list) else identifier(response))()}


def responses_to_try(data: dict) -> list:
    """The key, no answer, and wrong or partly right answers a learner gives (those QTI and we read alike)."""
    from app.course.qtypes import of
    key, kind = of(data).key_response(data), data["type"]
    tries = [key, None]
    if kind in ("single_choice", "multiple_response"):
        tries += [option["id"] if kind == "single_choice" else [option["id"]] for option in data["options"]]
    elif kind == "true_false":
        tries.append(not key)
    elif kind == "short_answer":
        tries += [answer["text"] for answer in data["answers"] + data.get("wrong_answers", [])]
    elif kind == "numeric":
        tries += [entry["text"] for entry in data.get("wrong_answers", []) + data.get("other_answers", [])
                  if qti_number(entry["text"])]
    elif kind == "ordering":
        tries += [key[::-1], key[1:] + key[:1]]
    elif kind == "matching":
        tries.append(dict(zip(key, list(key.values())[1:] + list(key.values())[:1])))
    return tries


def qti_number(text: str) -> bool:
    """Whether a known answer is a number a QTI float can hold."""
    from app.course.qtypes.numeric.qti import DECIMAL
    return bool(DECIMAL.match(text))


def test_a_qti_player_scores_every_question_as_we_do(shipped_course, samples):
    """The key earns 1, no answer 0, and each option, known answer or other order what our scoring gives it."""
    from app.course.qtypes import of
    questions = [question.data for bank in shipped_course.banks for question in bank.questions] + samples
    scorable = [data for data in questions if data["type"] != "essay"]  # an essay's SCORE is a person's
    items = {name: etree.fromstring(content) for name, content in files_of(qti.export_package(scorable, "All")).items()
             if name.startswith("items/")}
    tried = 0
    for data in scorable:
        item = items[f"items/{data['id']}.xml"]
        for response in responses_to_try(data):
            ours = of(data).score(data, response).score
            theirs = ResponseProcessing(item, qti_response(data, response)).run()["SCORE"]
            assert theirs == pytest.approx(ours), (data["id"], response)
            tried += 1
    assert tried > 4 * len(scorable)
