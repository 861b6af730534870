"""How many questions of Moodle's own question files our importer brings in, and with the right type.

Run: .venv/bin/python bench/moodle_import_counts.py [DIR ...]
(default tests/data/moodle-public, ../shared/interop and tests/fixtures/moodle). Prints a Markdown
report and always exits 0; a file whose content was already counted is listed, not counted again.

Each file goes through our importer as ``app/authoring/importing.py`` runs it for a lesson with a
``key-facts`` anchor: decode, detect the format, parse, then ``check_question_data`` question by
question. Independently of our importer, each question's Moodle type is read from the file itself
(the XML ``type`` attribute and ``<single>``; for GIFT the answer syntax, by Moodle's own rules) and
mapped to the type we should produce (``EXPECTED``). An imported question counts as "right type"
only when our type is that one; it is matched to its source question by its line. Descriptions are
no questions and stay out of the counts; types with no equivalent planned count as lost. What an
imported question loses is what the importer notes for it (hints, combined feedback, a response
template...); what each source question carries that a simple importer would flatten (partial credit,
images, case-sensitive answers) is read from the file itself (``Source.carries``).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.authoring import importing  # noqa: E402

DEFAULT_DIRS = (ROOT / "tests" / "data" / "moodle-public", ROOT.parent / "shared" / "interop",
                ROOT / "tests" / "fixtures" / "moodle")
ANCHOR = "key-facts"  # every lesson has it, and the importer picks it as the default anchor
DESCRIPTION = "description"
# Moodle type (XML ``type`` attribute, or the GIFT kind) → our type; None: no equivalent planned.
EXPECTED = {"multichoice single": "single_choice", "multichoice multi": "multiple_response",
            "truefalse": "true_false", "shortanswer": "short_answer", "numerical": "numeric",
            "matching": "matching", "ordering": "ordering", "cloze": "cloze", "multianswer": "cloze",
            "essay": "essay", "ddwtos": "cloze", "gapselect": "cloze", "description": DESCRIPTION,
            "oumultiresponse": "multiple_response", "essayautograde": "essay"}  # two plugins with an equivalent
CASE_BLANKS = {"SHORTANSWER_C", "SAC", "MWC"}
_BLANK = re.compile(r"\{\d*:([A-Z_]+):(.*?)(?<!\\)\}", re.S)
_WEIGHT = re.compile(r"%(-?\d+(?:\.\d+)?)%")


@dataclass
class Source:
    """One question as the file itself states it."""

    line: int
    name: str
    moodle_type: str
    carries: list[str] = field(default_factory=list)  # what a simple importer would flatten: partial credit, images...
    blanks: Counter = field(default_factory=Counter)  # a cloze's blanks by kind (MULTICHOICE_H apart)

    @property
    def expected(self) -> str | None:
        """The type we should import it as (None: no equivalent planned)."""
        return EXPECTED.get(self.moodle_type)


@dataclass
class FileCount:
    """What happened to one file's questions."""

    name: str
    sources: list[Source]
    imported: int = 0
    right: int = 0
    lossy: int = 0  # imported with the right type, with a note of something dropped
    losses: Counter = field(default_factory=Counter)
    wrong_type: list[str] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    refused: str = ""

    @property
    def questions(self) -> list[Source]:
        """The file's questions, descriptions left out."""
        return [s for s in self.sources if s.expected != DESCRIPTION]


# --- The file's own account of its questions ------------------------------------------------

def partial(fractions: list[float]) -> bool:
    """Some choice is worth neither nothing nor everything: one key cannot say so."""
    return any(f not in (0.0, 100.0) for f in fractions)


def unlike_ours(fractions: list[float]) -> bool:
    """Weights other than our multiple-response rule's: +100/k for each of the k right choices, -100/k for each wrong one."""
    k = sum(1 for f in fractions if f > 0)
    return any(abs(f - (100 / k if f > 0 else -100 / k)) > 0.01 for f in fractions) if k else False


