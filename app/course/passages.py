"""A question's quoted passage of the paper: its caption, and its place in formats that hold only a prompt. Pure.

A single- or multiple-choice question may carry ``passage: {lines: [first, last], quote}`` (checked
in ``bank.py``): a short quotation of the paper shown above the prompt, for source-criticism
exercises. Pages, the API and exports all caption it the same way. GIFT and Moodle XML have no place
for it, so an export puts it before the prompt as a Markdown block quote, which every reader of the
file sees; our own importer takes that block off again when the file's metadata names the passage.
"""

from __future__ import annotations

from app.course.words import _


def passage_caption(lines: list[int], english: bool = False) -> str:
    """Where a passage comes from, as every page and export says it: "The paper, lines 712–714" (in the reader's
    language on a page; ``english`` for an exported file, which stays English)."""
    first, last = lines
    if english:
        return f"The paper, line {first}" if first == last else f"The paper, lines {first}–{last}"
    return (_("The paper, line %(line)s", line=first) if first == last
            else _("The paper, lines %(first)s–%(last)s", first=first, last=last))


def passage_block(passage: dict) -> str:
    """The passage as a Markdown block quote closed by its caption, followed by a blank line."""
    quoted = "\n".join(f"> {line}".rstrip() for line in passage["quote"].splitlines())
    return f"{quoted}\n>\n> — {passage_caption(passage['lines'], english=True)}\n\n"


def with_passage(prompt: str, passage: dict | None) -> str:
    """The prompt a format without passages carries: the passage's block first, when there is one."""
    return passage_block(passage) + prompt if passage else prompt


def without_passage(prompt: str, passage: object) -> tuple[str, dict | None]:
    """Undo :func:`with_passage`: the prompt and the passage when ``prompt`` starts with its block.

    ``passage`` comes from an imported file's metadata; when it is not a passage, or someone
    changed the block after export, the prompt stays whole (the quotation is still read there)
    and no passage is returned, so it is never shown twice.
    """
    if not (isinstance(passage, dict) and isinstance(passage.get("quote"), str) and isinstance(passage.get("lines"), list)
            and len(passage["lines"]) == 2 and all(isinstance(n, int) and not isinstance(n, bool) for n in passage["lines"])):
        return prompt, None
    block = passage_block(passage)
    if not prompt.startswith(block):
        return prompt, None
    return prompt[len(block):], {"lines": list(passage["lines"]), "quote": passage["quote"]}
