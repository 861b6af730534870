"""The pure lesson reader: front matter errors with exact lines, sanitising, structured tables."""

import re
from pathlib import Path

import pytest

from app.course.lessons import parse_date, read_course, read_lesson
from app.course.paper import background_words, mark_background

GOOD_BODY = """\
An introduction.

## What happened {#what-happened}

In 1999 a bus crossed at Wagah.
{: #bus-1999 }

## Key facts {#key-facts}

- A bus crossed in 1999.

## Timeline {#timeline}

| Date | Event | Read more |
|---|---|---|
| February 1999 | A bus crosses at *Wagah* | [The bus](#bus-1999) |
| 1947 | Partition (context) | [Start](#what-happened) |

## People and organisations {#people}

| Name | Side | Role |
|---|---|---|
| Nawaz Sharif | Pakistan | Opened the gate |

## Glossary {#glossary}

- **Backchannel**: a quiet line of talks.
- **CBM**: a confidence-building measure.

!!! note "Notes on the source"
    - The paper writes "Wahga".

*Sources the paper cites here:* Aziz (2009).
"""

GOOD_FRONT = """\
---
slug: sample
title: A sample lesson
order: 1
summary: A lesson used by the tests.
objectives:
  - Explain the sample.
source_lines: [1, 10]
---
"""


def write_lesson(folder: Path, front: str = GOOD_FRONT, body: str = GOOD_BODY, name: str = "sample.md") -> Path:
    lessons = folder / "lessons"
    lessons.mkdir(exist_ok=True)
    path = lessons / name
    path.write_text(front + body, encoding="utf-8")
    return path


def test_good_lesson_is_read_with_its_tables(tmp_path):
    lesson, problems = read_lesson(write_lesson(tmp_path))
    assert problems == []
    assert lesson.title == "A sample lesson"
    assert [(entry.year, entry.month, entry.anchor) for entry in lesson.timeline] == [(1999, 2, "bus-1999"), (1947, 0, "what-happened")]
    assert lesson.timeline[0].event_html == "A bus crosses at <em>Wagah</em>"
    assert lesson.timeline[1].is_context and not lesson.timeline[0].is_context
    assert [(person.name, person.side) for person in lesson.people] == [("Nawaz Sharif", "Pakistan")]
    assert [term.term for term in lesson.glossary] == ["Backchannel", "CBM"]
    assert {"what-happened", "bus-1999", "key-facts", "timeline", "glossary"} <= lesson.anchors
    assert '<p id="bus-1999">' in lesson.html
    assert 'class="admonition note"' in lesson.html
    assert lesson.reading_minutes == 1


def replace_line(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new, 1)


@pytest.mark.parametrize(("front", "line", "message"), [
    (GOOD_FRONT.replace("---\nslug", "slug", 1), 1, "lesson must start with '---'"),
    (GOOD_FRONT.rstrip("-\n") + "\n", 1, "front matter is not closed"),
    (replace_line(GOOD_FRONT, "title: A sample lesson", "title: [unclosed"), 3, "front matter is not valid YAML"),
    (replace_line(GOOD_FRONT, "slug: sample", "slug: other"), 2, "slug 'other' does not match the file name 'sample.md'"),
    (replace_line(GOOD_FRONT, "order: 1", "order: first"), 4, "'order' must be a whole number from 1"),
    (replace_line(GOOD_FRONT, "summary: A lesson used by the tests.", "summary: ''"), 5, "'summary' must be non-empty text"),
    (replace_line(GOOD_FRONT, "summary: A lesson used by the tests.", "summary: " + "x" * 201), 5, "'summary' is 201 characters"),
    (replace_line(GOOD_FRONT, "  - Explain the sample.", "  - ''"), 6, "'objectives' must be a list"),
    (replace_line(GOOD_FRONT, "source_lines: [1, 10]", "source_lines: [10, 1]"), 8, "'source_lines' must be [first, last]"),
    (replace_line(GOOD_FRONT, "order: 1\n", ""), 1, "front matter is missing 'order'"),
    (replace_line(GOOD_FRONT, "order: 1", "order: 1\nauthor: me"), 5, "unknown front matter field 'author'"),
])
def test_front_matter_errors_name_file_and_line(tmp_path, front, line, message):
    path = write_lesson(tmp_path, front=front)
    lesson, problems = read_lesson(path)
    assert lesson is None
    assert any(p.path == str(path) and p.line == line and message in p.message for p in problems), problems
    assert str(problems[0]).startswith(f"{path}:")


