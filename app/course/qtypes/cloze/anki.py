"""A cloze question as an Anki cloze note: each blank a deletion ``{{cN::answer::options}}``. Pure.

Anki makes one card per blank (the others shown filled in), so a passage is learned blank by blank.
A choice or multi blank's hint lists its options as the quiz page shows them (shuffled by the note's
keyed order where the blank shuffles). Answers and hints are sanitised HTML with the characters of
Anki's own syntax (``{``, ``}``, ``:``) written as entities, so no text can end a deletion early.
"""

from __future__ import annotations

from app.course.qtypes.cloze import TYPE, key_html

_ANKI_SYNTAX = str.maketrans({"{": "&#123;", "}": "&#125;", ":": "&#58;"})


def cloze_text(data: dict, html: dict, order: list[str]) -> str:
    """The note's Text field: the rendered passage with each blank a numbered deletion."""
    form = TYPE.answer_form(data, "", order, lambda kind, ident: ident)
    blanks = {blank["id"]: blank for blank in data["blanks"]}
    parts = []
    for index, part in enumerate(html["text_parts"]):
        if index % 2 == 0:
            parts.append(part)
            continue
        options = " / ".join(html["blank_options"][part][ident] for _, ident in form.blank_choices.get(part, ()))
        hint = f"::{options.translate(_ANKI_SYNTAX)}" if options else ""
        parts.append(f"{{{{c{index // 2 + 1}::{key_html(blanks[part], html).translate(_ANKI_SYNTAX)}{hint}}}}}")
    return "".join(parts)
