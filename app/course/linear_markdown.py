"""Python-Markdown without its quadratic scans: links, images and raw HTML in time linear in the text.

Pure module. Python-Markdown looks for the ``]`` of every ``[`` (and the ``)`` of every ``(``) by
scanning on to the end of the paragraph, and the standard library's HTML parser (before Python
3.11.13, CVE-2025-6069) rescans the rest of the document after every ``<`` that never closes, so
20 KB of ``[`` took a minute to render (audit F-06). :class:`LinearMarkdown` swaps in scans that
remember what they found, and takes out of the HTML parser's way every ``<`` that nothing after it
can close. Ordinary text renders exactly as before: ``tests/security/test_hostile_input.py``
renders the whole shipped course both ways and compares.
"""

from __future__ import annotations

import bisect
import re

from markdown import Markdown
from markdown.extensions import Extension
from markdown.inlinepatterns import (
    BACKTICK_RE, IMAGE_LINK_RE, IMAGE_REFERENCE_RE, LINK_RE, REFERENCE_RE, BacktickInlineProcessor, ImageInlineProcessor,
    ImageReferenceInlineProcessor, LinkInlineProcessor, ReferenceInlineProcessor, ShortImageReferenceInlineProcessor,
    ShortReferenceInlineProcessor, dequote,
)
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

# Stands in, while the HTML parser runs, for a '<' that nothing can close.
LESS_THAN = "\ue0f0"
# '<' followed by what the HTML parser reads as a tag, comment, declaration or processing instruction.
_MARKUP_OPENING = re.compile(r"<(?=[A-Za-z/!?])")
_SECTION_CLOSE = re.compile(r"]\s*]\s*>")
_TICKS = re.compile("`+")
# A footnote id holds no '[': the search for its ']' stops at the next '[', not the paragraph's end.
_FOOTNOTE = re.compile(r"\[\^([^\[\]]*)\]", re.DOTALL | re.UNICODE)


class _SuffixFacts:
    """Facts about the suffixes of a text, kept while Markdown rewrites only what lies before them.

    Within one inline pass Markdown moves left to right and replaces each finished match by a
    placeholder, so the text after the next position to look at never changes. Facts are keyed
    by distance from the end of the text and stay true as long as that suffix does.
    """

    def __init__(self):
        self.text = ""
        self.valid = 0  # facts about suffixes up to this length hold for ``self.text``

    def _holds(self, text: str, start: int) -> bool:
        """Whether the facts hold for ``text`` from ``start`` on; they then describe ``text``."""
        distance = len(text) - start
        if text is self.text:
            return distance <= self.valid
        if distance <= self.valid and self.text.endswith(text[start:]):
            self.text, self.valid = text, distance
            return True
        return False

    def forget(self) -> None:
        """Hold no facts: the next text is scanned afresh."""
        self.text, self.valid = "", 0


class _Partners(_SuffixFacts):
    """Where each opening bracket of a text closes; each bracket is scanned once."""

    def __init__(self, opening: str, closing: str):
        super().__init__()
        self.opening = opening
        self.brackets = re.compile(f"[{re.escape(opening + closing)}]")
        self.partner: dict[int, int | None] = {}

    def closing(self, text: str, start: int) -> int | None:
        """Index of the bracket that closes the one opened at ``start``, or None when none does."""
        distance = len(text) - start
        if not self._holds(text, start):
            self.text, self.valid, self.partner = text, distance, {}
        if distance not in self.partner:
            self._scan(text, start)
        found = self.partner[distance]
        return None if found is None else len(text) - found

    def _scan(self, text: str, start: int) -> None:
        """Match brackets from ``start`` until it closes; record every pair met on the way."""
        open_at = [start]
        for match in self.brackets.finditer(text, start + 1):
            position = match.start()
            if text[position] == self.opening:
                open_at.append(position)
                continue
            self.partner[len(text) - open_at.pop()] = len(text) - position
            if not open_at:
                return
        for position in open_at:
            self.partner[len(text) - position] = None


class _TickRuns(_SuffixFacts):
    """The runs of backticks of a text, indexed so that a code span's closing run is found at once.

    Positions are stored as minus the distance from the end, which grows along the text.
    """

    def __init__(self):
        super().__init__()
        self.by_length: dict[int, list[int]] = {}
        self.starts: list[int] = []
        self.longest: list[tuple[int, int]] = []  # from each run on: (length, end) of the first longest

    def find(self, text: str, after: int, ticks: int) -> tuple[int | None, tuple[int, int]]:
        """Start of the first run of exactly ``ticks`` at or after ``after`` (or None), and the first longest run there."""
        if not self._holds(text, after):
            self._index(text)
        size = len(text)
        same = self.by_length.get(ticks, [])
        index = bisect.bisect_left(same, after - size)
        exact = same[index] + size if index < len(same) else None
        index = bisect.bisect_left(self.starts, after - size)
        length, end = self.longest[index] if index < len(self.longest) else (0, 0)
        return exact, (length, end + size)

    def _index(self, text: str) -> None:
        size = len(text)
        runs = [(match.start() - size, match.end() - match.start()) for match in _TICKS.finditer(text)]
        self.text, self.valid = text, size
        self.by_length = {}
        for start, length in runs:
            self.by_length.setdefault(length, []).append(start)
        self.starts = [start for start, _ in runs]
        self.longest = [(0, 0)] * len(runs)
        best = (0, 0)
        for index in range(len(runs) - 1, -1, -1):
            start, length = runs[index]
            if length >= best[0]:
                best = (length, start + length)
            self.longest[index] = best


