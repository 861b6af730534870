"""Fields of ours that GIFT and Moodle XML have no place for, carried in each question's metadata.

Pure module. Known wrong answers, other numeric answers, the spelling rule and ``excludes`` ride
in the ``backchannel`` metadata both formats already carry, so import(export(bank)) keeps them;
the bank checker judges whatever comes back, as for every other imported field. What only one type
has rides in the metadata its own mapping writes (``qtypes/<type>/gift.py``, ``moodle.py``).
"""

from __future__ import annotations

CARRIED = ("wrong_answers", "other_answers", "spelling", "excludes")


def carried(data: dict, skip: tuple[str, ...] = ()) -> dict:
    """The fields of ``data`` to carry in metadata, but those in ``skip`` (which the format itself holds)."""
    return {name: data[name] for name in CARRIED if name in data and name not in skip}


def restore(data: dict, meta: dict) -> dict:
    """``data`` with the carried fields of ``meta`` put back (fields the file itself gave are kept)."""
    for name in CARRIED:
        if name in meta and name not in data:
            data[name] = meta[name]
    return data
