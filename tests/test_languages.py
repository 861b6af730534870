"""The interface in English, Urdu and Hindi: which language a request gets, switching it from any page without
losing the page, right-to-left pages, and a visitor page kept once per language."""

import re

import pytest

from app import i18n
from app.extensions import db
from app.models import User


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.get_data(as_text=True)).group(0)


@pytest.mark.parametrize(("setting", "cookie", "header", "expected"), [
    (None, None, None, "en"),
    (None, None, "ur-PK,ur;q=0.9,en;q=0.5", "ur"),
    (None, None, "hi-IN", "hi"),
    (None, None, "fr-FR, de;q=0.8", "en"),  # nothing we have: English
    (None, None, "fr, hi;q=0.4, ur;q=0.6", "ur"),  # the best of what we have
    (None, "hi", "ur", "hi"),  # the switcher's cookie beats the browser
    ("ur", "hi", "hi", "ur"),  # the account beats both
    (None, "xx", "hi", "hi"),  # a forged cookie is passed over
    ("en", None, "ur", "en"),
    (None, None, "ur;q=0", "en"),  # "not Urdu"
    (None, None, "," * 5000 + "ur", "en"),  # an absurd header is cut, not parsed at length
])
def test_the_language_is_the_account_then_the_switch_then_the_browser(setting, cookie, header, expected):
    assert i18n.negotiate(setting, cookie, header) == expected


def test_an_urdu_page_is_right_to_left_and_a_hindi_one_left_to_right(client):
    assert 'lang="ur" dir="rtl"' in html_tag(client.get("/", headers={"Accept-Language": "ur"}))
    assert 'lang="hi" dir="ltr"' in html_tag(client.get("/", headers={"Accept-Language": "hi"}))
    assert 'lang="en" dir="ltr"' in html_tag(client.get("/"))


def test_every_page_offers_the_three_languages_back_to_the_same_page(client):
    page = client.get("/glossary?q=track").get_data(as_text=True)
    for code, name in (("en", "English"), ("ur", "اردو"), ("hi", "हिन्दी")):
        assert f'href="/account/language/{code}?next=/glossary?q%3Dtrack"' in page
        assert f'lang="{code}"' in page and name in page


def test_switching_keeps_the_page_and_remembers_the_choice(client):
    response = client.get("/account/language/ur?next=/glossary?q%3Dtrack")
    assert response.status_code == 303 and response.headers["Location"] == "/glossary?q=track"
    assert 'lang="ur"' in html_tag(client.get("/glossary?q=track"))
    assert 'lang="ur"' in html_tag(client.get("/timeline", headers={"Accept-Language": "hi"}))  # the choice wins


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:alert(1)"])
def test_the_switch_never_sends_anyone_off_the_site(client, target):
    response = client.get("/account/language/hi", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_a_language_we_do_not_have_is_a_404_and_sets_nothing(client):
    response = client.get("/account/language/fr?next=/")
    assert response.status_code == 404 and "Set-Cookie" not in response.headers


def test_a_signed_in_learner_s_choice_is_saved_to_the_account(app, client, auth):
    auth.register()
    from tests.conftest import csrf_token
    token = csrf_token(client, "/")
    assert client.post("/account/language?next=/dashboard", data={"csrf_token": token, "code": "hi"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.username == "amina")) == "hi"
    other = app.test_client()  # another browser: the account's language, whatever that browser asks for
    from tests.conftest import AuthActions
    AuthActions(other).login()
    assert 'lang="hi"' in html_tag(other.get("/", headers={"Accept-Language": "ur"}))


def test_a_forged_post_without_the_form_token_changes_nothing(app, client, auth):
    auth.register()
    assert client.post("/account/language/ur?next=/").status_code == 400
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.username == "amina")) is None


def test_a_visitor_page_is_kept_once_per_language(app):
    english = app.test_client().get("/glossary").get_data()
    urdu = app.test_client().get("/glossary", headers={"Accept-Language": "ur"}).get_data()
    again = app.test_client().get("/glossary").get_data()
    assert b'lang="ur"' in urdu and b'lang="en" dir="ltr"' in english
    assert again == english and urdu != english
    switched = app.test_client()
    switched.set_cookie(i18n.COOKIE, "hi")
    assert b'lang="hi"' in switched.get("/glossary", headers={"Accept-Language": "ur"}).get_data()


PHYSICAL = re.compile(r"(?<![\w-])(?:(?:margin|padding|border|inset)-(?:left|right)|left|right"
                      r"|border-(?:top|bottom)-(?:left|right)-radius)\s*:"
                      r"|(?:text-align|float|clear)\s*:\s*(?:left|right)")


