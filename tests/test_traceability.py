"""Every fact traceable: quoted passages are the paper's words at their lines, lessons name their lines,
and a question's passage reaches every page, the API and every export."""

import io
import re
import sqlite3
import tempfile
import zipfile
from datetime import datetime, timedelta, timezone
from html.parser import HTMLParser
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.course.bank import check_question_data, render_question
from app.course.interop.anki import build_deck
from app.course.interop.gift import export_gift, parse_gift
from app.course.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from app.course.passages import passage_caption, with_passage, without_passage
from app.course.quiz import form_values
from app.course.scoring import key_response
from app.extensions import db
from app.models import Question, QuestionVersion, ReviewCard
from tests.conftest import SHARED, csrf_token
from tests.test_progress import card_values
from tests.test_quiz import layout_data, shown, start as start_quiz
from tests.test_teaching import create_assignment, create_class, join, person, take

PAPER = SHARED / "source" / "paper.txt"
needs_paper = pytest.mark.skipif(not PAPER.exists(), reason=f"the paper is not at {PAPER}: quotations and line "
                                                            "numbers can only be checked against it")
LESSON_SLUGS = sorted(path.stem for path in (PROJECT_ROOT / "lessons").glob("*.md") if path.name.lower() != "readme.md")
MIN_SOURCE_CRITICISM, MIN_SOURCE_CRITICISM_LESSONS, MAX_PASSAGE_WORDS = 15, 8, 40


# --- Reading the paper as a quotation is checked against it ----------------------------------

# Quotation marks and apostrophes of every shape are one mark (the paper's own are garbled: „Rama‟,
# Pakistan‟s); dashes and hyphens are dropped, so a word the paper breaks across lines ("pre-" /
# "partition") reads as one word.
_QUOTE_MARKS = str.maketrans(dict.fromkeys("\"'`“”„‟″«»‘’‚‛′", '"'))
_LINE_BREAK_HYPHEN = re.compile(r"[-‐‑–—]\s*\n\s*")
_DASHES = re.compile(r"[-‐‑–—]")
_CUT = re.compile(r"(?:^|\s)(?:…|\.\.\.)(?:\s|$)")  # " … " marks words left out of a quotation


def normalised(text: str) -> str:
    """Text as a quotation is compared: one kind of quotation mark, no hyphens, single spaces, any case."""
    text = _DASHES.sub("", _LINE_BREAK_HYPHEN.sub("", text.translate(_QUOTE_MARKS)))
    return " ".join(text.split()).casefold()


def quote_pieces(quote: str) -> list[str]:
    """The runs of the paper's words a quotation holds, in order (cut at each " … ")."""
    return [piece for piece in (normalised(part) for part in _CUT.split(quote)) if piece]


def quote_words(quote: str) -> int:
    """Words quoted: what a reader counts, so neither the cut marks nor a lone dash count."""
    return sum(1 for word in quote.split() if re.search(r"\w", word))


class Paper:
    """The source paper by line number (1-based, as `sections.tsv` and the lessons count them)."""

    def __init__(self, path: Path):
        self.lines = path.read_text(encoding="utf-8").splitlines()

    def text(self, first: int, last: int) -> str:
        return normalised("\n".join(self.lines[first - 1:last]))

    def where(self, piece: str, reach: int = 20) -> tuple[int, int] | None:
        """The lines a piece of quotation actually stands on, if the paper holds it anywhere."""
        starts = [first for first in range(1, len(self.lines) + 1) if piece in self.text(first, first + reach)]
        if not starts:
            return None
        first = starts[-1]
        return first, next(last for last in range(first, first + reach + 1) if piece in self.text(first, last))

    def misquotes(self, quote: str, lines: list[int]) -> list[str]:
        """Why a quotation is not the paper's words between ``lines`` (in order); empty when it is."""
        span, position, problems = self.text(*lines), 0, []
        for piece in quote_pieces(quote):
            found = span.find(piece, position)
            if found < 0:
                elsewhere = self.where(piece)
                hint = f"; the paper has it at lines {elsewhere[0]}–{elsewhere[1]}" if elsewhere else "; the paper has no such words"
                if elsewhere and span.find(piece) >= 0:
                    hint = "; it is there, but before the piece quoted ahead of it"
                problems.append(f"“{piece[:70]}” is not in lines {lines[0]}–{lines[1]}{hint}")
                continue
            position = found + len(piece)
        return problems


