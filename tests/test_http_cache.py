"""HTTP caching of visitor pages: what a browser or a proxy sees (ETag, 304, Last-Modified, Cache-Control), that a
page carrying anyone's own data or a form token is never public, and that a cached visitor page runs no statement."""

import shutil

import pytest
import sqlalchemy as sa

from app.config import PROJECT_ROOT
from app.course.lessons import read_course
from app.course_loader import store_course
from app.extensions import db
from app.http_cache import Page, PageCache
from app.models import Lesson
from tests.statements import count_statements

VISITOR_PAGES = ("/lessons/trade", "/", "/timeline", "/people", "/glossary", "/search?q=Kashmir",
                 "/timeline?q=summit", "/glossary?q=track", "/people?q=Musharraf", "/search")



def is_public(response) -> bool:
    return "public" in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitor_page_can_be_kept_by_a_browser_or_a_proxy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    cache_control = response.headers["Cache-Control"]
    assert "public" in cache_control and "max-age=60" in cache_control and "stale-while-revalidate=" in cache_control
    assert "no-store" not in cache_control and "private" not in cache_control
    assert response.headers["Vary"] == "Cookie, Accept-Language"  # a shared copy is never reused for a request with a session
    etag = response.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith('W/')  # strong: the same bytes, byte for byte
    assert response.headers["Last-Modified"].endswith("GMT")
    assert "Set-Cookie" not in response.headers
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")  # security headers stay


def test_a_repeat_visit_with_the_etag_gets_a_304_without_the_page(client):
    first = client.get("/lessons/trade")
    again = client.get("/lessons/trade", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.get_data() == b""
    # A proxy refreshing its copy learns how long it may keep it, and for whom, from the 304 itself.
    assert again.headers["ETag"] == first.headers["ETag"] and is_public(again) and again.headers["Vary"] == "Cookie, Accept-Language"
    changed = client.get("/lessons/trade", headers={"If-None-Match": '"something-else"'})
    assert changed.status_code == 200 and changed.get_data() == first.get_data()


def test_if_modified_since_gets_a_304_unless_the_course_was_loaded_later(client):
    first = client.get("/glossary")
    assert client.get("/glossary", headers={"If-Modified-Since": first.headers["Last-Modified"]}).status_code == 304
    earlier = client.get("/glossary", headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})
    assert earlier.status_code == 200 and b"Glossary" in earlier.get_data()


def test_if_none_match_wins_over_if_modified_since(client):
    first = client.get("/people")
    stale = client.get("/people", headers={"If-None-Match": '"old-tag"', "If-Modified-Since": first.headers["Last-Modified"]})
    assert stale.status_code == 200 and stale.get_data() == first.get_data()


def test_every_worker_gives_the_same_page_the_same_tag(app, twin):
    other = twin(app)
    for path in ("/lessons/trade", "/timeline?q=summit", "/search?q=Kashmir"):
        mine, theirs = app.test_client().get(path), other.test_client().get(path)
        assert mine.headers["ETag"] == theirs.headers["ETag"] and mine.get_data() == theirs.get_data()


def test_a_query_in_another_order_is_the_same_page(client):
    one = client.get("/timeline?q=summit&decade=1990")
    other = client.get("/timeline?decade=1990&q=summit")
    assert one.status_code == 200 and one.headers["ETag"] == other.headers["ETag"]


def test_a_signed_in_learner_never_gets_a_public_page(client, auth):
    auth.register()  # signs the new learner in
    for path in VISITOR_PAGES:
        response = client.get(path)
        assert response.status_code == 200 and "Log out" in response.get_data(as_text=True), path
        assert not is_public(response) and "no-store" in response.headers["Cache-Control"], path
        assert "ETag" not in response.headers, path


def test_a_visitor_with_a_session_gets_their_own_page_unstored(client):
    with client.session_transaction() as session:
        session["guest"] = "someone"
    response = client.get("/lessons/trade")
    assert 'name="csrf_token"' in response.get_data(as_text=True)  # the "mark as read" form
    assert not is_public(response) and "no-store" in response.headers["Cache-Control"]


def test_a_page_that_hands_out_a_form_token_is_never_public(client):
    # "Show me three questions": the visitor's first draw, with its form, starts their session.
    response = client.get("/lessons/trade?check=1")
    assert 'name="csrf_token"' in response.get_data(as_text=True) and "Set-Cookie" in response.headers
    assert not is_public(response) and "no-store" in response.headers["Cache-Control"]
    assert not is_public(client.get("/account/login"))