def test_the_stylesheets_say_start_and_end_never_left_and_right():
    """An Urdu page mirrors only if no rule is tied to a side: logical properties (margin-inline-start,
    inset-inline-end, text-align: start) follow the page's direction, left and right do not."""
    from app.config import PROJECT_ROOT
    found = []
    for path in sorted((PROJECT_ROOT / "app" / "static").rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", path.read_text(encoding="utf-8"), flags=re.S)
        found += [f"{path.name}: {match.group(0)}" for match in PHYSICAL.finditer(text)]
    assert not found, found


def test_after_logging_out_the_browser_is_a_visitor_again(app, client, auth):
    """The account's language was kept in the session; logging out forgets it."""
    auth.register()
    from tests.conftest import csrf_token
    client.post("/account/language/ur?next=/", data={"csrf_token": csrf_token(client, "/")})
    assert 'lang="ur"' in html_tag(client.get("/me"))
    client.delete_cookie(i18n.COOKIE)
    auth.logout()
    assert 'lang="hi"' in html_tag(client.get("/glossary", headers={"Accept-Language": "hi"}))
    with client.session_transaction() as stored:
        assert "language" not in stored and "digits" not in stored


def test_a_json_autosave_reads_the_language_without_loading_the_account(app, client, auth):
    """The language chosen in Settings is copied into the session at login, so a request that never loads the
    account (an autosave) still answers in it; test_statement_budgets counts the statements."""
    auth.register()
    from tests.conftest import csrf_token
    client.post("/account/language/hi?next=/", data={"csrf_token": csrf_token(client, "/")})
    client.delete_cookie(i18n.COOKIE)
    with client.session_transaction() as stored:
        assert stored["language"] == "hi"
    assert 'lang="hi"' in html_tag(client.get("/glossary"))


def test_numbers_are_grouped_as_each_language_groups_them(app):
    for header, expected in (("hi", "12,34,567"), ("ur", "1,234,567"), ("en", "1,234,567")):
        with app.test_request_context(headers={"Accept-Language": header}):
            assert i18n.number(1234567) == expected
            assert i18n.percent(0.75).startswith("75")


def test_a_learner_may_have_the_language_s_own_digits(app, client, auth):
    auth.register()
    from tests.conftest import csrf_token
    saved = client.post("/account/preferences", data={
        "language": "ur", "digits": "native", "time_zone": "Asia/Karachi", "daily_goal": "",
        "csrf_token": csrf_token(client, "/account/")})
    assert saved.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert 'lang="ur" dir="rtl" data-numbers="ur-u-nu-arabext"' in page
    shown = re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1])
    assert "۱۱" in shown and not re.search(r"\b11\b", shown)  # "eleven lessons", in Urdu digits
    forged = client.post("/account/preferences", data={
        "language": "fr", "digits": "roman", "time_zone": "", "daily_goal": "", "csrf_token": csrf_token(client, "/account/")})
    assert forged.status_code == 400
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == "amina"))
        assert (user.language, user.digits) == ("ur", "native")


