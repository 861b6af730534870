"""CSV that is safe to open in a spreadsheet (audit F-16, OWASP "CSV injection"), and an Excel workbook. Pure module.

Spreadsheets run a cell that starts with ``= + - @``, or a tab or carriage return, as a formula,
so a student named ``-2-3`` or an assignment titled ``=HYPERLINK(...)`` would compute, or leak data,
on the instructor's machine. Such text is written with a leading ``'``, which spreadsheets show
as text. Numbers we write ourselves (grades, counts) are passed as numbers and stay numbers.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

import xlsxwriter

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


def xlsx_document(rows: Sequence[Sequence[object]], sheet: str = "Gradebook") -> bytes:
    """An Excel workbook of one sheet: the first row a bold header, frozen with the first column; text stays text and
    numbers stay numbers.

    Every string goes in as a string (never through XlsxWriter's guessing ``write``), so a name like ``=1+2`` or
    ``https://…`` is shown as typed, not run as a formula or turned into a link; no ``'`` guard is needed here.
    """
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    page = book.add_worksheet(sheet)
    bold = book.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    widths: dict[int, int] = {}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                page.write_number(r, c, value)
            else:
                page.write_string(r, c, str(value), bold if r == 0 else None)
            # Headers wrap, so only the body sets a column's width (within reason).
            widths[c] = max(widths.get(c, 8), min(40, len(str(value)) + 2) if r else 12)
    for c, width in widths.items():
        page.set_column(c, c, width)
    page.freeze_panes(1, 1)
    book.close()
    return out.getvalue()
