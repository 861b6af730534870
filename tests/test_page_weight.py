"""Every page stays under 100 KB of HTML, CSS and JavaScript before images (issue 16's budget).

The weight is what a first visit downloads: the page's HTML as served, plus every stylesheet and script it
links, as served (minified, app/static_files.py). It is a byte count, so the test is deterministic.
"""

import re
from pathlib import Path

import pytest

from tests.conftest import csrf_token
from tests.test_quiz import key_form, start
from tests.test_teaching import create_assignment, create_class, join, person, take

BUDGET = 100_000
STATIC = Path(__file__).resolve().parent.parent / "app" / "static"
LINKED = re.compile(r'<(?:link[^>]+rel="stylesheet"[^>]+href|script[^>]+src)="/static/([^"?]+)')


def weight(client, html: str) -> tuple[int, list[str]]:
    """Bytes of the page plus its linked CSS and JavaScript as the server sends them, and the files it links."""
    files = sorted(set(LINKED.findall(html)))
    sent = [client.get(f"/static/{name}") for name in files]
    assert all(response.status_code == 200 for response in sent), files
    return len(html.encode()) + sum(len(response.data) for response in sent), files


def test_the_weight_counts_each_linked_file_once(client):
    css = len(client.get("/static/style.css").data)
    html = '<link rel="stylesheet" href="/static/style.css"><link rel="stylesheet" href="/static/style.css">'
    assert weight(client, html) == (len(html) + css, ["style.css"])


@pytest.mark.parametrize(("name", "kept"), [("style.css", ".site-header"), ("js/quiz.js", "SAVE_DELAY")])
def test_stylesheets_and_scripts_are_sent_minified_and_cached(client, name, kept):
    written = (STATIC / name).read_text()
    response = client.get(f"/static/{name}")
    sent = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype in ("text/css", "text/javascript")
    assert len(sent) < 0.85 * len(written)  # comments and indentation gone
    assert "/*" not in sent and "\n  " not in sent
    assert kept in sent
    again = client.get(f"/static/{name}", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and not again.data


def test_other_static_files_and_unknown_names_are_served_as_before(client):
    readme = client.get("/static/README.md")
    assert readme.status_code == 200 and readme.data == (STATIC / "README.md").read_bytes()  # as written
    readme.close()
    assert client.get("/static/nope.css").status_code == 404
    assert client.get("/static/../app/__init__.py").status_code == 404


@pytest.mark.parametrize("path", ["/", "/lessons/kashmir-non-paper", "/lessons/introduction/quiz", "/timeline",
                                  "/people", "/glossary", "/review", "/me", "/account/login", "/account/register",
                                  "/search?q=kashmir"])
def test_a_visitor_page_is_under_the_budget(client, path):
    response = client.get(path)
    assert response.status_code == 200
    size, files = weight(client, response.get_data(as_text=True))
    assert "style.css" in files
    assert size <= BUDGET, f"{path}: {size:,} bytes of HTML+CSS+JS ({', '.join(files)})"


def test_a_learners_pages_are_under_the_budget(app, client, auth):
    auth.register("weigher")
    # The Kashmir bank's tests are the heaviest (long matching questions, ordering, essays): weigh several draws.
    pages = {f"test {n}": client.get(f"/attempts/{start(client, 'kashmir-non-paper', mode='test')}") for n in range(5)}
    public_id = start(client, "kashmir-non-paper", mode="test")
    client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id),
                                                       "csrf_token": csrf_token(client, f"/attempts/{public_id}")})
    practice = start(client, "kashmir-non-paper", mode="practice")
    for name, path in {"result": f"/attempts/{public_id}/result", "practice": f"/attempts/{practice}", "home": "/",
                       "dashboard": "/me", "review": "/review", "settings": "/account/"}.items():
        pages[name] = client.get(path)
    for name, response in pages.items():
        assert response.status_code == 200, name
        size, files = weight(client, response.get_data(as_text=True))
        assert size <= BUDGET, f"{name}: {size:,} bytes of HTML+CSS+JS ({', '.join(files)})"


def test_an_instructors_pages_are_under_the_budget(app):
    """The instructor's pages (the question list and editor, the class, its roster and deletion, an assignment's page,
    edit, questions, overrides and preview, the gradebook, item analysis, import) and the stylesheet only they load."""
    teacher = person(app, "ines", "instructor")
    classroom_id, code = create_class(teacher)
    assignment_id = create_assignment(app, teacher, classroom_id)
    student = person(app, "sami")
    join(student, code)
    take(app, student, assignment_id, right=False)
    for path in ("/teach/questions", f"/teach/classes/{classroom_id}/gradebook", f"/teach/assignments/{assignment_id}/analysis",
                 "/teach/import", f"/teach/classes/{classroom_id}", f"/teach/classes/{classroom_id}/students",
                 f"/teach/classes/{classroom_id}/delete", f"/teach/assignments/{assignment_id}",
                 f"/teach/assignments/{assignment_id}/edit", f"/teach/assignments/{assignment_id}/questions",
                 f"/teach/assignments/{assignment_id}/overrides", f"/teach/assignments/{assignment_id}/preview",
                 "/teach/questions/new/matching", "/teach/questions/new/cloze"):
        response = teacher.get(path)
        assert response.status_code == 200, path
        size, files = weight(teacher, response.get_data(as_text=True))
        assert "css/teach.css" in files
        assert size <= BUDGET, f"{path}: {size:,} bytes of HTML+CSS+JS ({', '.join(files)})"


# Urdu and Hindi letters take two or three bytes each in UTF-8 where English takes one, and their pages carry the
# scripts' words (app/i18n.py) and css/languages.css: a budget of their own, a quarter above English's.
TRANSLATED_BUDGET = 125_000


@pytest.mark.parametrize("code", ["ur", "hi"])
def test_urdu_and_hindi_pages_are_under_their_budget(app, client, auth, code):
    auth.register("weigher")
    client.set_cookie("lang", code)
    pages = {f"test {n}": client.get(f"/attempts/{start(client, 'kashmir-non-paper', mode='test')}") for n in range(3)}
    public_id = start(client, "kashmir-non-paper", mode="test")
    client.post(f"/attempts/{public_id}/submit", data={**key_form(app, public_id),
                                                       "csrf_token": csrf_token(client, f"/attempts/{public_id}")})
    for name, path in {"result": f"/attempts/{public_id}/result", "home": "/", "dashboard": "/me",
                       "lesson": "/lessons/kashmir-non-paper", "settings": "/account/"}.items():
        pages[name] = client.get(path)
    for name, response in pages.items():
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and f'lang="{code}"' in html, name
        size, files = weight(client, html)
        assert size <= TRANSLATED_BUDGET, f"{code} {name}: {size:,} bytes of HTML+CSS+JS ({', '.join(files)})"


def test_templates_are_sent_without_their_indentation_but_pre_and_textarea_keep_theirs(app):
    """``static_files.Unindent``: the spaces that indent a template's lines are not sent; a line break stays (no two
    words run together), and what a <pre> or a <textarea> holds is left exactly as written."""
    template = app.jinja_env.from_string(
        "<ul>\n    <li>one</li>\n    <li>two</li>\n</ul>\n<pre>\n  kept\n    as is\n</pre>\n"
        "<textarea name=\"a\"\n          rows=\"2\">\n  typed\n</textarea>\n    <p>after</p>")
    assert template.render() == ("<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n<pre>\n  kept\n    as is\n</pre>\n"
                                 "<textarea name=\"a\"\n          rows=\"2\">\n  typed\n</textarea>\n<p>after</p>")