def test_the_scripts_words_are_sent_as_safe_compact_json(client):
    import json
    page = client.get("/lessons/trade", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    sent = re.search(r'<script type="application/json" id="i18n-words">(.*?)</script>', page, re.S).group(1)
    assert "<" not in sent and "\\u06" not in sent  # no tag can end the script early; Urdu letters as UTF-8
    words = json.loads(sent)
    assert words["Saved"] and words["Saved"] != "Saved" and all(isinstance(key, str) for key in words)
    assert 'id="i18n-words"' not in client.get("/lessons/trade").get_data(as_text=True)  # English pages: none


def test_the_signed_in_switcher_posts_the_button_pressed(app, client, auth):
    auth.register()
    from tests.conftest import csrf_token
    page = client.get("/glossary?q=track").get_data(as_text=True)
    assert 'action="/account/language?next=/glossary?q%3Dtrack"' in page and 'name="code" value="ur"' in page
    token = csrf_token(client, "/")
    assert client.post("/account/language?next=/glossary", data={"csrf_token": token, "code": "xx"}).status_code == 404
    back = client.post("/account/language?next=/glossary", data={"csrf_token": token, "code": "ur"})
    assert back.status_code == 303 and back.headers["Location"] == "/glossary"
    with app.app_context():
        assert db.session.scalar(db.select(User.language).where(User.username == "amina")) == "ur"


def test_numbers_in_messages_made_in_python_follow_the_learner_s_digits(app, client, auth):
    """A form error, a flash or a reason is written in Python, not a template: its numbers are the page's too."""
    from tests.conftest import PASSWORD, csrf_token
    auth.register()
    client.post("/account/preferences", data={"language": "hi", "digits": "native", "time_zone": "", "daily_goal": "",
                                              "csrf_token": csrf_token(client, "/account/")})
    refused = client.post("/account/password", data={"current": PASSWORD, "password": "short", "password2": "short",
                                                     "csrf_token": csrf_token(client, "/account/")})
    assert refused.status_code == 400
    error = re.sub(r"<[^>]+>", "", refused.get_data(as_text=True).split('id="password-error"', 1)[-1])
    assert "१०" in error and "10" not in error.split("</", 1)[0]  # "at least ten characters" in Devanagari digits
    with app.test_request_context(headers={"Accept-Language": "hi"}):
        from flask_babel import gettext, ngettext
        from app.course import words
        assert "1,00,000" in ngettext("%(num)s student", "%(num)s students", 100000)  # a count grouped by lakh
        assert words.ngettext("%(num)s card", "%(num)s cards", 1234567).startswith("12,34,567 ")  # a pure module's too
        assert gettext("Question %(id)s", id=1234) == "Question 1234"  # an id is not an amount: never grouped
    with app.test_request_context():
        assert ngettext("%(num)s student", "%(num)s students", 1234) == "1,234 students"  # as the pages write it


def save_preferences(client, language: str = "", digits: str = "", **headers):
    from tests.conftest import csrf_token
    return client.post("/account/preferences", headers=headers, data={
        "language": language, "digits": digits, "time_zone": "", "daily_goal": "", "csrf_token": csrf_token(client, "/account/")})


def test_a_change_made_in_another_browser_shows_on_the_next_page(app, client, auth):
    from tests.conftest import AuthActions
    auth.register()
    other = app.test_client()
    AuthActions(other).login()
    assert save_preferences(other, "ur", "native").status_code == 302
    for path in ("/timeline", "/nothing-here", "/"):  # pages that ask the language before they load the account too
        assert 'lang="ur"' in html_tag(client.get(path)), path
    autosave_language = client.get("/").get_data(as_text=True)  # and the session's copy is in step again
    assert 'data-numbers="ur-u-nu-arabext"' in autosave_language


def test_switching_on_a_page_drawn_for_a_form_goes_back_to_the_form_s_page(client, auth):
    auth.register()
    from tests.conftest import csrf_token
    refused = client.post("/account/preferences", headers={"Referer": "http://localhost/account/"}, data={
        "language": "", "digits": "", "time_zone": "", "daily_goal": "-5", "csrf_token": csrf_token(client, "/account/")})
    assert refused.status_code == 400
    action = re.search(r'<form method="post" action="(/account/language[^"]*)"', refused.get_data(as_text=True)).group(1)
    assert action == "/account/language?next=/account/"  # not the POST-only /account/preferences (a 405 on a GET)
    switched = client.post(action.replace("&amp;", "&"), data={"code": "hi", "csrf_token": csrf_token(client, "/")})
    assert switched.status_code == 303 and client.get(switched.headers["Location"]).status_code == 200
    elsewhere = client.post("/account/preferences", headers={"Referer": "https://evil.example/account/"}, data={
        "language": "", "digits": "", "time_zone": "", "daily_goal": "-5", "csrf_token": csrf_token(client, "/account/")})
    assert 'action="/account/language"' in elsewhere.get_data(as_text=True)  # another site's address: the home page


@pytest.mark.parametrize("target", ["/x%0D%0ASet-Cookie:%20a=b", "/x%0AY", "/%09/evil.example", "/x%7F"])
def test_a_return_address_with_a_control_character_goes_home(client, target):
    response = client.get(f"/account/language/ur?next={target}")
    assert response.status_code == 303 and response.headers["Location"] == "/"


def test_preferences_saved_is_said_in_the_language_just_chosen(app, client, auth):
    auth.register()
    saved = save_preferences(client, "ur")
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "ur"}):
        from flask_babel import gettext
        urdu = gettext("Preferences saved.")
    assert urdu != "Preferences saved." and urdu in page and "Preferences saved." not in page


def test_my_browser_s_language_forgets_the_switcher_s_choice(client, auth):
    auth.register()
    client.get("/account/language/ur")  # the footer's choice, as a visitor would make it
    saved = save_preferences(client, "")
    assert "lang=;" in saved.headers.get("Set-Cookie", "") and "Expires=Thu, 01 Jan 1970" in saved.headers["Set-Cookie"]
    assert 'lang="hi"' in html_tag(client.get("/", headers={"Accept-Language": "hi"}))