@pytest.fixture(scope="module")
def paper() -> Paper:
    return Paper(PAPER)


def all_questions(shipped_course) -> list[tuple[str, dict]]:
    return [(bank.slug, question.data) for bank in shipped_course.banks for question in bank.questions]


def test_normalising_a_quotation_keeps_words_and_drops_only_typography():
    assert normalised("The pre-\n\npartition “history”  ") == normalised('the prepartition "history"')
    assert normalised("Bus Yatra‟‟ of Pakistan‟s „Rama‟") == normalised("Bus Yatra\"\" of Pakistan's 'Rama'")
    assert normalised("Jamiat-\n\ne-Ulemai") == normalised("Jamiat-e-Ulemai")
    assert normalised("exports fell") != normalised("exports rose")
    assert quote_pieces("met … dozen times … in Dubai") == ["met", "dozen times", "in dubai"]
    assert quote_pieces("… at Dubai, Singapore and London …") == ["at dubai, singapore and london"]
    assert quote_words("met with each other … dozen times — in Dubai") == 8


@needs_paper
def test_a_misquotation_is_named_with_where_the_paper_has_it(paper):
    assert paper.misquotes("Pakistan and India share common history", [5, 5]) == []
    assert paper.misquotes("share common history … The pre-partition history", [5, 7]) == []
    wrong_lines = paper.misquotes("Pakistan and India share common history", [7, 9])
    assert wrong_lines == ["“pakistan and india share common history” is not in lines 7–9; the paper has it at lines 5–5"]
    assert "no such words" in paper.misquotes("Pakistan and India share a history", [5, 7])[0]
    assert "before the piece" in paper.misquotes("The pre-partition history … share common history", [5, 7])[0]


# --- Checks of the shipped course against the paper -------------------------------------------

@needs_paper
def test_every_passage_is_the_papers_words_at_its_lines(shipped_course, paper):
    problems = [f"{slug}: {data['id']}: {problem}"
                for slug, data in all_questions(shipped_course) if "passage" in data
                for problem in paper.misquotes(data["passage"]["quote"], data["passage"]["lines"])]
    assert not problems, "\n".join(problems)


@needs_paper
def test_every_passage_and_every_source_lies_within_the_paper(shipped_course, paper):
    last = len(paper.lines)
    problems = [f"{slug}: {data['id']}: passage lines {data['passage']['lines']} (the paper has {last} lines)"
                for slug, data in all_questions(shipped_course) if "passage" in data and data["passage"]["lines"][1] > last]
    for lesson in shipped_course.lessons:
        for offset, line in enumerate(lesson.markdown.splitlines()):
            for value in re.findall(r'\bsource="([^"]*)"', line):
                numbers = [int(n) for n in re.findall(r"\d+", value)]
                if any(n > last for n in numbers):
                    problems.append(f"{lesson.path}:{lesson.body_line + offset}: source=\"{value}\" (the paper has {last} lines)")
    assert not problems, "\n".join(problems)


def test_every_passage_is_short_enough_to_quote_fairly(shipped_course):
    long = [f"{slug}: {data['id']}: {quote_words(data['passage']['quote'])} words"
            for slug, data in all_questions(shipped_course)
            if "passage" in data and quote_words(data["passage"]["quote"]) >= MAX_PASSAGE_WORDS]
    assert not long, f"a passage quotes fewer than {MAX_PASSAGE_WORDS} words:\n" + "\n".join(long)


