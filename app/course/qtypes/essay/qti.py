"""Essay in QTI 3.0: an extended text interaction, scored by a person with the rubric a scorer sees. Pure.

The SCORE outcome is declared ``external-scored="human"``: no response processing marks an essay. The
rubric is a ``qti-rubric-block`` for scorers only (``view="scorer"``), one table per criterion
(its id, its title as the caption, a row per level: points, description); the model answer is a
second scorer's rubric block. Word limits have no place in QTI (its text interaction counts
characters and strings) and ride in the package metadata. An essay from another tool comes with no
rubric of ours: it gets the one-criterion rubric the Moodle importer gives, and a note.
"""

from __future__ import annotations

from lxml import etree

from app.course.formats.qti_item import ItemReader, ItemWriter, block_markdown, content_of, el, local, number, our_id, q
from app.course.qtypes.single_choice.qti import RESPONSE, only
from app.course.words import _

MODEL_ANSWER = "model-answer"  # the class of the rubric block that holds the model answer
DEFAULT_RUBRIC = [{"id": "overall", "title": "Overall", "levels": [
    {"points": 0, "description": "Does not answer the question"},
    {"points": 1, "description": "Partly answers it"},
    {"points": 2, "description": "Answers it fully"}]}]


def _points(text: str) -> int | float:
    """Points as written: a whole number stays an int, as the bank file gave it."""
    return int(text) if text.isdigit() else float(text)


def fit(item: ItemReader) -> int:
    """How well another tool's item fits this type (0: not at all): one extended text interaction."""
    interactions = item.interactions()
    return int(len(interactions) == 1 and local(interactions[0]) == "qti-extended-text-interaction")


def write(data: dict, item: ItemWriter) -> None:
    """Write an essay: its response declaration, interaction and response processing."""
    item.declare(RESPONSE, "single", "string")
    item.outcomes[0].set("external-scored", "human")
    item.scoring = "human"
    item.body.append(item.interaction(el("qti-extended-text-interaction", response_identifier=RESPONSE),
                                      "extendedTextInteraction"))
    tables = el("qti-content-body")
    for index, criterion in enumerate(data["rubric"]):
        table = el("table", el("caption"), el("tbody"), id=f"rubric-{criterion['id']}")
        item.inline(table[0], f"rubric.{index}.title", criterion["title"])
        for place, level in enumerate(criterion["levels"]):
            description = item.inline(el("td"), f"rubric.{index}.levels.{place}.description", level["description"])
            points = level["points"]
            table[1].append(el("tr", el("td", text=str(points) if isinstance(points, int) else number(points)), description))
        tables.append(table)
    item.body.append(el("qti-rubric-block", tables, use="scoring", view="scorer"))
    model = el("qti-content-body")
    item.blocks(model, "model_answer", data["model_answer"])
    item.body.append(el("qti-rubric-block", model, use="scoring", view="scorer", **{"class": MODEL_ANSWER}))


def _criterion(item: ItemReader, index: int, table: etree._Element) -> dict:
    """One criterion from its table: the caption is its title, each row of two cells a level."""
    caption = table.find(q("caption"))
    title = item.inline(f"rubric.{index}.title", caption) if caption is not None else f"Criterion {index + 1}"
    ident = table.get("id", "").removeprefix("rubric-") or title
    levels = []
    for row in table.iter(q("tr")):
        cells = [cell for cell in row if local(cell) in ("td", "th")]
        if len(cells) == 2:
            levels.append({"points": _points((cells[0].text or "").strip()),
                           "description": item.inline(f"rubric.{index}.levels.{len(levels)}.description", cells[1])})
    return {"id": our_id(ident), "title": title, "levels": levels}


def read(item: ItemReader) -> dict:
    """The fields of an essay read from its item."""
    only(item, "qti-extended-text-interaction")
    blocks = [block for block in item.all("qti-rubric-block") if "scorer" in block.get("view", "").split()]
    model = next((block for block in blocks if MODEL_ANSWER in block.get("class", "").split()), None)
    tables = [table for block in blocks if block is not model for table in block.iter(q("table"))]
    try:
        rubric = [_criterion(item, index, table) for index, table in enumerate(tables)]
    except ValueError:
        rubric = []
    if not rubric:
        rubric = DEFAULT_RUBRIC
        item.notes.append(_("the item has no rubric of ours: given one criterion, 'Overall' (0, 1 or 2 points)"))
    if model is None:
        item.notes.append(_("the item has no model answer: write one before learners grade themselves against it"))
    answer = item.text("model_answer", block_markdown(content_of(model))) if model is not None else (
        "No model answer was given in the imported file.")
    return {"model_answer": answer, "rubric": rubric}
