"""Fields of ours that GIFT and Moodle XML have no place for, carried in each question's metadata.

Pure module. Known wrong answers, other numeric answers, the spelling rule, ``excludes`` and ``hint`` ride
in the ``backchannel`` metadata both formats already carry, so import(export(bank)) keeps them;
the bank checker judges whatever comes back, as for every other imported field. What only one type
has rides in the metadata its own mapping writes (``qtypes/<type>/gift.py``, ``moodle.py``).
"""

from __future__ import annotations

import re

CARRIED = ("wrong_answers", "other_answers", "spelling", "excludes", "hint")
_SLASH = re.compile(r"(?<!/)/(?!/)")  # a path's separator; "//" is a slash inside a category's name
_CONTEXT = re.compile(r"\$[a-z]+\$")  # $course$, $system$, $module$, $cat$...


def carried(data: dict, skip: tuple[str, ...] = ()) -> dict:
    """The fields of ``data`` to carry in metadata, but those in ``skip`` (which the format itself holds)."""
    return {name: data[name] for name in CARRIED if name in data and name not in skip}


def restore(data: dict, meta: dict) -> dict:
    """``data`` with the carried fields of ``meta`` put back (fields the file itself gave are kept)."""
    for name in CARRIED:
        if name in meta and name not in data:
            data[name] = meta[name]
    return data


def category_tag(path: str) -> str | None:
    """A Moodle category path as the tag that stands for it: ``$course$/Top/History/Trade`` → ``History/Trade``.

    Moodle writes a category as its path from a context (``$course$``, ``$system$``...) through the
    context's ``top`` category, which every question shares and so tells nothing; a ``/`` inside a
    category's own name is written ``//`` and stays so. None when nothing is left (``$course$/top``).
    """
    parts = [part for part in _SLASH.split(path.strip()) if part.strip()]
    if parts and _CONTEXT.fullmatch(parts[0].strip()):
        parts = parts[1:]
    if parts and parts[0].strip().lower() == "top":
        parts = parts[1:]
    return "/".join(part.strip() for part in parts) or None
