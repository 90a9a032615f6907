"""The base of the portal's admin listings: Wagtail's report view, its table, filters and export.

Every admin list of the portal (incomplete procedures, QR posters, search
queries, leaders' summaries) is a :class:`ListingView`: Wagtail draws the
table, the filters, the pagination and the "Download XLSX/CSV" buttons; a
view names its columns, its filter set and what it exports. Rows can carry
attributes (a state class, a ``data-`` code) through :meth:`ListingView.get_row_attrs`.
"""

import datetime

from django.utils import timezone
from django.utils.formats import date_format

from wagtail.admin.ui.tables import Table
from wagtail.admin.views.reports import ReportView

from home.spreadsheets import SafeExportMixin


class ListingTable(Table):
    """A Wagtail table whose rows take their attributes from ``row_attrs(instance)``."""

    def __init__(self, *args, row_attrs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_attrs = row_attrs

    def get_row_attrs(self, instance):
        attrs = super().get_row_attrs(instance)
        if self.row_attrs is not None:
            attrs.update(self.row_attrs(instance))
        return attrs


class ListingView(SafeExportMixin, ReportView):
    """A Wagtail report whose CSV is safe to open in a spreadsheet."""

    table_class = ListingTable
    # Times in the commune's time zone: Wagtail writes XLSX times in UTC and CSV ones with their offset.
    custom_value_preprocess = {
        **ReportView.custom_value_preprocess,
        datetime.datetime: {
            ReportView.FORMAT_XLSX: lambda value: timezone.make_naive(value) if timezone.is_aware(value) else value,
            ReportView.FORMAT_CSV: lambda value: date_format(timezone.localtime(value), "d/m/Y H:i"),
        },
    }

    def get_row_attrs(self, instance):
        return {}

    def get_filtered_queryset(self):
        # Wagtail's report filters what get_queryset has already filtered; a
        # listing that sorts or computes its rows in Python returns a list.
        return self.get_queryset()

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "row_attrs": self.get_row_attrs}