class _BodyParagraphs(HTMLParser):
    """The lesson body's own paragraphs (not those in lists, tables, quotes or notes) from its start up
    to "Key facts": the introduction and the content sections, each with its ``data-source`` and words."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth, self.in_content, self.done = 0, True, False
        self.paragraphs: list[tuple[str | None, list[str]]] = []
        self.current: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.depth == 0 and tag == "h2":
            self.done = self.done or attributes.get("id") == "key-facts"
            self.in_content = not self.done
        if self.depth == 0 and tag == "p" and self.in_content:
            self.current = []
            self.paragraphs.append((attributes.get("data-source"), self.current))
        if tag not in ("br", "hr", "img", "wbr"):
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in ("br", "hr", "img", "wbr"):
            self.depth -= 1
        if self.depth == 0:
            self.current = None

    def handle_data(self, data):
        if self.current is not None:
            self.current.append(data)


def test_only_a_lessons_introduction_and_content_paragraphs_need_a_source():
    reader = _BodyParagraphs()
    reader.feed('<p>Introduction.</p><p data-source="Paper, line 3">More.</p>'
                '<h2 id="a">A</h2><p data-source="Paper, lines 1–2">One<br>line.</p><p>Two <em>words</em>.</p>'
                '<ul><li><p>In a list.</p></li></ul><div class="admonition note"><p>A note.</p></div><h3 id="b">B</h3>'
                '<p data-source="Added context, not in the paper">Three.</p><h2 id="key-facts">Key facts</h2><p>After.</p>')
    assert [(source, "".join(words)) for source, words in reader.paragraphs] == [
        (None, "Introduction."), ("Paper, line 3", "More."), ("Paper, lines 1–2", "Oneline."), (None, "Two words."),
        ("Added context, not in the paper", "Three.")]


@pytest.mark.parametrize("slug", LESSON_SLUGS)
def test_every_paragraph_of_a_lessons_content_names_its_source(shipped_course, slug):
    lesson = next(item for item in shipped_course.lessons if item.slug == slug)
    reader = _BodyParagraphs()
    reader.feed(lesson.html)
    missing = [" ".join("".join(words).split()[:8]) for source, words in reader.paragraphs if not source]
    assert reader.paragraphs, f"{lesson.path}: no paragraphs before Key facts"
    assert not missing, (f"{lesson.path}: {len(missing)} of {len(reader.paragraphs)} paragraphs have no source= "
                         "(paper lines, or \"context\"):\n" + "\n".join(f"  “{words} …”" for words in missing))


def test_the_course_has_source_criticism_exercises_in_most_lessons(shipped_course):
    tagged = [(slug, data) for slug, data in all_questions(shipped_course) if "source-criticism" in data["tags"]]
    without = [data["id"] for _, data in tagged if "passage" not in data]
    lessons = {slug for slug, _ in tagged}
    assert not without, f"tagged source-criticism but showing no passage: {without}"
    assert len(tagged) >= MIN_SOURCE_CRITICISM, f"{len(tagged)} source-criticism questions; the course needs {MIN_SOURCE_CRITICISM}"
    assert len(lessons) >= MIN_SOURCE_CRITICISM_LESSONS, (
        f"source-criticism questions in {len(lessons)} lessons ({', '.join(sorted(lessons))}); "
        f"the course needs them in {MIN_SOURCE_CRITICISM_LESSONS}")


# --- A passage on every page that shows the question ------------------------------------------

PASSAGE = {"lines": [371, 373], "quote": "Exports “to India” … were 312 in the year — a figure without a unit"}
CAPTION = "The paper, lines 371–373"


def chosen_question(shipped_course) -> str:
    """A trade question that may carry a passage (single choice) and has none yet."""
    return next(q.id for q in shipped_course.bank("trade").questions if q.type == "single_choice" and "passage" not in q.data)


def give_passage(app, question_id: str) -> dict:
    """Put ``PASSAGE`` on the question's current version (as a bank edit would) and tag it for an assignment."""
    with app.app_context():
        question = db.session.get(Question, question_id)
        version = db.session.scalar(sa.select(QuestionVersion).where(
            QuestionVersion.question_id == question_id, QuestionVersion.version == question.version))
        data = {**version.data, "passage": PASSAGE, "tags": [*version.data["tags"], "passage-on-every-page"]}
        version.data, version.html = data, render_question(data)
        db.session.commit()
        return data


