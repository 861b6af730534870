"""One QTI 3.0 assessment item: the vocabulary every question type's QTI mapping writes and reads. Pure (lxml).

A type's mapping (``app/course/qtypes/<type>/qti.py``) declares its responses, puts its interaction in
the item body and scores it in response processing, through an :class:`ItemWriter`; reading an item
back it asks an :class:`ItemReader`. Texts are Markdown here and XHTML in QTI: a text is written as the
sanitised HTML every page shows, and when reading that HTML back would not give the author's Markdown
again (emphasis, line breaks, escapes), the Markdown rides in the package's metadata under the text's
path, so our own import gets the exact words back while every other tool shows the rendered text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

import lxml.html
from lxml import etree

from app.course.markup import render_block, render_inline
from app.course.words import _

QTI = "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SCHEMA_LOCATION = ("http://www.imsglobal.org/xsd/imsqtiasi_v3p0 "
                   "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0p1_v1p0.xsd")
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSI_LOCATION = f"{{{XSI}}}schemaLocation"
SCORE, MAXSCORE, FEEDBACK = "SCORE", "MAXSCORE", "FEEDBACK"
EXPLANATION = "EXPLANATION"  # the modal feedback every answer shows; our ids are lower case, so no option is called this
# The HTML our Markdown renderer keeps (app/course/markup.py) that QTI's content model also has; the rest becomes <span>.
BODY_TAGS = frozenset({
    "a", "abbr", "blockquote", "br", "code", "dd", "div", "dl", "dt", "em", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "q", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_VOID = frozenset({"br", "hr"})
_BLOCK_NAMES = frozenset({"blockquote", "div", "dl", "h2", "h3", "h4", "h5", "h6", "hr", "ol", "p", "pre", "table", "ul"})
_BLOCKS = frozenset(f"{{{QTI}}}{tag}" for tag in _BLOCK_NAMES)
INTERACTIONS = frozenset({
    "qti-choice-interaction", "qti-order-interaction", "qti-match-interaction", "qti-text-entry-interaction",
    "qti-inline-choice-interaction", "qti-extended-text-interaction", "qti-associate-interaction",
    "qti-gap-match-interaction", "qti-hottext-interaction", "qti-hotspot-interaction", "qti-slider-interaction",
    "qti-upload-interaction", "qti-drawing-interaction", "qti-media-interaction", "qti-graphic-order-interaction",
    "qti-graphic-associate-interaction", "qti-graphic-gap-match-interaction", "qti-select-point-interaction",
    "qti-position-object-stage", "qti-custom-interaction", "qti-portable-custom-interaction", "qti-end-attempt-interaction",
})
# Body content that is not the question's text: feedback and scorer-only blocks are read on their own.
_NOT_PROMPT = frozenset({"qti-feedback-block", "qti-feedback-inline", "qti-rubric-block", "qti-template-block",
                         "qti-template-inline", "qti-printed-variable", "qti-prompt"})
_NCNAME = re.compile(r"^[A-Za-z_][\w.-]*$")
_OUR_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")


def q(tag: str) -> str:
    """The qualified name of a QTI element."""
    return f"{{{QTI}}}{tag}"


def local(element: etree._Element) -> str:
    """An element's name without its namespace ('' for comments and processing instructions)."""
    return etree.QName(element).localname if isinstance(element.tag, str) else ""


def el(tag: str, *children: etree._Element, text: str | None = None, **attributes: object) -> etree._Element:
    """A QTI element; attribute names in Python spelling (``base_type`` is ``base-type``), None left out."""
    element = etree.Element(q(tag), {name.replace("_", "-"): str(value) for name, value in attributes.items() if value is not None},
                            nsmap={None: QTI})
    element.text = text
    element.extend(children)
    return element


def root_element(tag: str, **attributes: object) -> etree._Element:
    """The root of a QTI document: QTI the default namespace, and where its schema is."""
    root = etree.Element(q(tag), nsmap={None: QTI, "xsi": XSI})
    root.set(XSI_LOCATION, SCHEMA_LOCATION)
    for name, value in attributes.items():
        root.set(name.replace("_", "-"), str(value))
    return root