BODY_START = GOOD_FRONT.count("\n") + 1  # first body line in the file


def body_line(body: str, needle: str) -> int:
    return BODY_START + body.splitlines().index(needle)


@pytest.mark.parametrize(("old", "new", "message"), [
    ("## What happened {#what-happened}", "## What happened", "heading 'What happened' needs an explicit anchor"),
    ("## What happened {#what-happened}", "# What happened", "no level-1 headings"),
    ("## Key facts {#key-facts}", "## Key facts {#what-happened}", "anchor '#what-happened' is already used"),
    ("| February 1999 | A bus crosses at *Wagah* | [The bus](#bus-1999) |", "| Spring | A bus | [The bus](#bus-1999) |", "timeline date 'Spring' has no four-digit year"),
    ("| February 1999 | A bus crosses at *Wagah* | [The bus](#bus-1999) |", "| 1999 | A bus | no link |", "must link to an anchor"),
    ("| February 1999 | A bus crosses at *Wagah* | [The bus](#bus-1999) |", "| 1999 | A bus | [The bus](#nowhere) |", "link to '#nowhere' but the lesson has no such anchor"),
    ("| February 1999 | A bus crosses at *Wagah* | [The bus](#bus-1999) |", "| 1999 | A bus |", "a timeline row needs three cells"),
    ("| Nawaz Sharif | Pakistan | Opened the gate |", "| Nawaz Sharif | Lahore | Opened the gate |", "side 'Lahore' must be one of"),
    ("- **CBM**: a confidence-building measure.", "- CBM is a confidence-building measure.", "a glossary item must read"),
])
def test_body_errors_name_the_line(tmp_path, old, new, message):
    body = replace_line(GOOD_BODY, old, new)
    path = write_lesson(tmp_path, body=body)
    lesson, problems = read_lesson(path)
    assert lesson is None
    expected_line = body_line(body, new)
    assert any(p.line == expected_line and message in p.message for p in problems), problems


@pytest.mark.parametrize("section", ["## Key facts {#key-facts}", "## Glossary {#glossary}"])
def test_required_sections(tmp_path, section):
    body = GOOD_BODY.replace(section, "## Something else {#other}")
    _, problems = read_lesson(write_lesson(tmp_path, body=body))
    title = section.split("{")[0].strip("# ").strip()
    assert any(f"lesson has no '## {title}' section" in p.message for p in problems)


def test_all_problems_are_reported_at_once(tmp_path):
    body = GOOD_BODY.replace("## What happened {#what-happened}", "## What happened").replace("| Pakistan |", "| Mars |")
    _, problems = read_lesson(write_lesson(tmp_path, body=body))
    assert len(problems) >= 2


@pytest.mark.parametrize("attack", [
    "<script>alert('x')</script>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    '<p onclick="steal()">hi</p>',
    "<iframe src='https://evil.example'></iframe>",
    "<style>body{display:none}</style>",
])
def test_dangerous_html_in_a_lesson_is_stripped(tmp_path, attack):
    body = GOOD_BODY.replace("An introduction.", f"An introduction.\n\n{attack}\n")
    lesson, problems = read_lesson(write_lesson(tmp_path, body=body))
    assert problems == []
    html = lesson.html.lower()
    for forbidden in ("<script", "onerror", "javascript:", "onclick", "<iframe", "<style", "alert("):
        assert forbidden not in html


def test_markdown_link_with_script_url_is_neutralised(tmp_path):
    body = GOOD_BODY.replace("An introduction.", "See [this](javascript:alert(1)).")
    lesson, _ = read_lesson(write_lesson(tmp_path, body=body))
    assert "javascript:" not in lesson.html


