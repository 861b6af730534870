"""Every string a user sees is marked for translation, and the Urdu and Hindi catalogues translate all of them.

The first check renders the site in a pseudo-language built at test time from the source as it is now: every marked
message becomes ``⟦message⟧``. Pages are crawled as a visitor, a student and an instructor (links followed, forms
sent wrong on purpose so their errors show), and any letter outside the brackets, outside course content
(``lang="en"``) and outside what a person typed (``translate="no"``) is a string nobody marked. The other checks read
the catalogues: complete, not fuzzy, every ``%(field)s`` and tag kept, and the glossary's terms used.
"""

import ast
import re
from collections import deque
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from lxml import html as lxml_html

from app import i18n
from app.config import PROJECT_ROOT
from app.extensions import db
from app.models import ReviewCard
from tests.conftest import AuthActions, csrf_token
from tests.test_teaching import create_assignment, create_class, join, person, take

# A locale CLDR knows and we do not ship, standing in for the pseudo-language. Its script is not Latin, so what
# Babel writes for it (month and weekday names, time-zone cities) is told apart from English nobody marked.
PSEUDO = "ru"
OPEN, CLOSE = "⟦", "⟧"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "N_": None, "t": None, "tn": (1, 2),
            "lazy_gettext": None, "lazy_ngettext": (1, 2)}
TRANSLATIONS = PROJECT_ROOT / "app" / "translations"
SHIPPED = ("ur", "hi")
FIELDS = re.compile(r"%\(\w+\)[sd]|%%|\{\{\s*\w+\s*\}\}|</?[a-zA-Z][^>]*>")
LETTER = re.compile(r"[^\W\d_]")
ENGLISH = re.compile(r"[A-Za-z]")
ABBREVIATIONS = re.compile(r"\bUTC\b")  # what every language writes the same way


def extract() -> Catalog:
    """The messages in the source now, as ``make extract-messages`` finds them (babel.cfg, the same keywords)."""
    with open(PROJECT_ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for filename, line, message, comments, context in extract_from_dir(
            str(PROJECT_ROOT), method_map, options_map, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, line)], auto_comments=comments, context=context)
    return catalog


@pytest.fixture(scope="module")
def messages() -> Catalog:
    return extract()


@pytest.fixture(scope="module")
def pseudo_translations(messages, tmp_path_factory) -> str:
    """A compiled catalogue of the pseudo-language: each message bracketed, its fields and tags untouched."""
    return compile_pseudo(messages, tmp_path_factory.mktemp("pseudo"), lambda text: OPEN + text + CLOSE)


# The second pseudo-language: each message's own letters become their full-width forms (Ｔｒａｄｅ), its fields and tags
# left as they are. A Latin letter on such a page came from outside any message, or was filled into one: a lesson's
# title in "Next lesson: %(title)s" must then be marked English, an assignment's name as typed (translate="no").
KEPT = re.compile(r"(<[^>]*>|%\(\w+\)[sd]|%%|&#?\w+;)")


def full_width(text: str) -> str:
    parts = KEPT.split(text)
    return "".join(part if kept else "".join(chr(ord(char) + 0xFEE0) if char.isascii() and char.isalpha() else char
                                              for char in part)
                   for part, kept in zip(parts, [False, True] * len(parts)))


def compile_pseudo(messages, folder, write) -> str:
    catalog = Catalog(locale=PSEUDO)
    for message in messages:
        if not message.id:
            continue
        if isinstance(message.id, tuple):
            forms = [write(form) for form in message.id]
            catalog.add(message.id, tuple(forms + forms[-1:] * (catalog.num_plurals - len(forms))))
        else:
            catalog.add(message.id, write(message.id))
    (folder / PSEUDO / "LC_MESSAGES").mkdir(parents=True)
    with open(folder / PSEUDO / "LC_MESSAGES" / "messages.mo", "wb") as out:
        write_mo(out, catalog)
    return str(folder)


@pytest.fixture(scope="module")
def full_width_translations(messages, tmp_path_factory) -> str:
    return compile_pseudo(messages, tmp_path_factory.mktemp("full-width"), full_width)


@pytest.fixture
def pseudo_app(make_app, pseudo_translations, monkeypatch):
    monkeypatch.setitem(i18n.LANGUAGES, PSEUDO, i18n.Language(PSEUDO, OPEN + "Pseudo" + CLOSE, "ltr", "latn"))
    return make_app("loaded", BABEL_TRANSLATION_DIRECTORIES=pseudo_translations)