def identifier(ident: str) -> str:
    """Our id as a QTI identifier, an XML name: an id that starts with a digit gets a leading underscore."""
    return ident if _NCNAME.match(ident) else f"_{ident}"


def our_id(name: str) -> str:
    """The id a QTI identifier stands for: ours back exactly, another tool's made lower case and hyphenated."""
    if name.startswith("_") and _OUR_ID.match(name[1:]):
        return name[1:]
    if _OUR_ID.match(name):
        return name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80]
    return slug or "x"


def child_text(element: etree._Element, tag: str) -> str:
    """The text of the first QTI element named ``tag`` within ``element`` ('' when there is none)."""
    found = next(element.iter(q(tag)), None)
    return (found.text or "").strip() if found is not None else ""


def number(value: float) -> str:
    """A number as QTI writes a float: the shortest text that reads back as the same value."""
    return repr(float(value))


# --- Expressions and rules of response processing ------------------------------------------

def var(name: str) -> etree._Element:
    """The value of variable ``name``."""
    return el("qti-variable", identifier=name)


def base(base_type: str, value: object) -> etree._Element:
    """A constant of ``base_type``."""
    return el("qti-base-value", text=str(value), base_type=base_type)


def set_outcome(name: str, expression: etree._Element) -> etree._Element:
    """The rule that sets outcome ``name`` to ``expression``."""
    return el("qti-set-outcome-value", expression, identifier=name)


def condition(*branches: tuple[etree._Element | None, list[etree._Element]]) -> etree._Element:
    """A response condition: (test, rules) branches, if / else-if / ... ; a last test of None is the else."""
    element = el("qti-response-condition")
    for index, (test, rules) in enumerate(branches):
        tag = "qti-response-else" if test is None else ("qti-response-if" if index == 0 else "qti-response-else-if")
        element.append(el(tag, *([test] if test is not None else []), *rules))
    return element


def show(feedback_id: str) -> etree._Element:
    """The rule that adds ``feedback_id`` to the FEEDBACK outcome, so its modal feedback shows."""
    return set_outcome(FEEDBACK, el("qti-multiple", var(FEEDBACK), base("identifier", feedback_id)))


# --- Texts: Markdown out as XHTML, XHTML in as Markdown ------------------------------------

def _qti_copy(source: lxml.html.HtmlElement) -> etree._Element:
    """The HTML element as a QTI body element: a tag QTI lacks becomes <span>, only href and class stay."""
    tag = source.tag if source.tag in BODY_TAGS else "span"
    keep = {"href"} if tag == "a" else set()
    element = el(tag, **{name: value for name, value in source.attrib.items() if name in keep or name == "class"})
    element.text = source.text
    for child in source:
        if isinstance(child.tag, str):
            copied = _qti_copy(child)
            copied.tail = child.tail
            element.append(copied)
        elif child.tail:  # a comment's tail is text of its parent
            _append_text(element, child.tail)
    return element


