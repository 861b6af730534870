"""Essay in GIFT: ``::title::prompt{}``. Moodle's GIFT has no model answer, limits or rubric: ours ride in the
``// backchannel:`` metadata line, and a Moodle essay gets a placeholder model answer and a one-criterion rubric. Pure."""

from __future__ import annotations

from app.course.qtypes.essay.moodle import essay


def reads(answers: str) -> bool:
    """Whether the block is empty: Moodle's essay."""
    return not answers


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    """Our essay from the metadata, or with a placeholder model answer and the one-criterion rubric."""
    return essay("", {key: str(meta.get(key, "")) for key in ("min_words", "max_words")}, meta, notes)


def write(data: dict, meta: dict) -> str:
    """An empty block; model answer, limits and rubric go into the metadata."""
    meta.update({key: data[key] for key in ("model_answer", "rubric", "min_words", "max_words") if key in data})
    return ""