def test_a_remember_me_cookie_is_never_answered_with_the_shared_page(client):
    client.set_cookie("remember_token", "1|forged")
    response = client.get("/lessons/trade")
    assert response.status_code == 200 and not is_public(response) and "ETag" not in response.headers


def test_an_error_page_is_not_public(client):
    missing = client.get("/lessons/no-such-lesson")
    assert missing.status_code == 404 and not is_public(missing)
    too_long = client.get("/search?q=" + "x" * 5000)
    assert too_long.status_code == 400 and not is_public(too_long)


def test_a_course_reload_by_another_worker_changes_the_tag_and_the_text(app, tmp_path, twin):
    reader = app.test_client()
    before = reader.get("/lessons/trade")
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "lessons")
    trade = tmp_path / "lessons" / "trade.md"
    trade.write_text(trade.read_text(encoding="utf-8").replace("## Key facts", "A sentence added later.\n\n## Key facts", 1),
                     encoding="utf-8")
    loader = twin(app)  # `flask course load` on the same instance folder and database
    with loader.app_context():
        store_course(read_course(tmp_path).lessons)
    after = reader.get("/lessons/trade", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "A sentence added later." in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]
    assert reader.get("/lessons/trade", headers={"If-None-Match": after.headers["ETag"]}).status_code == 304


def test_a_search_follows_a_course_reload_by_another_worker(app, tmp_path, twin):
    reader = app.test_client()
    before = reader.get("/search?q=Zanzibarish")
    assert "Trade" not in before.get_data(as_text=True)
    shutil.copytree(PROJECT_ROOT / "lessons", tmp_path / "lessons")
    trade = tmp_path / "lessons" / "trade.md"
    trade.write_text(trade.read_text(encoding="utf-8").replace("## Key facts", "A Zanzibarish sentence.\n\n## Key facts", 1),
                     encoding="utf-8")
    with twin(app).app_context():
        store_course(read_course(tmp_path).lessons)
    after = reader.get("/search?q=Zanzibarish", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and "Zanzibarish" in after.get_data(as_text=True)
    assert after.headers["ETag"] != before.headers["ETag"]


def test_a_change_that_leaves_a_page_as_it_was_keeps_its_tag(app, twin):
    """The tag is the page's bytes: retitling a lesson moves the course on, but the search index (and so a search's
    results) stays as it was until the course is next loaded."""
    reader = app.test_client()
    before, lesson_page = reader.get("/search?q=Kashmir"), reader.get("/lessons/trade")
    with twin(app).app_context():
        lesson = db.session.scalar(sa.select(Lesson).where(Lesson.slug == "trade"))
        lesson.title = "Trade, retitled by another worker"
        db.session.commit()
    assert reader.get("/search?q=Kashmir", headers={"If-None-Match": before.headers["ETag"]}).status_code == 304
    retitled = reader.get("/lessons/trade", headers={"If-None-Match": lesson_page.headers["ETag"]})
    assert retitled.status_code == 200 and "Trade, retitled by another worker" in retitled.get_data(as_text=True)


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitor_page_runs_no_statement_once_rendered(app, path):
    client = app.test_client()
    assert client.get(path).status_code == 200
    with count_statements(app) as sent:
        assert client.get(path).status_code == 200
        assert client.get(path, headers={"If-None-Match": '"x"'}).status_code == 200
    assert sent == []


def test_the_page_cache_drops_the_least_recently_used_page_past_its_size():
    pages = PageCache(limit=25)
    for name in "abc":
        pages.put((name,), Page(b"x" * 10, name, ()))
    assert pages.get(("a",)) is None and pages.get(("c",)) is not None and pages.size == 20
    pages.get(("b",))
    pages.put(("d",), Page(b"x" * 10, "d", ()))
    assert pages.get(("c",)) is None and pages.get(("b",)) is not None
    pages.put(("huge",), Page(b"x" * 26, "huge", ()))  # bigger than the whole cache: not kept, nothing evicted
    assert pages.get(("huge",)) is None and pages.size == 20


# The front: a visitor's repeat visit answered before Flask runs.

def flask_requests(app) -> list[str]:
    """The paths Flask itself handles from now on (a before_request hook sees every request that reaches Flask)."""
    seen: list[str] = []
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(request_path()))
    return seen


def request_path() -> str:
    from flask import request

    return request.full_path.rstrip("?")


def without_date(response) -> list[tuple[str, str]]:
    return sorted((name, value) for name, value in response.headers.items() if name != "Date")


