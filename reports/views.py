"""The public statistics page ``/thong-ke/`` and the same figures as CSV and JSON.

Views stay thin (HOUSE_STYLE §9): ``PeriodForm`` reads the period from the
query string (``ky`` = a preset, or ``tu``/``den`` = dates), and
``reports.statistics.figures_for`` gives the (cached) figures. Only counts
are shown: no title, text, name or tracking code ever reaches these views.
"""

import datetime
import io
import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from feedback.forms import error_summary
from feedback.models import Feedback
from feedback.periods import Period, add_months, commune_zone
from home import communes
from home.spreadsheets import BOM, SafeWriter
from reports import statistics
from reports.statistics import DEFAULT_PRESET, MAX_MONTHS, preset_period

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"]
PRESET_LABELS = {
    "this-month": gettext_lazy("This month"),
    "3-months": gettext_lazy("Last 3 months"),
    "this-year": gettext_lazy("This year"),
    "12-months": gettext_lazy("Last 12 months"),
}
EARLIEST = datetime.date(2000, 1, 1)


class PeriodForm(forms.Form):
    """``?ky=this-month`` or ``?tu=2026-01-01&den=2026-03-31``; nothing: the last 12 months."""

    ky = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    tu = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        label=gettext_lazy("From date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("The start date is not a date: write it as dd/mm/yyyy.")},
    )
    den = forms.DateField(
        required=False,
        input_formats=DATE_FORMATS,
        label=gettext_lazy("To date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": gettext_lazy("The end date is not a date: write it as dd/mm/yyyy.")},
    )

    def __init__(self, data=None, today=None, **kwargs):
        super().__init__(data, **kwargs)
        self.today = today or timezone.localdate()
        # Anything later than next year is a typo (or a probe): refuse it before any date arithmetic.
        self.latest = datetime.date(self.today.year + 1, 12, 31)

    def _within_register(self, name):
        day = self.cleaned_data.get(name)
        if day is None:
            return day
        if day < EARLIEST:
            raise ValidationError(
                _("The register starts in %(year)s: choose a later date.") % {"year": EARLIEST.year},
                code="too_early",
            )
        if day > self.latest:
            raise ValidationError(
                _("Choose a date no later than %(date)s.") % {"date": self.latest.strftime("%d/%m/%Y")},
                code="too_late",
            )
        return day

    def clean_tu(self):
        return self._within_register("tu")

    def clean_den(self):
        return self._within_register("den")

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        start, end = data.get("tu"), data.get("den")
        preset = data.get("ky") or ""
        if preset and preset not in PRESET_LABELS:
            raise ValidationError(_("Choose one of the periods offered."), code="unknown_preset")
        if start is None and end is None:
            data["period"] = preset_period(preset or DEFAULT_PRESET, self.today)
            return data
        if end is None:
            end = max(start, self.today)
        if start is None:
            start = add_months(end.replace(day=1), -11)
        if start > end:
            raise ValidationError(_("The start date is after the end date."), code="reversed")
        if start < EARLIEST:
            raise ValidationError(
                _("The register starts in %(year)s: choose a later start date.") % {"year": EARLIEST.year},
                code="too_early",
            )
        if len(Period(start, end).months()) > MAX_MONTHS:
            raise ValidationError(
                _("Choose a period of at most %(years)s years.") % {"years": MAX_MONTHS // 12}, code="too_long"
            )
        data["period"] = Period(start, end)
        return data

    def error_list(self):
        return error_summary(self)


def _period_form(request):
    form = PeriodForm(request.GET or {})
    return form, (form.cleaned_data["period"] if form.is_valid() else None)


def _query(period):
    """The query string that asks for ``period`` again (for the CSV/JSON links)."""
    if period.preset:
        return f"ky={period.preset}"
    return f"tu={period.start.isoformat()}&den={period.end.isoformat()}"


def _labels():
    return {
        "channel": dict(Feedback.Channel.choices),
        "no_field": _("Not classified yet"),
        "no_department": _("Not forwarded yet"),
    }


def label_for(section, row, labels=None):
    """The label of a row in the active language."""
    labels = labels or _labels()
    if section == "month":
        return f"{row.key.month:02d}/{row.key.year}"
    if section == "channel":
        return str(labels["channel"].get(row.key, row.key))
    if section == "field" and row.key is None:
        return str(labels["no_field"])
    if section == "department" and row.key is None:
        return str(labels["no_department"])
    return row.label


def _section_titles():
    return {
        "commune": _("By commune"),
        "month": _("By month"),
        "field": _("By field of activity"),
        "department": _("By department"),
        "channel": _("By channel"),
        "source_tag": _("By QR poster"),
    }


@require_safe
def statistics_page(request):
    form, period = _period_form(request)
    context = {"form": form, "presets": PRESET_LABELS, "period": period}
    if not communes.is_single_commune():
        context["province_url"] = reverse("statistics:province") + (f"?{_query(period)}" if period else "")
    if period is None:
        return TemplateResponse(request, "reports/statistics.html", context, status=400)
    # The date inputs show the period shown, whether it came from a preset or from dates.
    context["form"] = PeriodForm(initial={"tu": period.start, "den": period.end})
    try:
        figures = statistics.figures_for(period, statistics.site_for_request(request))
    except statistics.Busy:
        context["busy_message"] = _busy_message()
        return _retry_later(TemplateResponse(request, "reports/statistics.html", context, status=503))
    labels = _labels()
    titles = _section_titles()
    sections = []
    for name, rows in figures.sections():
        for row in rows:
            row.display = label_for(name, row, labels)
        sections.append({"name": name, "title": titles[name], "rows": rows})
    context.update(
        {
            "figures": figures,
            "sections": sections,
            "query": _query(period),
            "min_source_items": statistics.MIN_SOURCE_TAG_ITEMS,
        }
    )
    return TemplateResponse(request, "reports/statistics.html", context)


# --- The province: every commune's figures and the roll-up ---


def _province_figures(request, content_type=None):
    """(form, period, figures, None), or the 404/400/503 answer: one commune's install has no province page."""
    if communes.is_single_commune():
        raise Http404("One commune: its statistics are the whole install's")
    form, period = _period_form(request)
    if period is None:
        return form, None, None, (_bad_period(form, content_type) if content_type else None)
    try:
        return form, period, statistics.figures_for(period, None), None
    except statistics.Busy:
        return form, period, None, (_busy(content_type) if content_type else None)


@require_safe
def province_page(request):
    """Each commune's figures side by side, and the province's roll-up (the same definitions summed)."""
    form, period, figures, _refusal = _province_figures(request)
    context = {"form": form, "presets": PRESET_LABELS, "period": period}
    if period is None:
        return TemplateResponse(request, "reports/province.html", context, status=400)
    context["form"] = PeriodForm(initial={"tu": period.start, "den": period.end})
    if figures is None:
        context["busy_message"] = _busy_message()
        return _retry_later(TemplateResponse(request, "reports/province.html", context, status=503))
    for row in figures.communes:
        row.display = row.label
    context.update(
        {
            "figures": figures,
            "section": {"name": "commune", "title": _section_titles()["commune"], "rows": figures.communes},
            "query": _query(period),
        }
    )
    return TemplateResponse(request, "reports/province.html", context)


def _province_rows(figures):
    """(section, key, label, Row): the roll-up first, then each commune (keyed by its host name)."""
    yield "total", "", _("Whole province"), figures.totals
    for row in figures.communes:
        yield "commune", row.key, row.label, row


@require_safe
def province_csv(request):
    _form, period, figures, refusal = _province_figures(request, "csv")
    if refusal is not None:
        return refusal
    return _csv_response(_province_rows(figures), period, prefix="thong-ke-toan-tinh")


@require_safe
def province_json(request):
    _form, period, figures, refusal = _province_figures(request, "json")
    if refusal is not None:
        return refusal
    data = {
        "period": {"from": period.start, "to": period.end, "time_zone": str(commune_zone())},
        "computed_at": figures.computed_at,
        "definitions": _definitions(),
        "totals": _public(figures.totals.as_dict(), "", _("Whole province")),
        "by_commune": [_public(row.as_dict(), row.key, row.label) for row in figures.communes],
    }
    return _json_response(data, period, prefix="thong-ke-toan-tinh")


# --- Open data ---

COLUMNS = (
    "received",
    "resolved",
    "with_due_date",
    "on_time",
    "on_time_percent",
    "mean_days",
    "median_days",
    "p90_days",
    "rating_average",
    "rating_count",
)


def _headings():
    return {
        "section": _("Breakdown"),
        "key": _("Key"),
        "label": _("Label"),
        "received": _("Received"),
        "resolved": _("Resolved"),
        "with_due_date": _("Resolved with a due date"),
        "on_time": _("Resolved on time"),
        "on_time_percent": _("On time (%)"),
        "mean_days": _("Average days to answer"),
        "median_days": _("Median days to answer"),
        "p90_days": _("90th percentile of days to answer"),
        "rating_average": _("Average rating (1–5)"),
        "rating_count": _("Ratings"),
    }


def _open_rows(figures):
    """(section, key, label, Row) of every row, the totals first."""
    labels = _labels()
    yield "total", "", _("Whole period"), figures.totals
    for name, rows in figures.sections():
        for row in rows:
            key = row.key.strftime("%Y-%m") if name == "month" else row.key
            yield name, "" if key is None else key, label_for(name, row, labels), row


def _filename(period, extension, prefix="thong-ke-gop-y"):
    return f"{prefix}_{period.start.isoformat()}_{period.end.isoformat()}.{extension}"


def _bad_period(form, content_type):
    messages = [str(message) for _anchor, message in form.error_list()]
    if content_type == "json":
        return JsonResponse({"errors": messages}, status=400, json_dumps_params={"ensure_ascii": False})
    return HttpResponse("\n".join(messages), status=400, content_type="text/plain; charset=utf-8")


def _busy_message():
    return _(
        "Figures for other dates are being computed right now. Try again in a minute, or choose one of the "
        "periods offered (their figures are ready)."
    )


def _retry_later(response):
    response["Retry-After"] = str(statistics.BUSY_RETRY_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _busy(content_type):
    if content_type == "json":
        response = JsonResponse({"errors": [_busy_message()]}, status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(_busy_message(), status=503, content_type="text/plain; charset=utf-8")
    return _retry_later(response)


def _open_data_headers(response, period, extension, prefix="thong-ke-gop-y"):
    disposition = "attachment" if extension == "csv" else "inline"  # JSON: readable in the browser and by scripts
    response["Content-Disposition"] = f'{disposition}; filename="{_filename(period, extension, prefix)}"'
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = f"public, max-age={statistics.CACHE_SECONDS}"
    return response


def _open_data_figures(request, content_type):
    """(period, figures, None), or (None, None, the 400/503 answer in ``content_type``)."""
    form, period = _period_form(request)
    if period is None:
        return None, None, _bad_period(form, content_type)
    try:
        return period, statistics.figures_for(period, statistics.site_for_request(request)), None
    except statistics.Busy:
        return None, None, _busy(content_type)


@require_safe
def statistics_csv(request):
    period, figures, refusal = _open_data_figures(request, "csv")
    if refusal is not None:
        return refusal
    return _csv_response(_open_rows(figures), period)


def _csv_response(rows, period, prefix="thong-ke-gop-y"):
    """The open-data spreadsheet of ``rows`` ((section, key, label, Row)): UTF-8 with a BOM, formula-safe."""
    headings = _headings()
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = SafeWriter(buffer)
    writer.writerow([headings[name] for name in ("section", "key", "label", *COLUMNS)])
    for section, key, label, row in rows:
        data = row.as_dict()
        writer.writerow([section, str(key), label, *("" if data[c] is None else data[c] for c in COLUMNS)])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    return _open_data_headers(response, period, "csv", prefix)


def _json_response(data, period, prefix="thong-ke-gop-y"):
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=1),
        content_type="application/json; charset=utf-8",
    )
    return _open_data_headers(response, period, "json", prefix)


@require_safe
def statistics_json(request):
    period, figures, refusal = _open_data_figures(request, "json")
    if refusal is not None:
        return refusal
    data = {
        "period": {"from": period.start, "to": period.end, "time_zone": str(commune_zone())},
        "computed_at": figures.computed_at,
        "definitions": _definitions(),
        "totals": _public(figures.totals.as_dict(), "", _("Whole period")),
    }
    sections = {}
    for section, key, label, row in _open_rows(figures):
        if section != "total":
            sections.setdefault(f"by_{section}", []).append(_public(row.as_dict(), key, label))
    for name, _rows in figures.sections():
        data[f"by_{name}"] = sections.get(f"by_{name}", [])
    return _json_response(data, period)


def _definitions():
    return {
        "received": _("Items received in the period, except rejected ones (spam, invalid, duplicate)."),
        "resolved": _("Items whose answer the commune approved in the period, counted at the last approval."),
        "on_time_percent": _(
            "Resolved items answered on or before their due date, as a percentage of those with a due date."
        ),
        "median_days": _("Median of the days from receipt to answer (linear interpolation)."),
        "p90_days": _("90th percentile of the days from receipt to answer (linear interpolation)."),
        "rating_average": _("Average of the ratings (1–5) citizens gave in the period, reopening ones included."),
        "source_tag": _("QR posters with at least %(count)s items in the period.")
        % {"count": statistics.MIN_SOURCE_TAG_ITEMS},
        "by_commune": _(
            "The province's figures count every commune's items, by the same definitions as each commune's."
        ),
    }


def _public(data, key, label):
    """Only the published columns, with the key and label first."""
    return {"key": key, "label": label, **{name: data[name] for name in COLUMNS}}