def test_invalid_utf8_is_a_problem_not_a_crash(tmp_path):
    path = write_lesson(tmp_path)
    path.write_bytes(path.read_bytes() + b"\xff\xfe")
    lesson, problems = read_lesson(path)
    assert lesson is None and "not valid UTF-8" in problems[0].message


def test_broken_lesson_means_no_lessons_at_all(tmp_path):
    write_lesson(tmp_path)
    write_lesson(tmp_path, front=GOOD_FRONT.replace("slug: sample", "slug: broken").replace("order: 1", "order: two"), name="broken.md")
    result = read_course(tmp_path)
    assert result.lessons == []
    assert [p.message for p in result.problems] == ["'order' must be a whole number from 1"]


def test_two_lessons_with_one_order_are_reported(tmp_path):
    write_lesson(tmp_path)
    write_lesson(tmp_path, front=GOOD_FRONT.replace("slug: sample", "slug: twin"), name="twin.md")
    result = read_course(tmp_path)
    assert not result.ok and "order 1 is already taken" in result.problems[0].message


def test_cross_lesson_links_must_resolve(tmp_path):
    write_lesson(tmp_path, body=GOOD_BODY.replace("An introduction.", "See [the other](/lessons/ghost#x)."))
    result = read_course(tmp_path)
    assert any("link to unknown lesson '/lessons/ghost'" in p.message for p in result.problems)


def test_readme_is_not_a_lesson(tmp_path):
    write_lesson(tmp_path)
    (tmp_path / "lessons" / "README.md").write_text("# How to write lessons\n", encoding="utf-8")
    result = read_course(tmp_path)
    assert result.ok and [lesson.slug for lesson in result.lessons] == ["sample"]


def test_missing_lessons_folder(tmp_path):
    result = read_course(tmp_path)
    assert not result.ok and "no lessons/ folder" in result.problems[0].message


@pytest.mark.parametrize(("label", "expected"), [
    ("1999", (1999, 0)), ("March 1999", (1999, 3)), ("2004–2007", (2004, 0)),
    ("Early 1970s", (1970, 0)), ("14 December 1988", (1988, 12)), ("someday", None),
])
def test_parse_date(label, expected):
    assert parse_date(label) == expected


# --- "(context)" marks shown as "background" -------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    ("<p>Partition in 1947 (context).</p>", "(background)"),
    ("<p>a journey (a journey or pilgrimage, context) of a prime minister</p>", "(a journey or pilgrimage, background)"),
    ("<p>a post (from 2008 to 2018,\ncontext), so</p>", "(from 2008 to 2018,\nbackground)"),
    ("<p>for peace (the translation is context), is</p>", "(the translation is background)"),
    ("<p>Lahore (context; see the notes);</p>", "(background; see the notes)"),
    ("<p>the party (context: he leads its faction)</p>", "(background: he leads its faction)"),
    ("<p>1947 (context for the year);</p>", "(background for the year)"),
    ("<p>August 2019 is context.</p>", "August 2019 is background."),
])
def test_every_form_of_the_context_mark_reads_background(text, shown):
    assert shown in background_words(text) and "context" not in background_words(text)
    html, count = mark_background(text)
    assert count == 1 and 'href="#about-background">background</a></span>' in html and "context" not in html


@pytest.mark.parametrize("text", [
    '<p data-source="Added context, not in the paper">In this context, the talks stalled (1999).</p>',
    "<p>the lesson's context (Musharraf's fall) and <a href=\"#mfn-context\">why</a></p>",
])
def test_context_in_prose_or_attributes_is_left_alone(text):
    assert mark_background(text) == (text, 0)


def test_lesson_pages_show_no_raw_context_marks(client):
    for slug in ("kashmir-non-paper", "role-of-media", "influential-personalities"):
        html = client.get(f"/lessons/{slug}").get_data(as_text=True)
        assert not re.search(r"(?:\(|, |is )context\)", html), slug
    assert "pilgrimage, <span class=\"background-mark\"><a" in client.get("/lessons/kashmir-non-paper").get_data(as_text=True)
