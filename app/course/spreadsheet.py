"""CSV that is safe to open in a spreadsheet (audit F-16, OWASP "CSV injection"). Pure module.

Spreadsheets run a cell that starts with ``= + - @``, or a tab or carriage return, as a formula,
so a student named ``-2-3`` or an assignment titled ``=HYPERLINK(...)`` would compute, or leak data,
on the instructor's machine. Such text is written with a leading ``'``, which spreadsheets show
as text. Numbers we write ourselves (grades, counts) are passed as numbers and stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Text a spreadsheet would read as a formula, with a ``'`` in front; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_document(rows: Iterable[Iterable[object]]) -> str:
    """CSV text with a UTF-8 byte-order mark (so spreadsheets read names correctly), every cell made safe."""
    out = io.StringIO()
    csv.writer(out).writerows([safe_cell(cell) for cell in row] for row in rows)
    return "\ufeff" + out.getvalue()
