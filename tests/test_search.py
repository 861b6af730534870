"""Search (/search) and the filter boxes of /timeline, /people and /glossary, on SQLite FTS5 or PostgreSQL.

Runs on PostgreSQL too when ``BACKCHANNEL_TEST_POSTGRES`` is set (tests/conftest.py).
"""

import html as html_module
import re

import pytest
import sqlalchemy as sa

from app.course.catalogue import course_timeline, people_index
from app.course.search_text import Hit, fts5_query, grouped, highlighted, query_terms, tsquery
from app.course_loader import store_course
from app.extensions import db


def results(client, query: str) -> list[str]:
    """The links of a search's results, in the order shown."""
    response = client.get("/search", query_string={"q": query})
    assert response.status_code == 200
    return re.findall(r'<a class="result-title" href="([^"]+)"', response.get_data(as_text=True))


def page_ids(client, path: str) -> set[str]:
    return set(re.findall(r'\bid="([^"]+)"', client.get(path).get_data(as_text=True)))


@pytest.mark.parametrize("query, link", [
    ("Aman ki Asha", "/glossary#term-aman-ki-asha"),
    ("Musharraf", "/people#person-pervez-musharraf"),
    ("Kargil", "/timeline#event-may-july-1999-kargil-conflict-between-india-and"),
    ("Pulwama", "/lessons/introduction#pulwama-2019"),
])
def test_a_search_finds_each_kind_and_links_to_its_exact_anchor(client, query, link):
    found = results(client, query)
    assert link in found
    path, anchor = link.split("#")
    assert anchor in page_ids(client, path), f"{link} lands nowhere"


def test_words_match_by_their_start_and_results_come_grouped_by_kind(client):
    html = client.get("/search?q=partit").get_data(as_text=True)
    assert "/glossary#term-partition" in html
    assert re.search(r"<mark>Partition\w*</mark>", html)
    headings = re.findall(r'<h2 id="results-(\w+)"', html)
    assert headings == [kind for kind in ("lesson", "glossary", "person", "event") if kind in headings] and len(headings) >= 3


def test_each_kind_shows_its_best_few_and_opens_in_full(client):
    first = client.get("/search?q=kashmir").get_data(as_text=True)
    shown = re.findall(r'<a class="result-title" href="(/lessons/[^"]+)"', first)
    total = int(re.search(r'<h2 id="results-lesson">Lessons <span class="count">\((\d+)\)', first).group(1))
    assert len(shown) == 6 < total
    assert f"All {total} in lessons" in first
    every = client.get("/search?q=kashmir&kind=lesson").get_data(as_text=True)
    assert len(re.findall(r'<a class="result-title" href="/lessons/', every)) == total
    assert 'id="results-glossary"' not in every and "Back to all results" in every
    assert client.get("/search?q=kashmir&kind=bogus").status_code == 400


def test_a_lesson_section_is_listed_once_by_its_best_paragraph(client):
    found = results(client, "Pulwama")
    assert found.count("/lessons/introduction#pulwama-2019") == 1
    assert "/lessons/introduction#crises" not in found, "the section shows as its paragraph, not twice"


@pytest.mark.parametrize("query", ['"', "NEAR(", "*", "kashmir*", "title:kashmir", "a OR b AND NOT", "(((", "^kashmir",
                                   "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "kash\x00mir", "'; DROP TABLE lesson; --",
                                   "!kashmir & | :*", "ਕਸ਼ਮੀਰ", "x" * 200])
def test_hostile_queries_are_plain_words_and_nothing_is_injected(client, query):
    response = client.get("/search", query_string={"q": query})
    assert response.status_code in (200, 400)  # the app refuses a NUL in any address before a view runs
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert client.get("/search?q=kashmir").status_code == 200  # and the index is still there


@pytest.mark.parametrize("length", [201, 10_000])
def test_an_overlong_query_gets_a_400_that_says_why(client, length):
    response = client.get("/search", query_string={"q": "k" * length})
    assert response.status_code == 400
    assert "too long" in response.get_data(as_text=True)