def xml_sources(text: str) -> list[Source]:
    """Every top-level ``<question>`` but categories, with its line, Moodle type and what we would flatten."""
    parser, lines, depth = expat.ParserCreate(), [], [0]

    def start(tag: str, _attributes: dict) -> None:
        if tag == "question" and depth[0] == 1:
            lines.append(parser.CurrentLineNumber)
        depth[0] += 1

    def end(_tag: str) -> None:
        depth[0] -= 1

    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.Parse(text.encode("utf-8"), True)
    root = ET.fromstring(text.encode("utf-8"))
    sources = []
    for line, question in zip(lines, root.findall("question"), strict=True):
        kind = question.get("type", "")
        if kind == "category":
            continue
        if kind == "multichoice":
            single = (question.findtext("single") or "true").strip().lower() in ("true", "1")
            kind = f"multichoice {'single' if single else 'multi'}"
        source = Source(line, (question.findtext("name/text") or "").strip(), kind)
        fractions = [float(a.get("fraction", "0")) for a in question.findall("answer")]
        if kind == "multichoice single" and partial(fractions):
            source.carries.append("partial credit")
        if kind == "multichoice multi" and unlike_ours(fractions):
            source.carries.append("exact weights")
        if kind == "numerical" and sum(1 for a in question.findall("answer") if (a.findtext("text") or "").strip() != "*") > 1:
            source.carries.append("several numeric answers")
        if kind == "shortanswer" and (question.findtext("usecase") or "").strip() == "1":
            source.carries.append("case-sensitive answers")
        if kind in ("cloze", "multianswer"):
            text = question.findtext("questiontext/text") or ""
            source.carries += cloze_carries(text)
            source.blanks = Counter(blank for blank, _ in _BLANK.findall(text))
        if (question.find(".//file") is not None or (question.findtext("image_base64") or "").strip()
                or "@@PLUGINFILE@@" in ET.tostring(question, encoding="unicode")):
            source.carries.append("images or files")
        sources.append(source)
    return sources


def cloze_carries(text: str) -> list[str]:
    """What a cloze question's blanks carry beyond accepted answers: weights and case."""
    losses = []
    blanks = _BLANK.findall(text)
    if any(partial([float(w) for w in _WEIGHT.findall(answers)]) for _, answers in blanks):
        losses.append("partial credit")
    if any(kind in CASE_BLANKS for kind, _ in blanks):
        losses.append("case-sensitive answers")
    return losses


def gift_sources(text: str) -> list[Source]:
    """Every GIFT question with its first line and kind, read by the rules of Moodle's qformat_gift."""
    sources, block, start = [], [], 0
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n") + [""], start=1):
        if line.strip().startswith("//"):
            continue
        if line.strip():
            start = start if block else number
            block.append(line)
            continue
        if block and not block[0].strip().startswith("$CATEGORY:"):
            sources.append(gift_source(start, "\n".join(block)))
        block = []
    return sources


def gift_source(line: int, text: str) -> Source:
    """One GIFT question: answers in the first ``{...}``; its kind decided in qformat_gift's order."""
    text = re.sub(r"\\[\\~=#{}:]", "_", text)  # escaped control characters are text
    named = re.match(r"\s*::(.*?)::", text, re.S)
    name = named.group(1).strip() if named else " ".join(text.split("{")[0].split())[:40]
    opening = text.find("{")
    closing = text.find("}", opening + 1)
    if opening < 0 or closing < 0:
        return Source(line, name, DESCRIPTION)
    answers = text[opening + 1:closing].strip()
    # Each choice's weight: %n% when given, else 100 for '=' and 0 for '~'.
    weights = [float(w.group(1)) if (w := _WEIGHT.match(choice.strip())) else 100.0 * (marker == "=")
               for marker, choice in re.findall(r"([=~])([^=~]*)", answers)]
    if not answers:
        kind = "essay"
    elif answers.startswith("#"):
        kind = "numerical"
    elif answers.startswith(">"):  # qtype_ordering's extension of GIFT
        kind = "ordering"
    elif "~" in answers:
        kind = "multichoice single" if "=" in answers else "multichoice multi"
    elif "=" in answers and "->" in answers:
        kind = "matching"
    elif answers.split("#")[0].strip().upper() in ("T", "F", "TRUE", "FALSE"):
        kind = "truefalse"
    else:
        kind = "shortanswer"
    source = Source(line, name, kind)
    if kind == "multichoice single" and partial(weights):
        source.carries.append("partial credit")
    if kind == "multichoice multi" and unlike_ours(weights):
        source.carries.append("exact weights")
    if kind == "numerical" and len(weights) > 1:
        source.carries.append("several numeric answers")
    if "@@PLUGINFILE@@" in text:
        source.carries.append("images or files")
    return source


# --- Our importer ---------------------------------------------------------------------------

def count_file(path: Path) -> FileCount:
    """Import one file as the upload does and set each result beside the question it came from."""
    raw = path.read_bytes()
    try:
        text = importing.decode(raw)
        kind = importing.detect_format(path.name, text)
    except importing.ImportRefused as refused:
        return FileCount(path.name, [], refused=str(refused))
    parse = importing.parse_moodle_xml if kind == "moodle-xml" else importing.parse_gift
    try:
        found, skipped = parse(text, ANCHOR)
    except ValueError as error:
        return FileCount(path.name, [], refused=str(error))
    sources = xml_sources(text) if kind == "moodle-xml" else gift_sources(text)
    count = FileCount(path.name, sources)
    by_line = {source.line: source for source in sources}
    for item in skipped:
        count.skipped[item.reason] += 1
    taken: set[str] = set()
    for item in found:
        checked, messages = importing.check_question_data(dict(item.data), {ANCHOR}, taken, where="question")
        if checked is None or messages:
            count.skipped["; ".join(messages)] += 1
            continue
        taken.add(checked.id)
        count.imported += 1
        source = by_line.get(item.line)
        if source is None or checked.type != source.expected:
            count.wrong_type.append(f"{source.name if source else item.name} "
                                    f"({source.moodle_type if source else 'no source question'} → {checked.type})")
            continue
        count.right += 1
        # What it loses, in the importer's own notes ("hint dropped", "automatic grading dropped": their first clause).
        count.losses.update({note.split(":")[0].split(";")[0].strip()[:60] for note in item.notes})
        count.lossy += bool(item.notes)
    return count


