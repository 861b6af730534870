"""Essay in GIFT: ``::title::prompt{}``. Moodle's GIFT has no model answer, limits or rubric: ours ride in the
``// backchannel:`` metadata line, and a Moodle essay gets a placeholder model answer and a one-criterion rubric. Pure."""

from __future__ import annotations

from app.course.qtypes.essay.moodle import essay


def reads(answers: str) -> bool:
    return not answers


def read(answers: str, meta: dict, notes: list[str]) -> dict:
    return essay("", {key: str(meta.get(key, "")) for key in ("min_words", "max_words")}, meta, notes)


def write(data: dict, meta: dict) -> str:
    meta.update({key: data[key] for key in ("model_answer", "rubric", "min_words", "max_words") if key in data})
    return ""
