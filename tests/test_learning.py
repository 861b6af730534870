"""What a reader sees: the course index, lesson pages, course-wide pages and error pages."""

import html as html_module
import re
import shutil

import pytest
from markupsafe import escape

from app.config import PROJECT_ROOT
from app.course.lessons import read_course
from app.course_loader import store_course

SLUGS_IN_ORDER = [
    "abstract", "introduction", "cultural-diplomacy", "role-of-media", "role-of-sports", "trade",
    "civil-society", "influential-personalities", "saarc", "kashmir-non-paper", "conclusion",
]


def lesson_links(html: str) -> list[str]:
    return re.findall(r'<h3><a href="/lessons/([a-z0-9-]+)">', html)


def test_index_lists_every_lesson_in_the_papers_order(client, shipped_course):
    response = client.get("/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert lesson_links(html) == SLUGS_IN_ORDER
    for lesson in shipped_course.lessons:
        assert str(escape(lesson.summary)) in html
        assert f"{lesson.reading_minutes} min read" in html


def test_index_without_a_loaded_course_says_how_to_load_it(empty_app):
    html = empty_app.test_client().get("/").get_data(as_text=True)
    assert "No lessons are loaded yet" in html and "course load" in html


@pytest.mark.parametrize("slug", SLUGS_IN_ORDER)
def test_every_lesson_renders_with_its_headings_and_quiz_link(client, shipped_course, slug):
    lesson = next(item for item in shipped_course.lessons if item.slug == slug)
    response = client.get(f"/lessons/{slug}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"<h1>{escape(lesson.title)}</h1>" in html
    for heading in lesson.headings:
        assert f'id="{heading.anchor}"' in html
    assert f'href="/lessons/{slug}/quiz">Take the quiz</a>' in html
    assert 'class="admonition note"' in html or slug in {"abstract"}


def test_lesson_pages_link_to_their_neighbours(client):
    html = client.get("/lessons/trade").get_data(as_text=True)
    assert 'rel="prev" href="/lessons/role-of-sports"' in html
    assert 'rel="next" href="/lessons/civil-society"' in html
    first = client.get("/lessons/abstract").get_data(as_text=True)
    assert 'rel="prev"' not in first and 'rel="next" href="/lessons/introduction"' in first
    last = client.get("/lessons/conclusion").get_data(as_text=True)
    assert 'rel="next"' not in last


def test_quiz_link_leads_to_the_lessons_quiz_page(client, shipped_course):
    response = client.get("/lessons/trade/quiz")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f"This lesson's bank has {len(shipped_course.bank('trade').questions)} questions" in html
    assert "Start a test" in html and "Start practising" in html


@pytest.mark.parametrize("path", ["/lessons/no-such-lesson", "/lessons/no-such-lesson/quiz", "/nowhere"])
def test_unknown_pages_get_a_404_page_with_the_reason(client, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "404 · Not Found" in html and "Traceback" not in html
    assert "Back to the course index" in html


def test_unknown_lesson_404_names_the_slug(client):
    assert "no-such-lesson" in client.get("/lessons/no-such-lesson").get_data(as_text=True)


def test_json_clients_get_json_errors(client):
    response = client.get("/lessons/nope", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert response.json["status"] == 404 and "nope" in response.json["reason"]


def test_requests_never_render_markdown(client, monkeypatch):
    """Rendering happens once, at course load: a request must not need Python-Markdown."""
    import markdown

    def refuse(*args, **kwargs):
        raise AssertionError("Markdown rendered during a request")

    monkeypatch.setattr(markdown.Markdown, "convert", refuse)
    monkeypatch.setattr(markdown, "markdown", refuse)
    for path in ["/", "/lessons/kashmir-non-paper", "/timeline", "/people", "/glossary"]:
        assert client.get(path).status_code == 200


def test_timeline_runs_from_1947_to_2019_in_order_and_links_to_paragraphs(client, shipped_course):
    html = client.get("/timeline").get_data(as_text=True)
    rows = re.findall(r'<tr id="event-[^"]*"[^>]*>\s*<td[^>]*>([^<]*)</td>(.*?)</tr>', html, re.S)
    assert rows, "the timeline shows no rows"
    years = [int(re.search(r"\d{4}", date).group()) for date, _ in rows]
    assert years == sorted(years)
    assert years[0] <= 1947 and years[-1] >= 2019
    anchors = {lesson.slug: lesson.anchors for lesson in shipped_course.lessons}
    links = [link for _, cells in rows for link in re.findall(r'<a href="/lessons/([a-z0-9-]+)#([\w-]+)">', cells)]
    for slug, anchor in links:
        assert anchor in anchors[slug], f"timeline links to /lessons/{slug}#{anchor}, which does not exist"
    total = sum(len(lesson.timeline) for lesson in shipped_course.lessons)
    assert len(links) == total, "every lesson's telling of an event keeps its link"
    assert len(rows) < total and [date for date, _ in rows].count("1947") == 1, "one row per event, however many lessons tell it"


def test_people_index_merges_names_across_lessons(client):
    html = client.get("/people").get_data(as_text=True)
    row = re.search(r"<th scope=\"row\">Pervez Musharraf</th>(.*?)</tr>", html, re.S)
    assert row, "Musharraf is missing from the people index"
    linked = set(re.findall(r'href="/lessons/([a-z0-9-]+)#people"', row.group(1)))
    assert {"kashmir-non-paper", "saarc"} <= linked
    assert html.count('<th scope="row">Pervez Musharraf</th>') == 1


def test_glossary_lists_terms_alphabetically_with_their_lessons(client, shipped_course):
    html = client.get("/glossary").get_data(as_text=True)
    terms = re.findall(r'<dt id="[^"]*">([^<]+)</dt>', html)
    assert len(terms) >= 20
    keys = [html_module.unescape(term).casefold().lstrip("\"'“‘") for term in terms]  # a quoted term sorts by its first word
    assert keys == sorted(keys)
    assert "SAFTA" in " ".join(terms) and "Track" in " ".join(terms)


def test_course_pages_are_built_from_the_lessons_tables(app, client, tmp_path):
    """One source: change a lesson's timeline row, reload, and the course timeline follows."""
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "lessons")
    trade = tmp_path / "lessons" / "trade.md"
    text = trade.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("| 1996"))
    cells = row.split("|")
    cells[2] = " Renamed event for the test "
    trade.write_text(text.replace(row, "|".join(cells)), encoding="utf-8")
    result = read_course(tmp_path)
    assert result.ok, result.problems
    with app.app_context():
        store_course(result.lessons)
    assert "Renamed event for the test" in client.get("/timeline").get_data(as_text=True)


def test_visitor_pages_are_served_from_memory_until_the_course_changes(app, client, tmp_path):
    from app import http_cache

    first = client.get("/lessons/trade").get_data(as_text=True)
    with app.app_context():
        pages, _ = http_cache.caches()
    assert any(key[1] == "/lessons/trade" for key in pages._pages)
    assert client.get("/lessons/trade").get_data(as_text=True) == first
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "lessons")
    trade = tmp_path / "lessons" / "trade.md"
    trade.write_text(trade.read_text(encoding="utf-8").replace("## Key facts", "A sentence added later.\n\n## Key facts", 1), encoding="utf-8")
    with app.app_context():
        store_course(read_course(tmp_path).lessons)
    assert "A sentence added later." in client.get("/lessons/trade").get_data(as_text=True)


def test_a_visitor_with_a_session_gets_a_fresh_page(app, client):
    shared = client.get("/lessons/trade").get_data(as_text=True)  # no session yet: the shared page
    assert "tick off lessons as you finish them" in shared and 'action="/lessons/trade/read"' not in shared
    with client.session_transaction() as session:
        session["guest"] = "someone"
    own = client.get("/lessons/trade").get_data(as_text=True)
    assert 'action="/lessons/trade/read"' in own and "tick off lessons as you finish them" not in own


def test_a_refused_form_offers_the_way_back_to_its_page_and_never_to_another_site(client):
    """A 4xx after a form (here an unknown page reached from the course index) links back to where the user was."""
    html = client.get("/nowhere", headers={"Referer": "http://localhost/lessons"}).get_data(as_text=True)
    assert '<a class="button" href="http://localhost/lessons">Back to the page you were on</a>' in html
    assert "Back to the course index" in html
    for elsewhere in ("https://evil.example/", "javascript:alert(1)", "http://localhost/nowhere"):
        assert "Back to the page you were on" not in client.get(
            "/nowhere", headers={"Referer": elsewhere}).get_data(as_text=True)