# --- The report -----------------------------------------------------------------------------

def reason_group(reason: str) -> str:
    """A skip reason without the question's id, so alike reasons group."""
    return re.sub(r"question '[^']*': ", "", reason.removesuffix("; skipped"))


def tally(counter: Counter) -> str:
    """``a 2, b 1``: a counter's keys in order with their counts."""
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items()))


def file_row(shown: str, count: FileCount) -> str:
    """One file's table row: questions by Moodle type, imported, right type, with losses, skip reasons grouped."""
    types = tally(Counter(s.moodle_type for s in count.questions))
    reasons = Counter()
    for reason, n in count.skipped.items():
        reasons[reason_group(reason)] += n
    skipped = f"file refused: {count.refused}" if count.refused else "; ".join(f"{n}× {r}" for r, n in sorted(reasons.items()))
    losses = tally(count.losses)
    return (f"| {shown} | {len(count.questions)}{f': {types}' if types else ''} "
            f"| {count.imported} | {count.right} | {count.lossy}{f' ({losses})' if losses else ''} "
            f"| {sum(count.skipped.values())}{f': {skipped}' if skipped else ''} |")


def lost_line(shown: str, count: FileCount) -> str | None:
    """What of a file has no equivalent planned or came in as another type, or None."""
    no_equivalent = tally(Counter(s.moodle_type for s in count.questions if s.expected is None))
    parts = [f"no equivalent planned: {no_equivalent}"] * bool(no_equivalent)
    parts += [f"imported with another type: {', '.join(count.wrong_type)}"] * bool(count.wrong_type)
    return f"- {shown}: {'; '.join(parts)}" if parts else None


def report(dirs: list[Path]) -> str:
    """The Markdown report: one table row per file, what is lost, descriptions, totals."""
    rows, lost, seen, counts = [], [], {}, []
    for folder in dirs:
        if not folder.is_dir():
            rows.append(f"| {folder} | (no such folder) | | | | |")
            continue
        for path in sorted(p for p in folder.iterdir() if p.suffix in (".xml", ".txt")):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            shown = f"{folder.name}/{path.name}"
            if digest in seen:
                rows.append(f"| {shown} | same as {seen[digest]}, not counted again | | | | |")
                continue
            seen[digest] = shown
            count = count_file(path)
            counts.append(count)
            rows.append(file_row(shown, count))
            lost += [line for line in [lost_line(shown, count)] if line]
    questions = sum(len(c.questions) for c in counts)
    planned = sum(1 for c in counts for s in c.questions if s.expected)
    right = sum(c.right for c in counts)
    descriptions = [f"{c.name}:{s.line} {s.name}" for c in counts for s in c.sources if s.expected == DESCRIPTION]
    clozes = sum((s.blanks for c in counts for s in c.sources), Counter())
    carried = Counter(feature for c in counts for s in c.sources for feature in s.carries)
    lines = ["| file | questions (Moodle type) | imported | right type | right type, with a note of what was dropped | skipped |",
             "|---|---|---|---|---|---|", *rows, "",
             "Lost by type (no equivalent planned, or imported as another type):", "", *(lost or ["- nothing"]), "",
             f"Descriptions (no questions, left out of the counts): {', '.join(descriptions) or 'none'}.", "",
             f"Cloze blanks in these files, by kind: {tally(clozes) or 'none'}.", "",
             "What the questions carry that a simple importer flattens (read from the files; imported exactly unless a "
             f"note in the table says otherwise): {tally(carried) or 'nothing'}.", "",
             f"**Total: {questions} questions in {len(counts)} files; {sum(c.imported for c in counts)} imported, "
             f"{right} with the right type ({100 * right / max(questions, 1):.0f} %); of the {planned} whose type has a "
             f"planned equivalent, {100 * right / max(planned, 1):.0f} %; "
             f"{sum(c.lossy for c in counts)} of those imported right lose something.**"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dirs", nargs="*", type=Path, default=list(DEFAULT_DIRS))
    print(report(parser.parse_args().dirs))


if __name__ == "__main__":
    main()