def unmarked(page: str) -> list[str]:
    """The texts on a page that a person reads and that came out of no message: letters outside ⟦…⟧, outside
    course content and people's own words, outside scripts and styles."""
    root = lxml_html.document_fromstring(page)
    found: list[str] = []
    depth = 0

    def skipped(element) -> bool:
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "textarea"):
            return True  # (a textarea holds what the person is writing, never the interface)
        lang = element.get("lang")
        return element.get("translate") == "no" or (lang is not None and lang != PSEUDO)

    def read(text: str | None) -> None:
        nonlocal depth
        if not text:
            return
        outside = []
        for char in text:
            if char == OPEN:
                depth += 1
            elif char == CLOSE:
                depth = max(0, depth - 1)
            elif depth == 0:
                outside.append(char)
        outside_text = "".join(outside).strip()
        if ENGLISH.search(ABBREVIATIONS.sub("", outside_text)):
            found.append(outside_text)

    def attributes(element) -> None:
        for name in ("title", "aria-label", "placeholder", "alt", "aria-description"):
            value = element.get(name)
            if value and ENGLISH.search(re.sub(r"⟦.*⟧", "", value, flags=re.S)):
                found.append(f'{name}="{value}"')
        if element.tag == "input" and element.get("type") in ("submit", "button", "reset") and element.get("value"):
            value = element.get("value")
            if ENGLISH.search(re.sub(r"⟦.*⟧", "", value, flags=re.S)):
                found.append(f'value="{value}"')

    def walk(element) -> None:
        if skipped(element):
            read_tail(element)
            return
        attributes(element)
        read(element.text)
        for child in element:
            walk(child)
        read_tail(element)

    def read_tail(element) -> None:
        if element is not root:
            read(element.tail)

    root_lang = root.get("lang")
    assert root_lang == PSEUDO, f"the page is in {root_lang}, not the pseudo-language"
    walk(root.find("body"))
    # <title> holds text only, so a lesson's title cannot be marked English there: a part of it that the page
    # shows as course text (its heading, lang="en") is that, anything else must be a message.
    course = {" ".join(element.text_content().split()) for element in root.iter() if isinstance(element.tag, str)
              and (element.get("lang") == "en" or element.get("translate") == "no")}
    title = root.find("head").find("title")
    for part in re.sub(r"⟦.*?⟧", "·", title.text or "").split("·"):
        part = " ".join(part.split())
        if ENGLISH.search(part) and part not in course:
            found.append(f"<title>: {part}")
    return found


SKIP = re.compile(r"^/(static|api|media)/|/account/language/|/logout|\.(csv|xlsx|apkg|zip|xml|gift|txt|json|md)$"
                  r"|/export|/download|/qti|/anki|/gift|/moodle")


def pattern(path: str) -> str:
    """Pages that differ only by an id count as one page."""
    return re.sub(r"/[0-9a-z_-]*\d[0-9a-z_-]*", "/N", path)


def crawl(client, seeds: list[str], limit: int = 160, check=None) -> dict[str, list[str]]:
    """Follow a person's links from ``seeds`` (GET only); what ``check`` finds on each page (by default the unmarked
    texts), by path."""
    check = check or unmarked
    queue, seen, patterns, problems = deque(seeds), set(), set(), {}
    while queue and len(seen) < limit:
        path = queue.popleft()
        if path in seen or pattern(urlsplit(path).path) in patterns:
            continue
        seen.add(path)
        patterns.add(pattern(urlsplit(path).path))
        response = client.get(path)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = response.get_data(as_text=True)
        texts = check(page)
        if texts:
            problems[path] = texts
        for href in re.findall(r'href="(/[^"/][^"]*|/)"', page):
            href = href.replace("&amp;", "&").split("#")[0]
            if href and not SKIP.search(urlsplit(href).path) and href not in seen:
                queue.append(href)
    return problems


def report(problems: dict[str, list[str]]) -> str:
    lines = [f"{path}: {sorted(set(texts))[:12]}" for path, texts in sorted(problems.items())]
    return f"{len(problems)} pages show text nobody marked for translation:\n" + "\n".join(lines)


def speak_pseudo(client) -> None:
    client.set_cookie(i18n.COOKIE, PSEUDO)


