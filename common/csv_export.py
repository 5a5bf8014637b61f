"""CSV files that people open in a spreadsheet (bank files, statements): no cell is run as a formula.

Excel, LibreOffice and Google Sheets treat a cell starting with =, +, -, @ (and tab or carriage return,
which some of them strip first) as a formula, so a seller who names their shop `=HYPERLINK(...)` would
run it on the operator's machine (CSV injection, OWASP). Such a cell gets a leading apostrophe, which
spreadsheets show as text; a plain number (a negative amount such as -28.00) is left as it is.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import Any

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def csv_cell(value: Any) -> Any:
    """The value as a spreadsheet will show it, never as a formula."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START) or _NUMBER.match(value):
        return value
    return "'" + value


class SafeCsvWriter:
    """csv.writer whose every cell goes through csv_cell."""

    def __init__(self, out, **kwargs: Any) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out, **kwargs: Any) -> SafeCsvWriter:
    return SafeCsvWriter(out, **kwargs)