def _append_text(parent: etree._Element, text: str) -> None:
    """Add text after ``parent``'s last child (or into it, when it has none)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


def xhtml_into(parent: etree._Element, html: str) -> None:
    """Append rendered (sanitised) HTML to ``parent`` as QTI body content."""
    if not html.strip():
        return
    holder = lxml.html.fragment_fromstring(html, create_parent="div")
    _append_text(parent, holder.text or "")
    for child in holder:
        if isinstance(child.tag, str):
            copied = _qti_copy(child)
            # The line breaks Markdown puts between blocks are no content; between inline elements a space is.
            copied.tail = None if copied.tag in _BLOCKS and not (child.tail or "").strip() else child.tail
            parent.append(copied)


def html_of(element: etree._Element) -> str:
    """An element (and its content, not its tail) as HTML without namespaces."""
    name = local(element)
    attributes = "".join(f' {key}="{escape(value)}"' for key, value in element.attrib.items() if "{" not in key)
    if name in _VOID:
        return f"<{name}{attributes}>"
    return f"<{name}{attributes}>{inner_html(element)}</{name}>"


def inner_html(element: etree._Element) -> str:
    """The content of an element as HTML (comments left out)."""
    parts = [escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str):
            parts.append(html_of(child))
        parts.append(escape(child.tail or "", quote=False))
    return "".join(parts)


def _plain(text: str) -> str:
    """Text without the indentation of the XML around it."""
    return "\n".join(line.strip() for line in text.strip().split("\n"))


def inline_markdown(element: etree._Element, skip: frozenset[str] = frozenset()) -> str:
    """The Markdown for an element's inline content: its text when it holds no markup, else its HTML.

    Children named in ``skip`` (feedback inside a choice) are left out, their tails kept.
    """
    children = [child for child in element if isinstance(child.tag, str) and local(child) not in skip]
    if not children:
        return _plain("".join([element.text or "", *(child.tail or "" for child in element)]))
    parts = [escape(element.text or "", quote=False)]
    for child in element:
        if isinstance(child.tag, str) and local(child) not in skip:
            parts.append(html_of(child))
        parts.append(escape(child.tail or "", quote=False))
    return _plain("".join(parts))


def block_markdown(blocks: list[etree._Element | str]) -> str:
    """The Markdown for a run of body content: paragraphs of text apart by blank lines, anything else as HTML."""
    pieces = []
    for block in blocks:
        if isinstance(block, str):
            if block.strip():
                pieces.append(_plain(block))
        elif local(block) == "p" or (local(block) == "div" and not any(local(inner) in _BLOCK_NAMES for inner in block)):
            pieces.append(inline_markdown(block))
        else:
            pieces.append(_plain(html_of(block)))
    return "\n\n".join(piece for piece in pieces if piece)


def content_of(element: etree._Element) -> list[etree._Element | str]:
    """The blocks of a container: its text and elements in order (a ``qti-content-body`` is looked into)."""
    holder = element.find(q("qti-content-body"))
    holder = element if holder is None else holder
    blocks: list[etree._Element | str] = [holder.text or ""]
    for child in holder:
        if isinstance(child.tag, str):
            blocks.append(child)
        blocks.append(child.tail or "")
    return blocks


# --- Writing ---------------------------------------------------------------------------

@dataclass
class Declaration:
    """A response declaration as read: its cardinality and base type, correct values and mapping."""

    identifier: str
    cardinality: str
    base_type: str
    correct: list[str] = field(default_factory=list)
    mapping: dict[str, float] = field(default_factory=dict)
    case_sensitive: bool = True
    lower_bound: float | None = None
    upper_bound: float | None = None
    default: float = 0.0


class ItemWriter:
    """A ``qti-assessment-item`` being written for one question; ``meta`` is what rides in the package metadata."""

    def __init__(self, ident: str, title: str):
        self.root = root_element("qti-assessment-item", identifier=identifier(ident), title=title, adaptive="false",
                                 time_dependent="false")
        self.root.set(XML_LANG, "en")
        self.responses: list[etree._Element] = []
        self.outcomes = [
            el("qti-outcome-declaration", el("qti-default-value", el("qti-value", text="0")),
               identifier=SCORE, cardinality="single", base_type="float", normal_maximum="1", normal_minimum="0"),
            el("qti-outcome-declaration", el("qti-default-value", el("qti-value", text="1")),
               identifier=MAXSCORE, cardinality="single", base_type="float"),
            el("qti-outcome-declaration", identifier=FEEDBACK, cardinality="multiple", base_type="identifier"),
        ]
        self.body = el("qti-item-body")
        self.rules: list[etree._Element] = []
        self.feedback: list[etree._Element] = []
        self.meta: dict = {}
        self.interactions: list[str] = []  # QTI metadata names ("choiceInteraction") for the manifest
        self.scoring = "responseprocessing"

    def declare(self, name: str, cardinality: str, base_type: str, correct: list[str] = (),
                mapping: dict[str, float] | None = None, case_sensitive: bool = True,
                lower_bound: float | None = None, upper_bound: float | None = None) -> None:
        """A response declaration, with its correct values and (optionally) a mapping of values to credit."""
        declaration = el("qti-response-declaration", identifier=name, cardinality=cardinality, base_type=base_type)
        if correct:
            declaration.append(el("qti-correct-response", *(el("qti-value", text=value) for value in correct)))
        if mapping is not None:
            bounds = {"lower_bound": None if lower_bound is None else number(lower_bound),
                      "upper_bound": None if upper_bound is None else number(upper_bound)}
            declaration.append(el("qti-mapping", *(
                el("qti-map-entry", map_key=key, mapped_value=number(value),
                   case_sensitive=None if base_type != "string" else str(case_sensitive).lower())
                for key, value in mapping.items()), default_value="0", **bounds))
        self.responses.append(declaration)

    def outcome(self, name: str, base_type: str = "float", **attributes: object) -> None:
        """Declare one more outcome variable (a cloze's score per blank)."""
        self.outcomes.append(el("qti-outcome-declaration", identifier=name, cardinality="single", base_type=base_type, **attributes))

    def interaction(self, element: etree._Element, kind: str) -> etree._Element:
        """Note an interaction's kind for the manifest (``choiceInteraction``) and return it."""
        if kind not in self.interactions:
            self.interactions.append(kind)
        return element

    def carry(self, path: str, markdown: str, written: str) -> None:
        """Keep the Markdown of the text at ``path`` in the metadata when reading the XHTML back gives other words."""
        if written != markdown:
            self.meta.setdefault("texts", {})[path] = markdown

    def blocks(self, parent: etree._Element, path: str, markdown: str) -> None:
        """Append Markdown ``markdown`` to ``parent`` as rendered blocks (paragraphs, lists)."""
        start = len(parent)
        xhtml_into(parent, render_block(markdown))
        written: list[etree._Element | str] = [parent.text or ""] if start == 0 else []
        for child in parent[start:]:
            written.extend([child, child.tail or ""])
        self.carry(path, markdown, block_markdown(written))

    def inline(self, parent: etree._Element, path: str, markdown: str) -> etree._Element:
        """Fill ``parent`` (a choice, a table cell) with ``markdown`` rendered as inline content; return it."""
        xhtml_into(parent, render_inline(markdown))
        self.carry(path, markdown, inline_markdown(parent))
        return parent

    def modal(self, feedback_id: str, path: str, markdown: str) -> None:
        """Modal feedback shown when the FEEDBACK outcome holds ``feedback_id``."""
        body = el("qti-content-body")
        self.blocks(body, path, markdown)
        self.feedback.append(el("qti-modal-feedback", body, outcome_identifier=FEEDBACK, identifier=feedback_id,
                                show_hide="show"))

    def finish(self) -> etree._Element:
        """The whole item, its parts in the order the schema asks for; the explanation's feedback always shows."""
        processing = el("qti-response-processing", *self.rules, show(EXPLANATION))
        self.root.extend([*self.responses, *self.outcomes, self.body, processing, *self.feedback])
        etree.cleanup_namespaces(self.root, top_nsmap={None: QTI})
        return self.root


# --- Reading ---------------------------------------------------------------------------

def _float(text: str | None, default: float | None = None) -> float | None:
    """A number from an attribute, or ``default`` when it is missing or no number."""
    try:
        return float(text) if text is not None else default
    except ValueError:
        return default


class ItemReader:
    """A parsed ``qti-assessment-item`` with the metadata our export wrote for it (empty for another tool's)."""

    def __init__(self, root: etree._Element, meta: dict):
        self.root = root
        self.meta = meta
        self.texts = meta.get("texts") if isinstance(meta.get("texts"), dict) else {}
        self.notes: list[str] = []
        self.body = root.find(q("qti-item-body"))
        if self.body is None:
            self.body = el("qti-item-body")
        # Asked once per choice or blank, so indexed once here: looking through the whole item each time made reading
        # an item of n choices take n² steps (18 s for 4,000 choices, in a 34 KB package).
        self.declarations: dict[str | None, etree._Element] = {}
        for element in root.iter(q("qti-response-declaration")):
            self.declarations.setdefault(element.get("identifier"), element)
        self.shown_feedback: dict[str | None, tuple[str, etree._Element]] = {}
        for tag in ("qti-modal-feedback", "qti-feedback-block", "qti-feedback-inline"):
            for element in root.iter(q(tag)):
                if element.get("show-hide", "show") == "show":
                    self.shown_feedback.setdefault(element.get("identifier"), (tag, element))

    def all(self, tag: str, under: etree._Element | None = None) -> list[etree._Element]:
        """Every QTI element named ``tag`` under ``under`` (the whole item by default), in document order."""
        return list((self.root if under is None else under).iter(q(tag)))

    def interactions(self) -> list[etree._Element]:
        """The item body's interactions, in document order (an end-attempt button asks nothing, so it is not one)."""
        return [element for element in self.body.iter() if local(element) in INTERACTIONS - {"qti-end-attempt-interaction"}]

    def declaration(self, name: str | None) -> Declaration:
        """The response declaration named ``name`` (ValueError if the item has none)."""
        element = self.declarations.get(name)
        if element is None:
            raise ValueError(_("no response declaration for the interaction's response '%(name)s'", name=name))
        declaration = Declaration(name, element.get("cardinality", "single"), element.get("base-type", "string"))
        correct = element.find(q("qti-correct-response"))
        if correct is not None:
            declaration.correct = [(value.text or "").strip() for value in correct.iter(q("qti-value"))]
        mapping = element.find(q("qti-mapping"))
        if mapping is not None:
            entries = list(mapping.iter(q("qti-map-entry")))
            declaration.mapping = {entry.get("map-key", ""): _float(entry.get("mapped-value"), 0.0) for entry in entries}
            declaration.case_sensitive = all(entry.get("case-sensitive", "true") == "true" for entry in entries)
            declaration.lower_bound = _float(mapping.get("lower-bound"))
            declaration.upper_bound = _float(mapping.get("upper-bound"))
            declaration.default = _float(mapping.get("default-value"), 0.0)
        return declaration

    def text(self, path: str, markdown: str) -> str:
        """The Markdown at ``path``: as our export carried it, else as read from the XHTML."""
        carried = self.texts.get(path)
        return carried if isinstance(carried, str) else markdown

    def inline(self, path: str, element: etree._Element) -> str:
        """The Markdown at ``path`` of an element's inline content (a choice, a cell), feedback inside it left out."""
        return self.text(path, inline_markdown(element, skip=frozenset({"qti-feedback-inline"})))

    def feedback_for(self, feedback_id: str, path: str) -> str | None:
        """The text of the feedback shown for ``feedback_id``: modal feedback, a feedback block or inline feedback."""
        if feedback_id not in self.shown_feedback:
            return None
        tag, element = self.shown_feedback[feedback_id]
        blocks = content_of(element) if tag != "qti-feedback-inline" else [inline_markdown(element)]
        return self.text(path, block_markdown(blocks))

    def prompt_blocks(self) -> list[etree._Element | str]:
        """The body's content that is neither an interaction nor holds one, nor feedback; then each interaction's prompt.

        Another tool may wrap the whole question in a ``<div>``: its content is looked into. Ours never
        does (a cloze's text is such a div), so ours are read at the top only.
        """
        blocks = self._prompt_blocks(self.body, into_divs=not self.meta)
        for interaction in self.interactions():
            prompt = interaction.find(q("qti-prompt"))
            if prompt is not None:
                blocks.append(inline_markdown(prompt))
        return blocks

    def _prompt_blocks(self, container: etree._Element, into_divs: bool) -> list[etree._Element | str]:
        """The blocks of ``container`` that are the question's text (see :meth:`prompt_blocks`)."""
        blocks: list[etree._Element | str] = []
        for block in content_of(container):
            if isinstance(block, str):
                blocks.append(block)
            elif local(block) in INTERACTIONS | _NOT_PROMPT or local(block) in _VOID:
                continue
            elif not any(local(inner) in INTERACTIONS for inner in block.iter()):
                blocks.append(block)
            elif into_divs and local(block) == "div":
                blocks.extend(self._prompt_blocks(block, into_divs))
        return blocks

    def feedback_rules(self) -> list[tuple[etree._Element, str]]:
        """(test, feedback id) of every ``if test: show feedback`` rule in response processing (see :func:`show`)."""
        found = []
        for branch in self.all("qti-response-if") + self.all("qti-response-else-if"):
            test = branch[0] if len(branch) else None
            for rule in branch.iter(q("qti-set-outcome-value")):
                if rule.get("identifier") == FEEDBACK and rule.getparent() is branch:
                    for value in rule.iter(q("qti-base-value")):
                        found.append((test, (value.text or "").strip()))
        return found