def test_the_pseudo_language_finds_an_unmarked_string(pseudo_app):
    """The check itself: a text outside any message is caught, one inside a message, course text and a name are not."""
    page = ('<!doctype html><html lang="ru"><head><title>⟦Lessons⟧</title></head><body>'
            '<p>⟦Due %s⟧ <span lang="en">Kashmir</span> <bdi translate="no">amina</bdi> 42 %</p>'
            '<p>Forgot to mark</p><button title="Close">⟦Save⟧</button></body></html>')
    assert unmarked(page) == ["Forgot to mark", 'title="Close"']


def test_a_visitor_sees_only_translated_text(pseudo_app):
    client = pseudo_app.test_client()
    speak_pseudo(client)
    problems = crawl(client, ["/", "/lessons/trade", "/timeline", "/people", "/glossary", "/search?q=Kashmir",
                              "/account/login", "/account/register", "/account/forgot", "/nothing-here"])
    assert not problems, report(problems)


def test_a_student_and_an_instructor_see_only_translated_text(pseudo_app):
    app = pseudo_app
    teacher = person(app, "teacher", "instructor")
    speak_pseudo(teacher)
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    speak_pseudo(student)
    join(student, code)
    assignment_id = create_assignment(app, teacher, classroom_id)
    take(app, student, assignment_id, right=False)
    problems = crawl(student, ["/", "/dashboard", "/review", "/assignments", "/account/settings", "/lessons/trade",
                               "/lessons/trade/quiz", "/lessons/trade/practice"])
    problems.update(crawl(teacher, ["/teach/", f"/teach/classes/{classroom_id}", "/teach/questions",
                                    f"/teach/classes/{classroom_id}/gradebook", "/teach/import"], limit=200))
    assert not problems, report(problems)


def test_forms_sent_wrong_show_their_errors_translated(pseudo_app):
    client = pseudo_app.test_client()
    speak_pseudo(client)
    pages = [
        client.post("/account/login", data={"username": "nobody", "password": "x", "csrf_token": csrf_token(client)}),
        client.post("/account/register", data={"username": "a", "password": "short", "password2": "other",
                                               "csrf_token": csrf_token(client, "/account/register")}),
        client.post("/account/login", data={}),  # no CSRF token: the 400 page
    ]
    problems = {f"POST {i}": unmarked(page.get_data(as_text=True)) for i, page in enumerate(pages)}
    problems = {where: texts for where, texts in problems.items() if texts}
    assert not problems, report(problems)


LATIN_DIGIT = re.compile(r"[0-9]")
LATIN_ON_PURPOSE = "0123456789"  # Settings → Digits: the Latin choice shows what it means


def page_texts(page: str, skipped_tags: tuple[str, ...], attributes: tuple[str, ...] = ()) -> list[str]:
    """The texts a person reads on ``page`` in the page's own language: outside course text (another ``lang``), what
    a person typed (``translate="no"``), scripts, styles, code and the elements in ``skipped_tags``; with the values
    of ``attributes`` (read aloud or shown) of every element read."""
    root = lxml_html.document_fromstring(page)
    texts: list[str] = []

    def skipped(element) -> bool:
        if not isinstance(element.tag, str) or element.tag in ("script", "style", "textarea", "code", "pre") + skipped_tags:
            return True
        return element.get("translate") == "no" or element.get("lang", root.get("lang")) != root.get("lang")

    def walk(element) -> None:
        if not skipped(element):
            texts.extend(element.get(name) for name in attributes if element.get(name))
            texts.extend([element.text] if element.text else [])
            for child in element:
                walk(child)
        if element is not root and element.tail:
            texts.append(element.tail)

    walk(root.find("body"))
    return texts


def latin_digits(page: str) -> list[str]:
    """The texts a person reads with a Latin digit in them (form values, which a browser reads as Latin digits, are
    not read)."""
    return [" ".join(text.split())[:80] for text in page_texts(page, (), ("title", "aria-label", "placeholder", "alt",
                                                                            "aria-valuetext"))
            if LATIN_DIGIT.search(text) and LATIN_ON_PURPOSE not in text]