class _LinearLinks:
    """``getText``/``getLink`` of Python-Markdown's link processors, each bracket scanned once."""

    RE_LINK: re.Pattern
    RE_TITLE_CLEAN: re.Pattern

    def __init__(self, pattern: str, md: Markdown):
        super().__init__(pattern, md)
        self.square = _Partners("[", "]")
        self.round = _Partners("(", ")")

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802 - Python-Markdown's name
        """The text between the ``[`` before ``index`` and its ``]``, the index after it, and whether it closed."""
        close = self.square.closing(data, index - 1)
        if close is None:
            return "", len(data), False
        return data[index:close], close + 1, True

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:  # noqa: N802
        """The ``(href "title")`` at ``index``: Python-Markdown's reading, with parentheses matched once.

        A title is the text from the first quote of the kind that ends the parentheses; unlike
        Python-Markdown, a ``)`` inside a title closes the link unless it is balanced.
        """
        match = self.RE_LINK.match(data, pos=index)
        if match is None or match.group(1):
            return super().getLink(data, index)  # no '(' here, or '(<href> "title")': read by regular expression
        start = match.end()
        close = self.round.closing(data, index)
        if close is None:
            return "", None, index, False
        last = close - 1
        while last >= start and data[last] == " ":
            last -= 1
        href_end, title = close, None
        if last >= start and data[last] in "\"'":
            opening = data.find(data[last], start, last)
            if opening >= 0:
                href_end, title = opening, data[opening + 1:last]
                title = self.RE_TITLE_CLEAN.sub(" ", dequote(self.unescape(title.strip())))
        return self.unescape(data[start:href_end]).strip(), title, close + 1, True


class _Link(_LinearLinks, LinkInlineProcessor):
    pass


class _Image(_LinearLinks, ImageInlineProcessor):
    pass


class _Reference(_LinearLinks, ReferenceInlineProcessor):
    pass


class _ShortReference(_LinearLinks, ShortReferenceInlineProcessor):
    pass


class _ImageReference(_LinearLinks, ImageReferenceInlineProcessor):
    pass


class _ShortImageReference(_LinearLinks, ShortImageReferenceInlineProcessor):
    pass


class _CodeSpans(BacktickInlineProcessor):
    """Python-Markdown's code spans, the closing run of backticks looked up rather than scanned for."""

    def __init__(self, pattern: str):
        super().__init__(pattern)
        self.runs = _TickRuns()

    def find_code_spans(self, start: int, text: str) -> tuple[int, int | None]:
        """Python-Markdown's answer (including its skip past an unmatched run), found by lookup."""
        after = start
        while after < len(text) and text[after] == "`":
            after += 1
        ticks = after - start
        exact, (longest, end) = self.runs.find(text, after, ticks)
        if exact is not None:
            return after, exact
        if 0 < longest < ticks:
            return after - (ticks - longest), end - longest
        return after + ticks, None


class _HideUnclosable(Preprocessor):
    """Before the HTML parser runs, hide each ``<`` that nothing after it can close (``]]>`` for CDATA, else ``>``)."""

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines).replace(LESS_THAN, "\ufffd")
        last_close = text.rfind(">")
        last_section_close = max((found.start() for found in _SECTION_CLOSE.finditer(text)), default=-1)

        def hide(match: re.Match) -> str:
            position = match.start()
            closer = last_section_close if text.startswith("<![CDATA[", position) else last_close
            return "<" if closer > position else LESS_THAN

        return _MARKUP_OPENING.sub(hide, text).split("\n")


class _ShowUnclosable(Preprocessor):
    """After the HTML parser, give the text back its ``<``: the inline patterns must see what the author wrote."""

    def run(self, lines: list[str]) -> list[str]:
        return [line.replace(LESS_THAN, "<") for line in lines]


class _ShowUnclosableInBlocks(Postprocessor):
    """Give raw HTML blocks, which the HTML parser kept aside, their ``<`` back too (the sanitiser sees them as written)."""

    def run(self, text: str) -> str:
        return text.replace(LESS_THAN, "<")


class _Forget(Preprocessor):
    """Before anything else, forget the last text's facts: one renderer may convert many texts, each on its own."""

    def __init__(self, md: Markdown, facts: list[_SuffixFacts]):
        super().__init__(md)
        self.facts = facts

    def run(self, lines: list[str]) -> list[str]:
        for facts in self.facts:
            facts.forget()
        return lines


class LinearMarkdown(Extension):
    """Register the linear link processors and the ``<`` guard in place of Python-Markdown's own."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        code_spans = _CodeSpans(BACKTICK_RE)
        links = [_Reference(REFERENCE_RE, md), _Link(LINK_RE, md), _Image(IMAGE_LINK_RE, md),
                 _ImageReference(IMAGE_REFERENCE_RE, md), _ShortReference(REFERENCE_RE, md),
                 _ShortImageReference(IMAGE_REFERENCE_RE, md)]
        md.inlinePatterns.register(code_spans, "backtick", 190)
        for processor, name, priority in zip(links, ("reference", "link", "image_link", "image_reference", "short_reference",
                                                     "short_image_ref"), (170, 160, 150, 140, 130, 125)):
            md.inlinePatterns.register(processor, name, priority)
        facts = [code_spans.runs, *(partners for link in links for partners in (link.square, link.round))]
        md.preprocessors.register(_Forget(md, facts), "forget_suffix_facts", 40)  # normalize_whitespace is 30
        md.preprocessors.register(_HideUnclosable(md), "hide_unclosable", 25)  # html_block is 20
        md.preprocessors.register(_ShowUnclosable(md), "show_unclosable", 15)
        md.postprocessors.register(_ShowUnclosableInBlocks(md), "show_unclosable_in_blocks", 10)
        if "footnote" in md.inlinePatterns:  # the footnotes extension, listed before this one
            md.inlinePatterns["footnote"].compiled_re = _FOOTNOTE

