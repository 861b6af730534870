"""Markdown to safe HTML, for every text an author writes (lessons, questions, feedback).

Pure module. Whatever an author types, the output keeps only plain document structure: nh3
removes scripts, styles, frames, event handlers and ``javascript:`` URLs.
"""

import markdown
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h2", "h3",
    "h4", "h5", "h6", "hr", "li", "ol", "p", "pre", "q", "span", "strong", "sub", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
ALLOWED_ATTRIBUTES = {
    "*": {"id", "class", "title"},
    "a": {"href"},
    "td": {"align"},
    "th": {"align"},
}


def sanitise(html: str) -> str:
    """Strip everything from rendered Markdown that is not plain document structure."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_block(text: str) -> str:
    """Render a passage of Markdown (paragraphs, lists) to sanitised HTML."""
    return sanitise(markdown.markdown(text, extensions=["sane_lists"]))


def render_inline(text: str) -> str:
    """Render one line of Markdown (a table cell, an option) to sanitised HTML without a <p>."""
    html = markdown.markdown(text)
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return sanitise(html)