def test_the_empty_search_offers_suggestions_and_a_miss_points_to_the_glossary(client):
    empty = client.get("/search").get_data(as_text=True)
    assert 'href="/search?q=Kashmir"' in empty and 'name="q"' in empty
    miss = client.get("/search?q=zzxqv").get_data(as_text=True)
    assert "Nothing matches “zzxqv”" in miss and 'href="/glossary"' in miss
    assert 'class="result-title"' not in miss


def test_retired_lessons_are_not_found_and_a_reload_keeps_one_copy_of_each_document(app, client, shipped_course):
    def documents():
        with db.engine.connect() as connection:
            return connection.execute(sa.text("SELECT kind, slug, anchor, label, body FROM search_document")).all()

    assert any("role-of-sports" in link for link in results(client, "Balaji"))
    with app.app_context():
        before = documents()
        store_course(shipped_course.lessons, shipped_course.banks)
        assert sorted(documents()) == sorted(before)
        store_course([lesson for lesson in shipped_course.lessons if lesson.slug != "role-of-sports"], shipped_course.banks)
    assert results(client, "Balaji") == []
    with app.app_context():
        assert not any(row.slug == "role-of-sports" for row in documents())


def test_a_search_costs_one_query_of_the_index(app, client):
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    client.get("/search?q=kashmir")  # warm: the first request may reflect or load things once
    with app.app_context():
        sa.event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert len(results(client, "kashmir partition")) > 0
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count)
    assert sum("search_document" in statement for statement in statements) == 1
    assert len(statements) <= 4, statements


def test_a_lesson_written_in_the_browser_is_searchable_at_once(app, client):
    from tests.conftest import csrf_token
    from tests.test_authoring import LESSON_BODY
    from tests.test_teaching import person

    assert not any(link.startswith("/lessons/kartarpur") for link in results(client, "kartarpur"))
    admin = person(app, "headmistress", "admin")
    path = "/teach/lessons/new"
    saved = admin.post(path, data={"slug": "kartarpur", "title": "Kartarpur", "summary": "A corridor.",
                                   "objectives": "Explain the corridor.", "save": "1", "body": LESSON_BODY,
                                   "csrf_token": csrf_token(admin, path)})
    assert saved.status_code == 302
    assert any(link.startswith("/lessons/kartarpur") for link in results(client, "kartarpur"))


# The filter boxes: every entry is on the page, those that do not match are hidden.

def visible_rows(html: str, tag: str = "tr") -> list[str]:
    return [row for row in re.findall(rf"<{tag} [^>]*data-filter-item[^>]*>", html) if " hidden" not in row]


def test_people_filter_by_side_and_words_without_javascript(client):
    everyone = client.get("/people").get_data(as_text=True)
    india = client.get("/people?side=India").get_data(as_text=True)
    assert 0 < len(visible_rows(india)) < len(visible_rows(everyone))
    assert all('data-side="India"' in row for row in visible_rows(india))
    pervez = client.get("/people?q=PERVEZ+musharraf").get_data(as_text=True)
    assert [re.search(r'id="([^"]+)"', row).group(1) for row in visible_rows(pervez)] == ["person-pervez-musharraf"]
    assert re.search(r"Showing 1 of \d+\.", pervez)


def test_timeline_filters_by_decade_and_lesson(client):
    nineties = visible_rows(client.get("/timeline?decade=1990").get_data(as_text=True))
    assert nineties and all('data-decade="1990"' in row for row in nineties)
    trade = visible_rows(client.get("/timeline?lesson=trade&q=export").get_data(as_text=True))
    assert trade and all("trade" in row for row in trade)


