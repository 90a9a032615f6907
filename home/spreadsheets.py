"""CSV files staff and visitors open in a spreadsheet: one writer, one formula guard.

Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and a leading tab or carriage return hides such a
character from a naive check: titles, names and tags come from citizens and
editors, so every text cell that starts with one of them gets a leading
quote (OWASP's advice on CSV injection). Numbers stay numbers. The byte order
mark makes Excel read the Vietnamese text as UTF-8.

Admin listings built on Wagtail's ``ReportView`` (its ``SpreadsheetExportMixin``)
add ``SafeExportMixin``: Wagtail writes its CSV cells as they are.
"""

import csv

from django.utils import timezone, translation

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
    """For a view with Wagtail's ``SpreadsheetExportMixin``: its CSV download goes through ``safe_cell``.

    Wagtail writes CSV cells as they are; its XLSX already keeps a cell that starts with ``=`` as text
    (and a spreadsheet never runs a text cell), so XLSX cells are left alone. The CSV also gets the byte
    order mark and a charset, like every other CSV of the portal, and is written in the admin user's
    language and time zone (Wagtail streams it after the view has returned, outside them).
    Put it before the Wagtail view class.
    """

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return safe_cell(value) if export_format == self.FORMAT_CSV else value

    def stream_csv(self, queryset):
        yield BOM.encode("utf-8")
        yield from super().stream_csv(queryset)

    def write_csv_response(self, queryset):
        response = super().write_csv_response(queryset)
        response["Content-Type"] = "text/csv; charset=utf-8"
        response.streaming_content = in_current_locale(response.streaming_content)
        return response


def in_current_locale(chunks):
    """``chunks``, each one made in the language and time zone active now, whenever it is read."""
    language, zone = translation.get_language(), timezone.get_current_timezone()
    chunks = iter(chunks)

    def localized():
        while True:
            with translation.override(language), timezone.override(zone):
                chunk = next(chunks, None)
            if chunk is None:
                return
            yield chunk

    return localized()