def assert_passage_above_prompt(html: str, data: dict) -> None:
    """The page quotes the passage in a captioned figure, before the question's prompt."""
    figure = re.search(r'<figure class="passage" id="([^"]+)" aria-labelledby="\1-caption">\s*<blockquote(?: lang="en" dir="ltr")?><p>(.*?)</p></blockquote>'
                       r'\s*<figcaption id="\1-caption">([^<]*)</figcaption>', html, re.S)
    assert figure, "no captioned passage on the page"
    assert figure.group(2) == "Exports “to India” … were 312 in the year — a figure without a unit"
    assert figure.group(3) == CAPTION
    assert figure.end() < html.index(render_question(data)["prompt"][3:40])


@pytest.fixture
def source_question(app, shipped_course) -> dict:
    return give_passage(app, chosen_question(shipped_course))


def passage_assignment_started(app):
    """Teacher 'ines' sets her class (student 'sami') the passage question, and sami starts it:
    (teacher, student, assignment id, the attempt's path)."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    student = person(app, "sami")
    join(student, code)
    assignment_id = create_assignment(app, teacher, classroom_id, tag="passage-on-every-page", question_count=1)
    started = student.post(f"/assignments/{assignment_id}/start", data={"csrf_token": csrf_token(student, "/assignments")})
    return teacher, student, assignment_id, started.headers["Location"]


def test_a_test_its_result_and_the_instructors_view_show_the_passage(app, source_question):
    teacher, student, assignment_id, attempt = passage_assignment_started(app)
    test_page = student.get(attempt).get_data(as_text=True)
    assert_passage_above_prompt(test_page, source_question)
    # A screen reader meets a group named by the number and the prompt, described by the quotation.
    assert re.search(r'<fieldset class="question" id="q0" aria-labelledby="q0-number q0-prompt" aria-describedby="q0-passage">', test_page)
    assert 'id="q0-number">Question 1</span>' in test_page and 'id="q0-prompt"' in test_page

    graded = take(app, student, assignment_id)
    # The result page names each question before showing it (the "to look at again" list, a folded card's one-line
    # summary, hidden once the card is open): the passage must come before the prompt in the question as shown.
    result = student.get(f"/attempts/{graded}/result").get_data(as_text=True)
    assert_passage_above_prompt(re.sub(r"<summary>.*?</summary>", "", result[result.index('<ol class="review">'):], flags=re.S),
                                source_question)
    assert_passage_above_prompt(teacher.get(f"/teach/attempts/{graded}").get_data(as_text=True), source_question)
    preview = teacher.get(f"/teach/questions/{source_question['id']}").get_data(as_text=True)
    assert_passage_above_prompt(preview, source_question)


def test_practice_and_review_show_the_passage(app, source_question):
    student = person(app, "sami")
    practice = start_quiz(student, "trade", mode="practice")
    position = next(i for i, data in enumerate(layout_data(app, practice)) if data["id"] == source_question["id"])
    page = f"/attempts/{practice}?q={position}"
    assert_passage_above_prompt(student.get(page).get_data(as_text=True), source_question)
    values = shown(app, practice, form_values(source_question, f"q{position}", key_response(source_question)))
    checked = student.post(f"/attempts/{practice}/check", data={
        **values, "position": position, "try_number": 1, "csrf_token": csrf_token(student, page)})
    assert checked.status_code == 302
    answered = student.get(page).get_data(as_text=True)
    assert ">Correct<" in answered
    assert_passage_above_prompt(answered, source_question)

    with app.app_context():
        card = db.session.scalar(sa.select(ReviewCard).where(ReviewCard.question_id == source_question["id"]))
        card.last_review, card.due = datetime.now(timezone.utc) - timedelta(days=3), datetime.now(timezone.utc) - timedelta(days=1)
        db.session.commit()
        card_id = card.id
    assert_passage_above_prompt(student.get("/review").get_data(as_text=True), source_question)
    done = student.post(f"/review/{card_id}", data={**card_values(app, card_id, key_response(source_question)),
                                                    "csrf_token": csrf_token(student, "/review")})
    assert_passage_above_prompt(student.get(done.headers["Location"]).get_data(as_text=True), source_question)


def test_the_api_hands_out_the_passage_with_its_caption(app, client, source_question):
    quiz = client.get("/api/v1/lessons/trade/quiz").json
    by_id = {question["id"]: question for question in quiz["questions"]}
    assert by_id[source_question["id"]]["passage"] == {
        "lines": [371, 373], "caption": CAPTION, "quote_html": "Exports “to India” … were 312 in the year — a figure without a unit"}


# --- Exports keep the passage -------------------------------------------------------------------

def passage_question(shipped_course, passage=PASSAGE) -> dict:
    """A shipped trade question with ``passage``, as a bank file would hold it (one whose other fields
    both formats carry, so only the passage is on trial)."""
    return {**next(q.data for q in shipped_course.bank("trade").questions if q.type == "single_choice"
                   and "excludes" not in q.data), "passage": passage}


def test_a_caption_names_one_line_or_a_range():
    assert passage_caption([712, 714]) == "The paper, lines 712–714"
    assert passage_caption([712, 712]) == "The paper, line 712"


@pytest.mark.parametrize("passage", [PASSAGE, {"lines": [12, 12], "quote": "a line\nand: {braces} = ~tilde #hash"}])
def test_gift_and_moodle_xml_put_the_passage_before_the_prompt_and_read_it_back(shipped_course, passage):
    lesson = next(item for item in shipped_course.lessons if item.slug == "trade")
    data = passage_question(shipped_course, passage)
    gift, skipped = export_gift([data])
    moodle = export_moodle_xml([data])
    assert skipped == []
    # Moodle, or any reader of the file, sees the quotation and where it comes from, above the question.
    for text in (gift, moodle):
        assert passage_caption(passage["lines"]) in text
    block = with_passage(data["prompt"], passage)
    assert block.startswith("> ") and f"> — {passage_caption(passage['lines'])}\n\n{data['prompt']}" in block
    for imported, refused in (parse_gift(gift, "key-facts"), parse_moodle_xml(moodle, "key-facts")):
        assert refused == []
        (checked, messages), = [check_question_data(item.data, set(lesson.anchors)) for item in imported]
        assert messages == [] and checked.data == data


def test_an_edited_passage_block_stays_in_the_prompt_and_is_not_shown_twice():
    prompt = with_passage("What is wrong here?", PASSAGE).replace("312", "313")
    assert without_passage(prompt, PASSAGE) == (prompt, None)
    assert without_passage(with_passage("Why?", PASSAGE), {"lines": "371", "quote": 5}) == (with_passage("Why?", PASSAGE), None)
    assert without_passage(with_passage("Why?", PASSAGE), PASSAGE) == ("Why?", PASSAGE)


def test_an_anki_card_shows_the_passage_above_the_prompt(shipped_course):
    data = passage_question(shipped_course)
    rendered = render_question(data)
    package = build_deck("Trade", [(data, rendered, "https://example/lesson")], b"deck key")
    with zipfile.ZipFile(io.BytesIO(package)) as archive, tempfile.TemporaryDirectory() as folder:
        archive.extract("collection.anki2", folder)
        connection = sqlite3.connect(Path(folder) / "collection.anki2")
        (fields,), = connection.execute("SELECT flds FROM notes").fetchall()
        connection.close()
    front = fields.split("\x1f")[0]
    assert front.startswith(f"<figure><blockquote>{rendered['passage']}</blockquote><figcaption>{CAPTION}</figcaption></figure>")
    assert rendered["prompt"] in front