def test_glossary_filter_hides_letters_without_a_match(client):
    html = client.get("/glossary?q=wagah").get_data(as_text=True)
    shown = visible_rows(html, "div")
    assert len(shown) >= 1
    assert re.search(r'<section class="glossary-letter"[^>]*aria-labelledby="letter-W"(?! hidden)[^>]*>', html)
    assert re.search(r'<section class="glossary-letter"[^>]*aria-labelledby="letter-A"[^>]* hidden>', html)


@pytest.mark.parametrize("path", ["/people?side=Mars", "/timeline?decade=1850", "/timeline?lesson=nope", "/glossary?q=" + "w" * 201])
def test_bad_filters_get_a_400_that_says_why(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "filter" in response.get_data(as_text=True).lower()


def test_filtered_pages_are_not_served_from_the_visitors_cache(client):
    client.get("/people")
    assert len(visible_rows(client.get("/people?side=Regional").get_data(as_text=True))) < 10


# The data behind the pages.

def test_the_quoted_organisation_is_listed_by_its_name(client):
    html = client.get("/people").get_data(as_text=True)
    names = [html_module.unescape(name) for name in re.findall(r'<th scope="row">([^<]+)</th>', html)]
    assert "Pakistan Institute of Secular and Peace Studies (ISSP)" in names
    assert not any(name.startswith(('"', "“")) for name in names)
    assert names == sorted(names, key=str.casefold)


def test_an_event_several_lessons_tell_is_one_row_naming_every_lesson(shipped_course):
    from dataclasses import asdict
    from types import SimpleNamespace

    lessons = [SimpleNamespace(slug=lesson.slug, title=lesson.title, position=lesson.order,
                               timeline=[asdict(entry) for entry in lesson.timeline], people=[], glossary=[])
               for lesson in shipped_course.lessons]
    events = course_timeline(lessons)
    partition = [event for event in events if event.date_label == "1947"]
    assert len(partition) == 1
    assert {telling.lesson.slug for telling in partition[0].tellings} == {"abstract", "kashmir-non-paper", "civil-society"}
    mumbai = [event for event in events if event.year == 2008 and "Mumbai attacks" in event.event_html]
    assert len(mumbai) == 2  # the attacks (two lessons), and the TV coverage that followed them: another event
    assert len({event.anchor for event in events}) == len(events)


def test_people_index_unquotes_names_and_merges_them():
    lesson = type("L", (), {"slug": "a", "title": "A", "position": 1, "timeline": [], "glossary": [],
                            "people": [{"name": "“Peace Group”", "side": "India", "role_html": "x"},
                                       {"name": '"Peace Group"', "side": "India", "role_html": "y"}]})
    assert [person.name for person in people_index([lesson])] == ["Peace Group"]


@pytest.mark.parametrize("typed, terms", [
    ('"kashmir" NEAR(peace)*', ["kashmir", "near", "peace"]),
    ("Track-Two  track_two", ["track", "two"]),
    ("<script>", ["script"]),
    ("***", []),
])
def test_a_query_becomes_plain_words(typed, terms):
    assert query_terms(typed) == terms
    assert fts5_query(["kash"]) == '("kash" OR "kash"*)' and tsquery(["kash", "mir"]) == "kash:* & mir:*"


def test_snippets_are_escaped_except_for_the_marks():
    assert highlighted("<b>\x02Kashmir\x03</b> & \"x\"") == "&lt;b&gt;<mark>Kashmir</mark>&lt;/b&gt; &amp; &quot;x&quot;"


def test_grouping_keeps_one_hit_per_section_preferring_a_paragraph():
    def hit(kind, key, part, anchor):
        return Hit(kind, "s", anchor, "label", "detail", key, part, "")

    groups = grouped([hit("lesson", "s#a", False, "a"), hit("glossary", "term-x", False, "term-x"),
                      hit("lesson", "s#a", True, "para"), hit("lesson", "s#b", False, "b")])
    assert [h.anchor for h in groups["lesson"]] == ["para", "b"]
    assert list(groups) == ["lesson", "glossary"]
