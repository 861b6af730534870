"""The course text itself: one lesson per section of the paper, own words, standard spellings."""

import csv
import re
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT
from tests.conftest import SHARED

SECTIONS = SHARED / "source" / "sections.tsv"
COPY_CHECK = SHARED / "tools" / "copy_check.py"
needs_shared = pytest.mark.skipif(not SECTIONS.exists(), reason=f"the shared source folder is not at {SHARED}")

# The paper's spellings that the lessons replace; each may appear only inside "Notes on the source".
PAPER_SLIPS = [
    "Vagpai", "Wahga", "Ferus Shah", "Rumees", "Mahesh Bhutt", "Veer Zara", "Shahrukh", "Pervais",
    "Shiri Rehman", "Brijesh", "Amn ki", "Jammia", "Molana", "Test Mach", "Ulemai",
]


def sections():
    with SECTIONS.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def outside_notes(markdown: str) -> str:
    """The lesson text without its "Notes on the source" box (an indented admonition block)."""
    return re.sub(r'^!!! note "Notes on the source"\n(?:(?: {4}.*)?\n)*', "", markdown, flags=re.M)


@needs_shared
def test_every_section_of_the_paper_has_its_lesson(shipped_course):
    by_slug = {lesson.slug: lesson for lesson in shipped_course.lessons}
    rows = sections()
    assert set(by_slug) == {row["slug"] for row in rows}
    for order, row in enumerate(rows, start=1):
        lesson = by_slug[row["slug"]]
        assert lesson.order == order
        assert lesson.source_lines == (int(row["first_line"]), int(row["last_line"]))


@needs_shared
def test_lessons_with_dated_events_have_a_timeline(shipped_course):
    paper = (SHARED / "source" / "paper.txt").read_text(encoding="utf-8").splitlines()
    for row in sections():
        text = "\n".join(paper[int(row["first_line"]) - 1:int(row["last_line"])])
        years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
        lesson = next(item for item in shipped_course.lessons if item.slug == row["slug"])
        if years - {"2009", "2010", "2011", "2012", "2014", "2015", "2016"} or lesson.slug == "trade":
            assert lesson.timeline, f"{lesson.slug} has dated events but no timeline"


@pytest.mark.skipif(not COPY_CHECK.exists(), reason=f"copy_check.py is not at {COPY_CHECK}")
def test_lessons_do_not_copy_the_papers_sentences():
    result = subprocess.run([sys.executable, str(COPY_CHECK)], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_standard_spellings_outside_the_notes_box(shipped_course):
    for lesson in shipped_course.lessons:
        text = outside_notes(lesson.markdown)
        for slip in PAPER_SLIPS:
            assert slip.lower() not in text.lower(), f"{lesson.slug} uses the paper's '{slip}' outside its notes box"


def test_the_notes_box_names_the_papers_slips(shipped_course):
    notes = {lesson.slug: lesson.markdown[len(outside_notes(lesson.markdown)) - len(lesson.markdown):] for lesson in shipped_course.lessons}
    everything = "\n".join(lesson.markdown for lesson in shipped_course.lessons)
    for slip, right in [("Vagpai", "Vajpayee"), ("Wahga", "Wagah"), ("Ferus Shah Kotla", "Feroz Shah Kotla"),
                        ("Rumees Raja", "Ramiz Raja"), ("Mahesh Bhutt", "Mahesh Bhatt"), ("Veer Zara", "Veer-Zaara")]:
        assert slip in everything and right in everything
    assert "$312" in notes["trade"] and "million" in notes["trade"]
    assert "R. K. Mishra" in notes["kashmir-non-paper"] and "Brajesh Mishra" in notes["kashmir-non-paper"]


def test_every_lesson_has_the_teaching_parts(shipped_course):
    for lesson in shipped_course.lessons:
        titles = {heading.title for heading in lesson.headings}
        assert {"Key facts", "Glossary"} <= titles, lesson.slug
        assert lesson.glossary and len(lesson.objectives) >= 2
        # An introduction paragraph (which may carry its source as an attribute), not a heading.
        assert re.match(r"<p[ >]", lesson.html), f"{lesson.slug} should open with an introduction"


def test_the_kashmir_backchannel_lesson_is_the_longest(shipped_course):
    longest = max(shipped_course.lessons, key=lambda lesson: lesson.word_count)
    assert longest.slug == "kashmir-non-paper"
