"""Markdown to safe HTML, for every text an author writes (lessons, questions, feedback).

Pure module. Whatever an author types, the output keeps only plain document structure: nh3
removes scripts, styles, frames, event handlers and ``javascript:`` URLs. Nor can authored text
dress up as the page around it (audit F-26): a class survives only if it is one of
:data:`AUTHOR_CLASSES`, those our Markdown extensions write; an id only in a lesson body, where
headings and paragraphs need anchors, shaped like an anchor and not one of :data:`PAGE_IDS`.
Rendering is linear in the text (:mod:`app.course.linear_markdown`).

Images come only from this site's stored media: ``![alt text](media:<sha256>)`` (or ``<img
src="media:<sha256>" alt="...">`` in imported HTML) becomes the image's serving address when the
caller names the stored images (``media``, SHA-256 to media type); any other image, or one whose
hash is not among them, is removed. :func:`image_problems` says why the bank check refuses one.
"""

import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape, unescape
from html.parser import HTMLParser
from typing import Any

import markdown
import nh3

from app.course.linear_markdown import LinearMarkdown
from app.course.media import EXTENSIONS

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "q", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "p": {"data-source"},  # a lesson paragraph's paper lines (lessons.py); dropped everywhere else
    "a": {"href"},
    "td": {"align"},
    "th": {"align"},
}
# Written by the admonition ("!!! note") and footnotes extensions, and styled for them.
AUTHOR_CLASSES = frozenset({"admonition", "admonition-title", "note", "footnote", "footnote-ref", "footnote-backref"})
# Ids of the lesson page around the lesson body (base.html, learning/lesson.html): never an author's anchor.
PAGE_IDS = frozenset({"main", "announcer", "site-search-q", "objectives-title", "read", "contents-title", "progress-label",
                      "about-background", "check-yourself", "check-yourself-title", "next-step-title",
                      "check-1", "check-2", "check-3", "c0", "c1", "c2"})
_ANCHOR = re.compile(r"[A-Za-z0-9][\w-]*|fn(?:ref\d*)?:\d+")  # headings, paragraphs, footnotes
_SOURCE_LABEL = re.compile(r"Paper, lines? \d+(?:–\d+)?(?:, \d+(?:–\d+)?)*|Added context, not in the paper")

