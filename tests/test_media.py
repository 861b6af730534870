"""Images in questions: read by their content, checked in the bank, stored, served inertly, imported
from Moodle's files and exported back, and added on the question form."""

import base64
import io
import re
import struct
import zlib

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.course.bank import check_question_data, parse_bank_text, render_question
from app.course.interop.moodle_xml import export_moodle_xml, parse_moodle_xml
from app.course.markup import image_problems, render_block
from app.course.media import MAX_IMAGE_BYTES, ImageRefused, content_hash, read_image
from app.extensions import db
from app.models import Media, Question, QuestionVersion
from tests.conftest import csrf_token
from tests.test_authoring import SAMPLES, form_for, lesson_row
from tests.test_interop import anki_notes, trade_id, upload
from tests.test_teaching import person

PUBLIC = __import__("pathlib").Path(__file__).parent / "data" / "moodle-public"


# --- Images built byte by byte (Pillow is no dependency) ------------------------------------

def png(width: int = 3, height: int = 2, extra_chunks: bytes = b"", after: bytes = b"") -> bytes:
    """A valid PNG of ``width`` x ``height`` grey pixels (every chunk with its CRC)."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    rows = b"".join(b"\x00" + b"\x80" * width for _ in range(min(height, 4)))  # a tall image's data need not be whole here
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) + extra_chunks
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"") + after)


def text_chunk(text: bytes) -> bytes:
    """A PNG tEXt chunk holding ``text``."""
    return struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))


def gif(width: int = 1, height: int = 1) -> bytes:
    """A GIF89a: a 2-colour table, a graphic control extension, one frame, the trailer."""
    return (b"GIF89a" + struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\xff\xff\xff\x00\x00\x00"
            + b"!\xf9\x04\x01\x00\x00\x00\x00" + b"," + struct.pack("<HHHHB", 0, 0, width, height, 0) + b"\x02\x02D\x01\x00;")


def jpeg(width: int = 7, height: int = 5, after: bytes = b"") -> bytes:
    """A baseline JPEG's segments: JFIF, a quantisation table, the frame (SOF0), the scan and EOI."""
    def segment(marker: int, body: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body
    return (b"\xff\xd8" + segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00") + segment(0xDB, b"\x00" + b"\x01" * 64)
            + segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
            + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\x00\x56" + b"\xff\xd9" + after)


def webp_lossless() -> bytes:
    """The 1 x 1 lossless WebP (VP8L) browsers are tested with."""
    return base64.b64decode("UklGRhoAAABXRUJQVlA4TA0AAAAvAAAAEAcQERGIiP4HAA==")


def webp_extended(width: int, height: int) -> bytes:
    """A WebP with a VP8X header (canvas size) before its image chunk."""
    body = b"\x00\x00\x00\x00" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    image = webp_lossless()[12:]
    chunks = b"VP8X" + struct.pack("<I", len(body)) + body + image
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + chunks


# --- What a file is, by its content ------------------------------------------------------------

@pytest.mark.parametrize(("content", "media_type", "size"), [
    (png(3, 2), "image/png", (3, 2)),
    (jpeg(7, 5), "image/jpeg", (7, 5)),
    (gif(1, 1), "image/gif", (1, 1)),
    (gif(640, 480), "image/gif", (640, 480)),
    (webp_lossless(), "image/webp", (1, 1)),
    (webp_extended(300, 200), "image/webp", (300, 200)),
    (png(4096, 4096), "image/png", (4096, 4096)),
])
def test_each_format_is_read_with_its_size(content, media_type, size):
    image = read_image(content)
    assert (image.media_type, (image.width, image.height)) == (media_type, size)


def test_moodles_own_pngs_are_read():
    text = (PUBLIC / "multianswer.xml").read_text()
    sizes = {name: read_image(base64.b64decode(data))
             for name, data in re.findall(r'<file name="([^"]+)" encoding="base64">([^<]+)</file>', text)}
    assert {name: (i.media_type, i.width, i.height) for name, i in sizes.items()} == {
        "california-state-flag.png": ("image/png", 50, 50), "arizona_2.png": ("image/png", 50, 50), "moodle.png": ("image/png", 16, 16)}


@pytest.mark.parametrize(("content", "reason"), [
    (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML or XML document, not an image"),
    (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "SVG images are refused"),
    (b"<svg onload=alert(1)>", "SVG images are refused"),
    (b"BM\x3e\x00\x00\x00" + b"\x00" * 60, "not a PNG, JPEG, GIF or WebP"),
    (b"%PDF-1.7\n", "not a PNG, JPEG, GIF or WebP"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt ", "not a WebP image"),
    (b"", "empty"),
    (png(5000, 5000), "5,000 × 5,000 pixels; at most 4,096 × 4,096"),
    (png(4097, 1), "4,097 × 1 pixels"),
    (gif(1, 9000), "1 × 9,000 pixels"),
    (webp_extended(16384, 16), "16,384 × 16 pixels"),
    (jpeg(0, 5), "0 × 5 pixels"),
    (png(after=b"<html><script>alert(1)</script></html>"), "bytes follow the end of the image"),
    (jpeg(after=b"PK\x03\x04" + b"\x00" * 26), "bytes follow the end of the image"),
    (gif() + b"alert(1)", "bytes follow the end of the image"),
    (png(extra_chunks=text_chunk(b"Comment\x00<script>alert(document.cookie)</script>")), "polyglot"),
    (png()[:-20] + b"\x00" * 8 + png()[-12:], "checksum is wrong"),
    (b"\x89PNG\r\n\x1a\n" + png()[33:], "does not start with its header chunk"),
    (b"\xff" * (MAX_IMAGE_BYTES + 1), "an image may have at most 2,000,000"),
])
def test_anything_else_is_refused_with_the_reason(content, reason):
    with pytest.raises(ImageRefused, match=re.escape(reason)):
        read_image(content)


@pytest.mark.parametrize("content", [png(), jpeg(), gif(), webp_lossless(), webp_extended(20, 10)], ids=["png", "jpeg", "gif", "webp", "webp-x"])
def test_a_file_cut_short_anywhere_is_refused(content):
    for cut in range(1, len(content)):
        with pytest.raises(ImageRefused):
            read_image(content[:cut])


def test_the_hash_names_the_bytes():
    assert content_hash(png()) == content_hash(png()) != content_hash(png(3, 3))
    assert re.fullmatch(r"[0-9a-f]{64}", content_hash(png()))


# --- Images in Markdown: the check and the renderer ------------------------------------------

HASH = content_hash(png())
BANK = """questions:
  - id: pictured
    type: true_false
    prompt: |
      Is this the flag of Pakistan?

      ![{alt}]({source})
    answer: true
    explanation: It is.
    lesson_anchor: key-facts
    tags: [flags]
    difficulty: easy
"""


@pytest.mark.parametrize(("alt", "source", "media", "message"), [
    ("", f"media:{HASH}", None, "'prompt' has an image without alt text"),
    ("A flag", "https://example.org/flag.png", None, "'prompt' shows an image from 'https://example.org/flag.png'"),
    ("A flag", "data:image/png;base64,iVBORw0KGgo=", None, "shows an image from 'data:image/png"),
    ("A flag", "/media/flag.png", None, "shows an image from '/media/flag.png'"),
    ("A flag", f"media:{HASH}", {}, f"shows media:{HASH[:12]}…, which is not a stored image"),
])
def test_the_bank_check_refuses_an_image_at_its_line(alt, source, media, message):
    bank, problems = parse_bank_text(BANK.format(alt=alt, source=source), "quizzes/flags.yaml", "flags", {"key-facts"}, media=media)
    assert bank is None and [(p.path, p.line) for p in problems] == [("quizzes/flags.yaml", 4)]
    assert message in problems[0].message


def test_an_image_with_alt_text_and_a_stored_hash_passes_and_renders_as_its_address():
    bank, problems = parse_bank_text(BANK.format(alt="A green flag", source=f"media:{HASH}"), "q.yaml", "q", {"key-facts"},
                                     media={HASH: "image/png"})
    assert problems == []
    html = render_question(bank.questions[0].data, media={HASH: "image/png"})["prompt"]
    assert f'<img alt="A green flag" src="/media/{HASH}.png">' in html
    assert "<img" not in render_question(bank.questions[0].data)["prompt"]  # not known to be stored: left out, never a broken link


@pytest.mark.parametrize("text", [
    f'<img src="media:{HASH}" alt="Flag" onerror="alert(1)" style="x" class="admonition" width="50" height="9e9">',
    f'<IMG SRC="media:{HASH}" ALT="Flag" onload=alert(1) width=50>',
])
def test_an_image_keeps_only_its_address_alt_title_and_size(text):
    html = render_block(text, {HASH: "image/png"})
    assert html == f'<p><img src="/media/{HASH}.png" alt="Flag" width="50"></p>'


def test_links_to_media_and_images_from_elsewhere_never_render():
    html = render_block(f'[a file](media:{HASH}) ![x](https://evil.example/t.png) <img src="javascript:alert(1)" alt="y">',
                        {HASH: "image/png"})
    assert "media:" not in html and "evil" not in html and "<img" not in html and "javascript" not in html
    assert image_problems(f"![ ](media:{HASH})") and not image_problems("no image here, ![ not one either")


# --- Serving -----------------------------------------------------------------------------------

def stored(app, content: bytes, media_type: str = "image/png") -> str:
    with app.app_context():
        image = read_image(content)
        db.session.add(Media(sha256=content_hash(content), media_type=media_type, width=image.width, height=image.height,
                             size=len(content), content=content))
        db.session.commit()
    return content_hash(content)


def test_a_stored_image_is_served_inert_and_cached_for_good(app, client):
    sha256 = stored(app, png())
    response = client.get(f"/media/{sha256}.png")
    assert response.status_code == 200 and response.data == png()
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response.headers["Content-Disposition"] == f'inline; filename="{sha256}.png"'
    assert "immutable" in response.headers["Cache-Control"] and "max-age=31536000" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers
    again = client.get(f"/media/{sha256}.png", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


@pytest.mark.parametrize("path", [f"/media/{'0' * 64}.png", f"/media/{HASH.upper()}.png", f"/media/{HASH}.svg",
                                  "/media/..%2f..%2fapp.py", f"/media/{HASH}.jpg"])
def test_unknown_hashes_and_other_extensions_are_404(app, client, path):
    stored(app, png())
    assert client.get(path).status_code == 404


# --- Import from Moodle's files, and export back ---------------------------------------------

def test_moodles_embedded_files_are_stored_and_shown_on_the_question_page(app):
    teacher = person(app, "teacher", "instructor")
    response = upload(teacher, (PUBLIC / "multianswer.xml").read_bytes(), "multianswer.xml", trade_id(app))
    assert response.status_code == 200 and "1 imported into Trade" in response.get_data(as_text=True)
    files = {name: base64.b64decode(data) for name, data in
             re.findall(r'<file name="([^"]+)" encoding="base64">([^<]+)</file>', (PUBLIC / "multianswer.xml").read_text())}
    with app.app_context():
        assert {row.sha256: row.size for row in db.session.scalars(sa.select(Media))} == {
            content_hash(content): len(content) for content in files.values()}
    page = teacher.get("/teach/questions/cloze-with-images").get_data(as_text=True)
    flag = content_hash(files["california-state-flag.png"])
    assert f'<img src="/media/{flag}.png" alt="California flag" width="50" height="50">' in page
    assert f'src="/media/{content_hash(files["moodle.png"])}.png" alt="Moodle logo"' in page  # the general feedback's
    assert person(app, "someone").get(f"/media/{flag}.png").data == files["california-state-flag.png"]


def test_moodle_19s_image_field_comes_in_with_its_name_as_alt_text_and_a_note():
    imported, skipped = parse_moodle_xml((PUBLIC / "sample_questions_with_old_image_tag.xml").read_text(), "key-facts")
    logo = content_hash(base64.b64decode(re.search(r"<image_base64>\s*(\S+)", (PUBLIC / "sample_questions_with_old_image_tag.xml").read_text()).group(1)))
    assert skipped == [] and [list(item.images) for item in imported] == [[logo], [logo]]
    assert imported[1].data["prompt"].endswith(f'<img src="media:{logo}" alt="moodle.png" />')
    assert all("image 'moodle.png': alt text missing: write one" in " ".join(item.notes) for item in imported)
    assert all(check_question_data(item.data, {"key-facts"}, media={logo: "image/png"})[1] == [] for item in imported)


def moodle_file(text: str, *files: tuple[str, bytes | str]) -> str:
    """A Moodle XML file of one true/false question whose text is ``text``, with ``files`` beside it."""
    attached = "".join(f'<file name="{name}" path="/" encoding="base64">'
                       f'{content if isinstance(content, str) else base64.b64encode(content).decode()}</file>' for name, content in files)
    return (f'<quiz><question type="truefalse"><name><text>Flags</text></name><questiontext format="html">'
            f'<text><![CDATA[{text}]]></text>{attached}</questiontext>'
            '<answer fraction="100"><text>true</text></answer><answer fraction="0"><text>false</text></answer></question></quiz>')


def test_a_bad_image_skips_only_that_image_with_a_note():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    text = ('<p>Good <img src="@@PLUGINFILE@@/good.png" alt="A grey square"> vector <img src="@@PLUGINFILE@@/bad.svg" alt="A star">'
            ' broken <img src="@@PLUGINFILE@@/broken.png" alt="Broken"> missing <img src="@@PLUGINFILE@@/gone.png" alt="Gone">'
            ' big <img src="@@PLUGINFILE@@/huge.png" alt="Huge"> remote <img src="https://example.org/x.png" alt="Remote"></p>')
    (item,), skipped = parse_moodle_xml(moodle_file(text, ("good.png", png()), ("bad.svg", svg), ("broken.png", "iVBOR!!"),
                                                    ("huge.png", png(5000, 5000)), ("unused.gif", gif())), "key-facts")
    assert skipped == [] and list(item.images) == [HASH]
    assert item.data["prompt"] == (f'<p>Good <img src="media:{HASH}" alt="A grey square"> vector A star broken Broken '
                                   'missing Gone big Huge remote Remote</p>')
    notes = " | ".join(item.notes)
    for expected in ("image 'bad.svg' left out (SVG images are refused", "image 'broken.png' left out (its base64 encoding is corrupt)",
                     "image 'gone.png' left out (the file does not hold it)", "image 'huge.png' left out (the image is 5,000 × 5,000",
                     "image from 'https://example.org/x.png' left out", "embedded file 'unused.gif' is shown as an image in no text"):
        assert expected in notes
    assert check_question_data(item.data, {"key-facts"}, media={HASH: "image/png"})[1] == []


def test_export_writes_files_beside_their_texts_and_import_brings_back_the_same_question():
    question = {"id": "flag-q", "type": "true_false", "prompt": f"Is this a flag?\n\n![A grey square](media:{HASH})",
                "answer": True, "explanation": f'Yes: <img src="media:{HASH}" alt="The square again">',
                "lesson_anchor": "key-facts", "tags": ["flags"], "difficulty": "easy"}
    checked, messages = check_question_data(question, {"key-facts"}, media={HASH: "image/png"})
    text = export_moodle_xml([checked.data], {HASH: ("image/png", png())})
    assert text.count(f'<file name="{HASH}.png" path="/" encoding="base64">') == 2  # one beside each text that shows it
    assert f"![A grey square](@@PLUGINFILE@@/{HASH}.png)" in text and "media:" not in text.split("<backchannel>")[0]
    (item,), _ = parse_moodle_xml(text, "key-facts")
    assert item.images == {HASH: png()} and item.data == checked.data and item.notes == []


# --- "Add an image" on the question form --------------------------------------------------------

def add_image(client, app, content: bytes, filename: str, alt: str, qtype: str = "true_false", **fields):
    """Post the new-question form of ``qtype`` with an image through its "Add an image" button."""
    lesson = lesson_row(app, "trade")
    path = f"/teach/questions/new/{qtype}?lesson=trade"
    data = {"id": "trade-flag", "prompt": "Is this the flag?", "explanation": "It is.", "lesson_anchor": "mfn-1996",
            "tags": "flags", "difficulty": "easy", "answer": "true", "lesson": lesson.id, "bank": "mine", **fields}
    # Encoded here, in memory: the test client spools a body over 500 KB to a temporary file it never closes.
    boundary, body = encode_multipart(MultiDict({**data, "image_alt": alt, "csrf_token": csrf_token(client, path),
                                                 "image": FileStorage(io.BytesIO(content), filename)}))
    return client.post(f"/teach/questions/image?qtype={qtype}", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def media_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Media.id)))


def test_an_image_is_added_to_the_prompt_and_saved_with_the_question(app):
    teacher = person(app, "teacher", "instructor")
    response = add_image(teacher, app, png(), "flag.jpg", "A grey [square] flag")  # a PNG named .jpg is a PNG
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Image added at the end of the prompt (3 × 2 pixels)" in html
    assert f"Is this the flag?\n\n![A grey \\[square\\] flag](media:{HASH})</textarea>" in html
    assert 'action="/teach/questions/new/true_false"' in html  # saving goes back to the question's own address
    with app.app_context():
        row = db.session.scalar(sa.select(Media))
        assert (row.sha256, row.media_type, row.width, row.height, row.size) == (HASH, "image/png", 3, 2, len(png()))
    form = re.search(r'name="prompt"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1).replace("&#34;", '"')
    lesson = lesson_row(app, "trade")
    saved = teacher.post("/teach/questions/new/true_false?lesson=trade", data={
        "id": "trade-flag", "prompt": form.replace("\r", ""), "explanation": "It is.", "lesson_anchor": "mfn-1996", "tags": "flags",
        "difficulty": "easy", "answer": "true", "lesson": lesson.id, "bank": "mine", "save": "1",
        "csrf_token": csrf_token(teacher, "/teach/questions/new/true_false")})
    assert saved.status_code == 302, saved.get_data(as_text=True)
    assert f'<img alt="A grey [square] flag" src="/media/{HASH}.png">' in teacher.get("/teach/questions/trade-flag").get_data(as_text=True)
    assert teacher.get(f"/media/{HASH}.jpg").status_code == 404 and teacher.get(f"/media/{HASH}.png").data == png()


@pytest.mark.parametrize(("content", "filename", "alt", "message"), [
    (png(), "flag.png", "  ", "Write the image&#39;s alt text"),
    (b"", "flag.png", "A flag", "Choose the image file to add."),
    (b"<html><body><script>alert(1)</script></body></html>", "flag.png", "A flag", "an HTML or XML document, not an image"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "flag.png", "A flag", "SVG images are refused"),
    (png(extra_chunks=text_chunk(b"c\x00<script>alert(1)</script>")), "flag.png", "A flag", "(a polyglot)"),
    (png(after=b"PK\x03\x04zip"), "flag.png", "A flag", "bytes follow the end of the image"),
    (png(5000, 5000), "flag.png", "A flag", "5,000 × 5,000 pixels"),
    (png(extra_chunks=text_chunk(b"c\x00" + b"x" * MAX_IMAGE_BYTES)), "flag.png", "A flag", "an image may have at most 2,000,000"),
])
def test_a_refused_upload_says_why_and_changes_nothing(app, content, filename, alt, message):
    teacher = person(app, "teacher", "instructor")
    response = add_image(teacher, app, content, filename, alt)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and message in html and "nothing was saved" in html
    assert "Is this the flag?</textarea>" in html  # the author's text comes back as it was
    assert media_rows(app) == 0


def test_an_upload_larger_than_a_request_may_be_is_a_413_and_stores_nothing(app):
    teacher = person(app, "teacher", "instructor")
    response = add_image(teacher, app, png(extra_chunks=text_chunk(b"c\x00" + b"x" * 2_200_000)), "flag.png", "A flag")
    assert response.status_code == 413 and media_rows(app) == 0


def test_the_same_image_twice_is_one_row(app):
    teacher = person(app, "teacher", "instructor")
    assert add_image(teacher, app, png(), "a.png", "Flag").status_code == 200
    assert add_image(teacher, app, png(), "b.png", "Flag again").status_code == 200
    assert media_rows(app) == 1


@pytest.mark.parametrize(("prompt", "message"), [
    ("Which? <img src=x onerror=alert(1)>", "shows an image from &#39;x&#39;"),
    ("Which? ![A flag](https://example.org/flag.png)", "shows an image from &#39;https://example.org/flag.png&#39;"),
    (f"Which? ![A flag](media:{HASH})", f"shows media:{HASH[:12]}…, which is not a stored image"),
])
def test_the_question_form_refuses_an_image_that_is_not_stored_here(app, prompt, message):
    teacher = person(app, "teacher", "instructor")
    lesson = lesson_row(app, "trade")
    data = {**SAMPLES["essay"][1], "id": "trade-pictured", "prompt": prompt}
    path = "/teach/questions/new/essay?lesson=trade"
    response = teacher.post(path, data={**form_for(data, lesson.id), "bank": "mine", "save": "1", "csrf_token": csrf_token(teacher, path)})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Question, "trade-pictured") is None and db.session.scalar(sa.select(sa.func.count(QuestionVersion.id))
                                                                                       .where(QuestionVersion.question_id == "trade-pictured")) == 0


def test_an_image_added_while_editing_returns_to_the_edit_page(app):
    teacher = person(app, "teacher", "instructor")
    lesson = lesson_row(app, "trade")
    data = {**SAMPLES["essay"][1], "id": "trade-edited"}
    path = "/teach/questions/new/essay?lesson=trade"
    assert teacher.post(path, data={**form_for(data, lesson.id), "bank": "mine", "save": "1",
                                    "csrf_token": csrf_token(teacher, path)}).status_code == 302
    edit = teacher.get("/teach/questions/trade-edited/edit").get_data(as_text=True)
    assert 'formaction="/teach/questions/image?qtype=essay&amp;question=trade-edited"' in edit
    boundary, body = encode_multipart(MultiDict({**form_for(data, lesson.id), "image_alt": "A grey square",
                                                 "csrf_token": csrf_token(teacher, "/teach/questions/trade-edited/edit"),
                                                 "image": FileStorage(io.BytesIO(png()), "square.png")}))
    response = teacher.post("/teach/questions/image?qtype=essay&question=trade-edited", data=body,
                            content_type=f"multipart/form-data; boundary={boundary}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'action="/teach/questions/trade-edited/edit"' in html
    assert f"![A grey square](media:{HASH})</textarea>" in html
    with app.app_context():  # not saved until the author saves
        assert f"media:{HASH}" not in db.session.scalar(sa.select(QuestionVersion.data).where(
            QuestionVersion.question_id == "trade-edited"))["prompt"]


def test_an_anki_deck_carries_the_images_its_cards_show_and_names_them_by_file():
    """Anki shows an image from the package's media, by file name: a site address would be a broken image there."""
    import json
    import zipfile

    from app.course.interop.anki import build_deck

    content = png()
    data = {**SAMPLES["essay"][1], "prompt": f"Look: ![A trade chart](media:{HASH})"}
    html = render_question(data, media={HASH: "image/png"})
    assert f'src="/media/{HASH}.png"' in html["prompt"]
    deck = build_deck("Trade", [(data, html, "https://example.test/lessons/trade")], b"k", {HASH: ("image/png", content)})
    with zipfile.ZipFile(io.BytesIO(deck)) as package:
        names = json.loads(package.read("media"))
        assert list(names.values()) == [f"{HASH}.png"] and package.read(next(iter(names))) == content
    ((fields,),) = anki_notes(deck, "flds")
    assert f'src="{HASH}.png"' in fields and "/media/" not in fields
