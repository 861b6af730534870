"""Markdown to safe HTML, for every text an author writes (lessons, questions, feedback).

Pure module. Whatever an author types, the output keeps only plain document structure: nh3
removes scripts, styles, frames, event handlers and ``javascript:`` URLs. Nor can authored text
dress up as the page around it (audit F-26): a class survives only if it is one of
:data:`AUTHOR_CLASSES`, those our Markdown extensions write; an id only in a lesson body, where
headings and paragraphs need anchors, shaped like an anchor and not one of :data:`PAGE_IDS`.
Rendering is linear in the text (:mod:`app.course.linear_markdown`).
"""

import re

import markdown
import nh3

from app.course.linear_markdown import LinearMarkdown

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
PAGE_IDS = frozenset({"main", "announcer", "objectives-title", "read"})
_ANCHOR = re.compile(r"[A-Za-z0-9][\w-]*|fn(?:ref\d*)?:\d+")  # headings, paragraphs, footnotes
_SOURCE_LABEL = re.compile(r"Paper, lines? \d+(?:–\d+)?(?:, \d+(?:–\d+)?)*|Added context, not in the paper")


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


def sanitise(html: str, anchors: bool = False) -> str:
    """Strip everything from rendered Markdown that is not plain document structure.

    ``anchors`` keeps authors' ids (a lesson body); everywhere else ids are dropped.
    """
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_keep_anchors if anchors else _keep_classes,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_block(text: str) -> str:
    """Render a passage of Markdown (paragraphs, lists) to sanitised HTML."""
    return sanitise(markdown.markdown(text, extensions=["sane_lists", LinearMarkdown()]))


def render_inline(text: str) -> str:
    """Render one line of Markdown (a table cell, an option) to sanitised HTML without a <p>."""
    html = markdown.markdown(text, extensions=[LinearMarkdown()])
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitise(html)
