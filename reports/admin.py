"""The leaders' summaries in the Wagtail admin: the list, one summary, its downloads, and building one by hand.

Reading needs ``reports.view_weeklysummary``, building ``reports.add_weeklysummary``
(the chairman, the leaders and the office: migration ``feedback/0005``).
Anyone else signed in to the admin gets the 403 page; anonymous visitors the
admin login (Wagtail's ``require_admin_access`` on every admin URL).
The figures come from ``reports/summary.py``; the views only read and show them.
Downloads hold figures, and tracking codes and titles of items, never a sender's identity.
"""

import io

from django import forms
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, NumberColumn, TitleColumn
from wagtail.admin.widgets import AdminDateInput, HeaderButton

from feedback.admin.views import forbidden
from home import communes
from home.dates import DayFirstDateField
from home.listings import ListingView
from home.spreadsheets import BOM, SafeWriter
from reports.models import WeeklySummary
from reports.summary import build_custom_summary, display_data

VIEW_PERMISSION = "reports.view_weeklysummary"
ADD_PERMISSION = "reports.add_weeklysummary"


def can_view(user):
    return bool(user.is_authenticated and user.is_active and user.has_perm(VIEW_PERMISSION))


def can_build(user):
    return bool(user.is_authenticated and user.is_active and user.has_perm(ADD_PERMISSION))


def _d(value):
    return date_format(value, "d/m/Y") if value else ""


def csv_rows(summary):
    """The summary as spreadsheet rows: one section after another, a header row each."""
    data = display_data(summary.data)
    yield [_("Leaders' weekly summary of citizen feedback"), _d(data["start"]), _d(data["end"])]
    yield [_("Late items as of"), _d(data["as_of"])]
    yield []
    yield [_("Figure"), _("Value")]
    yield [_("New feedback received"), data["new"]]
    for row in data["by_kind"]:
        yield [f"  {row['label']}", row["count"]]
    yield [_("Resolved (answer approved)"), data["resolved"]]
    yield [_("Ratings given"), data["rating_count"]]
    yield [_("Average rating (out of 5)"), data["rating_average"] if data["rating_average"] is not None else ""]
    yield [_("Late now"), data["overdue"]]
    yield []
    yield [_("Late by department")]
    yield [_("Department"), _("Late items"), _("Tracking code"), _("Title"), _("Due date"), _("Working days late")]
    for department in data["departments"]:
        yield [department["name"], department["count"]]
        for item in department["oldest"]:
            yield ["", "", item["tracking_code"], item["title"], _d(item["due_date"]), item["days_late"]]
    yield []
    yield [_("Notable")]
    yield [_("Reports of misconduct received"), data["misconduct_total"]]
    for item in data["misconduct"]:
        yield ["", item["tracking_code"], item["title"], _d(item["received"])]
    yield [_("Reopened by citizens"), data["reopened_total"]]
    for item in data["reopened"]:
        yield ["", item["tracking_code"], item["title"]]
    yield [_("Late past the escalation threshold"), data["escalated_total"]]
    for item in data["escalated"]:
        yield ["", item["tracking_code"], item["title"], item["department"], _d(item["due_date"]), item["days_late"]]


def summary_csv(summary):
    """CSV text with a byte-order mark, so that Excel reads the Vietnamese correctly."""
    buffer = io.StringIO()
    SafeWriter(buffer).writerows(csv_rows(summary))  # titles come from citizens: no formulas
    return BOM + buffer.getvalue()


def download_name(summary, extension):
    return f"bao-cao-phan-anh-{summary.period_start:%Y-%m-%d}-{summary.period_end:%Y-%m-%d}.{extension}"


# --- The form ---


