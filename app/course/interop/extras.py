"""Fields of ours that GIFT and Moodle XML have no place for, carried in each question's metadata.

Pure module. Known wrong answers, other numeric answers, the spelling rule and ``excludes`` ride
in the ``backchannel`` metadata both formats already carry, so import(export(bank)) keeps them;
the bank checker judges whatever comes back, as for every other imported field.
"""

from __future__ import annotations

CARRIED = ("wrong_answers", "other_answers", "spelling", "excludes")


def carried(data: dict, skip: tuple[str, ...] = ()) -> dict:
    """The fields of ``data`` to carry in metadata (a cloze blank's wrong answers under ``blank_wrong_answers``)."""
    extra = {name: data[name] for name in CARRIED if name in data and name not in skip}
    if data["type"] == "cloze":
        blanks = {blank["id"]: blank["wrong_answers"] for blank in data["blanks"] if blank.get("wrong_answers")}
        if blanks:
            extra["blank_wrong_answers"] = blanks
    return extra


def restore(data: dict, meta: dict) -> dict:
    """``data`` with the carried fields of ``meta`` put back (fields the file itself gave are kept)."""
    for name in CARRIED:
        if name in meta and name not in data:
            data[name] = meta[name]
    blanks = meta.get("blank_wrong_answers")
    if data["type"] == "cloze" and isinstance(blanks, dict):
        for blank in data["blanks"]:
            if blank["id"] in blanks and "wrong_answers" not in blank:
                blank["wrong_answers"] = blanks[blank["id"]]
    return data
