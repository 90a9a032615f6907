"""CSV files staff and visitors open in a spreadsheet: one writer, one formula guard.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return hides such a
character from a naive check: titles, names and tags come from citizens and
editors, so every text cell that starts with one of them gets a leading
quote (OWASP's advice on CSV injection). Numbers stay numbers. The byte order
mark makes Excel read the Vietnamese text as UTF-8.
"""

import csv

from django.utils import translation

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


class SafeExportMixin:
    """For Wagtail's ``SpreadsheetExportMixin`` views: the same guard on their CSV, and the BOM.

    Wagtail already stores XLSX text cells as text; its CSV writes them as they are.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return safe_cell(value) if export_format == self.FORMAT_CSV else value

    def stream_csv(self, queryset):
        # The response streams after the view has returned and the user's admin
        # language is no longer active: the headings keep it.
        rows = super().stream_csv(queryset)
        language = translation.get_language()

        def stream():
            yield BOM
            with translation.override(language):
                yield from rows

        return stream()