@pytest.mark.parametrize("code", SHIPPED)
def test_a_student_with_the_language_s_own_digits_sees_no_latin_digit(make_app, code):
    """Settings → Digits → the language's own: every number a student reads is in them, the pages' own (counts,
    dates, marks, a timer) and those Python writes into a message (a form error, a feedback's reading of a number)."""
    app = make_app("loaded")
    teacher = person(app, "teacher", "instructor")
    classroom_id, join_code = create_class(teacher)
    student = person(app, "sana")
    join(student, join_code)
    take(app, student, create_assignment(app, teacher, classroom_id, time_limit_minutes=20), right=False)
    with app.app_context():  # the review page shows a card, and its answer says when the card comes back
        for card in db.session.scalars(sa.select(ReviewCard)):
            card.due = datetime.now(timezone.utc)
        db.session.commit()
    timed = create_assignment(app, teacher, classroom_id, time_limit_minutes=30)
    saved = student.post("/account/preferences", data={"language": code, "digits": "native", "time_zone": "Asia/Karachi",
                                                       "daily_goal": "", "csrf_token": csrf_token(student, "/account/")})
    assert saved.status_code == 302
    started = student.post(f"/assignments/{timed}/start", data={"csrf_token": csrf_token(student, "/assignments")})
    assert started.status_code == 302
    in_progress = started.headers["Location"]
    assert "countdown" in student.get(in_progress).get_data(as_text=True)  # the page with a timer is crawled
    problems = crawl(student, [in_progress, "/", "/me", "/review", "/assignments", "/account/", "/lessons/trade",
                               "/lessons/trade/quiz", "/progress"], check=latin_digits)
    refused = student.post("/account/", data={"desired_retention": "0.5", "daily_review_limit": "3",
                                              "csrf_token": csrf_token(student, "/account/")})
    problems["POST /account/ (out of range)"] = latin_digits(refused.get_data(as_text=True))
    card = re.search(r'action="(/review/\d+)"', student.get("/review").get_data(as_text=True))
    assert card, "no review card to answer"
    answered = student.post(card.group(1), data={"csrf_token": csrf_token(student, "/review")}, follow_redirects=True)
    problems["POST a review card"] = latin_digits(answered.get_data(as_text=True))
    problems = {where: texts for where, texts in problems.items() if texts}
    assert not problems, "\n".join(f"{where}: {sorted(set(texts))[:8]}" for where, texts in sorted(problems.items()))


def test_the_digit_check_finds_a_latin_digit():
    page = ('<!doctype html><html lang="ur"><body><p>۱۲ <span lang="en">1999</span> <bdi translate="no">sana42</bdi>'
            '<input value="0.90"></p><p title="3">۰٫۹۰</p><p>Latin 7 here</p></body></html>')
    assert latin_digits(page) == ["3", "Latin 7 here"]


def latin_letters(page: str) -> list[str]:
    """On a full-width pseudo page: the texts with a Latin letter outside course text (lang="en") and typed words
    (translate="no"). Attributes, an SVG's <title> and a select's <option> hold text only and cannot mark a part of
    it as English, so they are left to the bracket check, which finds any of their words nobody marked."""
    return [" ".join(text.split())[:90] for text in page_texts(page, ("title", "option"))
            if ENGLISH.search(ABBREVIATIONS.sub("", text))]


def test_the_full_width_check_finds_english_filled_into_a_message():
    page = ('<!doctype html><html lang="ru"><body><p>Ｎｅｘｔ ｌｅｓｓｏｎ: Trade</p><p>Ｎｅｘｔ ｌｅｓｓｏｎ: <span lang="en">Trade'
            '</span></p><p><bdi translate="no">amina</bdi> ２０２６</p></body></html>')
    assert latin_letters(page) == ["Ｎｅｘｔ ｌｅｓｓｏｎ: Trade"]


