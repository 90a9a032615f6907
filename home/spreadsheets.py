"""CSV files staff and visitors open in a spreadsheet: one writer, one formula guard.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return hides such a
character from a naive check: titles, names and tags come from citizens and
editors, so every text cell that starts with one of them gets a leading
quote (OWASP's advice on CSV injection). Numbers stay numbers. The byte order
mark makes Excel read the Vietnamese text as UTF-8.
"""

import csv

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """``value`` as a spreadsheet shows it as text: a text cell that a spreadsheet would run gets a quote."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows go through ``safe_cell``."""

    def __init__(self, fileobj, **kwargs):
        self._writer = csv.writer(fileobj, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([safe_cell(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
