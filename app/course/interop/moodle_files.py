"""Images in Moodle XML: a question's embedded files become stored media on import, and files again on export. Pure.

Moodle keeps a text's files beside it: ``<questiontext><text>... <img src="@@PLUGINFILE@@/flag.png"
alt="Flag"> ...</text><file name="flag.png" path="/" encoding="base64">...</file></questiontext>``
(the same for feedback, answers, hints). Moodle 1.9 files carry one picture per question instead,
``<image>flag.png</image><image_base64>...</image_base64>``, which Moodle's importer appends to the
question text as ``<img src="@@PLUGINFILE@@/flag.png" />``; so does this one.

On import each image a text shows from its files is decoded, checked (:func:`app.course.media.read_image`),
and its source rewritten to ``media:<sha256>``, the form the bank check and the renderer know; the
images travel with the question, to be stored with it. A missing alt text becomes the file's name,
with a note to write one. An image that cannot be used (corrupt base64, not an image we accept, too
big) is left out with a note saying why, its alt text kept in its place: one bad image never costs
its question, let alone the file. On export each ``media:<sha256>`` a text shows becomes
``@@PLUGINFILE@@/<sha256>.<ext>`` with a ``<file>`` beside that text, as Moodle writes them.
"""

from __future__ import annotations

import base64
import binascii
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from html import escape
from urllib.parse import quote, unquote

from app.course.markup import MEDIA_SOURCE, WrittenImage, rewrite_images
from app.course.media import EXTENSIONS, MAX_IMAGE_BYTES, ImageRefused, content_hash, read_image
from app.course.words import _

PLUGINFILE = "@@PLUGINFILE@@/"
_SOURCE = re.compile(r"@@PLUGINFILE@@/[^\s\"'<>()]*")  # a file's address as written in a tag or a Markdown image


def _legacy_image(question: ET.Element) -> None:
    """Moodle 1.9's ``<image>`` + ``<image_base64>``: appended to the question text as a file it shows, as Moodle does."""
    name = (question.findtext("image") or "").strip().replace("/", "_")
    encoded = (question.findtext("image_base64") or "").strip()
    holder = question.find("questiontext")
    if not (name and encoded) or holder is None:
        return
    text = holder.find("text")
    if text is None:
        text = ET.SubElement(holder, "text")
    text.text = f'{(text.text or "").rstrip()} <img src="{PLUGINFILE}{quote(name)}" />'
    ET.SubElement(holder, "file", {"name": name, "path": "/", "encoding": "base64"}).text = encoded


def _decoded(file: ET.Element) -> bytes:
    """The bytes of a ``<file encoding="base64">`` (ImageRefused when they cannot be an image)."""
    encoded = "".join((file.text or "").split())
    if len(encoded) * 3 // 4 > MAX_IMAGE_BYTES + 3:  # refused before decoding: no need to build what is too big
        raise ImageRefused(_("the file is about %(size)s bytes; an image may have at most %(most)s (2 MB)",
                             size=format(len(encoded) * 3 // 4, ","), most=format(MAX_IMAGE_BYTES, ",")))
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ImageRefused(_("its base64 encoding is corrupt")) from error


def _markdown_alt(alt: str) -> str:
    """Alt text inside ``![...]``: brackets and backslashes escaped, on one line."""
    return " ".join(alt.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]").split())


def embed_images(question: ET.Element, notes: list[str]) -> dict[str, bytes]:
    """Rewrite the images ``question``'s texts show from its own files to ``media:<sha256>``; return them by hash.

    Notes say what was left out and why, and which alt texts to write. Images from anywhere else
    (a web address) are left as they are, for the importer's own rule (they are dropped with a note).
    """
    _legacy_image(question)
    everywhere = {(file.get("path") or "/") + file.get("name", ""): file for file in question.iter("file")}
    images: dict[str, bytes] = {}
    shown: set[str] = set()
    for holder in question.iter():
        text = holder.find("text")
        if text is None or not text.text or PLUGINFILE not in text.text:
            continue
        own = {(file.get("path") or "/") + file.get("name", ""): file for file in holder.findall("file")}

        def rewrite(image: WrittenImage) -> str | None:
            """One image: as written with its stored source, or its alt text when it cannot be used; None when it is no file's."""
            if not image.source.startswith(PLUGINFILE):
                return None
            path = "/" + unquote(image.source[len(PLUGINFILE):])
            name = path.rsplit("/", 1)[-1]
            shown.add(path)
            file = own.get(path, everywhere.get(path))
            try:
                if file is None:
                    raise ImageRefused(_("the file does not hold it"))
                content = _decoded(file)
                read_image(content)
            except ImageRefused as refused:
                notes.append(_("image '%(name)s' left out (%(refused)s); its alt text stands in its place",
                               name=name, refused=refused))
                return _markdown_alt(image.alt) if image.markdown else escape(image.alt, quote=False)
            sha256 = content_hash(content)
            images[sha256] = content
            if image.alt.strip():
                return _SOURCE.sub(f"media:{sha256}", image.written, count=1)
            notes.append(_("image '%(name)s': alt text missing: write one (its file name stands in)", name=name))
            if image.markdown:
                return f"![{_markdown_alt(name)}](media:{sha256})"
            size = "".join(f' {key}="{image.attributes[key]}"' for key in ("width", "height")
                           if image.attributes.get(key, "").isdigit())
            return f'<img src="media:{sha256}" alt="{escape(name)}"{size} />'

        text.text = rewrite_images(text.text, rewrite)
    for path in sorted(everywhere.keys() - shown):
        notes.append(_("embedded file '%(path)s' is shown as an image in no text; not imported", path=path.lstrip('/')))
    return images


def attach_files(question: ET.Element, files: Mapping[str, tuple[str, bytes]]) -> None:
    """Export: each ``media:<sha256>`` a text of ``question`` shows becomes ``@@PLUGINFILE@@/<sha256>.<ext>``
    with a ``<file>`` beside that text. ``files`` maps SHA-256 to (media type, bytes); an image not in it stays as it is."""
    for holder in list(question.iter()):
        text = holder.find("text")
        if text is None or not text.text or "media:" not in text.text:
            continue
        attached: list[str] = []

        def as_file(found) -> str:
            """One image's source in Moodle's form, its file attached once per text."""
            sha256 = found.group(1)
            if sha256 not in files:
                return found.group(0)
            if sha256 not in attached:
                attached.append(sha256)
            return f"{PLUGINFILE}{sha256}.{EXTENSIONS[files[sha256][0]]}"

        text.text = MEDIA_SOURCE.sub(as_file, text.text)
        for sha256 in attached:
            media_type, content = files[sha256]
            ET.SubElement(holder, "file", {"name": f"{sha256}.{EXTENSIONS[media_type]}", "path": "/", "encoding": "base64"}
                          ).text = base64.b64encode(content).decode("ascii")