def test_course_text_and_typed_names_filled_into_messages_are_marked(make_app, full_width_translations, monkeypatch):
    """A visitor's and a student's pages in the full-width pseudo-language: any Latin letter left is English course
    text or a typed name shown without its mark (a screen reader would read "Trade" with Urdu rules)."""
    monkeypatch.setitem(i18n.LANGUAGES, PSEUDO, i18n.Language(PSEUDO, full_width("Pseudo"), "ltr", "latn"))
    app = make_app("loaded", BABEL_TRANSLATION_DIRECTORIES=full_width_translations)
    teacher = person(app, "teacher", "instructor")
    speak_pseudo(teacher)  # before the class is made: the flash that says so is shown on the next page
    classroom_id, code = create_class(teacher)
    student = person(app, "sana")
    speak_pseudo(student)
    join(student, code)
    take(app, student, create_assignment(app, teacher, classroom_id), right=False)
    student.post("/lessons/trade/read", data={"csrf_token": csrf_token(student, "/lessons/trade")})
    visitor = app.test_client()
    speak_pseudo(visitor)
    problems = crawl(visitor, ["/", "/lessons/trade", "/timeline", "/people", "/glossary", "/search?q=Kashmir",
                               "/account/login"], limit=60, check=latin_letters)
    problems.update(crawl(student, ["/", "/me", "/review", "/assignments", "/account/", "/lessons/trade",
                                    "/lessons/trade/quiz", "/lessons/trade/practice"], check=latin_letters))
    problems.update(crawl(teacher, ["/teach/", f"/teach/classes/{classroom_id}", "/teach/questions",
                                    f"/teach/classes/{classroom_id}/gradebook", "/teach/import"], limit=200,
                          check=latin_letters))
    assert not problems, report(problems)


# Python: a string shown to a person must go through a translation function where it is written.
SHOWN_CALLS = {"flash"}  # first argument
SHOWN_KEYWORDS = {"message", "description", "label"}
PURE_OR_CLI = re.compile(r"app/(course/interop/|review_cli\.py|course_loader\.py|authoring/cli\.py|accounts/cli\.py"
                         r"|api/openapi\.py)")


def literal_text(node) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and LETTER.search(node.value):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return ast.unparse(node)
    return None


def test_python_never_shows_a_bare_english_string():
    """``flash("…")``, a form field's label, a validator's ``message=``, ``abort(…, description="…")``: each must
    be ``_()``/``_l()`` (a string written bare there reaches the page in English whatever the language)."""
    bare = []
    for path in sorted((PROJECT_ROOT / "app").rglob("*.py")):
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        if PURE_OR_CLI.search(relative):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            candidates = []
            if name in SHOWN_CALLS and node.args:
                candidates.append(node.args[0])
            if name.endswith("Field") and node.args:
                candidates.append(node.args[0])
            candidates += [keyword.value for keyword in node.keywords if keyword.arg in SHOWN_KEYWORDS]
            for candidate in candidates:
                text = literal_text(candidate)
                if text is not None:
                    bare.append(f"{relative}:{node.lineno}: {name}({text[:60]!r})")
    assert not bare, "strings shown without a translation function:\n" + "\n".join(bare)


# The shipped catalogues.
def catalogue(code: str) -> Catalog:
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as source:
        return read_po(source, locale=code)


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_is_translated_and_none_is_a_guess(messages, code):
    shipped = catalogue(code)
    missing, fuzzy = [], []
    for message in messages:
        if not message.id:
            continue
        found = shipped.get(message.id)
        strings = () if found is None else (found.string if isinstance(found.string, tuple) else (found.string,))
        if found is None or not all(strings):
            missing.append(message.id)
        elif found.fuzzy:
            fuzzy.append(message.id)
    assert not missing, f"{len(missing)} messages have no {code} translation (make update-catalogues, then translate): {missing[:15]}"
    assert not fuzzy, f"{len(fuzzy)} {code} translations are marked fuzzy (a guess by msgmerge): {fuzzy[:15]}"


@pytest.mark.parametrize("code", SHIPPED)
def test_translations_keep_every_field_and_tag(code):
    wrong = []
    for message in catalogue(code):
        if not message.id or not message.string:
            continue
        sources = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, string in enumerate(strings):
            source = sources[min(index, len(sources) - 1)]
            want, got = sorted(FIELDS.findall(source)), sorted(FIELDS.findall(string))
            if want != got and not (isinstance(message.id, tuple) and index == 0 and set(got) <= set(want)):
                wrong.append(f"{message.id!r}: {want} vs {got}")
    assert not wrong, f"{code}: fields or tags lost or added:\n" + "\n".join(wrong[:20])


def test_urdu_is_written_in_urdu_letters_and_hindi_in_devanagari():
    """Arabic ي/ك/ه where Urdu has ی/ک/ہ (they look alike and search, sort and shape differently), or a Hindi
    entry left in Latin letters."""
    arabic = re.compile("[\u064a\u0643\u0647]")  # ي ك ه
    urdu_wrong = [m.string for m in catalogue("ur") if isinstance(m.string, str) and arabic.search(m.string)]
    assert not urdu_wrong, urdu_wrong[:10]
    no_devanagari = [m.id for m in catalogue("hi") if m.id and isinstance(m.string, str) and m.string
                     and LETTER.search(FIELDS.sub("", m.string)) and not re.search("[\u0900-\u097f]", m.string)
                     and not re.fullmatch(r"[\sA-Za-z%()._:-]*(Backchannel|English|OK|GIFT|QTI|Moodle|Anki|CSV|XLSX|FSRS|API)[\sA-Za-z%()._:-]*", m.string)]
    assert not no_devanagari, no_devanagari[:10]