@pytest.mark.parametrize("path", ["/lessons/trade", "/search?q=Kashmir"])
def test_a_repeat_visit_is_answered_before_flask_with_the_same_bytes_and_headers(app, path):
    client, seen = app.test_client(), flask_requests(app)
    first = client.get(path)
    again = client.get(path)
    head = client.head(path)
    assert seen == [path]  # only the first visit reached Flask
    assert again.get_data() == first.get_data() and without_date(again) == without_date(first)
    assert again.headers["Content-Security-Policy"] == first.headers["Content-Security-Policy"]
    assert head.status_code == 200 and head.get_data() == b"" and head.headers["ETag"] == first.headers["ETag"]
    assert client.get(path, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert seen == [path]


def test_a_request_with_a_session_or_remember_cookie_after_a_kept_page_goes_to_flask(app, client, auth):
    seen = flask_requests(app)
    assert is_public(client.get("/lessons/trade")) and is_public(client.get("/lessons/trade"))
    assert seen == ["/lessons/trade"]
    auth.register()  # now with a session cookie
    mine = client.get("/lessons/trade")
    assert "Log out" in mine.get_data(as_text=True) and not is_public(mine) and "ETag" not in mine.headers
    stranger = app.test_client()
    stranger.set_cookie("remember_token", "1|forged")
    assert not is_public(stranger.get("/lessons/trade"))
    assert seen.count("/lessons/trade") == 3


def test_another_host_scheme_or_query_is_not_answered_with_a_kept_page(app):
    client, seen = app.test_client(), flask_requests(app)
    client.get("/lessons/trade", base_url="http://a.example")
    client.get("/lessons/trade", base_url="http://a.example")
    client.get("/lessons/trade", base_url="http://b.example")
    client.get("/lessons/trade", base_url="https://a.example")
    client.get("/lessons/trade?x=1", base_url="http://a.example")
    assert seen == ["/lessons/trade"] * 3 + ["/lessons/trade?x=1"]  # the second a.example visit alone was kept


def test_a_host_outside_trusted_hosts_gets_its_400_even_once_the_page_is_kept(make_app):
    app = make_app("loaded", TRUSTED_HOSTS=["bc.example"])
    client = app.test_client()
    assert client.get("/lessons/trade", base_url="http://bc.example").status_code == 200
    assert client.get("/lessons/trade", base_url="http://bc.example").status_code == 200
    assert client.get("/lessons/trade", base_url="http://evil.example").status_code == 400


def test_a_nul_in_the_query_or_a_post_still_reaches_flask(app):
    client = app.test_client()
    client.get("/search?q=Kashmir")
    assert client.get("/search?q=Kash%00mir").status_code == 400
    assert client.post("/search?q=Kashmir").status_code in (400, 405)


@pytest.mark.parametrize("path", VISITOR_PAGES)
def test_a_visitor_page_is_the_same_whatever_the_time_zone_cookie(app, path, twin):
    """The front and a proxy keep one copy per address for every visitor (nginx ignores Vary: Cookie, see
    deploy/nginx-cache.conf): a visitor page must not show anything from the browser's ``tz`` cookie."""
    plain = app.test_client().get(path)
    karachi = app.test_client()
    karachi.set_cookie("tz", "Asia/Karachi")
    fresh = twin(app).test_client()  # nothing kept yet: this one renders the page with the cookie
    fresh.set_cookie("tz", "Pacific/Kiritimati")
    assert karachi.get(path).get_data() == plain.get_data() == fresh.get(path).get_data()


def test_a_kept_page_is_sent_without_the_date_of_its_first_answer(app):
    client = app.test_client()
    first = client.get("/glossary", headers={"If-None-Match": '"old"'})  # Werkzeug dates a conditional answer
    assert first.status_code == 200 and "Date" in first.headers
    assert "Date" not in client.get("/glossary").headers  # the server adds the date of each answer


def test_queries_that_read_differently_are_kept_apart(app):
    client, seen = app.test_client(), flask_requests(app)
    for path in ("/search?q=%FF", "/search?q=%FE", "/search?q=%EF%BF%BD", "/timeline?q=a&q=summit",
                 "/timeline?q=summit&q=a"):
        client.get(path)
    assert len(seen) == 5  # none answered with another's page


def test_a_signal_store_that_is_down_leaves_static_files_and_the_health_check_alone(app, monkeypatch):
    client = app.test_client()
    client.get("/lessons/trade")
    client.get("/lessons/trade")

    def down(name):
        raise ConnectionError("the signal store is not answering")
    monkeypatch.setattr(app.extensions["backchannel.versions"], "token", down)
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200