MEDIA_SOURCE = re.compile(r"media:([0-9a-f]{64})")
IMAGE_ATTRIBUTES = {"src", "alt", "title", "width", "height"}
# Cheap signs that a text may show an image (a Markdown image, an <img> or <image> tag); only those are parsed.
_MAY_SHOW_IMAGE = re.compile(r"!\[|<im", re.IGNORECASE)
# An <img> as nh3 writes it: every attribute value double-quoted, a quote inside one escaped.
_SANITISED_IMAGE = re.compile(r'<img\b(?:[^>"]|"[^"]*")*>')
# In authored text (for imports): a Markdown image, or an <img> tag (with the </img> XHTML may close it with).
# Neither part of a tag crosses a '<', so each try stops at the next tag and a whole text is read in linear time.
_MARKDOWN_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\]\(\s*<?([^\s()<>]*)>?(?:\s+(?:\"[^\"()]*\"|'[^'()]*'))?\s*\)")
_HTML_IMAGE = re.compile(r"<img\b((?:[^<>\"']|\"[^<>\"]*\"|'[^<>']*')*)>(?:\s*</img>)?", re.IGNORECASE)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")


def _keep_classes(tag: str, attribute: str, value: str) -> str | None:
    """Classes from our own extensions only; ids never (questions, table cells, options)."""
    if attribute == "class":
        return " ".join(name for name in value.split() if name in AUTHOR_CLASSES) or None
    return None if attribute in ("id", "data-source") else value


def _keep_anchors(tag: str, attribute: str, value: str) -> str | None:
    """As :func:`_keep_classes`, but ids that are anchors an author may give (not the page's own) stay."""
    if attribute == "id":
        return value if _ANCHOR.fullmatch(value) and value not in PAGE_IDS else None
    if attribute == "data-source":
        return value if _SOURCE_LABEL.fullmatch(value) else None
    return _keep_classes(tag, attribute, value)


def media_url(sha256: str, media_type: str) -> str:
    """The address a stored image is served at (``app.media``): its hash and its type's extension."""
    return f"/media/{sha256}.{EXTENSIONS[media_type]}"


def _image_attribute(attribute: str, value: str, media: Mapping[str, str] | None) -> str | None:
    """An image keeps a stored image's address (from ``media:<sha256>``), its alt text and title, and a size in pixels."""
    if attribute == "src":
        found = MEDIA_SOURCE.fullmatch(value)
        return media_url(found.group(1), media[found.group(1)]) if found and media and found.group(1) in media else None
    if attribute in ("width", "height"):
        return value if value.isdigit() and len(value) <= 4 else None
    return value if attribute in ("alt", "title") else None


def _without_unshown_images(html: str) -> str:
    """Drop the images whose source was removed: one that shows nothing has no place on the page."""
    return _SANITISED_IMAGE.sub(lambda image: image.group(0) if ' src="' in image.group(0) else "", html)


def sanitise(html: str, anchors: bool = False, media: Mapping[str, str] | None = None) -> str:
    """Strip everything from rendered Markdown that is not plain document structure.

    ``anchors`` keeps authors' ids (a lesson body); everywhere else ids are dropped. ``media`` maps
    the SHA-256 of each stored image a text may show to its media type; other images are removed.
    """
    keep = _keep_anchors if anchors else _keep_classes

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        """Images by their own rule; ``media:`` addresses nowhere else (a link to one leads nowhere)."""
        if tag == "img":
            return _image_attribute(attribute, value, media)
        return None if value.startswith("media:") else keep(tag, attribute, value)

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS | {"img"},
        attributes={**ALLOWED_ATTRIBUTES, "img": IMAGE_ATTRIBUTES},
        attribute_filter=keep_attribute,
        url_schemes={"http", "https", "mailto", "media"},
        link_rel="noopener noreferrer",
    )
    return _without_unshown_images(cleaned) if "<img" in cleaned else cleaned


_RENDERERS = threading.local()


def _markdown(text: str, block: bool = True) -> str:
    """``text`` through this thread's Markdown renderer for a passage or a line, reset for it.

    A renderer is kept, not built per text: building one costs more than converting most texts.
    """
    renderer = getattr(_RENDERERS, "block" if block else "inline", None)
    if renderer is None:
        renderer = markdown.Markdown(extensions=["sane_lists", LinearMarkdown()] if block else [LinearMarkdown()])
        setattr(_RENDERERS, "block" if block else "inline", renderer)
    return renderer.reset().convert(text)


def render_block(text: str, media: Mapping[str, str] | None = None) -> str:
    """Render a passage of Markdown (paragraphs, lists) to sanitised HTML, showing the stored images in ``media``."""
    return sanitise(_markdown(text), media=media)


def render_inline(text: str, media: Mapping[str, str] | None = None) -> str:
    """Render one line of Markdown (a table cell, an option) to sanitised HTML without a <p>."""
    html = _markdown(text, block=False)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitise(html, media=media)


# --- Images in authored text ----------------------------------------------------------------

class _ImageFinder(HTMLParser):
    """Collects the attributes of every image in rendered HTML (``<image>`` too: browsers read it as ``<img>``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.images: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("img", "image"):
            self.images.append({name: value or "" for name, value in attrs})

    handle_startendtag = handle_starttag


def image_problems(text: str, media: Mapping[str, str] | None = None) -> list[str]:
    """Why the images ``text`` shows are refused: each needs alt text and a stored image's ``media:<sha256>`` source.

    Read from the text as rendered, so every way of writing an image is seen. ``media`` (SHA-256 to
    media type) also refuses a hash that is not stored; without it any well-formed hash passes.
    """
    if not _MAY_SHOW_IMAGE.search(text):
        return []
    finder = _ImageFinder()
    finder.feed(_markdown(text))
    finder.close()
    problems = []
    for image in finder.images:
        source, alt = image.get("src", "").strip(), image.get("alt", "").strip()
        shown = source[:80] + ("…" if len(source) > 80 else "")
        found = MEDIA_SOURCE.fullmatch(source)
        if not alt:
            problems.append(f"has an image without alt text ({shown or 'no source'}): say what it shows, "
                            "![what it shows](media:<sha256>), for readers who cannot see it")
        if found is None:
            problems.append(f"shows an image from '{shown}': images come only from this site's stored media, "
                            "![alt text](media:<sha256>) (\"Add an image\" on the question form), never from elsewhere")
        elif media is not None and found.group(1) not in media:
            problems.append(f"shows media:{found.group(1)[:12]}…, which is not a stored image; add it with \"Add an image\"")
    return problems


def media_hashes(value: object) -> set[str]:
    """The SHA-256 of every stored image that ``value`` (a text, or question data holding texts) refers to."""
    if isinstance(value, str):
        return set(MEDIA_SOURCE.findall(value)) if "media:" in value else set()
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return set().union(*(media_hashes(item) for item in value))
    return set()


def _attributes(tag_body: str) -> dict[str, str]:
    """The attributes of an HTML tag as written in source text, names lower-cased, values unescaped."""
    return {found.group(1).lower(): unescape(next((value for value in found.groups()[1:] if value is not None), ""))
            for found in _ATTRIBUTE.finditer(tag_body)}


@dataclass(frozen=True)
class WrittenImage:
    """An image as written in authored text: its source and alt text (unescaped), the exact text, and its form."""

    source: str
    alt: str
    written: str
    markdown: bool  # ![alt](source), else an <img> tag
    attributes: dict[str, str]  # an <img> tag's, names lower-cased; {} for Markdown


def rewrite_images(text: str, rewrite: Callable[[WrittenImage], str | None]) -> str:
    """``text`` with each image (a Markdown image or an ``<img>`` tag) replaced by what ``rewrite`` returns for it.

    ``rewrite`` returns the text to put in the image's place, or None to keep it as written.
    Imports use it: they meet images in both forms.
    """
    if not _MAY_SHOW_IMAGE.search(text):
        return text

    def markdown_image(found: re.Match) -> str:
        replaced = rewrite(WrittenImage(found.group(2), re.sub(r"\\(.)", r"\1", found.group(1)), found.group(0), True, {}))
        return found.group(0) if replaced is None else replaced

    def html_image(found: re.Match) -> str:
        attributes = _attributes(found.group(1))
        replaced = rewrite(WrittenImage(attributes.get("src", ""), attributes.get("alt", ""), found.group(0), False, attributes))
        return found.group(0) if replaced is None else replaced

    return _HTML_IMAGE.sub(html_image, _MARKDOWN_IMAGE.sub(markdown_image, text))


def without_foreign_images(value: Any, notes: list[str]) -> Any:
    """``value`` (a text, or data holding texts) with every image whose source is not ``media:<sha256>``
    replaced by its alt text, and a note for each: imports meet images from web addresses and
    packages, which the bank check refuses, and one such image should not cost its question."""
    if isinstance(value, dict):
        return {key: without_foreign_images(item, notes) for key, item in value.items()}
    if isinstance(value, list):
        return [without_foreign_images(item, notes) for item in value]
    if not isinstance(value, str):
        return value

    def drop(image: WrittenImage) -> str | None:
        """Keep a stored image; put any other's alt text in its place."""
        if MEDIA_SOURCE.fullmatch(image.source.strip()):
            return None
        shown = image.source[:80] + ("…" if len(image.source) > 80 else "")
        notes.append(f"image from '{shown}' left out: images here are stored with the question, never linked from "
                     "elsewhere; its alt text stands in its place")
        return image.alt if image.markdown else escape(image.alt, quote=False)

    return rewrite_images(value, drop)
