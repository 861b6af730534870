"""The source paper's own sections, so a lesson can say which part of the paper it is based on.

Pure module. The paper numbers no lines and few readers have it beside them, so a lesson names its
section ("section 2 of 11, 'Introduction'") rather than line numbers. The table is the paper's
section list (``shared/source/sections.tsv``): first and last line of each section and its title
as the paper prints it.
"""

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
_CONTEXT_MARK = "(context)"


def mark_background(html: str) -> tuple[str, int]:
    """A lesson body with each "(context)" shown as "(background)" linking to the page's note on what that means.

    Lessons mark facts the paper does not give with "(context)" (``lessons/README.md``); readers took the bare
    word for a broken link, so the page names it in plain words and explains it once. Returns the HTML and how
    many marks it holds (no note when there are none).
    """
    count = html.count(_CONTEXT_MARK)
    link = f'<span class="background-mark">(<a href="#{BACKGROUND_NOTE_ID}">background</a>)</span>'
    return html.replace(_CONTEXT_MARK, link), count