def glossary() -> list[dict[str, str]]:
    rows = [line.split("\t") for line in (TRANSLATIONS / "glossary.tsv").read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]
    header = rows[0]
    return [dict(zip(header, row)) for row in rows[1:]]


def test_the_glossary_is_well_formed_and_covers_the_menu():
    terms = {row["term"]: row for row in glossary()}
    for row in terms.values():
        assert row["ur"] and row["hi"], row
    for word in ("lesson", "quiz", "practice", "review", "question", "answer", "assignment", "class", "progress"):
        assert word in terms


# The terms whose rendering is checked in every message that uses them ("progress" is left out: "in progress" is
# another word; "override" is a student's exception or a class's own version of a question; "class", "test",
# "save" and the like have senses the glossary does not cover).
CHECKED_TERMS = ("lesson", "course", "quiz", "practice", "review", "question", "mastery", "hint", "glossary", "timeline",
                 "password", "username", "e-mail", "streak", "daily goal", "time zone", "recovery code", "essay",
                 "instructor", "student", "gradebook", "assignment", "answer", "review and submit")
# Messages that name a term only inside code, a file format or a quoted English label.
NOT_PROSE = re.compile(r"<code>|\{\"|GIFT|Moodle|QTI|“[^”]*”|Key facts")


@pytest.mark.parametrize("code", SHIPPED)
def test_every_message_uses_the_glossary_s_words(code):
    terms = {row["term"]: row for row in glossary()}
    off = []
    for message in catalogue(code):
        if not message.id or not message.string:
            continue
        source = message.id if isinstance(message.id, str) else message.id[0]
        translated = " ".join(message.string) if isinstance(message.string, tuple) else message.string
        if NOT_PROSE.search(source):
            continue
        source = re.sub(r"\{[^}]*\}", "", FIELDS.sub("", source))  # a field's name is not a word of the sentence
        for term in sorted(CHECKED_TERMS, key=len, reverse=True):  # "review and submit" is its own sense of "review"
            found = re.compile(rf"\b{re.escape(term)}s?\b", re.I)
            if found.search(source):
                row = terms[term]
                accepted = [row[code]] + [form for form in row[f"{code}_forms"].split("|") if form]
                if not any(form in translated for form in accepted):
                    off.append(f"{term} ({' / '.join(accepted)}): {source!r} -> {translated!r}")
                source = found.sub("", source)
    assert not off, f"{len(off)} {code} messages do not use the glossary's word:\n" + "\n".join(off[:40])


# Scripts: words put on the page go through t()/tn() (app/static/app.js), never as a bare English literal.
SCRIPT_WORDS = re.compile(r"""(?:textContent|innerText|\.title|\.placeholder)\s*=\s*(?:[^;]*?[?:]\s*)?["'][A-Za-z]"""
                          r"""|setAttribute\(\s*["'](?:aria-label|title|placeholder|alt)["']\s*,\s*["'][A-Za-z]"""
                          r"""|\b(?:announce|say|alert|confirm)\(\s*["'][A-Za-z]""")


def test_scripts_never_show_a_bare_english_string():
    found = []
    for path in sorted((PROJECT_ROOT / "app" / "static").rglob("*.js")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SCRIPT_WORDS.search(line):
                found.append(f"{path.name}:{number}: {line.strip()[:100]}")
    assert not found, "script text shown without t():\n" + "\n".join(found)


def test_the_script_check_would_catch_a_bare_string():
    for line in ('el.textContent = "Saved";', 'b.setAttribute("aria-label", "Close");', 'announce("Done.");',
                 'x.textContent = ok ? "Yes" : t("No");'):
        assert SCRIPT_WORDS.search(line), line
    for line in ('el.textContent = t("Saved");', 'b.setAttribute("aria-label", t("Close"));', 'el.textContent = "";'):
        assert not SCRIPT_WORDS.search(line), line