def one_year_after(day):
    """The same date a year later (29 February → 1 March): the first day a range from ``day`` may not reach."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, month=3, day=1)


class SummaryRangeForm(forms.Form):
    start = DayFirstDateField(label=gettext_lazy("From date"), widget=AdminDateInput)
    end = DayFirstDateField(label=gettext_lazy("To (included)"), widget=AdminDateInput)

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", _("The end date is before the start date."))
            elif end >= one_year_after(start):
                self.add_error("end", _("A summary covers at most one year: choose a shorter range."))
        return cleaned


# --- Views ---


def _page(request, template, context):
    response = TemplateResponse(request, f"reports/summaries/{template}", context)
    response["Cache-Control"] = "private, no-store"
    return response


def builder_name(user):
    return (user.get_full_name() or user.get_username()) if user else ""


def built_text(summary):
    """ "11/05/2026 07:00 · Nguyễn Văn An": when, and by whom when built by hand."""
    when = date_format(timezone.localtime(summary.created_at), "d/m/Y H:i")
    return f"{when} · {builder_name(summary.created_by)}" if summary.created_by else when


class SummaryIndexView(ListingView):
    """Every stored summary, newest period first; pages and downloads by Wagtail."""

    template_name = "reports/summaries/index.html"
    page_title = gettext_lazy("Leaders' summaries")
    header_icon = "doc-full"
    index_url_name = "feedback_summaries:index"
    default_ordering = "-period_end"
    permission_policy = None  # can_view decides
    columns = [
        TitleColumn(
            "__str__", label=gettext_lazy("Period"), url_name="feedback_summaries:detail", sort_key="period_end"
        ),
        Column("kind", label=gettext_lazy("Kind"), accessor="get_kind_display"),
        NumberColumn("new_total", label=gettext_lazy("New items")),
        NumberColumn("resolved_total", label=gettext_lazy("Resolved")),
        NumberColumn("overdue_total", label=gettext_lazy("Late")),
        Column("created_at", label=gettext_lazy("Built"), accessor=built_text, sort_key="created_at"),
    ]
    list_export = [
        "period_start",
        "period_end",
        "get_kind_display",
        "new_total",
        "resolved_total",
        "overdue_total",
        "created_at",
        "created_by",
    ]
    export_headings = {
        "get_kind_display": gettext_lazy("Kind"),
        "new_total": gettext_lazy("New items"),
        "resolved_total": gettext_lazy("Resolved"),
        "overdue_total": gettext_lazy("Late"),
    }
    custom_field_preprocess = {
        "period_start": {ListingView.FORMAT_CSV: _d},
        "period_end": {ListingView.FORMAT_CSV: _d},
        "created_by": {ListingView.FORMAT_CSV: builder_name, ListingView.FORMAT_XLSX: builder_name},
    }

    def dispatch(self, request, *args, **kwargs):
        if not can_view(request.user):
            return forbidden(request)
        response = super().dispatch(request, *args, **kwargs)
        response["Cache-Control"] = "private, no-store"
        return response

    def order_queryset(self, queryset):
        """The chosen column, then the latest built: the same order on every page."""
        ties = [key for key in ("-created_at", "-pk") if key.lstrip("-") != self.ordering.lstrip("-")]
        return queryset.order_by(self.ordering, *ties)

    def get_header_buttons(self):
        if not can_build(self.request.user):
            return super().get_header_buttons()
        build = HeaderButton(
            gettext_lazy("Build a summary for a date range"),
            url=reverse("feedback_summaries:build"),
            icon_name="plus",
            attrs={"id": "summary-build-link"},
        )
        return [build, *super().get_header_buttons()]

    def get_base_queryset(self):
        return communes.restrict(WeeklySummary.objects.select_related("created_by"), self.request.user)

    @property
    def no_results_message(self):
        return _("No summary has been built yet.")

    def get_filename(self):
        return f"bao-cao-phan-anh-danh-sach-{timezone.localdate():%Y-%m-%d}"


def summary_detail(request, pk):
    if not can_view(request.user):
        return forbidden(request)
    summary = get_object_or_404(
        communes.restrict(WeeklySummary.objects.select_related("created_by"), request.user), pk=pk
    )
    return _page(
        request,
        "detail.html",
        {
            "page_title": _("Summary %(period)s") % {"period": summary},
            "summary": summary,
            "data": display_data(summary.data),
            "index_url": reverse("feedback_summaries:index"),
        },
    )


def summary_download(request, pk, fmt):
    if not can_view(request.user):
        return forbidden(request)
    summary = get_object_or_404(communes.restrict(WeeklySummary.objects.all(), request.user), pk=pk)
    if fmt == "csv":
        response = HttpResponse(summary_csv(summary), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{download_name(summary, "csv")}"'
    elif fmt == "html":
        response = TemplateResponse(
            request,
            "reports/summaries/print.html",
            {"summary": summary, "data": display_data(summary.data), "printed": timezone.localtime()},
        )
    else:
        raise Http404
    response["Cache-Control"] = "private, no-store"
    return response


def summary_build(request):
    if not can_build(request.user):
        return forbidden(request)
    form = SummaryRangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        summary = build_custom_summary(
            form.cleaned_data["start"],
            form.cleaned_data["end"],
            request.user,
            site_id=communes.home_commune(request.user, request),
        )
        messages.success(request, _("Summary %(period)s built.") % {"period": summary})
        return redirect("feedback_summaries:detail", pk=summary.pk)
    return _page(
        request,
        "build.html",
        {"page_title": _("Build a summary"), "form": form, "index_url": reverse("feedback_summaries:index")},
    )


urlpatterns = [
    path("", SummaryIndexView.as_view(), name="index"),
    path("build/", summary_build, name="build"),
    path("<int:pk>/", summary_detail, name="detail"),
    path("<int:pk>/download/<slug:fmt>/", summary_download, name="download"),
]
