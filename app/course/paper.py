"""The source paper's own sections, so a lesson can say which part of the paper it is based on.

Pure module. The paper numbers no lines and few readers have it beside them, so a lesson names its
section ("section 2 of 11, 'Introduction'") rather than line numbers. The table is the paper's
section list (``shared/source/sections.tsv``): first and last line of each section and its title
as the paper prints it.
"""

import re
from dataclasses import dataclass

TITLE = "Mapping of Outsource Diplomatic Initiatives: A Case of Pakistan-India Relations"
JOURNAL = "A Research Journal of South Asian Studies"

SECTIONS = (
    (1, 36, "Abstract"),
    (37, 89, "Introduction"),
    (90, 215, "Cultural diplomacy"),
    (216, 285, "Role of media"),
    (286, 358, "Role of sports"),
    (359, 461, "Trade"),
    (462, 507, "Civil society and peace activists"),
    (508, 571, "Influential personalities"),
    (572, 653, "SAARC role in Pak-India rapprochement"),
    (654, 899, 'Kashmir "Non paper" diplomacy'),
    (900, 919, "Conclusion"),
)


@dataclass(frozen=True)
class Section:
    number: int
    title: str
    count: int  # sections in the paper


def section_of(first_line: int, last_line: int) -> Section | None:
    """The paper section holding most of the lines [first_line, last_line]; None if they lie outside the paper."""
    best, overlap = None, 0
    for number, (first, last, title) in enumerate(SECTIONS, 1):
        shared = min(last, last_line) - max(first, first_line) + 1
        if shared > overlap:
            best, overlap = Section(number, title, len(SECTIONS)), shared
    return best


BACKGROUND_NOTE_ID = "about-background"
# The word "context" where it marks an added fact: inside brackets, right after "(", a comma, a semicolon, "is", "are"
# or "both" and right before ")", ";", ":", "," or " for" ("(context)", "(1998–2002, context)", "(his country is
# context)", "(context; see the notes)"), or closing a clause ("August 2019 is context."). Tags inside the brackets
# are stepped over whole, so a word in an attribute never matches; prose such as "the lesson's context" is left alone.
_IN_BRACKETS = re.compile(r"(\((?:[^()<]|<[^>]*>)*?)(?:(?<=\()|(?<=,\s)|(?<=;\s)|(?<=\bis )|(?<=\bare )|(?<=\bboth ))"
                          r"context(?=[);,:]| for )")
_CLOSING = re.compile(r"(\b(?:is|are) )context(?=[.:;])")


def _marked(html: str, mark: str) -> tuple[str, int]:
    """The HTML with every "context" marker replaced by ``mark``, and how many there were."""
    html, in_brackets = _IN_BRACKETS.subn(lambda found: found.group(1) + mark, html)
    html, closing = _CLOSING.subn(lambda found: found.group(1) + mark, html)
    return html, in_brackets + closing


def mark_background(html: str) -> tuple[str, int]:
    """A lesson body with each "context" marker shown as "background" linking to the page's note on what that means.

    Lessons mark facts the paper does not give with "context" (``lessons/README.md``); readers took the bare
    word for a broken link, so the page names it in plain words and explains it once. Returns the HTML and how
    many marks it holds (no note when there are none).
    """
    return _marked(html, f'<span class="background-mark"><a href="#{BACKGROUND_NOTE_ID}">background</a></span>')


def background_words(html: str) -> str:
    """Any other course text (an explanation, a search snippet) with each "context" marker shown as "background"."""
    return _marked(html, "background")[0]