def test_text_that_looks_like_a_number_is_never_rewritten(app):
    from app.course.words import Numeral
    with app.test_request_context(headers={"Accept-Language": "ur"}):
        from unittest import mock
        with mock.patch.object(i18n, "numbering_system", return_value="arabext"):
            shown = i18n.written({"name": "2024", "group": "1,312.5", "read": Numeral("1,312.5"), "num": 1312, "id": 7})
    assert shown == {"name": "2024", "group": "1,312.5", "read": "۱٬۳۱۲٫۵", "num": "۱٬۳۱۲", "id": "۷"}


def test_wtforms_own_messages_are_in_the_learner_s_digits(client, auth):
    from tests.conftest import csrf_token
    auth.register()
    save_preferences(client, "hi", "native")
    refused = client.post("/account/tokens", data={"name": "x" * 81, "lifetime": "30", "scope": "read",
                                                    "csrf_token": csrf_token(client, "/account/")})
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "८०" in page and not re.search(r"\b80\b", re.sub(r"<[^>]+>", " ", page.split("<main", 1)[1]))


def test_lesson_titles_in_the_next_steps_are_marked_english(client, auth):
    from tests.conftest import csrf_token
    auth.register()
    client.post("/lessons/trade/read", data={"csrf_token": csrf_token(client, "/lessons/trade")})
    page = client.get("/me", headers={"Accept-Language": "ur"}).get_data(as_text=True)
    step = re.search(r'<p class="up-next-step-title">(.*?)</p>', page, re.S).group(1)
    assert '<span lang="en" dir="ltr">' in step and "&lt;span" not in step  # marked, and the mark is not escaped
    english = client.get("/me", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "<span lang=" not in re.search(r'<p class="up-next-step-title">(.*?)</p>', english, re.S).group(1)


def test_a_course_word_in_a_pure_module_s_message_is_marked_english(app):
    """A numeric question's feedback names the question's unit ("million"), which a student types in English."""
    from app.course.words import English, Numeral, _
    message = "Read as %(number)s %(unit)s, the question's unit."
    with app.test_request_context(headers={"Accept-Language": "ur"}):
        note = _(message, number=Numeral("2960"), unit=English("million"))
        hostile = _(message, number=Numeral("1"), unit=English("<script>x</script>"))
    assert hasattr(note, "__html__") and '<span lang="en" dir="ltr">million</span>' in note
    assert "<script>" not in hostile and "&lt;script&gt;" in hostile
    with app.test_request_context():
        english = _(message, number=Numeral("2960"), unit=English("million"))
    assert "<span" not in english and english.striptags() == "Read as 2960 million, the question's unit."  # as shown


def test_a_lazy_label_in_a_refusal_is_escaped_once(app):
    """A form field's label (a lazy string, which has __html__ too) filled into a message is not a mark: what the
    learner typed beside it is escaped once, by the page, never twice."""
    from flask_babel import gettext, lazy_gettext
    with app.test_request_context(headers={"Accept-Language": "ur"}):
        said = gettext("%(field)s: “%(value)s” is not one of its choices.", field=lazy_gettext("Type"), value="<b>'x&y")
    assert not hasattr(said, "__html__") and "<b>'x&y" in said


def test_the_switcher_never_points_off_site_from_a_referrer(client, auth):
    from tests.conftest import csrf_token
    auth.register()
    for referrer in ("http://localhost//evil.example/x", "http://localhost/\\evil.example", "http://evil.example/account/"):
        refused = client.post("/account/preferences", headers={"Referer": referrer}, data={
            "language": "", "digits": "", "time_zone": "", "daily_goal": "-5", "csrf_token": csrf_token(client, "/account/")})
        assert 'action="/account/language"' in refused.get_data(as_text=True), referrer


@pytest.mark.parametrize("code", ["en", "ur", "hi"])
def test_a_whole_number_is_written_exactly_as_babel_writes_it(app, code):
    """number() skips Babel for whole numbers where it knows the answer: it must be Babel's answer, in both digits."""
    from unittest import mock
    from babel.numbers import format_decimal
    samples = list(range(-1100, 1100, 7)) + [999, 1000, 12345, 123456, 1234567, -1234567, 10 ** 12]
    for system in ("latn", i18n.LANGUAGES[code].native_digits):
        with app.test_request_context(headers={"Accept-Language": code}), \
                mock.patch.object(i18n, "numbering_system", return_value=system):
            for value in samples:
                assert i18n.number(value) == i18n.in_digits(format_decimal(value, locale=code, numbering_system=system),
                                                            system), (code, system, value)
